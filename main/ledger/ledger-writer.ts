// Batches the gateway's begin()/finish() calls into one transaction per short timer tick. The hot path only pushes
// onto in-memory queues; the batch's SQL, its rollups, its commit and the WAL's checkpoints run on the ledger's
// writer thread (writer-thread.ts), one batch at a time, while the queues stay here: failed writes stay queued and
// are retried with backoff, overflow is dropped and counted, and budgets read the finishes not yet committed.
// While the thread starts (~50-100 ms; its module and connection), and for good if it cannot start or dies, this
// thread writes, as before the writer thread existed.
// Stored Responses-API responses ride in the same batches (store()): their rows go to the writer thread with the
// requests', and listeners hear which were committed (response-store.ts keeps them readable until then).
// A request's in-flight row is written only once it has run for a flush interval: one that finishes sooner (most,
// under load) is written once, already final, instead of inserted in flight and then rewritten.
import type { LedgerDatabase } from './database.js';
import { BatchApplier, describeError, type BatchOutcome, type CommittedBatch, type PendingFinish } from './ledger-batch.js';
import type { StoredResponseRow } from './response-store.js';
import type { RequestFinish, RequestStart } from './types.js';
import { WalKeeper, type WalKeeperOptions } from './wal-keeper.js';
import { WriterThread } from './writer-thread.js';

export { isTransientWriteError, type CommittedBatch } from './ledger-batch.js';

export interface LedgerWriterOptions extends WalKeeperOptions {
  /**
   * Told, once per occurrence, when the writer thread cannot start or is lost and rows are written on the request
   * thread from then on (slower, never lost): for the log, since stats() only counts it.
   */
  readonly onThreadLost?: (message: string) => void;
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
  /** write on a worker thread (default true; the ledger's file only, never `:memory:`) */
  readonly writeInWorker?: boolean;
  /** the writer thread's module URL (tests: one that cannot load, or that dies) */
  readonly writerWorkerEntry?: string;
  /** as OpenDatabaseOptions: the writer thread's connection waits this long for a lock */
  readonly busyTimeoutMs?: number;
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
  /** SQLite: where rows are written: the writer thread, the request thread while it starts, or the request thread */
  readonly writerThread?: 'worker' | 'starting' | 'main';
  /** SQLite: times the writer thread could not start or died (then the request thread writes) */
  readonly writerFailures?: number;
}

/** A batch handed to the writer thread (or written here), until its outcome is known. */
interface Batch {
  readonly seq: number;
  readonly begins: readonly RequestStart[];
  readonly finishes: readonly PendingFinish[];
  readonly stored: readonly StoredResponseRow[];
}

/** How long flush() may block for the writer thread's answer before it gives up on the thread. */
const flushWaitMs = 10_000;

export class LedgerWriter {
  private readonly flushIntervalMs: number;
  private readonly maxBatch: number;
  private readonly maxQueue: number;
  private readonly retryInitialMs: number;
  private readonly retryMaxMs: number;
  private queue: PendingFinish[] = [];
  /** stored responses to write, and who hears when they are written or given up */
  private stored: StoredResponseRow[] = [];
  private readonly storedListeners: ((ids: readonly string[]) => void)[] = [];
  /**
   * In-flight rows not written yet, in two generations: `young` arrived since the last promotion, `old` before it.
   * Promotions are at least a flush interval apart and write `old`, so an in-flight row is written between one and
   * two intervals after its request arrived — unless the request finished first.
   */
  private young = new Map<string, RequestStart>();
  private old = new Map<string, RequestStart>();
  private promotedAt = performance.now();
  /** the batch being written, and its in-flight rows whose requests have not finished since */
  private outstanding: Batch | undefined;
  private posting = new Map<string, RequestStart>();
  private seq = 0;
  private lastFailed = false;
  private waiters: (() => void)[] = [];
  private thread: WriterThread | undefined;
  /** the writer on this thread's connection: without a writer thread, or once it failed */
  private local: { readonly applier: BatchApplier; readonly wal: WalKeeper } | undefined;
  private threadCheckpoints = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerDue = Number.POSITIVE_INFINITY;
  private consecutiveFailures = 0;
  private backoffUntil = 0;
  private closed = false;
  private counters = { written: 0, failures: 0, dropped: 0, droppedFinished: 0, rejected: 0, duplicates: 0, writerFailures: 0 };
  private lastError: string | null = null;
  private lastErrorAt: number | null = null;
  private threadWanted: boolean;

