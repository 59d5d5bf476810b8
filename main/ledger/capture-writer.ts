// Opt-in body captures (`ledger.capture`): the gateway hands over the heads of a request's bodies; this writer
// redacts and cuts them and inserts them in batches on a timer, never on the request path. Memory is bounded (a full
// queue drops and counts); rows older than the retention are deleted in bounded runs, at start and then hourly.
import { composeCapture, type CapturedBody } from './capture-text.js';
import { prepareCaptureStore, type CaptureRow, type CaptureStore } from './capture-store.js';
import type { LedgerDatabase } from './database.js';
import { DeletionRuns } from './deletion-runs.js';
import { isTransientWriteError } from './ledger-writer.js';

import { defaultCaptureSettings } from '../config/defaults.js';
import type { CaptureSettings } from '../config/types.js';

/** One request's capture as the gateway hands it over. */
export interface PendingCapture {
  readonly requestId: string;
  readonly capturedAt: number;
  readonly request: CapturedBody;
  readonly response: CapturedBody;
}

export interface CaptureWriterOptions {
  readonly flushIntervalMs?: number;
  /** captures held while waiting for the timer; past this (or maxQueuedBytes) new ones are dropped and counted */
  readonly maxQueue?: number;
  readonly maxQueuedBytes?: number;
  /** bytes of captured text redacted and written per timer tick, so one tick never holds the event loop long */
  readonly bytesPerTick?: number;
  /** rows deleted per retention run, and the wait before the next run while old rows remain */
  readonly pruneBatch?: number;
  readonly pruneBacklogDelayMs?: number;
  readonly pruneIntervalMs?: number;
  /** the first retention run after start */
  readonly pruneStartDelayMs?: number;
  readonly now?: () => number;
}

export interface CaptureStats {
  readonly queued: number;
  readonly queuedBytes: number;
  readonly written: number;
  /** refused because the queue was full, or left unwritten at close */
  readonly dropped: number;
  /** rows SQLite refused for good */
  readonly rejected: number;
  readonly failures: number;
  /** rows deleted by retention or purge */
  readonly deleted: number;
  readonly lastError: string | null;
}

const dayMs = 86_400_000;

export class CaptureWriter {
  private readonly store: CaptureStore;
  private settings: CaptureSettings = defaultCaptureSettings;
  private queue: PendingCapture[] = [];
  private queuedBytes = 0;
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly pruneRuns: DeletionRuns;
  private backoffUntil = 0;
  private consecutiveFailures = 0;
  private configured = false;
  private closed = false;
  private counters = { written: 0, dropped: 0, rejected: 0, failures: 0, deleted: 0 };
  private lastError: string | null = null;
  private readonly now: () => number;

  constructor(
    database: LedgerDatabase,
    private readonly options: CaptureWriterOptions = {},
  ) {
    this.store = prepareCaptureStore(database);
    this.now = options.now ?? Date.now;
    this.pruneRuns = new DeletionRuns(() => this.prune(), {
      batch: options.pruneBatch ?? 100,
      backlogDelayMs: options.pruneBacklogDelayMs ?? 500,
      intervalMs: options.pruneIntervalMs ?? 3_600_000,
    });
  }

  /** Applies the config (at start and on every reload); the first call also starts the retention timer. */
  configure(settings: CaptureSettings): void {
    const shorter = settings.retentionDays < this.settings.retentionDays;
    this.settings = settings;
    if (this.closed || (this.configured && !shorter)) return;
    // at start, and when the retention was just shortened: the rows it now excludes go soon, not within the hour
    this.configured = true;
    this.pruneRuns.start(this.options.pruneStartDelayMs ?? 1_000);
  }

  /** How many bytes of each body to keep at request arrival; undefined while capture is off. */
  get maxBytes(): number | undefined {
    return this.settings.enabled && !this.closed ? this.settings.maxBytesPerRequest : undefined;
  }

  /** From the request path: queues and returns at once. Ignored while capture is off (it was switched off mid-request). */
  record(capture: PendingCapture): void {
    if (!this.settings.enabled || this.closed) return;
    const bytes = capture.request.head.length + capture.response.head.length;
    if (this.queue.length >= (this.options.maxQueue ?? 1_000) || this.queuedBytes + bytes > (this.options.maxQueuedBytes ?? 32 * 1024 * 1024)) {
      this.counters.dropped += 1;
      return;
    }
    this.queue.push(capture);
    this.queuedBytes += bytes;
    this.scheduleFlush(this.options.flushIntervalMs ?? 100);
  }

