// Ledger write cost: CPU (user + system, so SQLite's page writes count) per finished request, written the way the
// gateway writes them under steady load — batches of `batch` requests that began and finished within one flush
// window, on a real file in WAL mode, with the writer's own checkpoints. Prints µs per request and bytes written.
// Two writers, alternating: `worker` (the default: the batch's SQL, commit and checkpoints on the ledger's writer
// thread) and `main` (writeInWorker: false, all of it on the request thread, as before the writer thread). For each
// it gives the whole process's CPU and the request thread's alone (Linux: /proc/self/task/<pid>/stat, 10 ms ticks,
// hence the long runs) — the request thread's is what the gateway's requests wait behind.
// Run: node --import ./main/ledger/test-support/ts-register.mjs bench/ledger-write-bench.ts [batch] [rows] [worker|main|both] [runs]
import { readFileSync, statSync } from 'node:fs';
import { Ledger } from '../main/ledger/ledger.js';
import { finishRecord, startRecord, tempDir } from '../main/ledger/test-support/fixtures.js';
import { requestId } from '../main/gateway/request-id.js';

const batch = Number(process.argv[2] ?? 150);
const rows = Number(process.argv[3] ?? 60_000);
const modes = (process.argv[4] ?? 'both') === 'both' ? (['worker', 'main'] as const) : ([process.argv[4] === 'main' ? 'main' : 'worker'] as const);
const runs = Math.max(1, Number(process.argv[5] ?? 3));

/** CPU µs of this process's main thread so far, or NaN where /proc is missing. */
function mainThreadCpuUs(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100; // utime + stime, in USER_HZ (100) ticks
  } catch {
    return Number.NaN;
  }
}

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

interface Run {
  readonly cpuUs: number;
  readonly mainUs: number;
  readonly wallMs: number;
  readonly bytesPerRow: number;
}

async function measure(mode: 'worker' | 'main'): Promise<Run> {
  const directory = tempDir('switchyard-ledger-write-bench-');
  try {
    const ledger = Ledger.open({ path: directory.file('ledger.sqlite'), writeInWorker: mode === 'worker' });
    const write = (count: number): void => {
      for (let written = 0; written < count; written += batch) {
        const now = Date.now();
        for (let index = 0; index < batch; index += 1) {
          const id = requestId(now);
          ledger.begin({ ...start, id, startedAt: now });
          ledger.finish({ ...finish, id, startedAt: now, finishedAt: now + 1 });
        }
        ledger.flush();
      }
    };
    // the writer thread starts with the first batch (ledger-writer.ts): one batch, written here while it starts
    write(batch);
    const deadline = Date.now() + 10_000;
    while (mode === 'worker' && ledger.stats().writerThread !== 'worker' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    if (ledger.stats().writerThread !== mode) throw new Error(`the ${mode} writer is not running: ${JSON.stringify(ledger.stats())}`);
    write(Math.min(10_000, rows));
    const cpu = process.cpuUsage();
    const main = mainThreadCpuUs();
    const wall = performance.now();
    write(rows);
    const used = process.cpuUsage(cpu);
    const result = {
      cpuUs: (used.user + used.system) / rows,
      mainUs: (mainThreadCpuUs() - main) / rows,
      wallMs: performance.now() - wall,
      bytesPerRow: statSync(directory.file('ledger.sqlite')).size / (rows + Math.min(10_000, rows)),
    };
    await ledger.close();
    return result;
  } finally {
    directory.remove();
  }
}

const results = new Map<string, Run[]>();
for (let run = 0; run < runs; run += 1) {
  for (const mode of run % 2 === 0 ? modes : [...modes].reverse()) {
    const result = await measure(mode);
    results.set(mode, [...(results.get(mode) ?? []), result]);
    console.log(
      `run ${run + 1} ${mode.padEnd(6)}: ${result.cpuUs.toFixed(1)} µs CPU per request, request thread ${result.mainUs.toFixed(1)} µs (${result.wallMs.toFixed(0)} ms)`,
    );
  }
}
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
for (const [mode, list] of results) {
  console.log(
    `${mode.padEnd(6)} median of ${list.length}: ${median(list.map((r) => r.cpuUs)).toFixed(1)} µs CPU per request, of which the request thread ${median(list.map((r) => r.mainUs)).toFixed(1)} µs (batches of ${batch}, ${rows} rows); file ${median(list.map((r) => r.bytesPerRow)).toFixed(0)} bytes per row`,
  );
}
