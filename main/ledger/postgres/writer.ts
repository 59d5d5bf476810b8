// Batches the gateway's begin()/finish() calls into one PostgreSQL transaction per short timer tick, with the
// SQLite writer's guarantees (ledger-writer.ts, README "Durability guarantee"): the hot path only pushes onto
// in-memory queues; an in-flight row is written once its request has run for one flush interval; failed writes
// stay queued and are retried with backoff; a full queue drops its oldest finished request, counted. One batch is
// in the database at a time; its rows stay counted as queued (and in spendSoFar) until it commits.
import type { LedgerStats } from '../ledger-writer.js';
import type { RequestFinish, RequestStart } from '../types.js';
import { describePostgresError, inTransaction, isTransientPostgresError, type Pool } from './client.js';
import { interruptWhere, writeBatch, type BatchResult } from './store.js';

export interface PostgresWriterOptions {
  /** longest a pushed row waits before its batch is written (the SIGKILL loss window) */
  readonly flushIntervalMs?: number;
  readonly maxBatch?: number;
  readonly maxQueue?: number;
  readonly retryInitialMs?: number;
  readonly retryMaxMs?: number;
  /** called after each commit with the ids it made durable (tests and metrics) */
  readonly onCommit?: (batch: { readonly begun: readonly string[]; readonly finished: readonly string[] }) => void;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(1, ms)));
}

export class PostgresLedgerWriter {
  private readonly flushIntervalMs: number;
  private readonly maxBatch: number;
  private readonly maxQueue: number;
  private readonly retryInitialMs: number;
  private readonly retryMaxMs: number;
  private queue: RequestFinish[] = [];
  /** the finishes of the batch being written: still queued until it commits */
  private writing: readonly RequestFinish[] = [];
  private young = new Map<string, RequestStart>();
  private old = new Map<string, RequestStart>();
  private promotedAt = performance.now();
  private timer: NodeJS.Timeout | undefined;
  private timerDue = Number.POSITIVE_INFINITY;
  private running: Promise<boolean> | undefined;
  private consecutiveFailures = 0;
  private backoffUntil = 0;
  private closed = false;
  /** writes wait until open() has migrated and registered this instance */
  private started = false;
  private counters = { written: 0, failures: 0, dropped: 0, droppedFinished: 0, rejected: 0, duplicates: 0 };
  private lastError: string | null = null;
  private lastErrorAt: number | null = null;

  constructor(
    private readonly pool: Pool,
    private readonly instanceId: string,
    private readonly options: PostgresWriterOptions = {},
  ) {
    this.flushIntervalMs = options.flushIntervalMs ?? 50;
    this.maxBatch = Math.max(1, options.maxBatch ?? 500);
    this.maxQueue = Math.max(1, options.maxQueue ?? 20_000);
    this.retryInitialMs = options.retryInitialMs ?? 100;
    this.retryMaxMs = options.retryMaxMs ?? 5_000;
  }

  /** Writes may begin (the schema is in place and this instance's heartbeat is registered). */
  start(): void {
    this.started = true;
    if (this.queue.length > 0 || this.pendingBegins > 0) this.schedule(0);
  }

  begin(record: RequestStart): void {
    if (this.refuseClosed(false)) return;
    this.young.set(record.id, record);
    this.schedule(this.flushIntervalMs);
  }

  finish(record: RequestFinish): void {
    if (this.refuseClosed(true)) return;
    this.young.delete(record.id);
    this.old.delete(record.id);
    if (this.queue.length >= this.maxQueue) {
      this.queue.shift();
      this.countDrop(true);
    }
    this.queue.push(record);
    this.schedule(this.queue.length >= this.maxBatch ? 0 : this.flushIntervalMs);
  }

  stats(): LedgerStats {
    return {
      queued: this.writing.length + this.queue.length + this.pendingBegins,
      ...this.counters,
      checkpoints: 0,
      lastError: this.lastError,
      lastErrorAt: this.lastErrorAt,
    };
  }

  /** Finished requests not yet committed (the batch being written included), for budget checks. */
  queuedFinishes(): readonly RequestFinish[] {
    return this.writing.length === 0 ? this.queue : [...this.writing, ...this.queue];
  }

  noteError(message: string): void {
    this.lastError = message;
    this.lastErrorAt = Date.now();
  }

  /** Writes everything queued now, in-flight rows of any age included, ignoring backoff. True when nothing is left. */
  async flush(): Promise<boolean> {
    if (!this.started) return false;
    for (let round = 0; round < 10_000; round += 1) {
      if (this.running) await this.running;
      if (this.queue.length === 0 && this.pendingBegins === 0) return true;
      if (!(await this.run(true))) return false;
    }
    return false;
  }

  /**
   * Graceful quit: stop taking rows, write the queue (retrying until the deadline), then mark this instance's rows
   * still in flight 'interrupted'. Rows not written by the deadline are counted as dropped.
   */
  async close(timeoutMs = 3_000): Promise<LedgerStats> {
    this.closed = true;
    this.clearTimer();
    const deadline = Date.now() + timeoutMs;
    if (this.started) {
      while (!(await this.flush()) && Date.now() < deadline) await sleep(Math.min(this.backoffUntil, deadline) - Date.now());
    }
    if (this.running) await this.running;
    const unwritten = this.queue.splice(0).length;
    this.counters.dropped += unwritten + this.pendingBegins;
    this.counters.droppedFinished += unwritten;
    this.young.clear();
    this.old.clear();
    while (this.started) {
      try {
        await inTransaction(this.pool, (client) => interruptWhere(client, 'r.instance_id = $1', [this.instanceId]));
        break;
      } catch (error) {
        this.noteFailure(error);
        if (Date.now() >= deadline) break;
        await sleep(Math.min(100, deadline - Date.now()));
      }
    }
    return this.stats();
  }