  constructor(
    private readonly database: LedgerDatabase,
    private readonly options: LedgerWriterOptions = {},
  ) {
    this.flushIntervalMs = options.flushIntervalMs ?? 50;
    // ~20-50 µs per finished request (its row, rollups, the commit): 200 keeps one tick under ~10 ms
    this.maxBatch = Math.max(1, options.maxBatch ?? 200);
    this.maxQueue = Math.max(1, options.maxQueue ?? 20_000);
    this.retryInitialMs = options.retryInitialMs ?? 100;
    this.retryMaxMs = options.retryMaxMs ?? 5_000;
    // started with the first batch, not here: a gateway that serves nothing keeps no second V8 isolate (~4 MiB idle RSS)
    this.threadWanted = options.writeInWorker !== false && !database.memory;
  }

  begin(record: RequestStart): void {
    if (this.refuseClosed(false)) return;
    this.young.set(record.id, record);
    this.schedule(this.flushIntervalMs);
  }

  finish(record: RequestFinish): void {
    if (this.refuseClosed(true)) return;
    // Its in-flight row was never written (still pending, now dropped): the final row is a plain insert. One in the
    // batch being written may land or not: the final row is an upsert, and the begin is not retried.
    const fresh = this.young.delete(record.id) || this.old.delete(record.id);
    if (!fresh) this.posting.delete(record.id);
    while (this.queue.length > 0 && this.queue.length + (this.outstanding?.finishes.length ?? 0) >= this.maxQueue) {
      this.queue.shift();
      this.countDrop(true);
    }
    this.queue.push({ record, fresh });
    this.schedule(this.queue.length >= this.maxBatch ? 0 : this.flushIntervalMs);
  }

  /** A stored response to write with the next batch; listeners hear its id once it is committed or given up. */
  store(row: StoredResponseRow): void {
    if (this.closed) {
      this.storedSettled([row.id]);
      return;
    }
    this.stored.push(row);
    if (this.stored.length > this.maxQueue) this.storedSettled(this.stored.splice(0, this.stored.length - this.maxQueue).map((lost) => lost.id));
    this.schedule(this.stored.length >= this.maxBatch ? 0 : this.flushIntervalMs);
  }

  /** Called with the ids of stored responses committed, or given up (refused, dropped, unwritten at close). */
  onStored(listener: (ids: readonly string[]) => void): void {
    this.storedListeners.push(listener);
  }

  stats(): LedgerStats {
    if (this.outstanding) this.thread?.settleCommitted(this.outstanding.seq);
    const outstanding = this.outstanding ? this.outstanding.begins.length + this.outstanding.finishes.length : 0;
    return {
      queued: this.queue.length + this.pendingBegins + outstanding,
      ...this.counters,
      checkpoints: this.threadCheckpoints + (this.thread?.checkpoints ?? 0) + (this.local?.wal.checkpoints ?? 0),
      writerThread: this.thread ? (this.thread.ready ? 'worker' : 'starting') : this.threadWanted ? 'starting' : 'main',
      lastError: this.lastError,
      lastErrorAt: this.lastErrorAt,
    };
  }

  /**
   * `read()` (a query of what is committed) and the finished requests it cannot see: those still queued, and the
   * batch being written unless the writer thread had committed it before the read began. A batch that commits
   * during the read may be counted twice (spend overstated for that instant), never missed.
   */
  withUncommitted<T>(read: () => T): { readonly committed: T; readonly queued: readonly RequestFinish[] } {
    const committedSeq = this.thread?.committedSeq ?? 0;
    const committed = read();
    const queued = this.queue.map((pending) => pending.record);
    if (this.outstanding && this.outstanding.seq > committedSeq) for (const pending of this.outstanding.finishes) queued.push(pending.record);
    return { committed, queued };
  }

  /** Writes everything queued now, in-flight rows of any age included, ignoring backoff. True when nothing is left. */
  flush(): boolean {
    for (;;) {
      if (this.outstanding) {
        this.awaitOutstanding();
        if (this.lastFailed) return false;
        continue;
      }
      if (this.queue.length === 0 && this.pendingBegins === 0 && this.stored.length === 0) return true;
      this.dispatch(true, true);
      if (!this.outstanding && this.lastFailed) return false;
    }
  }

