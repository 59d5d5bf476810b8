// Keeps the WAL file bounded while the ledger writes: PASSIVE checkpoints at most once per interval, TRUNCATE when
// the file has grown past its bound (after a reader pinned it) and once the ledger has been idle for a while.
// The PASSIVE and idle checkpoints run on a worker thread's own connection (checkpoint-worker.ts), so their fsyncs
// do not stall the event loop, as long as the WAL stays under half its bound; past that, and for the TRUNCATE past
// the bound and the one at close, they run on the writer's connection, where they take effect before the next
// write. Without the worker (starting, failed, or `checkpointInWorker: false`) every checkpoint runs there.
import { statSync } from 'node:fs';
import { CheckpointWorker, type CheckpointMode } from './checkpoint-worker.js';
import type { LedgerDatabase } from './database.js';

export interface WalKeeperOptions {
  /** a WAL file larger than this gets a TRUNCATE checkpoint */
  readonly walTruncateBytes?: number;
  /** PASSIVE checkpoints at most this often while writing */
  readonly checkpointIntervalMs?: number;
  /** after this long without writes the WAL is checkpointed and truncated */
  readonly idleCheckpointMs?: number;
  /** PASSIVE and idle checkpoints on a worker thread (default true; the ledger's file only, never `:memory:`) */
  readonly checkpointInWorker?: boolean;
  /** better-sqlite3's compiled addon for the worker's connection, as the ledger's (OpenDatabaseOptions) */
  readonly nativeBinding?: string;
  /** better-sqlite3's entry point for the worker (tests) */
  readonly checkpointWorkerModule?: string;
}

export class WalKeeper {
  private readonly truncateBytes: number;
  private readonly intervalMs: number;
  private readonly idleMs: number;
  private idleTimer: NodeJS.Timeout | undefined;
  private lastCheckpointAt = 0;
  private lastCommitAt = 0;
  private stopped = false;
  /** started on the first checkpoint; undefined until then, and for good once it failed */
  private worker: CheckpointWorker | undefined;
  private workerAllowed: boolean;
  /** checkpoints on the writer's connection */
  private checkpointsHere = 0;
  /** completed by workers that are gone (failed or closed) */
  private checkpointsGone = 0;
  /** why the worker is not used, once it failed */
  workerFailure: string | undefined;

  constructor(
    private readonly database: LedgerDatabase,
    private readonly options: WalKeeperOptions,
    /** told about a checkpoint that failed (busy readers): it is retried later and never costs a row */
    private readonly onError: (error: unknown) => void,
    /** after each checkpoint on this connection (the writer thread publishes its count) */
    private readonly onCheckpoint?: () => void,
  ) {
    this.truncateBytes = options.walTruncateBytes ?? 8 * 1024 * 1024;
    this.intervalMs = options.checkpointIntervalMs ?? 1_000;
    this.idleMs = options.idleCheckpointMs ?? 2_000;
    this.workerAllowed = options.checkpointInWorker !== false && !database.memory;
  }

  /** Checkpoints done, on either thread. */
  get checkpoints(): number {
    return this.checkpointsHere + this.workerCheckpoints;
  }

  /** Checkpoints done on the worker's thread. */
  get workerCheckpoints(): number {
    return this.checkpointsGone + (this.worker?.completed ?? 0);
  }

  /** The worker has started and takes the PASSIVE and idle checkpoints from now on. */
  get workerReady(): boolean {
    return this.worker?.ready === true;
  }

  /**
   * After each commit (none are expected after stop(); one would be left to the next open). `here`: this commit's
   * checkpoint runs on this connection and no idle checkpoint is armed — the ledger's writer thread is starting
   * and takes the checkpoints over in a moment.
   */
  committed(here = false): void {
    if (this.stopped) return;
    const now = Date.now();
    this.lastCommitAt = now;
    if (now - this.lastCheckpointAt >= this.intervalMs) {
      this.lastCheckpointAt = now;
      const walBytes = this.walBytes();
      if (walBytes > this.truncateBytes) this.checkpointHere('TRUNCATE');
      // Past half the bound the worker is not keeping up: its checkpoints run while the writer appends, so they never
      // reach the WAL's end and SQLite never restarts the file. One here, between two commits, always does.
      else if (walBytes > this.truncateBytes / 2 || here) this.checkpointHere('PASSIVE');
      else this.checkpoint('PASSIVE');
    }
    if (this.idleTimer === undefined && !here) this.armIdle(this.idleMs);
  }

  /** At close: no more timers; the worker finishes and closes; one last TRUNCATE here. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    const worker = this.worker;
    this.workerAllowed = false;
    await worker?.close();
    this.retire(worker);
    this.checkpointHere('TRUNCATE');
  }

  walBytes(): number {
    try {
      return statSync(`${this.database.name}-wal`).size;
    } catch {
      return 0;
    }
  }

  private armIdle(delayMs: number): void {
    this.idleTimer = setTimeout(() => this.onIdle(), delayMs);
    this.idleTimer.unref();
  }

  private onIdle(): void {
    this.idleTimer = undefined;
    const quietFor = Date.now() - this.lastCommitAt;
    if (quietFor < this.idleMs) {
      this.armIdle(Math.max(10, this.idleMs - quietFor));
      return;
    }
    if (this.walBytes() > 0) this.checkpoint('TRUNCATE');
  }

  /**
   * On the worker once it is ready (a checkpoint still running there makes this one wait for the next turn), else
   * here: until the worker's connection is open (it starts with the first checkpoint and takes ~50 ms, longer on a
   * busy machine), and for good once it failed — so the WAL is kept as bounded as it was without the worker.
   */
  private checkpoint(mode: CheckpointMode): void {
    const worker = this.workerAllowed ? (this.worker ??= this.startWorker()) : undefined;
    if (worker?.ready) {
      if (!worker.checkpoint(mode) && mode === 'TRUNCATE' && !this.stopped) this.armIdle(this.idleMs);
      return;
    }
    this.checkpointHere(mode);
  }

  private checkpointHere(mode: CheckpointMode): void {
    if (!this.database.open) return;
    try {
      this.database.pragma(`wal_checkpoint(${mode})`);
      this.checkpointsHere += 1;
      this.onCheckpoint?.();
    } catch (error) {
      // The worker's checkpoint was holding SQLite's checkpointer lock (refused at once, no wait): the next turn retries.
      if (this.worker?.usable && (error as { code?: unknown }).code === 'SQLITE_BUSY') return;
      this.onError(error);
    }
  }

  private startWorker(): CheckpointWorker | undefined {
    try {
      return new CheckpointWorker(
        {
          path: this.database.name,
          nativeBinding: this.options.nativeBinding,
          ...(this.options.checkpointWorkerModule ? { modulePath: this.options.checkpointWorkerModule } : {}),
        },
        (failure) => this.onError(Object.assign(new Error(failure.message), { code: failure.code })),
        (error) => this.workerFailed(error),
      );
    } catch (error) {
      this.workerFailed(error instanceof Error ? error : new Error(String(error)));
      return undefined;
    }
  }

  /** From now on every checkpoint runs on the writer's connection, as it did before the worker. */
  private workerFailed(error: Error): void {
    this.workerFailure = error.message;
    this.workerAllowed = false;
    this.retire(this.worker);
  }

  /** Keeps the count of a worker that is gone. */
  private retire(worker: CheckpointWorker | undefined): void {
    if (worker === undefined || worker !== this.worker) return;
    this.checkpointsGone += worker.completed;
    this.worker = undefined;
  }
}
