// The client_tokens table's contract, one suite run against both implementations: SQLite's (the ledger file) and
// PostgreSQL's (team mode, against the real server `npm test` starts). Same rows, same uniqueness rules, same
// revoke semantics, last_used_at moved forward only.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientTokenTable, DuplicateDigestError, type ClientTokenRecords } from './client-token-table.js';
import { openDatabase } from './database.js';
import { migrate } from './migrations/index.js';
import { createPool, type Pool } from './postgres/client.js';
import { PostgresClientTokenTable } from './postgres/client-tokens.js';
import { migratePostgres } from './postgres/migrations.js';
import { tempDir, type TempDir } from './test-support/fixtures.js';
import { createTestDatabase, type TestDatabase } from './test-support/postgres-database.js';

interface TableFixture {
  readonly name: string;
  /** an empty table */
  open(): Promise<ClientTokenRecords>;
  close(): Promise<void>;
}

function sqliteFixture(): TableFixture {
  let directory: TempDir | undefined;
  const tables: ClientTokenTable[] = [];
  return {
    name: 'SQLite',
    async open() {
      directory ??= tempDir('switchyard-token-records-');
      const database = openDatabase(directory.file(`ledger-${tables.length}.sqlite`), { busyTimeoutMs: 1_000 });
      migrate(database);
      const table = new ClientTokenTable(database);
      tables.push(table);
      return table;
    },
    async close() {
      for (const table of tables.splice(0)) table.close();
      directory?.remove();
    },
  };
}

function postgresFixture(): TableFixture {
  let database: TestDatabase | undefined;
  let pool: Pool | undefined;
  return {
    name: 'PostgreSQL',
    async open() {
      if (!database || !pool) {
        database = await createTestDatabase();
        pool = await createPool({ url: database.url, max: 2 });
        await migratePostgres(pool);
      }
      await pool.query('DELETE FROM client_tokens');
      return new PostgresClientTokenTable(pool);
    },
    async close() {
      await pool?.end();
      await database?.drop();
    },
  };
}

const hashOf = (text: string): Buffer => createHash('sha256').update(text).digest();

describe.each([sqliteFixture(), postgresFixture()])('client_tokens in $name', (fixture) => {
  let table: ClientTokenRecords;
  beforeAll(async () => {
    table = await fixture.open();
  });
  afterAll(() => fixture.close());

  async function fresh(): Promise<ClientTokenRecords> {
    table = await fixture.open();
    return table;
  }

  it('creates a row, finds it by name with its digest, lists it, counts it active', async () => {
    const records = await fresh();
    expect(await records.createIfFree('editor', hashOf('a'), 'sy-…aaaa', 1_000)).toBe(true);
    expect(await records.byNameWithDigest('editor')).toEqual({
      name: 'editor',
      masked: 'sy-…aaaa',
      createdAt: 1_000,
      lastUsedAt: null,
      revokedAt: null,
      hash: hashOf('a'),
    });
    expect(await records.byNameWithDigest('other')).toBeUndefined();
    expect(await records.list()).toEqual([{ name: 'editor', masked: 'sy-…aaaa', createdAt: 1_000, lastUsedAt: null, revokedAt: null }]);
    expect(await records.activeCount()).toBe(1);
    expect(await records.activeDigests()).toEqual([{ name: 'editor', hash: hashOf('a') }]);
  });

  it('refuses a second unrevoked token of the same name, and keeps the first', async () => {
    const records = await fresh();
    expect(await records.createIfFree('editor', hashOf('a'), 'sy-…aaaa', 1_000)).toBe(true);
    expect(await records.createIfFree('editor', hashOf('b'), 'sy-…bbbb', 2_000)).toBe(false);
    expect((await records.byNameWithDigest('editor'))?.hash).toEqual(hashOf('a'));
  });

  it('refuses a digest another name holds, revoked or not, with the same error', async () => {
    const records = await fresh();
    await records.createIfFree('editor', hashOf('a'), 'sy-…aaaa', 1_000);
    await expect(Promise.resolve().then(() => records.createIfFree('other', hashOf('a'), 'sy-…aaaa', 2_000))).rejects.toThrow(DuplicateDigestError);
    await records.revoke('editor', 3_000);
    await expect(Promise.resolve().then(() => records.upsert('other', hashOf('a'), 'sy-…aaaa', 2_000))).rejects.toThrow(
      'that token is already stored under another name',
    );
    expect(await records.byNameWithDigest('other')).toBeUndefined();
  });

  it('revokes once: the row stays, out of the active set; a second revoke and an unknown name are false', async () => {
    const records = await fresh();
    await records.createIfFree('editor', hashOf('a'), 'sy-…aaaa', 1_000);
    await records.createIfFree('scripts', hashOf('s'), 'sy-…ssss', 1_000);
    expect(await records.revoke('editor', 5_000)).toBe(true);
    expect(await records.revoke('editor', 6_000)).toBe(false);
    expect(await records.revoke('nobody', 6_000)).toBe(false);
    expect((await records.byNameWithDigest('editor'))?.revokedAt).toBe(5_000);
    expect(await records.activeCount()).toBe(1);
    expect(await records.activeDigests()).toEqual([{ name: 'scripts', hash: hashOf('s') }]);
    expect(await records.revokedNames()).toEqual(['editor']);
  });

  it('gives a revoked name a new token (rotation): unrevoked, never used, new digest and time', async () => {
    const records = await fresh();
    await records.createIfFree('editor', hashOf('a'), 'sy-…aaaa', 1_000);
    await records.recordLastUsed([['editor', 4_000]]);
    await records.revoke('editor', 5_000);
    expect(await records.createIfFree('editor', hashOf('b'), 'sy-…bbbb', 6_000)).toBe(true);
    expect(await records.byNameWithDigest('editor')).toEqual({
      name: 'editor',
      masked: 'sy-…bbbb',
      createdAt: 6_000,
      lastUsedAt: null,
      revokedAt: null,
      hash: hashOf('b'),
    });
  });

  it('upsert replaces whatever the name had', async () => {
    const records = await fresh();
    await records.createIfFree('default', hashOf('a'), 'sy-…aaaa', 1_000);
    await records.upsert('default', hashOf('c'), 'sy-…cccc', 2_000);
    expect((await records.byNameWithDigest('default'))?.hash).toEqual(hashOf('c'));
    expect(await records.activeCount()).toBe(1);
  });

  it('moves last_used_at forward only, for every name in one batch, and ignores unknown names', async () => {
    const records = await fresh();
    await records.createIfFree('editor', hashOf('a'), 'sy-…aaaa', 1_000);
    await records.createIfFree('scripts', hashOf('s'), 'sy-…ssss', 1_000);
    await records.recordLastUsed([
      ['editor', 9_000],
      ['scripts', 3_000],
      ['nobody', 3_000],
    ]);
    await records.recordLastUsed([['editor', 7_000]]); // an older batch arriving late (another replica's)
    const used = Object.fromEntries((await records.list()).map((row) => [row.name, row.lastUsedAt]));
    expect(used).toEqual({ editor: 9_000, scripts: 3_000 });
  });

  it('lists in bytewise name order', async () => {
    const records = await fresh();
    for (const name of ['b', 'a.b', 'a-b', 'a_b', '0x', 'ab']) await records.createIfFree(name, hashOf(name), 'sy-…xxxx', 1_000);
    expect((await records.list()).map((row) => row.name)).toEqual(['0x', 'a-b', 'a.b', 'a_b', 'ab', 'b']);
  });
});
