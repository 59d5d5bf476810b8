// Batches the gateway's begin()/finish() calls into one transaction per short timer tick. The hot path only pushes
// onto in-memory queues; failed writes stay queued and are retried with backoff; overflow is dropped and counted.
// A request's in-flight row is written only once it has run for a flush interval: one that finishes sooner (most,
// under load) is written once, already final, instead of inserted in flight and then rewritten.
import type { LedgerDatabase } from './database.js';
import { prepareRequestStore, type RequestStore } from './request-store.js';
import type { RequestFinish, RequestStart } from './types.js';
import { WalKeeper, type WalKeeperOptions } from './wal-keeper.js';

/** A finished request waiting to be written; `fresh` when its in-flight row was never written (a plain insert). */
interface PendingFinish {
  readonly record: RequestFinish;
  readonly fresh: boolean;
}

export interface LedgerWriterOptions extends WalKeeperOptions {
  /** longest a pushed row waits before its batch is written (the SIGKILL loss window) */
  readonly flushIntervalMs?: number;
  /** rows per transaction; a queue this long is written at once instead of waiting for the timer */
  readonly maxBatch?: number;
  /** finished requests kept while writes fail; past this the oldest are dropped and counted */
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
  /** rows waiting to be written: finished requests, and in-flight rows of requests still running */
  readonly queued: number;
  /** operations committed (begins and finishes) */
  readonly written: number;
  /** failed write attempts; one batch retried three times counts three */
  readonly failures: number;
  /** rows dropped from a full queue or left unwritten at close */
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
  private queue: PendingFinish[] = [];
  /**
   * In-flight rows not written yet, in two generations: `young` arrived since the last promotion, `old` before it.
   * Promotions are at least a flush interval apart and write `old`, so an in-flight row is written between one and
   * two intervals after its request arrived — unless the request finished first.
   */
  private young = new Map<string, RequestStart>();
  private old = new Map<string, RequestStart>();
  private promotedAt = performance.now();
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
    // ~20-50 µs per finished request (its row, rollups, the commit): 200 keeps one tick under ~10 ms
    this.maxBatch = Math.max(1, options.maxBatch ?? 200);
    this.maxQueue = Math.max(1, options.maxQueue ?? 20_000);
    this.retryInitialMs = options.retryInitialMs ?? 100;
    this.retryMaxMs = options.retryMaxMs ?? 5_000;
    this.wal = new WalKeeper(database, options, (error) => this.noteError(`checkpoint: ${describe(error)}`));
  }

  begin(record: RequestStart): void {
    if (this.refuseClosed(false)) return;
    this.young.set(record.id, record);
    this.schedule(this.flushIntervalMs);
  }

  finish(record: RequestFinish): void {
    if (this.refuseClosed(true)) return;
    // Its in-flight row was never written (still pending, now dropped): the final row is a plain insert.
    const fresh = this.young.delete(record.id) || this.old.delete(record.id);
    if (this.queue.length >= this.maxQueue) {
      this.queue.shift();
      this.countDrop(true);
    }
    this.queue.push({ record, fresh });
    this.schedule(this.queue.length >= this.maxBatch ? 0 : this.flushIntervalMs);
  }

  stats(): LedgerStats {
    return {
      queued: this.queue.length + this.pendingBegins,
      ...this.counters,
      checkpoints: this.wal.checkpoints,
      lastError: this.lastError,
      lastErrorAt: this.lastErrorAt,
    };
  }

  /** Finished requests still in the queue (not yet in SQL), for budget checks that must not lag a batch behind. */
  queuedFinishes(): readonly RequestFinish[] {
    return this.queue.map((pending) => pending.record);
  }

  /** Writes everything queued now, in-flight rows of any age included, ignoring backoff. True when nothing is left. */
  flush(): boolean {
    while (this.queue.length > 0 || this.pendingBegins > 0) {
      if (!this.writeBatch(true)) return false;
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
    const unwrittenFinishes = this.queue.splice(0).length;
    this.counters.dropped += unwrittenFinishes + this.pendingBegins;
    this.counters.droppedFinished += unwrittenFinishes;
    this.young.clear();
    this.old.clear();
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
    await this.wal.stop();
    return this.stats();
  }

  /** In-flight rows not written yet, of both generations. */
  private get pendingBegins(): number {
    return this.young.size + this.old.size;
  }

  /** True (and the row counted as dropped) when the ledger is closed. */
  private refuseClosed(finished: boolean): boolean {
    if (!this.closed) return false;
    this.countDrop(finished);
    this.noteError('ledger is closed');
    return true;
  }

  private countDrop(finished: boolean): void {
    this.counters.dropped += 1;
    if (finished) this.counters.droppedFinished += 1;
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
    this.writeBatch(false);
    // One batch per tick, so a backlog never holds the event loop for more than one transaction at a time.
    if (this.queue.length > 0) this.schedule(0);
    else if (this.pendingBegins > 0) this.schedule(this.flushIntervalMs);
  }

  /**
   * Writes the head of the finish queue, and the in-flight rows that are due, in one transaction. `all` writes
   * every in-flight row whatever its age (flush, close). False when it failed and the rows stay queued.
   */
  private writeBatch(all: boolean): boolean {
    const now = performance.now();
    const promote = all || now - this.promotedAt >= this.flushIntervalMs;
    const begins = promote ? (all ? [...this.old.values(), ...this.young.values()] : [...this.old.values()]) : [];
    const finishes = this.queue.slice(0, this.maxBatch);
    if (begins.length === 0 && finishes.length === 0) {
      if (promote) this.promote(now);
      return true;
    }
    try {
      const committed = this.database.transaction(() => this.apply(begins, finishes)).immediate();
      this.queue.splice(0, finishes.length);
      if (promote) {
        for (const record of begins) this.young.delete(record.id);
        this.old.clear();
        this.promote(now);
      }
      this.onCommitted(begins.length + finishes.length, committed);
      return true;
    } catch (error) {
      this.store.discardRollups();
      if (isTransientWriteError(error)) {
        this.noteFailure(error);
        return false;
      }
      return this.writeOneByOne(begins, finishes, promote, now);
    }
  }

  /** The young generation becomes the old one; the next promotion writes it. */
  private promote(now: number): void {
    for (const [id, record] of this.young) this.old.set(id, record);
    this.young.clear();
    this.promotedAt = now;
  }

  /** A batch SQLite refused for a reason in its data: write each row alone so one bad row cannot block the rest. */
  private writeOneByOne(begins: readonly RequestStart[], finishes: readonly PendingFinish[], promote: boolean, now: number): boolean {
    for (const record of begins) {
      if (!this.writeAlone(record.id, () => this.apply([record], []))) return false;
      this.young.delete(record.id);
      this.old.delete(record.id);
    }
    if (promote) this.promote(now);
    for (const pending of finishes) {
      if (!this.writeAlone(pending.record.id, () => this.apply([], [pending]))) return false;
      this.queue.shift();
    }
    return true;
  }

  /** One row in its own transaction: false on a transient failure (it stays queued); a refused row is counted. */
  private writeAlone(id: string, write: () => CommittedBatch): boolean {
    try {
      const committed = this.database.transaction(write).immediate();
      this.onCommitted(1, committed);
    } catch (error) {
      this.store.discardRollups();
      if (isTransientWriteError(error)) {
        this.noteFailure(error);
        return false;
      }
      this.counters.rejected += 1;
      this.noteError(`request ${id} rejected: ${describe(error)}`);
    }
    return true;
  }

  private apply(begins: readonly RequestStart[], finishes: readonly PendingFinish[]): CommittedBatch {
    const begun: string[] = [];
    const finished: string[] = [];
    for (const record of begins) {
      this.store.begin(record);
      begun.push(record.id);
    }
    for (const { record, fresh } of finishes) {
      if (this.store.finish(record, fresh) === 'written') finished.push(record.id);
      else this.counters.duplicates += 1;
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
