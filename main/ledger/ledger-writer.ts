// Batches the gateway's begin()/finish() calls into one transaction per short timer tick. The hot path only pushes
// onto an in-memory queue; failed writes stay queued and are retried with backoff; overflow is dropped and counted.
import type { LedgerDatabase } from './database.js';
import { prepareRequestStore, type RequestStore } from './request-store.js';
import type { RequestFinish, RequestStart } from './types.js';
import { WalKeeper, type WalKeeperOptions } from './wal-keeper.js';

type Operation = { readonly kind: 'begin'; readonly record: RequestStart } | { readonly kind: 'finish'; readonly record: RequestFinish };

export interface LedgerWriterOptions extends WalKeeperOptions {
  /** longest a pushed row waits before its batch is written (the SIGKILL loss window) */
  readonly flushIntervalMs?: number;
  /** rows per transaction; a queue this long is written at once instead of waiting for the timer */
  readonly maxBatch?: number;
  /** rows kept while writes fail; past this the oldest are dropped (begins first) and counted */
  readonly maxQueue?: number;
  readonly retryInitialMs?: number;
  readonly retryMaxMs?: number;
  /** called after each commit with the ids it made durable (tests and metrics) */
  readonly onCommit?: (batch: CommittedBatch) => void;
}

export interface CommittedBatch {
  readonly begun: readonly string[];
  readonly finished: readonly string[];
}

export interface LedgerStats {
  readonly queued: number;
  /** operations committed (begins and finishes) */
  readonly written: number;
  /** failed write attempts; one batch retried three times counts three */
  readonly failures: number;
  /** operations dropped from a full queue or left unwritten at close */
  readonly dropped: number;
  /** the part of `dropped` that were finished requests: outcomes that never reached the ledger */
  readonly droppedFinished: number;
  /** rows SQLite refused for good (a constraint), each reported in lastError */
  readonly rejected: number;
  /** finish() calls for a request already final, ignored */
  readonly duplicates: number;
  readonly lastError: string | null;
  readonly lastErrorAt: number | null;
  readonly checkpoints: number;
}

/** Errors worth retrying: the database is locked, full or failing I/O. Anything else is about the row itself. */
export function isTransientWriteError(error: unknown): boolean {
  if (!(error instanceof Error) || !('code' in error) || typeof error.code !== 'string') return false;
  const code = error.code;
  if (!code.startsWith('SQLITE_')) return false;
  return !/^SQLITE_(CONSTRAINT|MISMATCH|RANGE|TOOBIG|ERROR)/.test(code);
}

function describe(error: unknown): string {
  if (error instanceof Error) return 'code' in error && typeof error.code === 'string' ? `${error.code}: ${error.message}` : error.message;
  return String(error);
}

export class LedgerWriter {
  private readonly store: RequestStore;
  private readonly flushIntervalMs: number;
  private readonly maxBatch: number;
  private readonly maxQueue: number;
  private readonly retryInitialMs: number;
  private readonly retryMaxMs: number;
  private readonly wal: WalKeeper;
  private queue: Operation[] = [];
  private timer: NodeJS.Timeout | undefined;
  private timerDue = Number.POSITIVE_INFINITY;
  private consecutiveFailures = 0;
  private backoffUntil = 0;
  private closed = false;
  private counters = { written: 0, failures: 0, dropped: 0, droppedFinished: 0, rejected: 0, duplicates: 0 };
  private lastError: string | null = null;
  private lastErrorAt: number | null = null;

  constructor(
    private readonly database: LedgerDatabase,
    private readonly options: LedgerWriterOptions = {},
  ) {
    this.store = prepareRequestStore(database);
    this.flushIntervalMs = options.flushIntervalMs ?? 50;
    // ~100 µs per finished request (row, attempts, 16 rollup upserts): 200 keeps one tick near 20 ms at worst
    this.maxBatch = Math.max(1, options.maxBatch ?? 200);
    this.maxQueue = Math.max(1, options.maxQueue ?? 20_000);
    this.retryInitialMs = options.retryInitialMs ?? 100;
    this.retryMaxMs = options.retryMaxMs ?? 5_000;
    this.wal = new WalKeeper(database, options, (error) => this.noteError(`checkpoint: ${describe(error)}`));
  }

  begin(record: RequestStart): void {
    this.push({ kind: 'begin', record });
  }

  finish(record: RequestFinish): void {
    this.push({ kind: 'finish', record });
  }

  stats(): LedgerStats {
    return { queued: this.queue.length, ...this.counters, checkpoints: this.wal.checkpoints, lastError: this.lastError, lastErrorAt: this.lastErrorAt };
  }

  /** Finished requests still in the queue (not yet in SQL), for budget checks that must not lag a batch behind. */
  queuedFinishes(): readonly RequestFinish[] {
    return this.queue.flatMap((operation) => (operation.kind === 'finish' ? [operation.record] : []));
  }

  /** Writes everything queued now, ignoring backoff. True when the queue is empty afterwards. */
  flush(): boolean {
    while (this.queue.length > 0) {
      if (!this.writeBatch()) return false;
    }
    return true;
  }

