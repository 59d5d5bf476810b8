// The ledger's writer thread as the request thread sees it: posts a batch, hears back what committed. The thread
// (ledger-write-worker.ts) has its own better-sqlite3 connection and runs the batch's transaction, the rollups and
// the WAL's checkpoints there, so neither the SQL nor the fsyncs of a commit stall the event loop.
//
// One batch at a time: the writer posts the next only once the last one's reply is in (ledger-writer.ts). Replies
// come on a MessageChannel so they can also be taken synchronously (receiveMessageOnPort) by flush() and stats().
// Shared memory says what the thread has committed, even before its reply is handled: budgets read it.
//
// The thread is started from a few lines evaluated from a string that import its module by URL: next to this file in
// dist/, or the .ts source with the ledger's TypeScript hooks when running from sources (tests, benches). It loads
// better-sqlite3 with the ledger's nativeBinding (the Electron build's). A thread that cannot start or dies is
// reported once through onFailure: the writer then writes on the request thread, as it did before.
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { BatchOutcome, PendingFinish } from './ledger-batch.js';
import type { StoredResponseRow } from './response-store.js';
import type { RequestStart } from './types.js';

/** Slots of the shared Int32Array. */
export const slot = {
  /** 1 once the thread's connection is open */
  ready: 0,
  /** the last batch committed whole */
  committed: 1,
  /** the last batch answered (its reply is posted) */
  replied: 2,
  /** checkpoints done on the thread */
  checkpoints: 3,
  /** 1 once the thread failed or is exiting */
  gone: 4,
  /** 1 once the request thread let it go: one still starting exits without opening the file */
  abandoned: 5,
} as const;

export interface BatchMessage {
  readonly type: 'batch';
  readonly seq: number;
  readonly begins: readonly RequestStart[];
  readonly finishes: readonly PendingFinish[];
  /** stored Responses-API responses (response-store.ts), written in the same transaction */
  readonly stored: readonly StoredResponseRow[];
  /** a flush is waiting: checkpoint before answering, so the WAL is bounded when it returns */
  readonly sync: boolean;
}

export type ToWriter = BatchMessage | { readonly type: 'close'; readonly deadline: number };

export type FromWriter =
  | { readonly type: 'done'; readonly seq: number; readonly outcome: BatchOutcome }
  /** a checkpoint that failed, or (`failure`) a failed attempt at marking rows interrupted at close */
  | { readonly type: 'error'; readonly message: string; readonly failure: boolean }
  | { readonly type: 'closed' };

export interface WriterWorkerData {
  readonly path: string;
  readonly nativeBinding: string | undefined;
  readonly busyTimeoutMs: number;
  readonly walTruncateBytes: number | undefined;
  readonly checkpointIntervalMs: number | undefined;
  readonly idleCheckpointMs: number | undefined;
  readonly state: SharedArrayBuffer;
  readonly port: MessagePort;
}

export interface WriterThreadOptions {
  readonly path: string;
  readonly nativeBinding?: string | undefined;
  readonly busyTimeoutMs?: number | undefined;
  readonly walTruncateBytes?: number | undefined;
  readonly checkpointIntervalMs?: number | undefined;
  readonly idleCheckpointMs?: number | undefined;
  /** the thread's module (a URL); tests pass one that cannot load or that dies */
  readonly entry?: string | undefined;
}

export interface WriterThreadHandlers {
  readonly onDone: (seq: number, outcome: BatchOutcome) => void;
  readonly onError: (message: string, failure: boolean) => void;
  /** the thread could not start or died (reported once, never after close()) */
  readonly onFailure: (error: Error) => void;
}

const fromSource = import.meta.url.endsWith('.ts');

const bootstrap = `
const { workerData } = require('node:worker_threads');
const state = new Int32Array(workerData.state);
const gone = () => {
  Atomics.store(state, ${slot.gone}, 1);
  Atomics.notify(state, ${slot.replied});
};
process.on('exit', gone);
if (workerData.hooks) require('node:module').register(workerData.hooks);
import(workerData.entry).catch((error) => {
  gone();
  setImmediate(() => {
    throw error;
  });
});
`;

export class WriterThread {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly state = new Int32Array(new SharedArrayBuffer(4 * 6));
  private failed = false;
  private closing = false;
  private readonly exited: Promise<void>;
  private closed: (() => void) | undefined;

