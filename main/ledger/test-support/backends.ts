// The ledger's two backends for one test suite run against both (describe.each): the SQLite file and a PostgreSQL
// database of the test file's own. Each fixture writes through the real write path and reads through LedgerReads.
import type { LedgerReads, RequestLedger } from '../ledger-backend.js';
import { Ledger } from '../ledger.js';
import { PostgresLedger } from '../postgres/ledger.js';
import { recoverInterrupted } from '../request-store.js';
import { sqliteReads } from '../sqlite-reads.js';
import type { RequestStart } from '../types.js';
import { tempDir } from './fixtures.js';
import { createTestDatabase } from './postgres-database.js';

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
    const directory = tempDir();
    const ledger = Ledger.open({ path: directory.file('ledger.sqlite'), flushIntervalMs: options.flushIntervalMs ?? 60_000 });
    return {
      ledger,
      reads: sqliteReads(ledger.database),
      async leaveInterrupted(records) {
        for (const record of records) ledger.begin(record);
        ledger.flush();
        recoverInterrupted(ledger.database);
      },
      async close() {
        await ledger.close();
        directory.remove();
      },
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
