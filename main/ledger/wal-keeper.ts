// Keeps the WAL file bounded while the ledger writes: PASSIVE checkpoints at most once per interval, TRUNCATE when
// the file has grown past its bound (after a reader pinned it) and once the ledger has been idle for a while.
import { statSync } from 'node:fs';
import type { LedgerDatabase } from './database.js';

export interface WalKeeperOptions {
  /** a WAL file larger than this gets a TRUNCATE checkpoint */
  readonly walTruncateBytes?: number;
  /** PASSIVE checkpoints at most this often while writing */
  readonly checkpointIntervalMs?: number;
  /** after this long without writes the WAL is checkpointed and truncated */
  readonly idleCheckpointMs?: number;
}

export class WalKeeper {
  private readonly truncateBytes: number;
  private readonly intervalMs: number;
  private readonly idleMs: number;
  private idleTimer: NodeJS.Timeout | undefined;
  private lastCheckpointAt = 0;
  private lastCommitAt = 0;
  private stopped = false;
  checkpoints = 0;

  constructor(
    private readonly database: LedgerDatabase,
    options: WalKeeperOptions,
    /** told about a checkpoint that failed (busy readers): it is retried later and never costs a row */
    private readonly onError: (error: unknown) => void,
  ) {
    this.truncateBytes = options.walTruncateBytes ?? 8 * 1024 * 1024;
    this.intervalMs = options.checkpointIntervalMs ?? 1_000;
    this.idleMs = options.idleCheckpointMs ?? 2_000;
  }

  /** After each commit. */
  committed(): void {
    const now = Date.now();
    this.lastCommitAt = now;
    if (now - this.lastCheckpointAt >= this.intervalMs) {
      this.lastCheckpointAt = now;
      this.checkpoint(this.walBytes() > this.truncateBytes ? 'TRUNCATE' : 'PASSIVE');
    }
    if (this.idleTimer === undefined && !this.stopped) this.armIdle(this.idleMs);
  }

  /** At close: no more timers; one last TRUNCATE. */
  stop(): void {
    this.stopped = true;
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    this.checkpoint('TRUNCATE');
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

  private checkpoint(mode: 'PASSIVE' | 'TRUNCATE'): void {
    if (!this.database.open) return;
    try {
      this.database.pragma(`wal_checkpoint(${mode})`);
      this.checkpoints += 1;
    } catch (error) {
      this.onError(error);
    }
  }
}