  constructor(
    options: WriterThreadOptions,
    private readonly handlers: WriterThreadHandlers,
  ) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const data: WriterWorkerData & { entry: string; hooks: string | undefined } = {
      path: options.path,
      nativeBinding: options.nativeBinding,
      busyTimeoutMs: Math.max(0, Math.floor(options.busyTimeoutMs ?? 100)),
      walTruncateBytes: options.walTruncateBytes,
      checkpointIntervalMs: options.checkpointIntervalMs,
      idleCheckpointMs: options.idleCheckpointMs,
      state: this.state.buffer as SharedArrayBuffer,
      port: port2,
      entry: options.entry ?? new URL(fromSource ? './ledger-write-worker.ts' : './ledger-write-worker.js', import.meta.url).href,
      hooks: fromSource ? new URL('./test-support/ts-hooks.mjs', import.meta.url).href : undefined,
    };
    this.worker = new Worker(bootstrap, { eval: true, workerData: data, transferList: [port2], stdout: false, stderr: false });
    this.worker.unref(); // never what keeps the process alive
    this.port.on('message', (message: FromWriter) => this.handle(message));
    this.port.unref(); // after the listener, which refs it
    this.worker.on('error', (error) => this.fail(error));
    this.exited = new Promise((resolve) => {
      this.worker.once('exit', (code) => {
        this.fail(new Error(`the ledger's writer thread exited with code ${code}`));
        this.failed = true;
        resolve();
      });
    });
  }

  /** Not failed, not closed. */
  get usable(): boolean {
    return !this.failed && !this.closing;
  }

  /** Its connection is open: batches go there from now on (until then the request thread writes them). */
  get ready(): boolean {
    return !this.failed && !this.closing && Atomics.load(this.state, slot.ready) === 1;
  }

  /** The last batch the thread committed whole, up to this moment (also when its reply is not handled yet). */
  get committedSeq(): number {
    return Atomics.load(this.state, slot.committed);
  }

  get checkpoints(): number {
    return Atomics.load(this.state, slot.checkpoints);
  }

  post(batch: BatchMessage): void {
    this.port.postMessage(batch satisfies ToWriter);
  }

  /**
   * Blocks until the thread has answered batch `seq` (at most `timeoutMs`), then handles every reply already posted.
   * 'gone' when the thread failed meanwhile: the caller must not wait for it again.
   */
  waitFor(seq: number, timeoutMs: number): 'answered' | 'gone' | 'timeout' {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const replied = Atomics.load(this.state, slot.replied);
      if (replied >= seq) break;
      if (this.failed || Atomics.load(this.state, slot.gone) === 1) return 'gone';
      const left = deadline - performance.now();
      if (left <= 0) return 'timeout';
      Atomics.wait(this.state, slot.replied, replied, Math.min(left, 50));
    }
    this.drain();
    return 'answered';
  }

  /** Handles the replies already posted, now (stats() and flush() must not lag behind a commit). */
  drain(): void {
    for (let message = receiveMessageOnPort(this.port); message !== undefined; message = receiveMessageOnPort(this.port)) {
      this.handle(message.message as FromWriter);
    }
  }

  /** The batch was committed and its reply is on its way (microseconds): wait for it and handle it. */
  settleCommitted(seq: number): void {
    if (this.failed || this.committedSeq < seq) return;
    this.waitFor(seq, 100);
  }

  /**
   * Graceful quit: the thread marks rows in flight 'interrupted' (trying until `deadline`), checkpoints (TRUNCATE),
   * closes its connection and exits. Waited for until `deadline` plus `graceMs` (a last statement may wait for a
   * lock that long), then left to finish on its own.
   */
  async close(deadline: number, graceMs: number): Promise<void> {
    if (this.failed) return;
    const closed = new Promise<void>((resolve) => (this.closed = resolve));
    this.port.postMessage({ type: 'close', deadline } satisfies ToWriter);
    this.closing = true;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.max(10, deadline + graceMs - Date.now()));
    });
    await Promise.race([closed, this.exited, late]);
    clearTimeout(timer);
    this.drain();
    this.abandon();
  }

  /**
   * Stops listening to the thread and asks it to close its connection and exit. Never worker.terminate(): a thread
   * stopped inside a better-sqlite3 call that fails aborts the whole process (v8 ToLocalChecked on an empty handle).
   */
  abandon(): void {
    Atomics.store(this.state, slot.abandoned, 1);
    if (!this.closing) this.port.postMessage({ type: 'close', deadline: Date.now() } satisfies ToWriter);
    this.failed = true;
    this.closing = true;
    this.port.close();
  }

  private handle(message: FromWriter): void {
    if (message.type === 'done') this.handlers.onDone(message.seq, message.outcome);
    else if (message.type === 'error') this.handlers.onError(message.message, message.failure);
    else this.closed?.();
  }

  private fail(error: Error): void {
    if (this.failed || this.closing) return;
    this.failed = true;
    this.handlers.onFailure(error);
  }
}
