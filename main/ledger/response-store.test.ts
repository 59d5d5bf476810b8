// The stored responses on both storages — the ledger's SQLite file (written by the ledger's writer) and PostgreSQL
// (team mode) — through the same ResponseStore: conversations along previous_response_id, items by id, ownership by
// client token, expiry, deletion, redaction of registered secrets before anything is written, and reads that find a
// response saved a moment ago, before the storage has committed it. Needs `npm test` (it starts PostgreSQL).
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { registerSecret } from '../../shared/redact.js';
import { PostgresResponseStorage } from './postgres/response-storage.js';
import { ResponseStore, type StoredResponse } from './response-store.js';
import { SqliteResponseStorage } from './sqlite-response-storage.js';
import { openMigratedTestDatabase, openTestLedgerFile } from './test-support/backends.js';
import { until } from './test-support/fixtures.js';

interface Fixture {
  readonly store: ResponseStore;
  /** everything saved is committed */
  committed(): Promise<void>;
  /** the stored text as the database holds it, all of it */
  storedText(): Promise<string>;
  close(): Promise<void>;
}

interface Backend {
  readonly name: string;
  open(now: { value: number }): Promise<Fixture>;
}

const sqlite: Backend = {
  name: 'sqlite',
  async open(now) {
    // a long flush interval: nothing is written until the test says so, or the ledger's own batches would race it
    const { ledger, directory, close } = openTestLedgerFile();
    const store = new ResponseStore(new SqliteResponseStorage(ledger), 60_000, () => now.value);
    return {
      store,
      async committed() {
        expect(ledger.flush()).toBe(true);
        await until(() => store.pendingCount === 0, 3_000, 'the writer to report its commit');
      },
      async storedText() {
        ledger.database.pragma('wal_checkpoint(TRUNCATE)');
        return readFileSync(directory.file('ledger.sqlite')).toString('latin1');
      },
      close,
    };
  },
};

const postgres: Backend = {
  name: 'postgres',
  async open(now) {
    const { database, pool, close } = await openMigratedTestDatabase(1);
    const storage = await PostgresResponseStorage.open(database.url, { lookupRetriesMs: [] });
    const store = new ResponseStore(storage, 60_000, () => now.value);
    return {
      store,
      async committed() {
        await storage.settle();
        expect(store.pendingCount).toBe(0);
      },
      async storedText() {
        const { rows } = await pool.query<{ text: string }>(`SELECT string_agg(input_items || response, '') AS text FROM stored_responses`);
        return rows[0]?.text ?? '';
      },
      async close() {
        await storage.close();
        await close();
      },
    };
  },
};

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

let fixture: Fixture | undefined;

afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