  stats(): CaptureStats {
    return { queued: this.queue.length, queuedBytes: this.queuedBytes, ...this.counters, lastError: this.lastError };
  }

  /** Writes everything queued now. True when nothing is left. */
  flush(): boolean {
    while (this.queue.length > 0) if (!this.writeBatch(Number.POSITIVE_INFINITY)) return false;
    return true;
  }

  /** One retention run: deletes at most one batch of rows older than the retention. Returns how many. */
  prune(): number {
    const cutoff = this.now() - this.settings.retentionDays * dayMs;
    try {
      const deleted = this.store.deleteBefore(cutoff, this.options.pruneBatch ?? 100);
      this.counters.deleted += deleted;
      return deleted;
    } catch (error) {
      this.noteFailure(error);
      return 0;
    }
  }

  /** Deletes every capture (and drops the queued ones), a bounded chunk per event-loop turn. Returns how many rows. */
  async purge(): Promise<number> {
    this.queue = [];
    this.queuedBytes = 0;
    let total = 0;
    for (;;) {
      const deleted = this.store.deleteAny(this.options.pruneBatch ?? 100);
      total += deleted;
      this.counters.deleted += deleted;
      if (deleted === 0) return total;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** At quit: stops the timers and writes what is queued (one try; what fails is counted as dropped). */
  close(): CaptureStats {
    if (this.closed) return this.stats();
    this.closed = true;
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.pruneRuns.stop();
    if (!this.flush()) {
      this.counters.dropped += this.queue.length;
      this.queue = [];
      this.queuedBytes = 0;
    }
    return this.stats();
  }

  private scheduleFlush(delayMs: number): void {
    if (this.flushTimer !== undefined || this.closed) return;
    this.flushTimer = setTimeout(
      () => {
        this.flushTimer = undefined;
        this.writeBatch(this.options.bytesPerTick ?? 512 * 1024);
        if (this.queue.length > 0) this.scheduleFlush(0);
      },
      Math.max(delayMs, this.backoffUntil - Date.now()),
    );
    this.flushTimer.unref();
  }

  /** Redacts and writes the head of the queue, up to `byteBudget` of captured text (at least one). False on failure. */
  private writeBatch(byteBudget: number): boolean {
    const rows: CaptureRow[] = [];
    let bytes = 0;
    for (const capture of this.queue) {
      if (rows.length > 0 && bytes >= byteBudget) break;
      bytes += capture.request.head.length + capture.response.head.length;
      rows.push({
        requestId: capture.requestId,
        capturedAt: capture.capturedAt,
        ...composeCapture(capture.request, capture.response, this.settings.maxBytesPerRequest),
      });
    }
    if (rows.length === 0) return true;
    try {
      this.store.insertAll(rows);
      this.dequeue(rows.length, bytes);
      this.counters.written += rows.length;
      this.consecutiveFailures = 0;
      this.backoffUntil = 0;
      return true;
    } catch (error) {
      if (isTransientWriteError(error)) {
        this.noteFailure(error);
        return false;
      }
      // something about a row itself: write them one by one so one bad row cannot block the rest
      for (const row of rows) {
        try {
          this.store.insertAll([row]);
          this.counters.written += 1;
        } catch (rowError) {
          this.counters.rejected += 1;
          this.lastError = `capture ${row.requestId} rejected: ${describe(rowError)}`;
        }
      }
      this.dequeue(rows.length, bytes);
      return true;
    }
  }

  private dequeue(count: number, bytes: number): void {
    this.queue.splice(0, count);
    this.queuedBytes = Math.max(0, this.queuedBytes - bytes);
  }

  private noteFailure(error: unknown): void {
    this.counters.failures += 1;
    this.consecutiveFailures += 1;
    this.lastError = describe(error);
    this.backoffUntil = Date.now() + Math.min(5_000, 100 * 2 ** Math.min(10, this.consecutiveFailures - 1));
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
