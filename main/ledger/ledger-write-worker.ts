// The ledger's writer thread (started by writer-thread.ts): its own connection to the ledger's file, on which it runs
// each batch the request thread posts — one transaction with the rows and their rollups — and the WAL's
// checkpoints, between commits, where they always reach the WAL's end. It holds no queue of its own: a batch that
// failed is answered as such, and the request thread keeps it queued and retries it (ledger-writer.ts).
import { workerData, type MessagePort } from 'node:worker_threads';
import { openDatabase } from './database.js';
import { BatchApplier, describeError, type BatchOutcome } from './ledger-batch.js';
import { WalKeeper } from './wal-keeper.js';
import { slot, type BatchMessage, type FromWriter, type ToWriter, type WriterWorkerData } from './writer-thread.js';

const data = workerData as WriterWorkerData;
const state = new Int32Array(data.state);
const port: MessagePort = data.port;
const post = (message: FromWriter): void => port.postMessage(message);
// let go while it was starting (the ledger closed meanwhile): the file may be on its way out, leave it alone
if (Atomics.load(state, slot.abandoned) === 1) process.exit(0);

const database = openDatabase(data.path, {
  busyTimeoutMs: data.busyTimeoutMs,
  ...(data.nativeBinding === undefined ? {} : { nativeBinding: data.nativeBinding }),
});
const applier = new BatchApplier(database);
const wal = new WalKeeper(
  database,
  {
    checkpointInWorker: false, // this is the thread they were kept off the request thread for
    ...(data.walTruncateBytes === undefined ? {} : { walTruncateBytes: data.walTruncateBytes }),
    ...(data.checkpointIntervalMs === undefined ? {} : { checkpointIntervalMs: data.checkpointIntervalMs }),
    ...(data.idleCheckpointMs === undefined ? {} : { idleCheckpointMs: data.idleCheckpointMs }),
  },
  (error) => post({ type: 'error', message: `checkpoint: ${describeError(error)}`, failure: false }),
  () => Atomics.store(state, slot.checkpoints, wal.checkpoints),
);
Atomics.store(state, slot.ready, 1);

function answer(seq: number, outcome: BatchOutcome): void {
  post({ type: 'done', seq, outcome });
  Atomics.store(state, slot.replied, seq);
  Atomics.notify(state, slot.replied);
}

function write(batch: BatchMessage): void {
  let outcome: BatchOutcome;
  try {
    outcome = applier.write(batch.begins, batch.finishes, batch.stored);
  } catch (error) {
    // not SQLite's (that is in the outcome): nothing was committed, the batch stays queued
    outcome = { beginsDone: 0, finishesDone: 0, storedDone: 0, commits: [], written: 0, duplicates: 0, rejected: 0, errors: [], failure: describeError(error) };
  }
  if (outcome.failure === null) Atomics.store(state, slot.committed, batch.seq);
  const committed = outcome.commits.length > 0;
  // A flush waits for its answer: checkpoint first, so the WAL is bounded when it returns. Otherwise answer first.
  if (committed && batch.sync) wal.committed();
  answer(batch.seq, outcome);
  if (committed && !batch.sync) wal.committed();
}

/** Close: rows still in flight become 'interrupted' (retried until the deadline), a last TRUNCATE, and out. */
async function close(deadline: number): Promise<void> {
  for (;;) {
    try {
      applier.interruptAllInFlight();
      break;
    } catch (error) {
      post({ type: 'error', message: describeError(error), failure: true });
      if (Date.now() >= deadline) break;
      await new Promise((resolve) => setTimeout(resolve, Math.min(50, Math.max(1, deadline - Date.now()))));
    }
  }
  await wal.stop();
  Atomics.store(state, slot.checkpoints, wal.checkpoints);
  database.close();
  post({ type: 'closed' });
  port.close();
}

port.on('message', (message: ToWriter) => {
  if (message.type === 'batch') write(message);
  else void close(message.deadline);
});
