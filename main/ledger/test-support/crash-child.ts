// The process the crash test SIGKILLs: writes a steady load of requests through a real Ledger and reports on
// stdout each id whose begin or finish has committed ("B id" / "F id"), until it is killed.
import { writeSync } from 'node:fs';
import { Ledger } from '../ledger.js';
import { finishRecord, startRecord } from './fixtures.js';

const [path, prefix = 'run'] = process.argv.slice(2);
if (!path) throw new Error('usage: crash-child.ts <ledger path> [id prefix]');

const ledger = Ledger.open({
  path,
  flushIntervalMs: 20,
  onCommit: (batch) => {
    const lines = [...batch.begun.map((id) => `B ${id}`), ...batch.finished.map((id) => `F ${id}`)];
    if (lines.length > 0) writeSync(1, `${lines.join('\n')}\n`);
  },
});
writeSync(1, `READY ${ledger.recovered}\n`);

let next = 0;
const running: { id: string; startedAt: number }[] = [];

// Each tick starts 40 requests and finishes the 40 oldest, so batches always hold begins and finishes.
setInterval(() => {
  for (let index = 0; index < 40; index += 1) {
    const id = `${prefix}-${next++}`;
    const startedAt = Date.now();
    ledger.begin(startRecord(id, { startedAt }));
    running.push({ id, startedAt });
  }
  for (const { id, startedAt } of running.splice(0, running.length > 200 ? 40 : 0)) {
    const attempts = [
      { providerId: 'openai', model: 'gpt-4.1-mini', outcome: 'rate_limit', status: 429, durationMs: 5 },
      { providerId: 'openai', model: 'gpt-4.1-mini', outcome: 'ok', status: 200, durationMs: 50 },
    ];
    ledger.finish(finishRecord(id, { startedAt, finishedAt: Date.now(), attempts }));
  }
}, 2);
