// The ledger as the gateway sees it: open (migrate, then mark rows a dead process left in flight 'interrupted'),
// begin()/finish() on the hot path, stats(), flush() and a bounded close(). Queries take `ledger.database`.
// `capture` is the opt-in body capture's own batched writer on the same connection (off until configured);
// `retention` the optional age limit on request rows (keeps everything until configured).
import { withUncommittedSpend, type SpendSoFar } from './budgets.js';
import type { CaptureWriterOptions } from './capture-queue.js';
import { CaptureWriter } from './capture-writer.js';
import { openDatabase, type LedgerDatabase, type OpenDatabaseOptions } from './database.js';
import { LedgerWriter, type LedgerStats, type LedgerWriterOptions } from './ledger-writer.js';
import { migrate } from './migrations/index.js';
import { calendarRanges, spendSoFar } from './queries.js';
import { RequestRetention, type RequestRetentionOptions } from './request-retention.js';
import { recoverInterrupted } from './request-store.js';
import type { StoredResponseRow } from './response-store.js';
import type { RequestFinish, RequestStart, TimeRange } from './types.js';

export interface OpenLedgerOptions extends Omit<OpenDatabaseOptions, 'readonly'>, LedgerWriterOptions {
  /** the SQLite file, e.g. `<data dir>/ledger.sqlite` */
  readonly path: string;
  readonly capture?: CaptureWriterOptions;
  readonly retention?: RequestRetentionOptions;
}

export class Ledger {
  private closing: Promise<LedgerStats> | undefined;

  private constructor(
    readonly database: LedgerDatabase,
    private readonly writer: LedgerWriter,
    /** rows found in flight at open (their process died) and marked 'interrupted' */
    readonly recovered: number,
    /** request and response bodies, when the user turns capture on (ledger.capture) */
    readonly capture: CaptureWriter,
    /** ledger.retention_days: request rows older than it are deleted (rollups stay) */
    readonly retention: RequestRetention,
  ) {}

  static open(options: OpenLedgerOptions): Ledger {
    const database = openDatabase(options.path, options);
    try {
      migrate(database);
      const recovered = recoverInterrupted(database);
      database.pragma('optimize=0x10002');
      return new Ledger(
        database,
        new LedgerWriter(database, options),
        recovered,
        new CaptureWriter(database, options.capture),
        new RequestRetention(database, options.retention),
      );
    } catch (error) {
      database.close();
      throw error;
    }
  }

  /** At request start. Never throws and never waits for disk. */
  begin(record: RequestStart): void {
    this.writer.begin(record);
  }

  /** At request end, whatever the outcome. Never throws and never waits for disk. */
  finish(record: RequestFinish): void {
    this.writer.finish(record);
  }

  /** A stored Responses-API response, written with the next batch. Never throws and never waits for disk. */
  storeResponse(row: StoredResponseRow): void {
    this.writer.store(row);
  }

  /** Hears the ids of stored responses once they are committed (or given up). */
  onStoredResponses(listener: (ids: readonly string[]) => void): void {
    this.writer.onStored(listener);
  }

  stats(): LedgerStats {
    return this.writer.stats();
  }

  /**
   * Spend today and this month for evaluateBudgets(): what is committed plus finished requests not committed yet,
   * queued here or in the batch the writer thread is writing (so a backlog of failing writes cannot hide spend).
   * One indexed query on the rollups; cache it for a second or so rather than calling it per request.
   */
  spendSoFar(ranges: { readonly today: TimeRange; readonly month: TimeRange } = calendarRanges()): SpendSoFar {
    const { committed, queued } = this.writer.withUncommitted(() => spendSoFar(this.database, ranges));
    return withUncommittedSpend(committed, queued, ranges);
  }

  /** Writes the queue now. True when nothing is left queued. */
  flush(): boolean {
    return this.writer.flush();
  }

  /** Graceful quit: writes what it can within `timeoutMs`, marks the rest of the in-flight rows, closes the file. */
  close(timeoutMs = 3_000): Promise<LedgerStats> {
    if (!this.database.open) return Promise.resolve(this.writer.release()); // closed under it (tests): let the thread go
    this.capture.close();
    this.retention.close();
    this.closing ??= this.writer.close(timeoutMs).then((stats) => {
      try {
        this.database.pragma('optimize');
      } catch {
        // statistics are an optimisation; closing matters more
      }
      this.database.close();
      return stats;
    });
    return this.closing;
  }
}
