// The stored responses on a real SQLite file: conversations along previous_response_id, items by id, ownership by
// client token, expiry, deletion, and redaction of registered secrets before anything is written.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { registerSecret } from '../../shared/redact.js';
import { openDatabase, type LedgerDatabase } from './database.js';
import { migrate } from './migrations/index.js';
import { ResponseStore, type StoredResponse } from './response-store.js';
import { tempDir, type TempDir } from './test-support/fixtures.js';

let directory: TempDir | undefined;
let database: LedgerDatabase | undefined;

afterEach(() => {
  database?.close();
  database = undefined;
  directory?.remove();
  directory = undefined;
});

function storeAt(now: { value: number }): ResponseStore {
  directory = tempDir();
  database = openDatabase(directory.file('ledger.sqlite'));
  migrate(database);
  return new ResponseStore(database, 60_000, () => now.value);
}

const message = (id: string, role: string, text: string): Record<string, unknown> => ({ id, type: 'message', role, content: text });

function turn(id: string, previous: string | null, input: string, answer: string, overrides: Partial<StoredResponse> = {}): StoredResponse {
  return {
    id,
    createdAt: 1_000,
    clientTokenName: 'editor',
    previousResponseId: previous,
    providerId: 'openai',
    model: 'gpt-4.1',
    inputItems: [message(`msg_in_${id}`, 'user', input)],
    response: { id, object: 'response', output: [message(`msg_out_${id}`, 'assistant', answer)] },
    ...overrides,
  };
}

describe('ResponseStore', () => {
  it('gives the whole conversation along previous_response_id, oldest turn first, inputs before outputs', () => {
    const store = storeAt({ value: 1_000 });
    store.save(turn('resp_1', null, 'first question', 'first answer'));
    store.save(turn('resp_2', 'resp_1', 'second question', 'second answer'));
    const texts = store.conversation('resp_2', 'editor')?.map((item) => item['content']);
    expect(texts).toEqual(['first question', 'first answer', 'second question', 'second answer']);
    expect(store.get('resp_2', 'editor')?.response).toEqual(turn('resp_2', 'resp_1', '', 'second answer').response);
  });

  it('is each client token’s own: another client finds neither the response, its items nor its conversation', () => {
    const store = storeAt({ value: 1_000 });
    store.save(turn('resp_1', null, 'q', 'a'));
    expect(store.get('resp_1', 'scripts')).toBeUndefined();
    expect(store.get('resp_1', null)).toBeUndefined();
    expect(store.item('msg_out_resp_1', 'scripts')).toBeUndefined();
    expect(store.conversation('resp_1', 'scripts')).toBeUndefined();
    expect(store.delete('resp_1', 'scripts')).toBe(false);
    expect(store.get('resp_1', 'editor')).toBeDefined();
  });

  it('finds an input or output item by id (item_reference), and forgets it with its response', () => {
    const store = storeAt({ value: 1_000 });
    store.save(turn('resp_1', null, 'q', 'a'));
    expect(store.item('msg_in_resp_1', 'editor')).toEqual(message('msg_in_resp_1', 'user', 'q'));
    expect(store.item('msg_out_resp_1', 'editor')).toEqual(message('msg_out_resp_1', 'assistant', 'a'));
    expect(store.delete('resp_1', 'editor')).toBe(true);
    expect(store.item('msg_out_resp_1', 'editor')).toBeUndefined();
    expect(store.get('resp_1', 'editor')).toBeUndefined();
  });

  it('a chain with a missing or expired link is no conversation at all (never a truncated one)', () => {
    const now = { value: 1_000 };
    const store = storeAt(now);
    store.save(turn('resp_1', null, 'q1', 'a1'));
    store.save(turn('resp_2', 'resp_1', 'q2', 'a2', { createdAt: 50_000 }));
    expect(store.conversation('resp_2', 'editor')).toHaveLength(4);
    now.value = 61_500; // resp_1 (stored at 1 000, 60 s retention) has expired, resp_2 has not
    expect(store.get('resp_2', 'editor')).toBeDefined();
    expect(store.conversation('resp_2', 'editor')).toBeUndefined();
    expect(store.pruneExpired()).toBe(1);
    expect(store.item('msg_in_resp_1', 'editor')).toBeUndefined();
  });

  it('a chain that loops back on itself ends as not found instead of spinning', () => {
    const store = storeAt({ value: 1_000 });
    store.save(turn('resp_a', 'resp_b', 'q', 'a'));
    store.save(turn('resp_b', 'resp_a', 'q', 'a'));
    expect(store.conversation('resp_a', 'editor')).toBeUndefined();
  });

  it('writes registered secrets redacted, so the file never holds them', () => {
    const secret = 'sk-CANARY-response-store-0123456789abcdef';
    registerSecret(secret);
    const store = storeAt({ value: 1_000 });
    store.save(turn('resp_1', null, `my key is ${secret}`, `you said ${secret}`));
    const stored = JSON.stringify(store.get('resp_1', 'editor'));
    expect(stored).not.toContain(secret.slice(6, 18));
    database?.pragma('wal_checkpoint(TRUNCATE)');
    const bytes = readFileSync(directory?.file('ledger.sqlite') ?? '').toString('latin1');
    expect(bytes).not.toContain(secret.slice(0, 16));
  });
});
