// Opt-in body captures (`ledger.capture`): the gateway hands over the heads of a request's bodies; this writer
// redacts and cuts them and inserts them in batches on a timer, never on the request path. Memory is bounded (a full
// queue drops and counts); rows older than the retention are deleted in bounded runs, at start and then hourly.
import { prepareCaptureStore, type CaptureStore } from './capture-store.js';
import { CaptureQueue, type CaptureBatch, type CaptureStats, type CaptureWriterOptions, type PendingCapture } from './capture-queue.js';
import type { LedgerDatabase } from './database.js';
import { DeletionRuns } from './deletion-runs.js';
import { isTransientWriteError } from './ledger-writer.js';
import type { CaptureSettings } from '../config/types.js';

const dayMs = 86_400_000;

export class CaptureWriter {
  private readonly store: CaptureStore;
  private readonly queue: CaptureQueue;
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly pruneRuns: DeletionRuns;
  private readonly now: () => number;

  constructor(
    database: LedgerDatabase,
    private readonly options: CaptureWriterOptions = {},
  ) {
    this.store = prepareCaptureStore(database);
    this.queue = new CaptureQueue(options);
    this.now = options.now ?? Date.now;
    this.pruneRuns = new DeletionRuns(() => this.prune(), {
      batch: options.pruneBatch ?? 100,
      backlogDelayMs: options.pruneBacklogDelayMs ?? 500,
      intervalMs: options.pruneIntervalMs ?? 3_600_000,
    });
  }

  /** Applies the config (at start and on every reload); the first call also starts the retention timer. */
  configure(settings: CaptureSettings): void {
    if (this.queue.configure(settings)) this.pruneRuns.start(this.options.pruneStartDelayMs ?? 1_000);
  }

  /** How many bytes of each body to keep at request arrival; undefined while capture is off. */
  get maxBytes(): number | undefined {
    return this.queue.maxBytes;
  }

  /** From the request path: queues and returns at once. Ignored while capture is off (it was switched off mid-request). */
  record(capture: PendingCapture): void {
    if (this.queue.admit(capture)) this.scheduleFlush(this.options.flushIntervalMs ?? 100);
  }

  stats(): CaptureStats {
    return this.queue.stats();
  }

  /** Writes everything queued now. True when nothing is left. */
  flush(): boolean {
    while (this.queue.length > 0) if (!this.writeBatch(Number.POSITIVE_INFINITY)) return false;
    return true;
  }

  /** One retention run: deletes at most one batch of rows older than the retention. Returns how many. */
  prune(): number {
    const cutoff = this.now() - this.queue.settings.retentionDays * dayMs;
    try {
      const deleted = this.store.deleteBefore(cutoff, this.options.pruneBatch ?? 100);
      this.queue.counters.deleted += deleted;
      return deleted;
    } catch (error) {
      this.queue.failed(describe(error));
      return 0;
    }
  }

  /** Deletes every capture (and drops the queued ones), a bounded chunk per event-loop turn. Returns how many rows. */
  async purge(): Promise<number> {
    this.queue.clear(false);
    let total = 0;
    for (;;) {
      const deleted = this.store.deleteAny(this.options.pruneBatch ?? 100);
      total += deleted;
      this.queue.counters.deleted += deleted;
      if (deleted === 0) return total;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** At quit: stops the timers and writes what is queued (one try; what fails is counted as dropped). */
  close(): CaptureStats {
    if (this.queue.closed) return this.stats();
    this.queue.closed = true;
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.pruneRuns.stop();
    if (!this.flush()) this.queue.clear(true);
    return this.stats();
  }

  private scheduleFlush(delayMs: number): void {
    if (this.flushTimer !== undefined || this.queue.closed) return;
    this.flushTimer = setTimeout(
      () => {
        this.flushTimer = undefined;
        this.writeBatch(this.options.bytesPerTick ?? 512 * 1024);
        if (this.queue.length > 0) this.scheduleFlush(0);
      },
      Math.max(delayMs, this.queue.backoffUntil - Date.now()),
    );
    this.flushTimer.unref();
  }

  /** Redacts and writes the head of the queue, up to `byteBudget` of captured text (at least one). False on failure. */
  private writeBatch(byteBudget: number): boolean {
    const batch: CaptureBatch = this.queue.nextBatch(byteBudget);
    if (batch.rows.length === 0) return true;
    try {
      this.store.insertAll(batch.rows);
      this.queue.written(batch);
      return true;
    } catch (error) {
      if (isTransientWriteError(error)) {
        this.queue.failed(describe(error));
        return false;
      }
      // something about a row itself: write them one by one so one bad row cannot block the rest
      for (const row of batch.rows) {
        try {
          this.store.insertAll([row]);
          this.queue.counters.written += 1;
        } catch (rowError) {
          this.queue.rowRejected(row, describe(rowError));
        }
      }
      this.queue.dequeue(batch);
      return true;
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
