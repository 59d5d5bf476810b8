// What the two capture writers (capture-writer.ts for the SQLite file, postgres/captures.ts for team mode) share: the
// bounded queue the request path fills, the batch a tick redacts and cuts, the counters, and the backoff after a
// failed write. The writers keep only how a batch reaches their database and when.
import { composeCapture, type CapturedBody } from './capture-text.js';
import type { CaptureRow } from './capture-store.js';
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
  /** rows the database refused for good */
  readonly rejected: number;
  readonly failures: number;
  /** rows deleted by retention or purge */
  readonly deleted: number;
  readonly lastError: string | null;
}

/** The rows of one batch and the captured bytes they took off the queue. */
export interface CaptureBatch {
  readonly rows: CaptureRow[];
  readonly bytes: number;
}

const bytesOf = (capture: PendingCapture): number => capture.request.head.length + capture.response.head.length;

export class CaptureQueue {
  settings: CaptureSettings = defaultCaptureSettings;
  closed = false;
  private configured = false;
  /** when the next write may be tried (epoch ms): later after each failure in a row, at most 5 s */
  backoffUntil = 0;
  readonly counters = { written: 0, dropped: 0, rejected: 0, failures: 0, deleted: 0 };
  lastError: string | null = null;
  private queue: PendingCapture[] = [];
  private queuedBytes = 0;
  private consecutiveFailures = 0;

  constructor(private readonly options: CaptureWriterOptions) {}

  get length(): number {
    return this.queue.length;
  }

  /** How many bytes of each body to keep at request arrival; undefined while capture is off. */
  get maxBytes(): number | undefined {
    return this.settings.enabled && !this.closed ? this.settings.maxBytesPerRequest : undefined;
  }

  /**
   * Applies the config (at start and on every reload). True when the writer should start its retention runs now: on
   * the first call, and when the retention was just shortened (the rows it now excludes go soon, not within the hour).
   */
  configure(settings: CaptureSettings): boolean {
    const shorter = settings.retentionDays < this.settings.retentionDays;
    this.settings = settings;
    if (this.closed || (this.configured && !shorter)) return false;
    this.configured = true;
    return true;
  }

  /** Queues `capture` unless capture is off, the writer closed or the queue full (then counted as dropped). */
  admit(capture: PendingCapture): boolean {
    if (!this.settings.enabled || this.closed) return false;
    const bytes = bytesOf(capture);
    if (this.queue.length >= (this.options.maxQueue ?? 1_000) || this.queuedBytes + bytes > (this.options.maxQueuedBytes ?? 32 * 1024 * 1024)) {
      this.counters.dropped += 1;
      return false;
    }
    this.queue.push(capture);
    this.queuedBytes += bytes;
    return true;
  }

  /** The head of the queue, redacted and cut, up to `byteBudget` of captured text (at least one); still queued. */
  nextBatch(byteBudget: number): CaptureBatch {
    const rows: CaptureRow[] = [];
    let bytes = 0;
    for (const capture of this.queue) {
      if (rows.length > 0 && bytes >= byteBudget) break;
      bytes += bytesOf(capture);
      rows.push({
        requestId: capture.requestId,
        capturedAt: capture.capturedAt,
        ...composeCapture(capture.request, capture.response, this.settings.maxBytesPerRequest),
      });
    }
    return { rows, bytes };
  }

  /** The batch was written whole. */
  written(batch: CaptureBatch): void {
    this.dequeue(batch);
    this.counters.written += batch.rows.length;
    this.consecutiveFailures = 0;
    this.backoffUntil = 0;
  }

  /** The batch was written row by row (a row's own data was refused): it leaves the queue either way. */
  dequeue(batch: CaptureBatch): void {
    this.queue.splice(0, batch.rows.length);
    this.queuedBytes = Math.max(0, this.queuedBytes - batch.bytes);
  }

  rowRejected(row: CaptureRow, reason: string): void {
    this.counters.rejected += 1;
    this.lastError = `capture ${row.requestId} rejected: ${reason}`;
  }

  /** A write or a retention run failed: counted, and the next write waits longer (100 ms doubling, at most 5 s). */
  failed(reason: string): void {
    this.counters.failures += 1;
    this.consecutiveFailures += 1;
    this.lastError = reason;
    this.backoffUntil = Date.now() + Math.min(5_000, 100 * 2 ** Math.min(10, this.consecutiveFailures - 1));
  }

  /** Empties the queue; `asDropped` counts what it held as dropped (left unwritten at close). */
  clear(asDropped: boolean): void {
    if (asDropped) this.counters.dropped += this.queue.length;
    this.queue = [];
    this.queuedBytes = 0;
  }

  stats(): CaptureStats {
    return { queued: this.queue.length, queuedBytes: this.queuedBytes, ...this.counters, lastError: this.lastError };
  }
}
