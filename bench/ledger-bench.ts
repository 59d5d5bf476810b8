// Ledger benchmark: fills a temporary SQLite file with 1,000,000 requests spread over a year (deterministic
// pseudo-random traffic across providers, models, clients, routes and failures), then times every dashboard query
// and the batched write path, and prints a table of milliseconds. Target: every query under 50 ms.
// Run: node --import ./main/ledger/test-support/ts-register.mjs bench/ledger-bench.ts [rows]
// PostgreSQL (team mode): `… bench/ledger-bench.ts --postgres [postgres://…] [rows]` — 10,000,000 rows by default,
// generated on the server; the URL defaults to the one `npm test` provides (`npm test -- npm run bench:ledger --
// --postgres`). Target there: every query under 200 ms.
// (LEDGER_BENCH_KEEP=1 keeps the generated file for poking at with EXPLAIN QUERY PLAN.)
import { statSync } from 'node:fs';
import type { SpendSoFar } from '../main/ledger/budgets.js';
import type { LatencyPercentiles } from '../main/ledger/latency.js';
import type { LedgerReads } from '../main/ledger/ledger-backend.js';
import { Ledger } from '../main/ledger/ledger.js';
import type { Breakdown, UsageTotals } from '../main/ledger/queries.js';
import type { LogCursor, LogPage, RequestDetail } from '../main/ledger/request-log.js';
import { rebuildRollups } from '../main/ledger/rollups.js';
import { sqliteReads } from '../main/ledger/sqlite-reads.js';
import { createPool } from '../main/ledger/postgres/client.js';
import { PostgresLedger } from '../main/ledger/postgres/ledger.js';
import { rebuildPostgresRollups } from '../main/ledger/postgres/rebuild.js';
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

const benchArgs = process.argv.slice(2);
const postgresAt = benchArgs.indexOf('--postgres');
const rowCount = Number(benchArgs.find((arg) => /^\d+$/.test(arg)) ?? (postgresAt >= 0 ? 10_000_000 : 1_000_000));
const dayMs = 86_400_000;
const end = Date.UTC(2026, 6, 24, 15, 37);
const start = end - 365 * dayMs;

// ---------------------------------------------------------------- queries (both backends, through LedgerReads)
interface Row {
  readonly query: string;
  readonly range: string;
  readonly medianMs: number;
  readonly maxMs: number;
  readonly result: string;
}

