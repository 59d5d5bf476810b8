// PASSIVE and idle checkpoints of the ledger's WAL on a worker thread with a SQLite connection of its own, so their
// fsyncs (the WAL, then the database: ~4 ms each on average here, up to 16 ms under load) leave the event loop.
// better-sqlite3 is synchronous: on the writer's connection every checkpoint stalled every request in flight, and it
// was about half of the gateway's p99 excess over a bare proxy (README, Performance). A checkpoint needs no
// coordination with the writer beyond SQLite's own locks: PASSIVE never waits for the writer, and the writer never
// waits for a PASSIVE checkpoint.
//
// The worker's code is evaluated from a string (no script file to find next to dist/ or inside app.asar) and loads
// better-sqlite3 by its resolved path, with the same nativeBinding as the ledger (the Electron build's). Should the
// worker fail to start or die, the caller checkpoints on its own connection as before: nothing depends on the worker.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export type CheckpointMode = 'PASSIVE' | 'TRUNCATE';

/** A checkpoint the worker's connection could not make (the SQLite error); a successful one is only counted. */
export interface CheckpointFailure {
  readonly mode: CheckpointMode;
  readonly message: string;
  readonly code: string | undefined;
}

export interface CheckpointWorkerOptions {
  /** the ledger file */
  readonly path: string;
  readonly nativeBinding?: string | undefined;
  /** better-sqlite3's entry point; tests pass a broken one to see the fallback */
  readonly modulePath?: string;
  /**
   * How long the worker's TRUNCATE may wait for the writer and readers. It waits on the worker's thread, not the
   * event loop; the writer's own commits wait at most their busy timeout while a TRUNCATE holds the write lock.
   */
  readonly busyTimeoutMs?: number;
}

// state[0]: 1 while a checkpoint is asked for or running; state[1]: checkpoints done; state[2]: 1 once the worker's
// connection is open. Shared memory rather than messages, so a writer that commits batch after batch without
// yielding to the event loop still sees the worker ready, or idle again (messages would wait for the loop's next turn).
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const state = new Int32Array(workerData.state);
const Database = require(workerData.modulePath);
const database = new Database(workerData.path, workerData.nativeBinding ? { nativeBinding: workerData.nativeBinding, fileMustExist: true } : { fileMustExist: true });
database.pragma('busy_timeout = ' + workerData.busyTimeoutMs);
database.pragma('synchronous = NORMAL');
Atomics.store(state, 2, 1);
parentPort.on('message', (mode) => {
  if (mode === 'close') {
    database.close();
    parentPort.close();
    return;
  }
  try {
    database.pragma('wal_checkpoint(' + (mode === 'TRUNCATE' ? 'TRUNCATE' : 'PASSIVE') + ')');
    Atomics.add(state, 1, 1);
    Atomics.store(state, 0, 0);
  } catch (error) {
    Atomics.store(state, 0, 0);
    parentPort.postMessage({ mode, message: String((error && error.message) || error), code: error && error.code });
  }
});
`;

/** One worker per ledger, started on the first checkpoint; one checkpoint at a time. */
export class CheckpointWorker {
  private readonly worker: Worker;
  private readonly state = new Int32Array(new SharedArrayBuffer(12));
  private failed = false;
  private closing = false;
  private readonly exited: Promise<void>;

  constructor(
    options: CheckpointWorkerOptions,
    /** a checkpoint that failed */
    private readonly onCheckpointFailure: (failure: CheckpointFailure) => void,
    /** the worker could not start or died: from now on the caller checkpoints itself */
    private readonly onFailure: (error: Error) => void,
  ) {
    this.worker = new Worker(workerSource, {
      eval: true,
      workerData: {
        path: options.path,
        nativeBinding: options.nativeBinding,
        modulePath: options.modulePath ?? createRequire(import.meta.url).resolve('better-sqlite3'),
        busyTimeoutMs: Math.max(0, Math.floor(options.busyTimeoutMs ?? 2_000)),
        state: this.state.buffer,
      },
      stdout: false,
      stderr: false,
    });
    this.worker.unref(); // never what keeps the process alive
    this.worker.on('message', (failure: CheckpointFailure) => this.onCheckpointFailure(failure));
    this.worker.on('error', (error) => this.fail(error));
    this.exited = new Promise((resolve) => {
      this.worker.once('exit', (code) => {
        if (code !== 0) this.fail(new Error(`checkpoint worker exited with code ${code}`));
        this.failed = true;
        resolve();
      });
    });
  }

  /** Not failed. */
  get usable(): boolean {
    return !this.failed;
  }

  /** Its connection is open: a checkpoint asked for now starts at once (while it starts, the caller checkpoints itself). */
  get ready(): boolean {
    return !this.failed && Atomics.load(this.state, 2) === 1;
  }

  /** A checkpoint is running (or queued) in the worker. */
  get busy(): boolean {
    return Atomics.load(this.state, 0) === 1;
  }

  /** Checkpoints the worker has completed, up to this moment (also those whose message is not handled yet). */
  get completed(): number {
    return Atomics.load(this.state, 1);
  }

  /** Asks for a checkpoint; false (nothing posted) when the worker is unusable or one is still running. */
  checkpoint(mode: CheckpointMode): boolean {
    if (this.failed || this.busy) return false;
    Atomics.store(this.state, 0, 1);
    this.worker.postMessage(mode);
    return true;
  }

  /** Lets a running checkpoint finish, closes the worker's connection and waits for its exit (terminated past `timeoutMs`). */
  async close(timeoutMs = 2_000): Promise<void> {
    if (!this.failed) this.worker.postMessage('close');
    this.closing = true;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      // not unref'd: with the worker unref'd, it is what keeps the loop alive until the worker has exited
      timer = setTimeout(() => resolve('late'), timeoutMs);
    });
    if ((await Promise.race([this.exited, late])) === 'late') await this.worker.terminate();
    clearTimeout(timer);
    this.failed = true;
  }

  private fail(error: Error): void {
    if (this.failed || this.closing) return;
    this.failed = true;
    Atomics.store(this.state, 0, 0);
    this.onFailure(error);
  }
}
