// A ledger writer thread that dies: the real one (ledger-write-worker.ts), which exits with code 7 right after it
// has answered its first batch — as a thread killed under load would. ledger-writer.test.ts passes its URL as
// `writerWorkerEntry`.
import { workerData } from 'node:worker_threads';
import { slot, type WriterWorkerData } from '../writer-thread.js';

await import('../ledger-write-worker.js');
const state = new Int32Array((workerData as WriterWorkerData).state);
const watch = setInterval(() => {
  if (Atomics.load(state, slot.replied) < 1) return;
  clearInterval(watch);
  process.exit(7);
}, 1);