async function runQueries(reads: LedgerReads): Promise<Row[]> {
  const rows: Row[] = [];

  async function measure(query: string, range: string, work: () => Promise<unknown>, describe: (result: never) => string = () => ''): Promise<void> {
    await work(); // warm the statement cache and the page cache, as a dashboard that polls would have
    const samples: number[] = [];
    let result: unknown;
    for (let run = 0; run < 15; run += 1) {
      const began = performance.now();
      result = await work();
      samples.push(performance.now() - began);
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
  type Totals = UsageTotals;

  for (const [name, range] of Object.entries(ranges))
    await measure(
      'totals',
      name,
      () => reads.totals(range),
      (t: Totals) => `${t.requests} req, $${t.costUsd.toFixed(2)}`,
    );
  await measure(
    'time series by hour',
    '7 days',
    () => reads.timeSeries(ranges['7 days'], { bucket: 'hour' }),
    (p: unknown[]) => `${p.length} points`,
  );
  await measure(
    'time series by day (UTC)',
    'year',
    () => reads.timeSeries(ranges.year, { bucket: 'day' }),
    (p: unknown[]) => `${p.length} points`,
  );
  await measure(
    'time series by day (UTC−7)',
    '30 days',
    () => reads.timeSeries(ranges['30 days'], { bucket: 'day', utcOffsetMinutes: -420 }),
    (p: unknown[]) => `${p.length} points`,
  );
  await measure(
    'time series by day (UTC−7)',
    'year',
    () => reads.timeSeries(ranges.year, { bucket: 'day', utcOffsetMinutes: -420 }),
    (p: unknown[]) => `${p.length} points`,
  );
  await measure(
    'time series by day (UTC+12)',
    'year',
    () => reads.timeSeries(ranges.year, { bucket: 'day', utcOffsetMinutes: 720 }),
    (p: unknown[]) => `${p.length} points`,
  );
  await measure(
    'time series by day (UTC+2)',
    'year',
    () => reads.timeSeries(ranges.year, { bucket: 'day', utcOffsetMinutes: 120 }),
    (p: unknown[]) => `${p.length} points`,
  );
  await measure(
    'time series by day (UTC+5:30)',
    'year',
    () => reads.timeSeries(ranges.year, { bucket: 'day', utcOffsetMinutes: 330 }),
    (p: unknown[]) => `${p.length} points`,
  );
  for (const by of ['provider', 'model', 'client', 'route'] as const) {
    await measure(
      `breakdown by ${by}, top 10`,
      'year',
      () => reads.breakdown(ranges.year, { by, limit: 10 }),
      (b: Breakdown) => `${b.rows.length} rows`,
    );
  }
  await measure(
    'breakdown by model, top 10',
    '30 days',
    () => reads.breakdown(ranges['30 days'], { by: 'model', limit: 10 }),
    (b: Breakdown) => `${b.rows.length} rows`,
  );
  await measure(
    'error classes',
    'year',
    () => reads.errorClasses(ranges.year),
    (e: unknown[]) => `${e.length} classes`,
  );
  for (const [name, range] of Object.entries(ranges)) {
    await measure(
      'latency p50/p95/p99',
      name,
      () => reads.latencyPercentiles(range),
      (l: LatencyPercentiles) => `${l.method} p50 ${l.p50} p95 ${l.p95}`,
    );
  }
  await measure(
    'ttft p50/p95/p99',
    '30 days',
    () => reads.latencyPercentiles(ranges['30 days'], 'ttft'),
    (l: LatencyPercentiles) => `${l.method} p50 ${l.p50}`,
  );
  await measure(
    'spend today + this month',
    'calendar',
    () => reads.spendSoFar({ today: { from: end - (end % dayMs), to: end }, month: { from: Date.UTC(2026, 6, 1), to: end } }),
    (s: SpendSoFar) => `$${s.month.totalUsd.toFixed(2)} this month`,
  );
  await measure(
    'log page 1',
    'year',
    () => reads.listRequests({ range: ranges.year }),
    (p: LogPage) => `${p.rows.length} rows`,
  );
  let deepCursor: LogCursor | undefined;
  for (let page = 0; page < 200; page += 1)
    deepCursor = (await reads.listRequests({ range: ranges.year, ...(deepCursor ? { cursor: deepCursor } : {}) })).nextCursor ?? undefined;
  await measure(
    'log page 201 (keyset)',
    'year',
    () => reads.listRequests({ range: ranges.year, ...(deepCursor ? { cursor: deepCursor } : {}) }),
    (p: LogPage) => `${p.rows.length} rows`,
  );
  await measure(
    'log status=error',
    'year',
    () => reads.listRequests({ range: ranges.year, status: 'error' }),
    (p: LogPage) => `${p.rows.length} rows`,
  );
  await measure(
    'log provider=deepseek (2%)',
    'year',
    () => reads.listRequests({ range: ranges.year, providerId: 'deepseek' }),
    (p: LogPage) => `${p.rows.length} rows`,
  );
  await measure(
    'log model + status=error',
    'year',
    () => reads.listRequests({ range: ranges.year, model: 'deepseek-chat', status: 'error' }),
    (p: LogPage) => `${p.rows.length} rows`,
  );
  await measure(
    'log client=notebook',
    '30 days',
    () => reads.listRequests({ range: ranges['30 days'], clientTokenName: 'notebook' }),
    (p: LogPage) => `${p.rows.length} rows`,
  );
  await measure(
    'log provider matching nothing',
    'year',
    () => reads.listRequests({ range: ranges.year, providerId: 'nobody' }),
    (p: LogPage) => `${p.rows.length} rows`,
  );
  const someId = (await reads.listRequests({ range: ranges['30 days'], limit: 1 })).rows[0]?.id ?? '';
  await measure(
    'request detail + attempts',
    '-',
    () => reads.requestDetail(someId),
    (d: RequestDetail | undefined) => `${d?.attempts.length ?? 0} attempts`,
  );
  await measure(
    'requests in flight',
    '-',
    () => reads.inFlightCount(),
    (n: number) => `${n}`,
  );
  return rows;
}

if (postgresAt >= 0) {
  const given = benchArgs[postgresAt + 1];
  const url = given?.startsWith('postgres') ? given : process.env['SWITCHYARD_TEST_POSTGRES_URL'];
  if (!url) throw new Error('--postgres needs a server: --postgres postgres://user@host/db, or run inside `npm test -- npm run bench:ledger -- --postgres`');
  await benchPostgres(url);
  process.exit(0);
}

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

const rows = await runQueries(sqliteReads(database));

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
printQueries(rows, 50);
console.log(
  `write path: ${writeCount.toLocaleString('en')} begin+finish in ${(writes.ms / 1000).toFixed(2)} s (${Math.round(writeCount / (writes.ms / 1000)).toLocaleString('en')} requests/s); ` +
    `flushing 250 requests (500 operations, 3 transactions): median ${(batchTimes[Math.floor(batchTimes.length / 2)] ?? 0).toFixed(1)} ms, max ${(batchTimes[batchTimes.length - 1] ?? 0).toFixed(1)} ms`,
);
console.log(`writer stats: ${JSON.stringify(ledger.stats())}`);
await ledger.close();
if (process.env['LEDGER_BENCH_KEEP']) console.log(`kept ${path}`);
else directory.remove();

function printQueries(rows: readonly Row[], targetMs: number): void {
  const pad = (value: string, width: number) => value.padEnd(width);
  const number = (value: number) => value.toFixed(1).padStart(8);
  console.log(`${pad('query', 32)} ${pad('range', 9)} ${'median ms'.padStart(9)} ${'max ms'.padStart(8)}  result`);
  for (const row of rows) console.log(`${pad(row.query, 32)} ${pad(row.range, 9)} ${number(row.medianMs)}  ${number(row.maxMs)}  ${row.result}`);
  const slowest = rows.reduce((worst, row) => (row.maxMs > worst.maxMs ? row : worst));
  console.log(
    `\nslowest: ${slowest.query} (${slowest.range}) max ${slowest.maxMs.toFixed(1)} ms — target < ${targetMs} ms: ${slowest.maxMs < targetMs ? 'met' : 'MISSED'}`,
  );
}

// ---------------------------------------------------------------- PostgreSQL (--postgres)
/**
 * The same year of traffic, generated on the server (generate_series; the same shares of providers, models, clients
 * and outcomes, PostgreSQL's own random numbers) into a database of its own, loaded without indexes and indexed
 * after; rollups rebuilt in SQL; then every dashboard query through LedgerReads and the write path. Target < 200 ms.
 */
async function benchPostgres(serverUrl: string): Promise<void> {
  const name = `sy_bench_${Date.now().toString(36)}`;
  const admin = await createPool({ url: serverUrl, max: 1 });
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const ledger = await PostgresLedger.open({ url: url.toString(), instanceId: 'bench', flushIntervalMs: 50 });
  const pool = await createPool({ url: url.toString(), max: 1 });
  try {
    // 1,000 weighted slots each for the target and the client: row k takes slot floor(random × 1000)
    const slots = 1_000;
    const targets: { provider: string; model: string; input: number; output: number }[] = [];
    for (let slot = 0; slot < slots; slot += 1) {
      const [provider, , models] = pick(providers, 1, (slot + 0.5) / slots);
      const [model, input, output] = models[slot % models.length] ?? models[0];
      targets.push({ provider, model, input, output });
    }
    const clientSlots = Array.from({ length: slots }, (_, slot) => pick(clients, 2, (slot + 0.5) / slots));
    const parameters = [
      targets.map((target) => target.provider),
      targets.map((target) => target.model),
      targets.map((target) => target.input),
      targets.map((target) => target.output),
      clientSlots.map(([client]) => client),
      clientSlots.map(([, family]) => family),
      errorKinds.map(([errorClass]) => errorClass),
      errorKinds.map(([, status]) => status),
    ];
    const { rows: indexes } = await pool.query<{ indexname: string; indexdef: string }>(
      `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'requests' AND indexname <> 'requests_pkey'`,
    );
    const began = performance.now();
    for (const index of indexes) await pool.query(`DROP INDEX ${index.indexname}`);
    const chunk = 1_000_000;
    const step = (end - start) / rowCount;
    await pool.query('SELECT setseed(0.2026)');
    for (let from = 0; from < rowCount; from += chunk) {
      const to = Math.min(rowCount, from + chunk);
      await pool.query(
        `INSERT INTO requests (id, started_at, finished_at, client_token_name, client_family, endpoint, requested_model, route, provider_id, model, status, error_class,
           http_status, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, tokens_estimated, cost_usd, cost_reference_usd,
           latency_ms, ttft_ms, upstream_ms, overhead_ms, local_compute_ms, finish_reason, native_finish_reason, stream, instance_id)
         SELECT id, started_at, CASE WHEN status = 'interrupted' THEN NULL ELSE started_at + latency END, client, family, endpoint,
           CASE WHEN r6 < 0.6 THEN provider || '/' || model ELSE 'fast' END, route, provider, model, status,
           CASE WHEN status = 'error' THEN ($7::text[])[error] END,
           CASE WHEN status = 'error' THEN ($8::int[])[error] WHEN status = 'ok' THEN 200 END,
           input, output, cache_read, 0, CASE WHEN model LIKE '%reasoner%' OR model = 'gpt-5' THEN output / 2 ELSE 0 END, 0,
           CASE WHEN status = 'interrupted' THEN NULL WHEN pin = 0 THEN 0 WHEN provider = 'openrouter' AND model LIKE 'meta%' AND r7 < 0.5 THEN NULL
             ELSE (input * pin + output * pout + cache_read * pin * 0.1) / 1e6 END,
           CASE WHEN pin = 0 AND status IN ('ok', 'cancelled') THEN (input * 0.4 + output * 1.6) / 1e6 END,
           CASE WHEN status = 'interrupted' THEN NULL ELSE latency END,
           CASE WHEN status = 'ok' THEN floor(latency * (0.1 + 0.3 * r8))::bigint END,
           CASE WHEN status = 'interrupted' THEN NULL ELSE latency - 3 END,
           CASE WHEN status = 'interrupted' THEN NULL ELSE 3 END,
           CASE WHEN pin = 0 AND status IN ('ok', 'cancelled') THEN latency - 10 END,
           CASE WHEN status = 'ok' THEN 'stop' END, CASE WHEN status = 'ok' THEN 'stop' END,
           CASE WHEN r7 < 0.7 THEN 1 ELSE 0 END, 'bench-load'
         FROM (
           SELECT *, CASE WHEN status IN ('ok', 'cancelled') THEN floor(200 + 60000 * r3 ^ 3)::bigint ELSE 0 END AS input,
             CASE WHEN status IN ('ok', 'cancelled') THEN floor(20 + 2000 * r4 ^ 2)::bigint ELSE 0 END AS output,
             CASE WHEN status IN ('ok', 'cancelled') AND provider = 'anthropic' THEN floor(floor(200 + 60000 * r3 ^ 3) * r5)::bigint ELSE 0 END AS cache_read
           FROM (
             SELECT 'r' || lpad(g::text, 9, '0') AS id, ${start} + floor((g - 1)::float8 * ${step} + random() * ${step})::bigint AS started_at,
               ($1::text[])[slot] AS provider, ($2::text[])[slot] AS model, ($3::float8[])[slot] AS pin, ($4::float8[])[slot] AS pout,
               ($5::text[])[client_slot] AS client, ($6::text[])[client_slot] AS family,
               CASE WHEN sr < 0.93 THEN 'ok' WHEN sr < 0.98 THEN 'error' WHEN sr < 0.995 THEN 'cancelled' ELSE 'interrupted' END AS status,
               1 + floor(random() * ${errorKinds.length})::int AS error,
               CASE WHEN e < 0.9 THEN 'chat' WHEN e < 0.97 THEN 'messages' ELSE 'embeddings' END AS endpoint,
               CASE WHEN ro < 0.4 THEN NULL ELSE (ARRAY['fast', 'smart', 'local'])[1 + floor(random() * 3)::int] END AS route,
               floor(150 + 400 * exp(random() * 3.5))::bigint AS latency,
               random() AS r3, random() AS r4, random() AS r5, random() AS r6, random() AS r7, random() AS r8
             FROM (SELECT g, 1 + floor(random() * ${slots})::int AS slot, 1 + floor(random() * ${slots})::int AS client_slot, random() AS sr, random() AS e, random() AS ro
                   FROM generate_series(${from + 1}, ${to}) AS g) AS seeds
           ) AS drawn
         ) AS rows`,
        parameters,
      );
      process.stdout.write(`\rloaded ${to.toLocaleString('en')} rows`);
    }
    const loadMs = performance.now() - began;
    const indexBegan = performance.now();
    for (const index of indexes) await pool.query(index.indexdef);
    const indexMs = performance.now() - indexBegan;
    const rebuildBegan = performance.now();
    await pool.query(`SET work_mem = '256MB'`);
    await rebuildPostgresRollups(pool);
    const rebuildMs = performance.now() - rebuildBegan;
    const vacuumBegan = performance.now();
    await pool.query('VACUUM ANALYZE');
    const vacuumMs = performance.now() - vacuumBegan;
    const { rows: sizes } = await pool.query<{ version: string; size: string; hourly: number; daily: number }>(
      `SELECT current_setting('server_version') AS version, pg_size_pretty(pg_database_size(current_database())) AS size,
         (SELECT count(*) FROM rollup_hourly)::bigint AS hourly, (SELECT count(*) FROM rollup_daily)::bigint AS daily`,
    );
    const rows = await runQueries(ledger.reads);

    const writeCount = 20_000;
    const writes = time(() => {
      for (let index = 0; index < writeCount; index += 1) {
        const startedAt = end + index;
        ledger.begin(startRecord(`bench-${index}`, { startedAt }));
        ledger.finish(finishRecord(`bench-${index}`, { startedAt }));
      }
    });
    const flushBegan = performance.now();
    await ledger.flush();
    const flushMs = performance.now() - flushBegan;

    const info = sizes[0];
    console.log(`\n\nLedger benchmark: ${rowCount.toLocaleString('en')} requests over a year; PostgreSQL ${info?.version}, Node ${process.version}`);
    console.log(
      `load ${(loadMs / 1000).toFixed(1)} s (server-side generate_series, no indexes), indexes ${(indexMs / 1000).toFixed(1)} s, ` +
        `rollup rebuild ${(rebuildMs / 1000).toFixed(1)} s, VACUUM ANALYZE ${(vacuumMs / 1000).toFixed(1)} s; database ${info?.size}`,
    );
    console.log(`rollup rows: hourly ${info?.hourly.toLocaleString('en')}, daily ${info?.daily.toLocaleString('en')}\n`);
    printQueries(rows, 200);
    console.log(
      `write path: ${writeCount.toLocaleString('en')} begin+finish queued in ${writes.ms.toFixed(0)} ms, written (batches of 500) in ${(flushMs / 1000).toFixed(2)} s ` +
        `(${Math.round(writeCount / (flushMs / 1000)).toLocaleString('en')} requests/s)`,
    );
    console.log(`writer stats: ${JSON.stringify(ledger.stats())}`);
  } finally {
    await pool.end();
    await ledger.close();
    if (process.env['LEDGER_BENCH_KEEP']) console.log(`kept database ${name}`);
    else await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
    await admin.end();
  }
}
