// The replica the PostgreSQL crash test SIGKILLs: writes a steady load through a real PostgresLedger and reports on
// stdout each id whose begin or finish has committed ("B id" / "F id"), until it is killed.
import { writeSync } from 'node:fs';
import { PostgresLedger } from '../postgres/ledger.js';
import { finishRecord, startRecord } from './fixtures.js';

const [url, instanceId, prefix = 'run'] = process.argv.slice(2);
if (!url || !instanceId) throw new Error('usage: postgres-crash-child.ts <postgres url> <instance id> [id prefix]');

const ledger = await PostgresLedger.open({
  url,
  instanceId,
  flushIntervalMs: 20,
  heartbeatMs: 100,
  onCommit: (batch) => {
    const lines = [...batch.begun.map((id) => `B ${id}`), ...batch.finished.map((id) => `F ${id}`)];
    if (lines.length > 0) writeSync(1, `${lines.join('\n')}\n`);
  },
});
writeSync(1, `READY ${ledger.recovered}\n`);

let next = 0;
const running: { id: string; startedAt: number; lifetimeMs: number }[] = [];

// As crash-child.ts: half the requests finish within a flush interval (written once, final), half outlive several
// (written in flight first), so every kill finds committed in-flight rows.
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