  /**
   * Graceful quit: stop taking rows, write the queue (retrying until the deadline), mark rows still in flight
   * 'interrupted' and truncate the WAL. Rows that could not be written by the deadline are counted as dropped.
   */
  async close(timeoutMs = 3_000): Promise<LedgerStats> {
    this.closed = true;
    this.clearTimers();
    const deadline = Date.now() + timeoutMs;
    // the writer thread's own close (interrupted rows, the last checkpoint) gets the end of the time
    const drainUntil = deadline - (this.thread ? Math.min(250, timeoutMs / 4) : 0);
    for (;;) {
      if (this.outstanding) {
        await this.settled(drainUntil);
        if (this.outstanding) break;
        if (this.lastFailed && Date.now() < drainUntil) await sleep(Math.min(this.backoffUntil, drainUntil) - Date.now());
        continue;
      }
      if ((this.queue.length === 0 && this.pendingBegins === 0 && this.stored.length === 0) || Date.now() >= drainUntil) break;
      this.dispatch(true, false);
      if (!this.outstanding && this.lastFailed) await sleep(Math.min(this.backoffUntil, drainUntil) - Date.now());
    }
    const unwrittenFinishes = this.queue.splice(0).length + (this.outstanding?.finishes.length ?? 0);
    this.counters.dropped += unwrittenFinishes + this.pendingBegins + (this.outstanding?.begins.length ?? 0);
    this.counters.droppedFinished += unwrittenFinishes;
    this.storedSettled([...this.stored.splice(0), ...(this.outstanding?.stored ?? [])].map((row) => row.id));
    this.outstanding = undefined; // a late answer changes nothing now
    this.young.clear();
    this.old.clear();
    this.posting.clear();
    const thread = this.thread;
    // (one still starting gets the close message once its connection is open: usually within the deadline)
    if (thread) {
      await thread.close(deadline, 2 * (this.options.busyTimeoutMs ?? 100) + 250);
      this.threadCheckpoints += thread.checkpoints;
      this.thread = undefined;
      return this.stats();
    }
    const local = this.writeHere();
    for (;;) {
      try {
        local.applier.interruptAllInFlight();
        break;
      } catch (error) {
        this.noteFailure(describeError(error));
        if (Date.now() >= deadline) break;
        await sleep(Math.min(50, deadline - Date.now()));
      }
    }
    await local.wal.stop();
    return this.stats();
  }

  /** The ledger's connection was closed under the writer (a test's simulated crash): stop, and let the thread go. */
  release(): LedgerStats {
    this.closed = true;
    this.clearTimers();
    this.thread?.abandon();
    if (this.thread) this.threadCheckpoints += this.thread.checkpoints;
    this.thread = undefined;
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
    if (this.outstanding) return; // its answer schedules the next batch
    this.dispatch(false, false);
    this.next();
  }

  /** One batch at a time, so a backlog never holds either thread for more than one transaction at a time. */
  private next(): void {
    if (this.closed || this.outstanding) return;
    if (this.queue.length > 0 || this.stored.length >= this.maxBatch) this.schedule(0);
    else if (this.pendingBegins > 0 || this.stored.length > 0) this.schedule(this.flushIntervalMs);
  }

  /**
   * Hands the head of the finish queue, and the in-flight rows that are due, to the writer (the thread, or this
   * connection at once). `all` takes every in-flight row whatever its age (flush, close); `sync`: a flush waits.
   */
  private dispatch(all: boolean, sync: boolean): void {
    const now = performance.now();
    const promote = all || now - this.promotedAt >= this.flushIntervalMs;
    const begins = promote ? (all ? [...this.old.values(), ...this.young.values()] : [...this.old.values()]) : [];
    const finishes = this.queue.splice(0, this.maxBatch);
    const stored = this.stored.splice(0, this.maxBatch);
    if (promote) {
      if (all) this.young.clear();
      this.old.clear();
      this.promote(now);
    }
    this.lastFailed = false;
    if (begins.length === 0 && finishes.length === 0 && stored.length === 0) return;
    const batch: Batch = { seq: (this.seq += 1), begins, finishes, stored };
    this.outstanding = batch;
    this.posting = new Map(begins.map((record) => [record.id, record]));
    if (this.threadWanted && !this.closed) {
      this.threadWanted = false;
      this.thread = this.startThread(); // this batch is written here while it starts
    }
    if (this.thread?.ready) this.thread.post({ type: 'batch', seq: batch.seq, begins, finishes, stored, sync });
    else this.writeLocally(batch);
  }

  /** The young generation becomes the old one; the next promotion writes it. */
  private promote(now: number): void {
    for (const [id, record] of this.young) this.old.set(id, record);
    this.young.clear();
    this.promotedAt = now;
  }

  /** Writes a batch on this thread's connection: while the writer thread starts, or for good once it failed. */
  private writeLocally(batch: Batch): void {
    const local = this.writeHere();
    const outcome = local.applier.write(batch.begins, batch.finishes, batch.stored);
    // while the thread starts, its checkpoints too (here, not on a checkpoint worker, and no idle one)
    if (outcome.commits.length > 0) local.wal.committed(this.thread !== undefined);
    this.settle(batch.seq, outcome);
  }

