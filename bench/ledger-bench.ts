// Ledger benchmark: fills a temporary SQLite file with 1,000,000 requests spread over a year (deterministic
// pseudo-random traffic across providers, models, clients, routes and failures), then times every dashboard query
// and the batched write path, and prints a table of milliseconds. Target: every query under 50 ms.
// Run: node --import ./main/ledger/test-support/ts-register.mjs bench/ledger-bench.ts [rows]
// (LEDGER_BENCH_KEEP=1 keeps the generated file for poking at with EXPLAIN QUERY PLAN.)
import { statSync } from 'node:fs';
import { latencyPercentiles } from '../main/ledger/latency.js';
import { Ledger } from '../main/ledger/ledger.js';
import { breakdown, errorClasses, inFlightCount, spendSoFar, totals } from '../main/ledger/queries.js';
import { listRequests, requestDetail, type LogCursor } from '../main/ledger/request-log.js';
import { rebuildRollups } from '../main/ledger/rollups.js';
import { timeSeries } from '../main/ledger/series.js';
import { finishRecord, startRecord, tempDir } from '../main/ledger/test-support/fixtures.js';

// ---------------------------------------------------------------- synthetic traffic
/** mulberry32: a small seeded generator, so every run measures the same data. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

// provider, share of traffic, models with [input, output] USD per million tokens (0 for local)
const providers = [
  [
    'openai',
    0.3,
    [
      ['gpt-4.1-mini', 0.4, 1.6],
      ['gpt-5', 1.25, 10],
      ['gpt-4o-mini', 0.15, 0.6],
    ],
  ],
  [
    'anthropic',
    0.25,
    [
      ['claude-sonnet-4-5', 3, 15],
      ['claude-haiku-4-5', 1, 5],
      ['claude-opus-4-5', 5, 25],
    ],
  ],
  [
    'gemini',
    0.1,
    [
      ['gemini-2.5-flash', 0.3, 2.5],
      ['gemini-2.5-pro', 1.25, 10],
    ],
  ],
  [
    'ollama',
    0.15,
    [
      ['qwen3:8b', 0, 0],
      ['llama3.2:3b', 0, 0],
      ['gpt-oss:20b', 0, 0],
    ],
  ],
  ['lmstudio', 0.05, [['qwen2.5-coder-14b', 0, 0]]],
  [
    'openrouter',
    0.05,
    [
      ['anthropic/claude-sonnet-4.5', 3, 15],
      ['meta-llama/llama-3.3-70b-instruct', 0.13, 0.39],
    ],
  ],
  [
    'groq',
    0.05,
    [
      ['llama-3.3-70b-versatile', 0.59, 0.79],
      ['llama-3.1-8b-instant', 0.05, 0.08],
    ],
  ],
  [
    'mistral',
    0.03,
    [
      ['mistral-small-2503', 0.1, 0.3],
      ['codestral-2501', 0.3, 0.9],
    ],
  ],
  [
    'deepseek',
    0.02,
    [
      ['deepseek-chat', 0.28, 0.42],
      ['deepseek-reasoner', 0.28, 0.42],
    ],
  ],
] as const;
const clients = [
  ['cursor', 'cursor', 0.3],
  ['claude-code', 'claude-code', 0.25],
  ['aider', 'aider', 0.1],
  ['continue', 'continue', 0.1],
  ['cli', 'curl', 0.1],
  ['notebook', 'openai-python', 0.08],
  ['playground', 'browser', 0.05],
  [null, 'other', 0.02],
] as const;
const errorKinds = [
  ['rate_limit', 429],
  ['server', 500],
  ['timeout', 504],
  ['overloaded', 529],
  ['context_length', 400],
  ['auth', 401],
] as const;

function pick<T extends readonly unknown[]>(items: readonly T[], weightIndex: number, roll: number): T {
  let left = roll;
  for (const item of items) {
    left -= item[weightIndex] as number;
    if (left <= 0) return item;
  }
  return items[items.length - 1] as T;
}

function seededTraffic(from: number, to: number, count: number) {
  const next = random(20260724);
  const step = (to - from) / count;
  let index = 0;
  return {
    next() {
      const startedAt = Math.floor(from + index * step + next() * step);
      const [provider, , models] = pick(providers, 1, next());
      const [model, inputPrice, outputPrice] = models[Math.floor(next() * models.length)] ?? models[0];
      const [client, family] = pick(clients, 2, next());
      const local = inputPrice === 0;
      const statusRoll = next();
      const status = statusRoll < 0.93 ? 'ok' : statusRoll < 0.98 ? 'error' : statusRoll < 0.995 ? 'cancelled' : 'interrupted';
      const [errorClass, httpStatus] =
        status === 'error' ? (errorKinds[Math.floor(next() * errorKinds.length)] ?? errorKinds[0]) : [null, status === 'ok' ? 200 : null];
      const used = status === 'ok' || status === 'cancelled';
      const input = used ? Math.floor(200 + 6_000 * next() ** 3 * 10) : 0;
      const output = used ? Math.floor(20 + 2_000 * next() ** 2) : 0;
      const cacheRead = used && provider === 'anthropic' ? Math.floor(input * next()) : 0;
      const cost = (input * inputPrice + output * outputPrice + cacheRead * inputPrice * 0.1) / 1e6;
      const latency = Math.floor(150 + 400 * Math.exp(next() * 3.5));
      index += 1;
      return {
        id: `r${String(index).padStart(8, '0')}-${Math.floor(next() * 1e9).toString(36)}`,
        startedAt,
        finishedAt: status === 'interrupted' ? null : startedAt + latency,
        client,
        family,
        endpoint: next() < 0.9 ? 'chat' : next() < 0.7 ? 'messages' : 'embeddings',
        requestedModel: next() < 0.6 ? `${provider}/${model}` : 'fast',
        route: next() < 0.4 ? null : (['fast', 'smart', 'local'][Math.floor(next() * 3)] ?? null),
        provider,
        model,
        status,
        errorClass,
        httpStatus,
        input,
        output,
        cacheRead,
        cacheWrite: 0,
        reasoning: model.includes('reasoner') || model === 'gpt-5' ? Math.floor(output / 2) : 0,
        cost: status === 'interrupted' ? null : local ? 0 : provider === 'openrouter' && model.startsWith('meta') && next() < 0.5 ? null : cost,
        reference: local && used ? (input * 0.4 + output * 1.6) / 1e6 : null,
        latency: status === 'interrupted' ? null : latency,
        ttft: status === 'ok' ? Math.floor(latency * (0.1 + 0.3 * next())) : null,
        upstream: status === 'interrupted' ? null : latency - 3,
        overhead: status === 'interrupted' ? null : 3,
        localCompute: local && used ? latency - 10 : null,
        finishReason: status === 'ok' ? 'stop' : null,
        stream: next() < 0.7 ? 1 : 0,
        retried: next() < 0.05,
      };
    },
  };
}

const rowCount = Number(process.argv[2] ?? 1_000_000);
const dayMs = 86_400_000;
const end = Date.UTC(2026, 6, 24, 15, 37);
const start = end - 365 * dayMs;

const directory = tempDir('switchyard-ledger-bench-');
const path = directory.file('ledger.sqlite');
const ledger = Ledger.open({ path, flushIntervalMs: 60_000 });
const database = ledger.database;

function time<T>(work: () => T): { result: T; ms: number } {
  const began = performance.now();
  const result = work();
  return { result, ms: performance.now() - began };
}

// ---------------------------------------------------------------- load
const load = time(() => {
  const traffic = seededTraffic(start, end, rowCount);
  const insertRequest = database.prepare(
    `INSERT INTO requests (id, started_at, finished_at, client_token_name, client_family, endpoint, requested_model, route, provider_id, model, status, error_class,
       http_status, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, tokens_estimated, cost_usd, cost_reference_usd,
       latency_ms, ttft_ms, upstream_ms, overhead_ms, local_compute_ms, finish_reason, native_finish_reason, stream)
     VALUES (@id, @startedAt, @finishedAt, @client, @family, @endpoint, @requestedModel, @route, @provider, @model, @status, @errorClass,
       @httpStatus, @input, @output, @cacheRead, @cacheWrite, @reasoning, 0, @cost, @reference, @latency, @ttft, @upstream, @overhead, @localCompute, @finishReason, @finishReason, @stream)`,
  );
  const insertAttempt = database.prepare(
    'INSERT INTO attempts (request_id, seq, provider_id, model, outcome, http_status, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const chunk = database.transaction((rows: ReturnType<typeof traffic.next>[]) => {
    for (const row of rows) {
      insertRequest.run(row);
      if (row.retried) insertAttempt.run(row.id, 1, row.provider, row.model, 'rate_limit', 429, 40);
      insertAttempt.run(
        row.id,
        row.retried ? 2 : 1,
        row.provider,
        row.model,
        row.status === 'ok' ? 'ok' : (row.errorClass ?? row.status),
        row.httpStatus,
        row.upstream ?? 0,
      );
    }
  });
  for (let done = 0; done < rowCount;) {
    const size = Math.min(50_000, rowCount - done);
    chunk(Array.from({ length: size }, () => traffic.next()));
    done += size;
  }
});
const rebuild = time(() => rebuildRollups(database));
const analyze = time(() => database.exec('ANALYZE'));
database.pragma('wal_checkpoint(TRUNCATE)');

// ---------------------------------------------------------------- queries
interface Row {
  readonly query: string;
  readonly range: string;
  readonly medianMs: number;
  readonly maxMs: number;
  readonly result: string;
}
const rows: Row[] = [];

function measure(query: string, range: string, work: () => unknown, describe: (result: never) => string = () => ''): void {
  work(); // warm the statement cache and the page cache, as a dashboard that polls would have
  const samples: number[] = [];
  let result: unknown;
  for (let run = 0; run < 15; run += 1) {
    const measured = time(work);
    samples.push(measured.ms);
    result = measured.result;
  }
  samples.sort((a, b) => a - b);
  rows.push({
    query,
    range,
    medianMs: samples[Math.floor(samples.length / 2)] ?? 0,
    maxMs: samples[samples.length - 1] ?? 0,
    result: describe(result as never),
  });
}

const last = (days: number) => ({ from: end - days * dayMs, to: end });
const ranges = { '24 h': last(1), '7 days': last(7), '30 days': last(30), year: { from: start, to: end + 1 } } as const;
type Totals = ReturnType<typeof totals>;

for (const [name, range] of Object.entries(ranges))
  measure(
    'totals',
    name,
    () => totals(database, range),
    (t: Totals) => `${t.requests} req, $${t.costUsd.toFixed(2)}`,
  );
measure(
  'time series by hour',
  '7 days',
  () => timeSeries(database, ranges['7 days'], { bucket: 'hour' }),
  (p: unknown[]) => `${p.length} points`,
);
measure(
  'time series by day (UTC)',
  'year',
  () => timeSeries(database, ranges.year, { bucket: 'day' }),
  (p: unknown[]) => `${p.length} points`,
);
measure(
  'time series by day (UTC−7)',
  '30 days',
  () => timeSeries(database, ranges['30 days'], { bucket: 'day', utcOffsetMinutes: -420 }),
  (p: unknown[]) => `${p.length} points`,
);
measure(
  'time series by day (UTC−7)',
  'year',
  () => timeSeries(database, ranges.year, { bucket: 'day', utcOffsetMinutes: -420 }),
  (p: unknown[]) => `${p.length} points`,
);
measure(
  'time series by day (UTC+12)',
  'year',
  () => timeSeries(database, ranges.year, { bucket: 'day', utcOffsetMinutes: 720 }),
  (p: unknown[]) => `${p.length} points`,
);
measure(
  'time series by day (UTC+2)',
  'year',
  () => timeSeries(database, ranges.year, { bucket: 'day', utcOffsetMinutes: 120 }),
  (p: unknown[]) => `${p.length} points`,
);
measure(
  'time series by day (UTC+5:30)',
  'year',
  () => timeSeries(database, ranges.year, { bucket: 'day', utcOffsetMinutes: 330 }),
  (p: unknown[]) => `${p.length} points`,
);
for (const by of ['provider', 'model', 'client', 'route'] as const) {
  measure(
    `breakdown by ${by}, top 10`,
    'year',
    () => breakdown(database, ranges.year, { by, limit: 10 }),
    (b: ReturnType<typeof breakdown>) => `${b.rows.length} rows`,
  );
}
measure(
  'breakdown by model, top 10',
  '30 days',
  () => breakdown(database, ranges['30 days'], { by: 'model', limit: 10 }),
  (b: ReturnType<typeof breakdown>) => `${b.rows.length} rows`,
);
measure(
  'error classes',
  'year',
  () => errorClasses(database, ranges.year),
  (e: unknown[]) => `${e.length} classes`,
);
for (const [name, range] of Object.entries(ranges)) {
  measure(
    'latency p50/p95/p99',
    name,
    () => latencyPercentiles(database, range),
    (l: ReturnType<typeof latencyPercentiles>) => `${l.method} p50 ${l.p50} p95 ${l.p95}`,
  );
}
measure(
  'ttft p50/p95/p99',
  '30 days',
  () => latencyPercentiles(database, ranges['30 days'], 'ttft'),
  (l: ReturnType<typeof latencyPercentiles>) => `${l.method} p50 ${l.p50}`,
);
measure(
  'spend today + this month',
  'calendar',
  () => spendSoFar(database, { today: { from: end - (end % dayMs), to: end }, month: { from: Date.UTC(2026, 6, 1), to: end } }),
  (s: ReturnType<typeof spendSoFar>) => `$${s.month.totalUsd.toFixed(2)} this month`,
);
measure(
  'log page 1',
  'year',
  () => listRequests(database, { range: ranges.year }),
  (p: ReturnType<typeof listRequests>) => `${p.rows.length} rows`,
);
let deepCursor: LogCursor | undefined;
for (let page = 0; page < 200; page += 1)
  deepCursor = listRequests(database, { range: ranges.year, ...(deepCursor ? { cursor: deepCursor } : {}) }).nextCursor ?? undefined;
measure(
  'log page 201 (keyset)',
  'year',
  () => listRequests(database, { range: ranges.year, ...(deepCursor ? { cursor: deepCursor } : {}) }),
  (p: ReturnType<typeof listRequests>) => `${p.rows.length} rows`,
);
measure(
  'log status=error',
  'year',
  () => listRequests(database, { range: ranges.year, status: 'error' }),
  (p: ReturnType<typeof listRequests>) => `${p.rows.length} rows`,
);
measure(
  'log provider=deepseek (2%)',
  'year',
  () => listRequests(database, { range: ranges.year, providerId: 'deepseek' }),
  (p: ReturnType<typeof listRequests>) => `${p.rows.length} rows`,
);
measure(
  'log model + status=error',
  'year',
  () => listRequests(database, { range: ranges.year, model: 'deepseek-chat', status: 'error' }),
  (p: ReturnType<typeof listRequests>) => `${p.rows.length} rows`,
);
measure(
  'log client=notebook',
  '30 days',
  () => listRequests(database, { range: ranges['30 days'], clientTokenName: 'notebook' }),
  (p: ReturnType<typeof listRequests>) => `${p.rows.length} rows`,
);
measure(
  'log provider matching nothing',
  'year',
  () => listRequests(database, { range: ranges.year, providerId: 'nobody' }),
  (p: ReturnType<typeof listRequests>) => `${p.rows.length} rows`,
);
const someId = listRequests(database, { range: ranges['30 days'], limit: 1 }).rows[0]?.id ?? '';
measure(
  'request detail + attempts',
  '-',
  () => requestDetail(database, someId),
  (d: ReturnType<typeof requestDetail>) => `${d?.attempts.length ?? 0} attempts`,
);
measure(
  'requests in flight',
  '-',
  () => inFlightCount(database),
  (n: number) => `${n}`,
);

// ---------------------------------------------------------------- writes through the real write path
const writeCount = 20_000;
const batchTimes: number[] = [];
const writes = time(() => {
  for (let index = 0; index < writeCount; index += 1) {
    const startedAt = end + index;
    ledger.begin(startRecord(`bench-${index}`, { startedAt }));
    ledger.finish(finishRecord(`bench-${index}`, { startedAt }));
    if (index % 250 === 249) batchTimes.push(time(() => ledger.flush()).ms);
  }
});
batchTimes.sort((a, b) => a - b);

// ---------------------------------------------------------------- report
const pad = (value: string, width: number) => value.padEnd(width);
const number = (value: number) => value.toFixed(1).padStart(8);
console.log(
  `\nLedger benchmark: ${rowCount.toLocaleString('en')} requests over a year; SQLite ${String(database.prepare('SELECT sqlite_version()').pluck().get())}, Node ${process.version}`,
);
console.log(
  `load ${(load.ms / 1000).toFixed(1)} s, rollup rebuild ${(rebuild.ms / 1000).toFixed(1)} s, ANALYZE ${(analyze.ms / 1000).toFixed(1)} s; file ${(statSync(path).size / 1024 / 1024).toFixed(0)} MiB`,
);
const rollupRows = database
  .prepare<[], { hourly: number; daily: number }>('SELECT (SELECT COUNT(*) FROM rollup_hourly) AS hourly, (SELECT COUNT(*) FROM rollup_daily) AS daily')
  .get();
console.log(`rollup rows: hourly ${rollupRows?.hourly.toLocaleString('en')}, daily ${rollupRows?.daily.toLocaleString('en')}\n`);
console.log(`${pad('query', 32)} ${pad('range', 9)} ${'median ms'.padStart(9)} ${'max ms'.padStart(8)}  result`);
for (const row of rows) console.log(`${pad(row.query, 32)} ${pad(row.range, 9)} ${number(row.medianMs)}  ${number(row.maxMs)}  ${row.result}`);
const slowest = rows.reduce((worst, row) => (row.maxMs > worst.maxMs ? row : worst));
console.log(`\nslowest: ${slowest.query} (${slowest.range}) max ${slowest.maxMs.toFixed(1)} ms — target < 50 ms: ${slowest.maxMs < 50 ? 'met' : 'MISSED'}`);
console.log(
  `write path: ${writeCount.toLocaleString('en')} begin+finish in ${(writes.ms / 1000).toFixed(2)} s (${Math.round(writeCount / (writes.ms / 1000)).toLocaleString('en')} requests/s); ` +
    `flushing 250 requests (500 operations, 3 transactions): median ${(batchTimes[Math.floor(batchTimes.length / 2)] ?? 0).toFixed(1)} ms, max ${(batchTimes[batchTimes.length - 1] ?? 0).toFixed(1)} ms`,
);
console.log(`writer stats: ${JSON.stringify(ledger.stats())}`);
await ledger.close();
if (process.env['LEDGER_BENCH_KEEP']) console.log(`kept ${path}`);
else directory.remove();
