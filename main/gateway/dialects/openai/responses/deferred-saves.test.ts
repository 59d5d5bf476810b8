// Deferred saves on a real SQLite file: nothing is written on the request's path, the saves of one turn go in one
// transaction, every read of the store (previous_response_id, item_reference) first writes what is pending, and a
// failed batch loses only the entry that cannot be written.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openDatabase, type LedgerDatabase } from '../../../../ledger/database.js';
import { migrate } from '../../../../ledger/migrations/index.js';
import { ResponseStore, type StoredResponse } from '../../../../ledger/response-store.js';
import { tempDir, type TempDir } from '../../../../ledger/test-support/fixtures.js';
import { saveLater, savedNow } from './deferred-saves.js';
import { resolveInput } from './resolve-input.js';
import { validateResponsesRequest } from './schema.js';

let directory: TempDir | undefined;
let database: LedgerDatabase | undefined;

afterEach(() => {
  database?.close();
  database = undefined;
  directory?.remove();
  directory = undefined;
});

function store(): ResponseStore {
  directory = tempDir();
  database = openDatabase(directory.file('ledger.sqlite'));
  migrate(database);
  return new ResponseStore(database);
}

function turn(id: string, previous: string | null = null): StoredResponse {
  return {
    id,
    createdAt: Date.now(),
    clientTokenName: 'editor',
    previousResponseId: previous,
    providerId: 'mock',
    model: 'gpt-4.1',
    inputItems: [{ id: `msg_in_${id}`, type: 'message', role: 'user', content: `question ${id}` }],
    response: { id, object: 'response', output: [{ id: `msg_out_${id}`, type: 'message', role: 'assistant', content: `answer ${id}` }] },
  };
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('deferred saves', () => {
  it('writes nothing on the request path, then the turn’s saves in one transaction', async () => {
    const responses = store();
    const saveAll = vi.spyOn(responses, 'saveAll');
    saveLater(responses, () => turn('resp_a'));
    saveLater(responses, () => turn('resp_b'));
    expect(saveAll).not.toHaveBeenCalled();
    expect(database?.prepare('SELECT count(*) AS n FROM stored_responses').get()).toEqual({ n: 0 });
    await nextTurn();
    expect(saveAll).toHaveBeenCalledTimes(1);
    expect(saveAll.mock.calls[0]?.[0].map((entry) => entry.id)).toEqual(['resp_a', 'resp_b']);
    expect(responses.get('resp_b', 'editor')?.response['object']).toBe('response');
  });

  it('previous_response_id and item_reference find a response saved a moment ago, before its turn is over', () => {
    const responses = store();
    saveLater(responses, () => turn('resp_1'));
    const request = validateResponsesRequest({
      model: 'gpt-4.1',
      previous_response_id: 'resp_1',
      input: [{ type: 'item_reference', id: 'msg_out_resp_1' }],
    });
    const resolved = resolveInput(request, responses, 'editor');
    expect(resolved.items.map((item) => (item as { id?: string }).id)).toEqual(['msg_in_resp_1', 'msg_out_resp_1', 'msg_out_resp_1']);
  });

  it('a batch that fails is written entry by entry: only the entry that cannot be written is lost', async () => {
    const responses = store();
    vi.spyOn(responses, 'saveAll').mockImplementation(() => {
      throw new Error('disk I/O error');
    });
    const save = responses.save.bind(responses);
    vi.spyOn(responses, 'save').mockImplementation((entry) => {
      if (entry.id === 'resp_bad') throw new Error('disk I/O error');
      save(entry);
    });
    saveLater(responses, () => turn('resp_ok'));
    saveLater(responses, () => turn('resp_bad'));
    saveLater(responses, () => {
      throw new SyntaxError('a native answer that is not JSON');
    });
    saveLater(responses, () => turn('resp_ok2'));
    await nextTurn();
    expect(responses.get('resp_ok', 'editor')).toBeDefined();
    expect(responses.get('resp_bad', 'editor')).toBeUndefined();
    expect(responses.get('resp_ok2', 'editor')).toBeDefined();
  });

  it('savedNow on a store with nothing pending, or no store, does nothing', () => {
    const responses = store();
    const saveAll = vi.spyOn(responses, 'saveAll');
    savedNow(responses);
    savedNow(undefined);
    expect(saveAll).not.toHaveBeenCalled();
  });
});