describe.each([sqlite, postgres])('ResponseStore on $name', (backend) => {
  const open = async (now = { value: 1_000 }): Promise<ResponseStore> => {
    fixture = await backend.open(now);
    return fixture.store;
  };
  const committed = (): Promise<void> => (fixture as Fixture).committed();

  it('gives the whole conversation along previous_response_id, oldest turn first, inputs before outputs', async () => {
    const store = await open();
    store.save(turn('resp_1', null, 'first question', 'first answer'));
    store.save(turn('resp_2', 'resp_1', 'second question', 'second answer'));
    await committed();
    const texts = (await store.conversation('resp_2', 'editor'))?.map((item) => item['content']);
    expect(texts).toEqual(['first question', 'first answer', 'second question', 'second answer']);
    expect((await store.get('resp_2', 'editor'))?.response).toEqual(turn('resp_2', 'resp_1', '', 'second answer').response);
  });

  it('finds a response saved a moment ago, before it is committed, and a chain half committed, half not', async () => {
    const store = await open();
    store.save(turn('resp_1', null, 'q1', 'a1'));
    expect(store.pendingCount).toBe(1);
    expect((await store.get('resp_1', 'editor'))?.id).toBe('resp_1');
    expect(await store.item('msg_out_resp_1', 'editor')).toEqual(message('msg_out_resp_1', 'assistant', 'a1'));
    await committed();
    store.save(turn('resp_2', 'resp_1', 'q2', 'a2'));
    store.save(turn('resp_3', 'resp_2', 'q3', 'a3'));
    expect((await store.conversation('resp_3', 'editor'))?.map((item) => item['content'])).toEqual(['q1', 'a1', 'q2', 'a2', 'q3', 'a3']);
    await committed();
    expect(store.pendingCount).toBe(0);
    expect((await store.conversation('resp_3', 'editor'))?.map((item) => item['content'])).toEqual(['q1', 'a1', 'q2', 'a2', 'q3', 'a3']);
  });

  it('is each client token’s own: another client finds neither the response, its items nor its conversation', async () => {
    const store = await open();
    store.save(turn('resp_1', null, 'q', 'a'));
    for (const when of ['pending', 'committed']) {
      if (when === 'committed') await committed();
      expect(await store.get('resp_1', 'scripts'), when).toBeUndefined();
      expect(await store.get('resp_1', null), when).toBeUndefined();
      expect(await store.item('msg_out_resp_1', 'scripts'), when).toBeUndefined();
      expect(await store.conversation('resp_1', 'scripts'), when).toBeUndefined();
      expect(await store.delete('resp_1', 'scripts'), when).toBe(false);
      expect(await store.get('resp_1', 'editor'), when).toBeDefined();
    }
  });

  it('finds an input or output item by id (item_reference), and forgets it with its response', async () => {
    const store = await open();
    store.save(turn('resp_1', null, 'q', 'a'));
    await committed();
    expect(await store.item('msg_in_resp_1', 'editor')).toEqual(message('msg_in_resp_1', 'user', 'q'));
    expect(await store.item('msg_out_resp_1', 'editor')).toEqual(message('msg_out_resp_1', 'assistant', 'a'));
    expect(await store.delete('resp_1', 'editor')).toBe(true);
    expect(await store.item('msg_out_resp_1', 'editor')).toBeUndefined();
    expect(await store.get('resp_1', 'editor')).toBeUndefined();
  });

  it('deletes a response saved a moment ago for good: its queued write does not bring it back', async () => {
    const store = await open();
    store.save(turn('resp_1', null, 'q', 'a'));
    expect(await store.delete('resp_1', 'editor')).toBe(true);
    expect(await store.get('resp_1', 'editor')).toBeUndefined();
    await committed();
    expect(await store.get('resp_1', 'editor')).toBeUndefined();
    expect(await store.item('msg_in_resp_1', 'editor')).toBeUndefined();
  });

  it('a chain with a missing or expired link is no conversation at all (never a truncated one)', async () => {
    const now = { value: 1_000 };
    const store = await open(now);
    store.save(turn('resp_1', null, 'q1', 'a1'));
    store.save(turn('resp_2', 'resp_1', 'q2', 'a2', { createdAt: 50_000 }));
    await committed();
    expect(await store.conversation('resp_2', 'editor')).toHaveLength(4);
    expect(await store.conversation('resp_missing', 'editor')).toBeUndefined();
    now.value = 61_500; // resp_1 (stored at 1 000, 60 s retention) has expired, resp_2 has not
    expect(await store.get('resp_2', 'editor')).toBeDefined();
    expect(await store.conversation('resp_2', 'editor')).toBeUndefined();
    expect(await store.pruneExpired()).toBe(1);
    expect(await store.item('msg_in_resp_1', 'editor')).toBeUndefined();
    expect(await store.item('msg_in_resp_2', 'editor')).toBeDefined();
  });

  it('a chain that loops back on itself ends as not found instead of spinning', async () => {
    const store = await open();
    store.save(turn('resp_a', 'resp_b', 'q', 'a'));
    store.save(turn('resp_b', 'resp_a', 'q', 'a'));
    expect(await store.conversation('resp_a', 'editor')).toBeUndefined();
    await committed();
    expect(await store.conversation('resp_a', 'editor')).toBeUndefined();
  });

  it('writes registered secrets redacted, so the database never holds them, and reads them redacted at once', async () => {
    const secret = 'sk-CANARY-Zq81mN0pQ7-rS2tU4vW6xY8zA1bC3';
    registerSecret(secret);
    const store = await open();
    store.save(turn('resp_1', null, `my key is ${secret}`, `you said ${secret}`));
    const pending = JSON.stringify([await store.get('resp_1', 'editor'), await store.item('msg_in_resp_1', 'editor')]);
    expect(pending).not.toContain(secret.slice(6, 18));
    expect(pending).toContain('my key is');
    await committed();
    const stored = JSON.stringify([await store.get('resp_1', 'editor'), await store.item('msg_in_resp_1', 'editor')]);
    expect(stored).not.toContain(secret.slice(6, 18));
    const text = await (fixture as Fixture).storedText();
    expect(text).toContain('my key is');
    expect(text).not.toContain(secret.slice(0, 16));
    expect(text).not.toContain(secret.slice(20, 32));
  });

  it('keeps the JSON texts it is given as they are (the answer the client got): reads and item_reference find them, pending or committed', async () => {
    const secret = 'sk-CANARY-Tx93pL0qR7-mN2bV4cX6zA8sD1fG3';
    registerSecret(secret);
    const store = await open();
    // the key order and spacing a client got are kept: the text is stored, not the object serialised again
    const response = `{"id":"resp_t","object":"response","output":[{"id":"msg_out_t","type":"message","role":"assistant","content":"you said ${secret}"}], "usage":null}`;
    const inputItems = `[{"id":"msg_in_t","type":"message","role":"user","content":"my key is ${secret}"}]`;
    const texts = {
      id: 'resp_t',
      createdAt: 1_000,
      clientTokenName: 'editor',
      previousResponseId: null,
      providerId: 'mock',
      model: 'gpt-4.1',
      inputItems,
      response,
    };
    store.save({ ...texts, itemIds: ['msg_in_t', 'msg_out_t'] });
    // without the ids, the texts are read for them
    store.save({
      ...texts,
      id: 'resp_u',
      response: response.replace('resp_t', 'resp_u').replace('msg_out_t', 'msg_out_u'),
      inputItems: inputItems.replace('msg_in_t', 'msg_in_u'),
    });
    for (const when of ['pending', 'committed']) {
      if (when === 'committed') await committed();
      const got = await store.get('resp_t', 'editor');
      expect(got?.response, when).toEqual(JSON.parse(response.replaceAll(secret, '***')));
      expect(got?.inputItems, when).toEqual(JSON.parse(inputItems.replaceAll(secret, '***')));
      expect(await store.item('msg_in_t', 'editor'), when).toEqual(message('msg_in_t', 'user', 'my key is ***'));
      expect(await store.item('msg_out_u', 'editor'), when).toEqual(message('msg_out_u', 'assistant', 'you said ***'));
      expect(await store.item('msg_in_u', 'scripts'), when).toBeUndefined();
      expect(
        (await store.conversation('resp_u', 'editor'))?.map((item) => item['id']),
        when,
      ).toEqual(['msg_in_u', 'msg_out_u']);
    }
    const text = await (fixture as Fixture).storedText();
    expect(text).toContain(response.replaceAll(secret, '***'));
    expect(text).not.toContain(secret.slice(3, 15));
  });
});

describe('ResponseStore on sqlite, rows written before items were read from their response', () => {
  it('an item row that still holds its own text is read from it', async () => {
    const { ledger, close } = openTestLedgerFile();
    try {
      ledger.database
        .prepare(
          'INSERT INTO stored_responses (id, created_at, expires_at, client_token_name, previous_response_id, provider_id, model, input_items, response) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run('resp_old', 1_000, 61_000, 'editor', null, 'openai', 'gpt-4.1', '[]', JSON.stringify({ id: 'resp_old', output: [] }));
      ledger.database
        .prepare('INSERT INTO stored_response_items (item_id, response_id, item) VALUES (?, ?, ?)')
        .run('msg_old', 'resp_old', JSON.stringify(message('msg_old', 'user', 'kept in its own row')));
      const store = new ResponseStore(new SqliteResponseStorage(ledger), 60_000, () => 2_000);
      expect(await store.item('msg_old', 'editor')).toEqual(message('msg_old', 'user', 'kept in its own row'));
      expect(await store.item('msg_old', 'scripts')).toBeUndefined();
    } finally {
      await close();
    }
  });
});
