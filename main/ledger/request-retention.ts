// Optional age limit on request rows (`ledger.retention_days`; unset keeps every row, as LiteLLM keeps its spend
// logs). Rows that started longer ago are deleted in bounded runs — 1 s after start, then hourly (and soon after the
// limit is shortened), 500 rows per run and 200 ms apart while more remain — together with their attempts (ON
// DELETE CASCADE) and their body capture, if any. The rollups are not touched: totals, series and breakdowns of old
// periods stay as they were; what goes is the per-request log and the exact figures computed from rows (percentiles
// over short ranges, the partial buckets at a range's edges).
import type { LedgerDatabase } from './database.js';
import { DeletionRuns } from './deletion-runs.js';

export interface RequestRetentionOptions {
  /** rows deleted per run */
  readonly batch?: number;
  /** wait between runs while old rows remain */
  readonly backlogDelayMs?: number;
  readonly intervalMs?: number;
  /** the first run after start (or after the limit was shortened) */
  readonly startDelayMs?: number;
  readonly now?: () => number;
  /** told about a run that failed (a busy database): the next run tries again */
  readonly onError?: (error: unknown) => void;
}

const dayMs = 86_400_000;

export class RequestRetention {
  private days: number | undefined;
  private readonly runs: DeletionRuns;
  private closed = false;
  private deletedRows = 0;
  private readonly now: () => number;
  private readonly oldest;
  private readonly deleteCapture;
  private readonly deleteRequest;

  constructor(
    private readonly database: LedgerDatabase,
    private readonly options: RequestRetentionOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    // Oldest first along the time index; rows still in flight belong to a live request (or to recovery at open).
    this.oldest = database
      .prepare<[number, number], string>(
        `SELECT id FROM requests INDEXED BY requests_by_time WHERE started_at < ? AND status <> 'in_flight' ORDER BY started_at LIMIT ?`,
      )
      .pluck();
    this.deleteCapture = database.prepare<[string]>('DELETE FROM captures WHERE request_id = ?');
    this.deleteRequest = database.prepare<[string]>('DELETE FROM requests WHERE id = ?');
    this.runs = new DeletionRuns(() => this.prune(), {
      batch: options.batch ?? 500,
      backlogDelayMs: options.backlogDelayMs ?? 200,
      intervalMs: options.intervalMs ?? 3_600_000,
    });
  }

  /** Applies `ledger.retention_days` (at start and on every reload); undefined keeps every row. */
  configure(days: number | undefined): void {
    const previous = this.days;
    this.days = days;
    if (this.closed || days === undefined) {
      this.runs.stop();
      return;
    }
    // first configured, or shortened: the rows it now excludes go soon, not within the hour
    if (previous === undefined || days < previous) this.runs.start(this.options.startDelayMs ?? 1_000);
  }

  /** One run: deletes at most one batch of rows older than the limit, oldest first. Returns how many. */
  prune(): number {
    if (this.days === undefined || !this.database.open) return 0;
    const cutoff = this.now() - this.days * dayMs;
    try {
      const deleted = this.database
        .transaction(() => {
          const ids = this.oldest.all(cutoff, this.options.batch ?? 500);
          for (const id of ids) {
            this.deleteCapture.run(id);
            this.deleteRequest.run(id);
          }
          return ids.length;
        })
        .immediate();
      this.deletedRows += deleted;
      return deleted;
    } catch (error) {
      this.options.onError?.(error);
      return 0;
    }
  }

  /** rows deleted since open */
  get deleted(): number {
    return this.deletedRows;
  }

  close(): void {
    this.closed = true;
    this.runs.stop();
  }
}
