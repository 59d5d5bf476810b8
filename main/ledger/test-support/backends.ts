// The ledger's two backends for one test suite run against both (describe.each): the SQLite file and a PostgreSQL
// database of the test file's own. Each fixture writes through the real write path and reads through LedgerReads.
// Below them, what suites of other interfaces on both backends open: a ledger file, and a migrated database.
import type { LedgerReads, RequestLedger } from '../ledger-backend.js';
import { Ledger } from '../ledger.js';
import { createPool, type Pool } from '../postgres/client.js';
import { PostgresLedger } from '../postgres/ledger.js';
import { migratePostgres } from '../postgres/migrations.js';
import { recoverInterrupted } from '../request-store.js';
import { sqliteReads } from '../sqlite-reads.js';
import type { RequestStart } from '../types.js';
import { tempDir, type TempDir } from './fixtures.js';
import { createTestDatabase, type TestDatabase } from './postgres-database.js';

export interface BackendFixture {
  readonly ledger: RequestLedger;
  readonly reads: LedgerReads;
  /** Writes these requests' in-flight rows and leaves them as a process that died would: 'interrupted'. */
  leaveInterrupted(records: readonly RequestStart[]): Promise<void>;
  close(): Promise<void>;
}

export interface LedgerBackend {
  readonly name: 'sqlite' | 'postgres';
  open(options?: { readonly flushIntervalMs?: number }): Promise<BackendFixture>;
}

const sqlite: LedgerBackend = {
  name: 'sqlite',
  async open(options = {}) {
    const { ledger, close } = openTestLedgerFile(options.flushIntervalMs);
    return {
      ledger,
      reads: sqliteReads(ledger.database),
      async leaveInterrupted(records) {
        for (const record of records) ledger.begin(record);
        ledger.flush();
        recoverInterrupted(ledger.database);
      },
      close,
    };
  },
};

const postgres: LedgerBackend = {
  name: 'postgres',
  async open(options = {}) {
    const database = await createTestDatabase();
    const ledger = await PostgresLedger.open({ url: database.url, flushIntervalMs: options.flushIntervalMs ?? 60_000, instanceId: 'test-main' });
    return {
      ledger,
      reads: ledger.reads,
      async leaveInterrupted(records) {
        // another replica writes them in flight and stops: its close marks its own rows interrupted
        const other = await PostgresLedger.open({ url: database.url, flushIntervalMs: 60_000, instanceId: 'test-gone' });
        for (const record of records) other.begin(record);
        await other.flush();
        await other.close();
      },
      async close() {
        await ledger.close();
        await database.drop();
      },
    };
  },
};

export const ledgerBackends: readonly LedgerBackend[] = [sqlite, postgres];

export interface TestLedgerFile {
  readonly ledger: Ledger;
  readonly directory: TempDir;
  close(): Promise<void>;
}

/**
 * A ledger file in a folder of its own, by default with a long flush interval: nothing is written until the test says
 * so.
 */
export function openTestLedgerFile(flushIntervalMs = 60_000): TestLedgerFile {
  const directory = tempDir();
  const ledger = Ledger.open({ path: directory.file('ledger.sqlite'), flushIntervalMs });
  return {
    ledger,
    directory,
    async close() {
      await ledger.close();
      directory.remove();
    },
  };
}

export interface MigratedTestDatabase {
  readonly database: TestDatabase;
  /** a pool on it (the one that migrated it) */
  readonly pool: Pool;
  /** one more pool on it, as a second replica has; close() ends it too */
  openPool(): Promise<Pool>;
  close(): Promise<void>;
}

/** A new database with every PostgreSQL ledger migration applied, and a pool of `max` connections on it. */
export async function openMigratedTestDatabase(max = 2): Promise<MigratedTestDatabase> {
  const database = await createTestDatabase();
  const pool = await createPool({ url: database.url, max });
  const pools = [pool];
  await migratePostgres(pool);
  return {
    database,
    pool,
    async openPool() {
      const another = await createPool({ url: database.url, max });
      pools.push(another);
      return another;
    },
    async close() {
      await Promise.all(pools.map((each) => each.end()));
      await database.drop();
    },
  };
}
