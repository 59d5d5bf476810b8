// Deferred saves on a real ledger file: nothing is saved on the request's path, the saves of one turn are made
// together and written by the ledger's writer in one batch, every read of the store (previous_response_id,
// item_reference) first saves what is pending, and an entry that cannot be made or saved loses only itself.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Ledger } from '../../../../ledger/ledger.js';
import { ResponseStore, type StoredResponse } from '../../../../ledger/response-store.js';
import { SqliteResponseStorage } from '../../../../ledger/sqlite-response-storage.js';
import { tempDir, until, type TempDir } from '../../../../ledger/test-support/fixtures.js';
import { saveLater, savedNow } from './deferred-saves.js';
import { resolveInput } from './resolve-input.js';
import { validateResponsesRequest } from './schema.js';

let directory: TempDir | undefined;
let ledger: Ledger | undefined;

afterEach(async () => {
  await ledger?.close();
  ledger = undefined;
  directory?.remove();
  directory = undefined;
});

function store(): ResponseStore {
  directory = tempDir();
  ledger = Ledger.open({ path: directory.file('ledger.sqlite'), flushIntervalMs: 5 });
  return new ResponseStore(new SqliteResponseStorage(ledger));
}

const count = (): unknown => ledger?.database.prepare('SELECT count(*) AS n FROM stored_responses').get();

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
  it('saves nothing on the request path, then the turn’s saves together, written by the ledger’s writer', async () => {
    const responses = store();
    const saveAll = vi.spyOn(responses, 'saveAll');
    saveLater(responses, () => turn('resp_a'));
    saveLater(responses, () => turn('resp_b'));
    expect(saveAll).not.toHaveBeenCalled();
    expect(count()).toEqual({ n: 0 });
    await nextTurn();
    expect(saveAll).toHaveBeenCalledTimes(1);
    expect(saveAll.mock.calls[0]?.[0].map((entry) => entry.id)).toEqual(['resp_a', 'resp_b']);
    expect((await responses.get('resp_b', 'editor'))?.response['object']).toBe('response');
    await until(() => responses.pendingCount === 0, 3_000, 'the ledger writer to commit the saves');
    expect(count()).toEqual({ n: 2 });
    expect((await responses.get('resp_b', 'editor'))?.response['object']).toBe('response');
  });

  it('previous_response_id and item_reference find a response saved a moment ago, before its turn is over', async () => {
    const responses = store();
    saveLater(responses, () => turn('resp_1'));
    const request = validateResponsesRequest({
      model: 'gpt-4.1',
      previous_response_id: 'resp_1',
      input: [{ type: 'item_reference', id: 'msg_out_resp_1' }],
    });
    const resolved = await resolveInput(request, responses, 'editor');
    expect(resolved.items.map((item) => (item as { id?: string }).id)).toEqual(['msg_in_resp_1', 'msg_out_resp_1', 'msg_out_resp_1']);
  });

  it('an entry that cannot be made or saved is lost alone: the others are saved', async () => {
    const responses = store();
    vi.spyOn(responses, 'saveAll').mockImplementation(() => {
      throw new Error('a value JSON cannot hold');
    });
    const save = responses.save.bind(responses);
    vi.spyOn(responses, 'save').mockImplementation((entry) => {
      if (entry.id === 'resp_bad') throw new Error('a value JSON cannot hold');
      save(entry);
    });
    saveLater(responses, () => turn('resp_ok'));
    saveLater(responses, () => turn('resp_bad'));
    saveLater(responses, () => {
      throw new SyntaxError('a native answer that is not JSON');
    });
    saveLater(responses, () => turn('resp_ok2'));
    await nextTurn();
    await until(() => responses.pendingCount === 0, 3_000, 'the ledger writer to commit the saves');
    expect(await responses.get('resp_ok', 'editor')).toBeDefined();
    expect(await responses.get('resp_bad', 'editor')).toBeUndefined();
    expect(await responses.get('resp_ok2', 'editor')).toBeDefined();
  });

  it('savedNow on a store with nothing pending, or no store, does nothing', () => {
    const responses = store();
    const saveAll = vi.spyOn(responses, 'saveAll');
    savedNow(responses);
    savedNow(undefined);
    expect(saveAll).not.toHaveBeenCalled();
  });
});
