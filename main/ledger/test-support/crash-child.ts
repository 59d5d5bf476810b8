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
const running: { id: string; startedAt: number; lifetimeMs: number }[] = [];

// Each tick starts 40 requests and finishes those that have run their course. Half are quick (written once, already
// final) and half outlive several flush intervals (written in flight first), so batches hold both kinds of rows
// and every kill finds requests in flight with their in-flight rows committed.
setInterval(() => {
  const now = Date.now();
  for (let index = 0; index < 40; index += 1) {
    const id = `${prefix}-${next}`;
    running.push({ id, startedAt: now, lifetimeMs: next % 2 === 0 ? 4 : 100 });
    ledger.begin(startRecord(id, { startedAt: now }));
    next += 1;
  }
  for (let index = running.length - 1; index >= 0; index -= 1) {
    const request = running[index] as (typeof running)[number];
    if (now - request.startedAt < request.lifetimeMs) continue;
    running.splice(index, 1);
    const attempts = [
      { providerId: 'openai', model: 'gpt-4.1-mini', outcome: 'rate_limit', status: 429, durationMs: 5 },
      { providerId: 'openai', model: 'gpt-4.1-mini', outcome: 'ok', status: 200, durationMs: 50 },
    ];
    ledger.finish(finishRecord(request.id, { startedAt: request.startedAt, finishedAt: now, attempts }));
  }
}, 2);
