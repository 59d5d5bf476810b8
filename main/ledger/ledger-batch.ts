// One batch of the ledger's writes — in-flight rows, final rows with their rollups, and stored Responses-API responses
// (response-store.ts) — applied on a connection in one transaction, or row by row when SQLite refuses something in it. It holds no queue: the writer (ledger-writer.ts)
// decides what goes in a batch and what to do with the outcome, and the same code runs on the writer thread
// (ledger-write-worker.ts) or, as a fallback, on the request thread.
import type { LedgerDatabase } from './database.js';
import { prepareRequestStore, type RequestStore } from './request-store.js';
import type { StoredResponseRow } from './response-store.js';
import { prepareStoredResponseWrites, type StoredResponseWrites } from './sqlite-response-storage.js';
import type { RequestFinish, RequestStart } from './types.js';

/** A finished request waiting to be written; `fresh` when its in-flight row was never written (a plain insert). */
export interface PendingFinish {
  readonly record: RequestFinish;
  readonly fresh: boolean;
}

/** What one transaction made durable. */
export interface CommittedBatch {
  readonly begun: readonly string[];
  readonly finished: readonly string[];
  /** stored responses, by id */
  readonly stored: readonly string[];
}

/** The result of one batch: how far it got (from the head of its begins, then of its finishes) and what it counted. */
export interface BatchOutcome {
  /** begins written or refused; the rest stay queued */
  readonly beginsDone: number;
  /** finishes written, refused or found to be duplicates; the rest stay queued */
  readonly finishesDone: number;
  /** stored responses written or refused; the rest stay queued */
  readonly storedDone: number;
  /** one per committed transaction, in commit order */
  readonly commits: readonly CommittedBatch[];
  /** operations committed (begins and finishes) */
  readonly written: number;
  /** finishes of rows already final, ignored (in committed transactions) */
  readonly duplicates: number;
  /** rows SQLite refused for good, each named in `errors` */
  readonly rejected: number;
  readonly errors: readonly string[];
  /** a transient failure (locked, full, I/O) stopped the batch: what is not done stays queued and is retried */
  readonly failure: string | null;
}

/** Errors worth retrying: the database is locked, full or failing I/O. Anything else is about the row itself. */
export function isTransientWriteError(error: unknown): boolean {
  if (!(error instanceof Error) || !('code' in error) || typeof error.code !== 'string') return false;
  const code = error.code;
  if (!code.startsWith('SQLITE_')) return false;
  return !/^SQLITE_(CONSTRAINT|MISMATCH|RANGE|TOOBIG|ERROR)/.test(code);
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return 'code' in error && typeof error.code === 'string' ? `${error.code}: ${error.message}` : error.message;
  return String(error);
}

export class BatchApplier {
  private readonly store: RequestStore;
  private storedWrites: StoredResponseWrites | undefined;

  constructor(private readonly database: LedgerDatabase) {
    this.store = prepareRequestStore(database);
  }

  /** Writes the batch in one transaction; a batch SQLite refuses for a reason in its data is written row by row. */
  write(begins: readonly RequestStart[], finishes: readonly PendingFinish[], stored: readonly StoredResponseRow[] = []): BatchOutcome {
    if (begins.length === 0 && finishes.length === 0 && stored.length === 0) return outcome(0, 0, 0);
    try {
      const [committed, duplicates] = this.commit(() => this.apply(begins, finishes, stored));
      return {
        ...outcome(begins.length, finishes.length, stored.length),
        commits: [committed],
        written: begins.length + finishes.length + stored.length,
        duplicates,
      };
    } catch (error) {
      if (isTransientWriteError(error)) return { ...outcome(0, 0, 0), failure: describeError(error) };
      return this.writeOneByOne(begins, finishes, stored);
    }
  }

  /** Marks every row still in flight 'interrupted' (graceful close), in one transaction. */
  interruptAllInFlight(): number {
    try {
      return this.database.transaction(() => this.store.interruptAllInFlight()).immediate();
    } catch (error) {
      this.store.discardRollups();
      throw error;
    }
  }

  /** One transaction; the rollup contributions collected for it are forgotten when it rolls back. */
  private commit(write: () => [CommittedBatch, number]): [CommittedBatch, number] {
    try {
      return this.database.transaction(write).immediate();
    } catch (error) {
      this.store.discardRollups();
      throw error;
    }
  }

  private apply(begins: readonly RequestStart[], finishes: readonly PendingFinish[], stored: readonly StoredResponseRow[] = []): [CommittedBatch, number] {
    const begun: string[] = [];
    const finished: string[] = [];
    let duplicates = 0;
    for (const record of begins) {
      this.store.begin(record);
      begun.push(record.id);
    }
    for (const { record, fresh } of finishes) {
      if (this.store.finish(record, fresh) === 'written') finished.push(record.id);
      else duplicates += 1;
    }
    this.store.flushRollups();
    if (stored.length > 0) this.storedWrites ??= prepareStoredResponseWrites(this.database);
    for (const row of stored) this.storedWrites?.write(row);
    return [{ begun, finished, stored: stored.map((row) => row.id) }, duplicates];
  }

  /** Each row in its own transaction, so one bad row cannot block the rest; stops at the first transient failure. */
  private writeOneByOne(begins: readonly RequestStart[], finishes: readonly PendingFinish[], stored: readonly StoredResponseRow[]): BatchOutcome {
    const commits: CommittedBatch[] = [];
    const errors: string[] = [];
    let duplicates = 0;
    let rejected = 0;
    const alone = (id: string, write: () => [CommittedBatch, number]): void => {
      try {
        const [committed, duplicate] = this.commit(write);
        commits.push(committed);
        duplicates += duplicate;
      } catch (error) {
        if (isTransientWriteError(error)) throw error;
        rejected += 1;
        errors.push(`request ${id} rejected: ${describeError(error)}`);
      }
    };
    let beginsDone = 0;
    let finishesDone = 0;
    let storedDone = 0;
    let failure: string | null = null;
    try {
      for (const record of begins) {
        alone(record.id, () => this.apply([record], []));
        beginsDone += 1;
      }
      for (const pending of finishes) {
        alone(pending.record.id, () => this.apply([], [pending]));
        finishesDone += 1;
      }
      for (const row of stored) {
        alone(row.id, () => this.apply([], [], [row]));
        storedDone += 1;
      }
    } catch (error) {
      failure = describeError(error);
    }
    return { beginsDone, finishesDone, storedDone, commits, written: commits.length, duplicates, rejected, errors, failure };
  }
}

function outcome(beginsDone: number, finishesDone: number, storedDone: number): BatchOutcome {
  return { beginsDone, finishesDone, storedDone, commits: [], written: 0, duplicates: 0, rejected: 0, errors: [], failure: null };
}