  /** What a batch's outcome means for the queues and the counters; the rows it did not get to stay queued. */
  private settle(seq: number, outcome: BatchOutcome): void {
    const batch = this.outstanding;
    if (batch === undefined || batch.seq !== seq) return;
    this.outstanding = undefined;
    for (const record of batch.begins.slice(outcome.beginsDone)) if (this.posting.has(record.id)) this.old.set(record.id, record);
    this.posting.clear();
    if (outcome.storedDone < batch.stored.length) this.stored.unshift(...batch.stored.slice(outcome.storedDone));
    if (outcome.finishesDone < batch.finishes.length) {
      this.queue.unshift(...batch.finishes.slice(outcome.finishesDone));
      while (this.queue.length > this.maxQueue) {
        this.queue.shift();
        this.countDrop(true);
      }
    }
    this.counters.written += outcome.written;
    this.counters.duplicates += outcome.duplicates;
    this.counters.rejected += outcome.rejected;
    for (const message of outcome.errors) this.noteError(message);
    this.lastFailed = outcome.failure !== null;
    if (outcome.failure !== null) this.noteFailure(outcome.failure);
    else {
      this.consecutiveFailures = 0;
      this.backoffUntil = 0;
    }
    for (const committed of outcome.commits) {
      try {
        this.options.onCommit?.(committed);
      } catch {
        // an observer's failure is not the ledger's
      }
    }
    if (outcome.storedDone > 0) this.storedSettled(batch.stored.slice(0, outcome.storedDone).map((row) => row.id));
    for (const wake of this.waiters.splice(0)) wake();
  }

  private storedSettled(ids: readonly string[]): void {
    if (ids.length === 0) return;
    for (const listener of this.storedListeners) {
      try {
        listener(ids);
      } catch {
        // a listener's failure is not the ledger's
      }
    }
  }

  /** flush(): blocks until the batch being written is answered; a thread that is gone or stuck is given up. */
  private awaitOutstanding(): void {
    const batch = this.outstanding;
    const thread = this.thread;
    if (batch === undefined) return;
    if (thread === undefined) {
      this.writeLocally(batch);
      return;
    }
    const answer = thread.waitFor(batch.seq, flushWaitMs);
    if (answer === 'gone') this.threadFailed(new Error("the ledger's writer thread is gone"));
    else if (answer === 'timeout') this.threadFailed(new Error(`the ledger's writer thread did not answer within ${flushWaitMs} ms`));
  }

  /** close(): resolves when the batch being written is answered, or at `until`. */
  private settled(until: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, Math.max(0, until - Date.now()));
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private startThread(): WriterThread | undefined {
    try {
      return new WriterThread(
        {
          path: this.database.name,
          nativeBinding: this.options.nativeBinding,
          busyTimeoutMs: this.options.busyTimeoutMs,
          walTruncateBytes: this.options.walTruncateBytes,
          checkpointIntervalMs: this.options.checkpointIntervalMs,
          idleCheckpointMs: this.options.idleCheckpointMs,
          entry: this.options.writerWorkerEntry,
        },
        {
          onDone: (seq, outcome) => {
            this.settle(seq, outcome);
            this.next();
          },
          onError: (message, failure) => (failure ? this.noteFailure(message) : this.noteError(message)),
          onFailure: (error) => this.threadFailed(error),
        },
      );
    } catch (error) {
      this.counters.writerFailures += 1;
      this.threadLost(`ledger writer thread: ${describeError(error)}; writing on the request thread`);
      return undefined;
    }
  }

  /**
   * From now on this thread writes. The batch the thread had is written again here: its rows may have committed
   * there already, which is harmless (a begin never overwrites, a finish of a final row is a counted duplicate).
   */
  private threadFailed(error: Error): void {
    const thread = this.thread;
    if (thread === undefined) return;
    this.thread = undefined;
    this.threadCheckpoints += thread.checkpoints;
    thread.abandon();
    this.counters.writerFailures += 1;
    this.threadLost(`ledger writer thread: ${error.message}; writing on the request thread`);
    const batch = this.outstanding;
    if (batch) this.writeLocally(batch);
    this.next();
  }

  private writeHere(): { readonly applier: BatchApplier; readonly wal: WalKeeper } {
    this.local ??= {
      applier: new BatchApplier(this.database),
      wal: new WalKeeper(this.database, this.options, (error) => this.noteError(`checkpoint: ${describeError(error)}`)),
    };
    return this.local;
  }

  private threadLost(message: string): void {
    this.noteError(message);
    this.options.onThreadLost?.(message);
  }

  private noteError(message: string): void {
    this.lastError = message;
    this.lastErrorAt = Date.now();
  }

  private noteFailure(message: string): void {
    this.counters.failures += 1;
    this.consecutiveFailures += 1;
    this.noteError(message);
    this.backoffUntil = Date.now() + Math.min(this.retryMaxMs, this.retryInitialMs * 2 ** Math.min(20, this.consecutiveFailures - 1));
  }

  private clearTimers(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerDue = Number.POSITIVE_INFINITY;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(1, ms)));
}