  private get pendingBegins(): number {
    return this.young.size + this.old.size;
  }

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
    if (!this.started || this.closed) return;
    const due = Math.max(Date.now() + delayMs, this.backoffUntil);
    if (this.timer !== undefined && this.timerDue <= due) return;
    this.clearTimer();
    this.timerDue = due;
    this.timer = setTimeout(() => this.onTimer(), Math.max(0, due - Date.now()));
    this.timer.unref();
  }

  private onTimer(): void {
    this.timer = undefined;
    this.timerDue = Number.POSITIVE_INFINITY;
    if (this.running) {
      // a flush() is writing: look again once it is done
      void this.running.then(() => this.schedule(0));
      return;
    }
    void this.run(false).then(() => {
      if (this.queue.length > 0) this.schedule(0);
      else if (this.pendingBegins > 0) this.schedule(this.flushIntervalMs);
    });
  }

  /** Runs one batch; only one is ever in the database at a time. */
  private run(all: boolean): Promise<boolean> {
    const running = this.writeOnce(all).finally(() => {
      if (this.running === running) this.running = undefined;
    });
    this.running = running;
    return running;
  }

  private async writeOnce(all: boolean): Promise<boolean> {
    const now = performance.now();
    const promote = all || now - this.promotedAt >= this.flushIntervalMs;
    const begins = promote ? (all ? [...this.old.values(), ...this.young.values()] : [...this.old.values()]) : [];
    const finishes = this.queue.splice(0, this.maxBatch);
    if (begins.length === 0 && finishes.length === 0) {
      if (promote) this.promote(now);
      return true;
    }
    this.writing = finishes;
    try {
      const result = await inTransaction(this.pool, (client) => writeBatch(client, this.instanceId, begins, finishes));
      this.writing = [];
      if (promote) this.afterPromotion(begins, now);
      this.onCommitted(begins.length + finishes.length, result);
      return true;
    } catch (error) {
      this.writing = [];
      if (isTransientPostgresError(error)) {
        this.requeue(finishes);
        this.noteFailure(error);
        return false;
      }
      return this.writeOneByOne(begins, finishes, promote, now);
    }
  }

  /** A failed batch goes back to the head of the queue (what overflowed meanwhile was dropped from its tail's elders). */
  private requeue(finishes: readonly RequestFinish[]): void {
    const room = Math.max(0, this.maxQueue - this.queue.length);
    const kept = finishes.slice(Math.max(0, finishes.length - room));
    for (let index = 0; index < finishes.length - kept.length; index += 1) this.countDrop(true);
    this.queue.unshift(...kept);
  }

  private afterPromotion(begins: readonly RequestStart[], now: number): void {
    for (const record of begins) this.young.delete(record.id);
    this.old.clear();
    this.promote(now);
  }

  private promote(now: number): void {
    for (const [id, record] of this.young) this.old.set(id, record);
    this.young.clear();
    this.promotedAt = now;
  }

  /** A batch PostgreSQL refused for a reason in its data: each row alone, so one bad row cannot block the rest. */
  private async writeOneByOne(begins: readonly RequestStart[], finishes: readonly RequestFinish[], promote: boolean, now: number): Promise<boolean> {
    for (const record of begins) {
      if (!(await this.writeAlone(record.id, [record], []))) {
        this.requeue(finishes);
        return false;
      }
      this.young.delete(record.id);
      this.old.delete(record.id);
    }
    if (promote) this.promote(now);
    for (let index = 0; index < finishes.length; index += 1) {
      const record = finishes[index] as RequestFinish;
      if (!(await this.writeAlone(record.id, [], [record]))) {
        this.requeue(finishes.slice(index));
        return false;
      }
    }
    return true;
  }

  private async writeAlone(id: string, begins: readonly RequestStart[], finishes: readonly RequestFinish[]): Promise<boolean> {
    try {
      const result = await inTransaction(this.pool, (client) => writeBatch(client, this.instanceId, begins, finishes));
      this.onCommitted(1, result);
    } catch (error) {
      if (isTransientPostgresError(error)) {
        this.noteFailure(error);
        return false;
      }
      this.counters.rejected += 1;
      this.noteError(`request ${id} rejected: ${describePostgresError(error)}`);
    }
    return true;
  }

  private onCommitted(operations: number, result: BatchResult): void {
    this.counters.written += operations;
    this.counters.duplicates += result.duplicates;
    this.consecutiveFailures = 0;
    this.backoffUntil = 0;
    try {
      this.options.onCommit?.({ begun: result.begun, finished: result.finished });
    } catch {
      // an observer's failure is not the ledger's
    }
  }

  private noteFailure(error: unknown): void {
    this.counters.failures += 1;
    this.consecutiveFailures += 1;
    this.noteError(describePostgresError(error));
    this.backoffUntil = Date.now() + Math.min(this.retryMaxMs, this.retryInitialMs * 2 ** Math.min(20, this.consecutiveFailures - 1));
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerDue = Number.POSITIVE_INFINITY;
  }
}