  /**
   * Graceful quit: stop taking rows, write the queue (retrying until the deadline), mark rows still in flight
   * 'interrupted' and truncate the WAL. Rows that could not be written by the deadline are counted as dropped.
   */
  async close(timeoutMs = 3_000): Promise<LedgerStats> {
    this.closed = true;
    this.clearTimers();
    const deadline = Date.now() + timeoutMs;
    while (!this.flush() && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, Math.min(this.backoffUntil, deadline) - Date.now())));
    }
    for (const operation of this.queue.splice(0)) this.countDrop(operation);
    for (;;) {
      try {
        this.database.transaction(() => this.store.interruptAllInFlight()).immediate();
        break;
      } catch (error) {
        this.noteFailure(error);
        if (Date.now() >= deadline) break;
        await new Promise((resolve) => setTimeout(resolve, Math.min(50, Math.max(1, deadline - Date.now()))));
      }
    }
    this.wal.stop();
    return this.stats();
  }

  private push(operation: Operation): void {
    if (this.closed) {
      this.countDrop(operation);
      this.noteError('ledger is closed');
      return;
    }
    if (this.queue.length >= this.maxQueue) {
      // A lost begin costs only the in-flight view (finish() inserts the row); a lost finish loses an outcome.
      const oldestBegin = this.queue.findIndex((queued) => queued.kind === 'begin');
      const [dropped] = this.queue.splice(oldestBegin >= 0 ? oldestBegin : 0, 1);
      if (dropped) this.countDrop(dropped);
    }
    this.queue.push(operation);
    this.schedule(this.queue.length >= this.maxBatch ? 0 : this.flushIntervalMs);
  }

  private countDrop(operation: Operation): void {
    this.counters.dropped += 1;
    if (operation.kind === 'finish') this.counters.droppedFinished += 1;
  }

  private schedule(delayMs: number): void {
    const due = Math.max(Date.now() + delayMs, this.backoffUntil);
    if (this.timer !== undefined && this.timerDue <= due) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timerDue = due;
    this.timer = setTimeout(() => this.onTimer(), Math.max(0, due - Date.now()));
    this.timer.unref();
  }

  private onTimer(): void {
    this.timer = undefined;
    this.timerDue = Number.POSITIVE_INFINITY;
    this.writeBatch();
    // One batch per tick, so a backlog never holds the event loop for more than one transaction at a time.
    if (this.queue.length > 0) this.schedule(0);
  }

  /** Writes the head of the queue in one transaction. False when it failed and the rows stay queued. */
  private writeBatch(): boolean {
    const batch = this.queue.slice(0, this.maxBatch);
    if (batch.length === 0) return true;
    try {
      const committed = this.database.transaction(() => this.apply(batch)).immediate();
      this.queue.splice(0, batch.length);
      this.onCommitted(batch.length, committed);
      return true;
    } catch (error) {
      this.store.discardRollups();
      if (isTransientWriteError(error)) {
        this.noteFailure(error);
        return false;
      }
      return this.writeOneByOne(batch);
    }
  }

  /** A batch SQLite refused for a reason in its data: write each row alone so one bad row cannot block the rest. */
  private writeOneByOne(batch: readonly Operation[]): boolean {
    for (const operation of batch) {
      try {
        const committed = this.database.transaction(() => this.apply([operation])).immediate();
        this.queue.shift();
        this.onCommitted(1, committed);
      } catch (error) {
        this.store.discardRollups();
        if (isTransientWriteError(error)) {
          this.noteFailure(error);
          return false;
        }
        this.queue.shift();
        this.counters.rejected += 1;
        this.noteError(`request ${operation.record.id} rejected: ${describe(error)}`);
      }
    }
    return true;
  }

  private apply(batch: readonly Operation[]): CommittedBatch {
    const begun: string[] = [];
    const finished: string[] = [];
    // A request that begins and finishes within one batch is written once, already final.
    const finishing = new Set(batch.flatMap((operation) => (operation.kind === 'finish' ? [operation.record.id] : [])));
    // Their begin is skipped below, so no row can exist for them yet: their finish is a plain insert.
    const begunInBatch = new Set(batch.flatMap((operation) => (operation.kind === 'begin' && finishing.has(operation.record.id) ? [operation.record.id] : [])));
    for (const operation of batch) {
      if (operation.kind === 'begin') {
        if (finishing.has(operation.record.id)) continue;
        this.store.begin(operation.record);
        begun.push(operation.record.id);
      } else if (this.store.finish(operation.record, begunInBatch.has(operation.record.id)) === 'written') {
        finished.push(operation.record.id);
      } else {
        this.counters.duplicates += 1;
      }
    }
    this.store.flushRollups();
    return { begun, finished };
  }

  private onCommitted(operations: number, committed: CommittedBatch): void {
    this.counters.written += operations;
    this.consecutiveFailures = 0;
    this.backoffUntil = 0;
    try {
      this.options.onCommit?.(committed);
    } catch {
      // an observer's failure is not the ledger's
    }
    this.wal.committed();
  }

  private noteError(message: string): void {
    this.lastError = message;
    this.lastErrorAt = Date.now();
  }

  private noteFailure(error: unknown): void {
    this.counters.failures += 1;
    this.consecutiveFailures += 1;
    this.noteError(describe(error));
    this.backoffUntil = Date.now() + Math.min(this.retryMaxMs, this.retryInitialMs * 2 ** Math.min(20, this.consecutiveFailures - 1));
  }

  private clearTimers(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerDue = Number.POSITIVE_INFINITY;
  }
}
