// Ledger write cost: CPU (user + system, so SQLite's page writes count) per finished request, written the way the
// gateway writes them under steady load — batches of `batch` requests that began and finished within one flush
// window, on a real file in WAL mode, with the writer's own checkpoints. Prints µs per request and bytes written.
// Run: node --import ./main/ledger/test-support/ts-register.mjs bench/ledger-write-bench.ts [batch] [rows]
import { statSync } from 'node:fs';
import { Ledger } from '../main/ledger/ledger.js';
import { finishRecord, startRecord, tempDir } from '../main/ledger/test-support/fixtures.js';
import { requestId } from '../main/gateway/request-id.js';

const batch = Number(process.argv[2] ?? 150);
const rows = Number(process.argv[3] ?? 60_000);

const directory = tempDir('switchyard-ledger-write-bench-');
try {
  const ledger = Ledger.open({ path: directory.file('ledger.sqlite') });
  // the records as the gateway's meter makes them (one attempt, provider usage, a price); only id and times vary
  const start = startRecord('', { clientTokenName: 'env', clientFamily: 'other', requestedModel: 'mock/gpt-4o-mini', providerId: null, model: null });
  const finish = finishRecord('', {
    clientTokenName: 'env',
    clientFamily: 'other',
    requestedModel: 'mock/gpt-4o-mini',
    providerId: 'mock',
    model: 'gpt-4o-mini',
    upstreamMs: 1.2,
    attempts: [{ providerId: 'mock', model: 'gpt-4o-mini', outcome: 'ok', durationMs: 1.2 }],
  });
  const run = (count: number): { cpuUs: number; userUs: number; systemUs: number; wallMs: number } => {
    const cpu = process.cpuUsage();
    const wall = performance.now();
    for (let written = 0; written < count; written += batch) {
      const now = Date.now();
      for (let index = 0; index < batch; index += 1) {
        const id = requestId(now);
        ledger.begin({ ...start, id, startedAt: now });
        ledger.finish({ ...finish, id, startedAt: now, finishedAt: now + 1 });
      }
      ledger.flush();
    }
    const used = process.cpuUsage(cpu);
    return { cpuUs: (used.user + used.system) / count, userUs: used.user / count, systemUs: used.system / count, wallMs: performance.now() - wall };
  };
  run(Math.min(10_000, rows));
  const result = run(rows);
  const size = statSync(directory.file('ledger.sqlite')).size;
  console.log(
    `${result.cpuUs.toFixed(1)} µs CPU per request (user ${result.userUs.toFixed(1)}, system ${result.systemUs.toFixed(1)}; batches of ${batch}, ${rows} rows, ${result.wallMs.toFixed(0)} ms); file ${(size / (rows + 10_000)).toFixed(0)} bytes per row`,
  );
  await ledger.close();
} finally {
  directory.remove();
}
