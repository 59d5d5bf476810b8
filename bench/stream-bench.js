#!/usr/bin/env node
// Streaming TTFT for Switchyard, measured with the harness's own pieces (mock-upstream.mjs, minimal-proxy.mjs,
// stream-client.mjs and its default stream cases). Why it exists: the harness's streaming capability check sends
// the bare model "gpt-4o-mini" whatever MODEL says, Switchyard answers 404 (models are provider/model), and the
// harness then skips every Switchyard stream case. gateway-bench.js runs this only in that case (STREAM_SUPPLEMENT).
// Same method as the harness: warm-up, rotated target order per run, medians over runs of per-run p50/p99, Δ vs
// direct, exact frame count + [DONE] checked per stream. Adds gateway CPU µs per stream (its process group, /proc).
// Env: SWITCHYARD_BENCH_WORKDIR (harness copy with node_modules), SWITCHYARD_API_KEY, MODEL, RUNS, STREAM_TARGETS,
// STREAM_CASES, SWITCHYARD_BENCH_ANTHROPIC, OUT_DIR, QUIET_PCT, QUIET_WAIT_S, STREAM_MAX_TOTAL_S, PAIRED_ROUNDS.
// 127.0.0.1 only.
//
// Then one more measurement of the paced case, paired (PAIRED_ROUNDS, default 30; 0 = off): each round sends one
// paced stream to every target in turn (rotated order), each on its own kept-alive connection, and takes each
// target's first-token time minus direct's in the same round. Machine drift (which moves a 10-stream block's p50 by
// tenths of a ms here) cancels within a round, and the median of the per-round differences comes with a bootstrap
// 95% interval. Each gateway idles while the others stream (~0.6 s), as it does between a desktop user's requests,
// so these figures are for a cold gateway; the block cases above measure one that streamed a moment ago.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { freePort, groupRunUs, median, processGroups, table, waitQuiet as benchWaitQuiet } from './bench-kit.js';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const env = process.env;
const WORK = env.SWITCHYARD_BENCH_WORKDIR;
if (!WORK || !fs.existsSync(path.join(WORK, 'stream-client.mjs')) || !fs.existsSync(path.join(WORK, 'node_modules', 'undici'))) {
  console.error(`[stream-bench] SWITCHYARD_BENCH_WORKDIR must be a harness copy with node_modules (got ${WORK ?? 'nothing'}); run it through gateway-bench.js`);
  process.exit(2);
}
const { runStreams, streamBody } = await import(pathToFileURL(path.join(WORK, 'stream-client.mjs')).href);
const { Pool } = await import(pathToFileURL(path.join(WORK, 'node_modules', 'undici', 'index.js')).href);

const TOKEN = env.SWITCHYARD_API_KEY;
if (!TOKEN) {
  console.error('[stream-bench] SWITCHYARD_API_KEY must be set (the client token the bench uses)');
  process.exit(2);
}
const MODEL = env.MODEL || 'mock/gpt-4o-mini';
const RUNS = Number(env.RUNS || 2);
const ANTHROPIC = env.SWITCHYARD_BENCH_ANTHROPIC === '1';
const OUT_DIR = env.OUT_DIR || path.join(BENCH, 'results', 'stream');
const MAX_TOTAL_S = Number(env.STREAM_MAX_TOTAL_S || 240);
// The harness's default STREAM_CASES (bench.mjs), so the figures line up with its table.
const CASES = (
  env.STREAM_CASES
    ? JSON.parse(env.STREAM_CASES)
    : [
        { id: 'burst100-c1', kind: 'openai', chunks: 100, delay: 0, concurrency: 1, n: 100 },
        { id: 'burst100-c16', kind: 'openai', chunks: 100, delay: 0, concurrency: 16, n: 320 },
        { id: 'paced20x10ms-c1', kind: 'openai', chunks: 20, delay: 10, concurrency: 1, n: 10 },
        { id: 'paced20x10ms-c64', kind: 'openai', chunks: 20, delay: 10, concurrency: 64, n: 192 },
        { id: 'anthropic100-c1', kind: 'anthropic', chunks: 100, delay: 0, concurrency: 1, n: 50 },
      ]
).filter((c) => c.kind !== 'anthropic' || ANTHROPIC);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const T0 = Date.now();

// ---------------------------------------------------------------- processes, /proc, stats (bench-kit.js)
const { start: startProc, groupAlive } = processGroups('sy-stream-bench', WORK, env);
const waitQuiet = () => benchWaitQuiet(env);
const f = (v, d = 2) => (Number.isFinite(v) ? v.toFixed(d) : '-');
const fs_ = (v, d = 2) => (Number.isFinite(v) ? (v >= 0 ? '+' : '') + v.toFixed(d) : '-');

async function probe(baseUrl, headers) {
  const res = await fetch(`${baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'Say hello.' }], max_tokens: 16 }),
    signal: AbortSignal.timeout(5000),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`status ${res.status}: ${text.slice(0, 200)}`);
}
async function waitReady(t) {
  const until = Date.now() + 60_000;
  let last;
  while (Date.now() < until) {
    if (t.pgid && !groupAlive(t.pgid)) throw new Error(`${t.name} died during startup (log: ${t.logPath})`);
    try {
      await probe(t.baseUrl, t.headers);
      return;
    } catch (error) {
      last = error;
    }
    await sleep(200);
  }
  throw new Error(`${t.name} not ready after 60 s: ${last?.message}`);
}

async function main() {
  const mockPort = await freePort();
  const mock = startProc('mock', process.execPath, [path.join(WORK, 'mock-upstream.mjs')], { MOCK_PORT: String(mockPort) });
  const mockUrl = `http://127.0.0.1:${mockPort}`;
  const defs = {
    direct: async () => ({ baseUrl: `${mockUrl}/v1`, headers: {}, anthropicHeaders: {}, pgid: undefined }),
    'node-pipe': async () => nodeProxy('node-pipe', path.join(WORK, 'minimal-proxy.mjs'), { PROXY_MODE: 'pipe' }),
    'node-parse': async () => nodeProxy('node-parse', path.join(WORK, 'minimal-proxy.mjs'), { PROXY_MODE: 'parse' }),
    // node-parse plus the first-chunk gate: the floor for a gateway that holds the head until the first content
    'node-gate': async () => nodeProxy('node-gate', path.join(BENCH, 'gated-proxy.mjs'), {}),
    switchyard: async () => {
      const port = await freePort();
      const p = startProc('switchyard', 'bash', [path.join(BENCH, 'start-switchyard.sh')], {
        GATEWAY_PORT: String(port),
        MOCK_URL: mockUrl,
        MOCK_PORT: String(mockPort),
      });
      return {
        baseUrl: `http://127.0.0.1:${port}/v1`,
        headers: { authorization: `Bearer ${TOKEN}` },
        anthropicHeaders: { 'x-api-key': TOKEN },
        pgid: p.pid,
        logPath: p.logPath,
      };
    },
  };
  async function nodeProxy(name, script, extraEnv) {
    const port = await freePort();
    const p = startProc(name, process.execPath, [script], { UPSTREAM_URL: mockUrl, PROXY_PORT: String(port), ...extraEnv });
    return { baseUrl: `http://127.0.0.1:${port}/v1`, headers: {}, anthropicHeaders: {}, pgid: p.pid, logPath: p.logPath };
  }
  const names = (env.STREAM_TARGETS || 'direct,node-parse,node-gate,switchyard').split(',').map((s) => s.trim());
  const targets = [];
  await waitReady({ name: 'mock', baseUrl: `${mockUrl}/v1`, headers: {}, pgid: mock.pid, logPath: mock.logPath });
  for (const name of names) {
    if (!defs[name]) throw new Error(`unknown stream target ${name} (direct, node-pipe, node-parse, node-gate, switchyard)`);
    const t = { name, ...(await defs[name]()) };
    await waitReady(t);
    console.log(`[stream-bench] ${name} ready at ${t.baseUrl}`);
    targets.push(t);
  }
  for (const t of targets) {
    const w = await runStreams({ baseUrl: t.baseUrl, headers: t.headers, n: 20, concurrency: 2, chunks: 10, delay: 0, model: MODEL });
    if (w.ok !== w.n) console.error(`[stream-bench] ${t.name}: warm-up streams failed: ${JSON.stringify(w.errors)}`);
  }

  const raw = [];
  for (let rep = 0; rep < RUNS; rep++) {
    for (const sc of CASES) {
      const order = targets.map((_, i) => targets[(i + rep) % targets.length]);
      for (const t of order) {
        if ((Date.now() - T0) / 1000 > MAX_TOTAL_S) {
          console.error('[stream-bench] STREAM_MAX_TOTAL_S reached, skipping the rest');
          break;
        }
        await waitQuiet();
        const anth = sc.kind === 'anthropic';
        // per-thread run time in ns: /proc's 10 ms ticks are a tenth of a stream's cost in a block of 100 streams
        const c0 = t.pgid ? groupRunUs(t.pgid) : 0;
        const r = await runStreams({ baseUrl: t.baseUrl, headers: anth ? t.anthropicHeaders : t.headers, ...sc, model: MODEL, maxMs: 120_000 });
        const cpuPerStream = t.pgid ? (groupRunUs(t.pgid) - c0) / Math.max(1, r.n) : NaN;
        raw.push({ target: t.name, case: sc.id, rep, cpuPerStream, ...r });
        console.log(
          `  rep${rep} ${sc.id.padEnd(17)} ${t.name.padEnd(11)} ok=${r.ok}/${r.n} ttft p50=${f(r.ttft.p50, 3)} p99=${f(r.ttft.p99, 3)} total p50=${f(r.total.p50, 3)} p99=${f(r.total.p99, 3)} ms` +
            `${t.pgid ? ` gwCPU=${f(cpuPerStream, 0)}µs/stream` : ''}${r.ok < r.n ? ` errors=${JSON.stringify(r.errors)}` : ''}`,
        );
      }
    }
  }

  const paired = await pairedPaced(targets);

  const rows = [];
  const summary = [];
  for (const sc of CASES) {
    const d = raw.filter((r) => r.target === 'direct' && r.case === sc.id);
    const dt = median(d.map((r) => r.ttft.p50));
    const dT = median(d.map((r) => r.total.p50));
    for (const t of targets) {
      const rs = raw.filter((r) => r.target === t.name && r.case === sc.id);
      if (!rs.length) continue;
      const m = {
        target: t.name,
        case: sc.id,
        ok: rs.reduce((a, r) => a + r.ok, 0),
        n: rs.reduce((a, r) => a + r.n, 0),
        ttft50: median(rs.map((r) => r.ttft.p50)),
        ttft99: median(rs.map((r) => r.ttft.p99)),
        total50: median(rs.map((r) => r.total.p50)),
        total99: median(rs.map((r) => r.total.p99)),
        cpuPerStream: median(rs.map((r) => r.cpuPerStream)),
      };
      m.dttft = m.ttft50 - dt;
      m.dtotal = m.total50 - dT;
      summary.push(m);
      const isDirect = t.name === 'direct';
      rows.push([
        sc.id,
        t.name,
        `${m.ok}/${m.n}`,
        f(m.ttft50, 3),
        isDirect ? '' : fs_(m.dttft, 3),
        f(m.ttft99, 3),
        f(m.total50, 3),
        isDirect ? '' : fs_(m.dtotal, 3),
        f(m.total99, 3),
        isDirect ? '' : f(m.cpuPerStream, 0),
      ]);
    }
  }
  console.log(`\n=== streaming (SSE) via stream-bench.js, medians of per-run p50/p99 over ${RUNS} runs; Δ = target − direct ===`);
  console.log(
    table(['case', 'target', 'ok/n', 'ttft_p50_ms', 'Δttft_ms', 'ttft_p99_ms', 'total_p50_ms', 'Δtotal_ms', 'total_p99_ms', 'gw_cpu_µs/stream'], rows),
  );
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  if (paired) {
    console.log(`\n=== paced 20×10 ms, c=1, paired: ${paired.rounds} rounds, one stream per target per round; Δ = target − direct in the same round ===`);
    console.log(
      table(
        ['target', 'Δttft_median_ms', '95%_interval', 'Δttft_mean_ms'],
        paired.targets.map((p) => [p.target, fs_(p.median, 3), `${f(p.low, 3)} … ${f(p.high, 3)}`, fs_(p.mean, 3)]),
      ),
    );
    if (paired.switchyardOverGate) {
      const g = paired.switchyardOverGate;
      console.log(`switchyard − node-gate, same rounds: median ${fs_(g.median, 3)} ms (95% interval ${f(g.low, 3)} … ${f(g.high, 3)})`);
    }
  }
  fs.writeFileSync(
    path.join(OUT_DIR, `${stamp}.json`),
    JSON.stringify(
      { sys: { date: new Date().toISOString(), node: process.version, model: MODEL, runs: RUNS, cases: CASES }, summary: { stream: summary, paired }, raw },
      null,
      2,
    ),
  );
  return summary.every((s) => s.ok === s.n) && (!paired || paired.failures === 0) ? 0 : 1;
}

// ---------------------------------------------------------------- the paired paced measurement
/** The harness's paced case. */
const paced = { chunks: 20, delay: 10 };

/** One paced stream on `pool`: the first content frame's time after the request started (ms), checked whole like the client's. */
async function pacedStream(pool, t, body, headers) {
  const t0 = performance.now();
  const res = await pool.request({
    path: new URL(`${t.baseUrl}/chat/completions`).pathname,
    method: 'POST',
    headers,
    body,
    signal: AbortSignal.timeout(30_000),
  });
  let buffered = '';
  let ttft = NaN;
  let frames = 0;
  let done = false;
  for await (const bytes of res.body) {
    buffered += bytes.toString('utf8');
    const lines = buffered.split('\n');
    buffered = lines.pop();
    for (const line of lines) {
      if (!line.startsWith('data:')) continue;
      const data = line.slice(5).trim();
      if (data === '[DONE]') done = true;
      else if (JSON.parse(data).choices?.[0]?.delta?.content) {
        if (frames === 0) ttft = performance.now() - t0;
        frames += 1;
      }
    }
  }
  return res.statusCode === 200 && done && frames === paced.chunks ? ttft : NaN;
}

/** Median and a percentile-bootstrap 95% interval of it (fixed seed, so a result file can be recomputed). */
function medianWithInterval(values) {
  const v = values.filter(Number.isFinite);
  let seed = 12345;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const medians = Array.from({ length: 2000 }, () => median(v.map(() => v[Math.floor(random() * v.length)]))).sort((a, b) => a - b);
  return { n: v.length, median: median(v), mean: v.reduce((a, b) => a + b, 0) / v.length, low: medians[50], high: medians[1949] };
}

async function pairedPaced(targets) {
  const rounds = Number(env.PAIRED_ROUNDS ?? 30);
  if (!rounds || !targets.some((t) => t.name === 'direct')) return undefined;
  const body = JSON.stringify(streamBody({ kind: 'openai', model: MODEL, ...paced }));
  const lanes = targets.map((t) => ({
    t,
    pool: new Pool(new URL(t.baseUrl).origin, { connections: 1, pipelining: 1, keepAliveTimeout: 30_000 }),
    headers: { 'content-type': 'application/json', 'x-mock-chunks': String(paced.chunks), 'x-mock-delay-ms': String(paced.delay), ...t.headers },
    ttft: [],
  }));
  let failures = 0;
  const run = async (lane) => {
    const ttft = await pacedStream(lane.pool, lane.t, body, lane.headers).catch(() => NaN);
    if (!Number.isFinite(ttft)) failures += 1;
    return ttft;
  };
  for (const lane of lanes) await run(lane); // opens each connection
  failures = 0;
  let done = 0;
  await waitQuiet();
  for (; done < rounds && (Date.now() - T0) / 1000 < MAX_TOTAL_S; done++) {
    for (let i = 0; i < lanes.length; i++) {
      const lane = lanes[(i + done) % lanes.length];
      lane.ttft[done] = await run(lane);
    }
  }
  await Promise.all(lanes.map((lane) => lane.pool.close().catch(() => undefined)));
  if (done < rounds) console.error(`[stream-bench] STREAM_MAX_TOTAL_S reached: ${done} of ${rounds} paired rounds`);
  if (done === 0) return undefined;
  const direct = lanes.find((lane) => lane.t.name === 'direct').ttft;
  const over = (a, b) => a.ttft.map((v, i) => v - b[i]);
  const result = { rounds: done, failures, targets: [] };
  for (const lane of lanes) if (lane.t.name !== 'direct') result.targets.push({ target: lane.t.name, ...medianWithInterval(over(lane, direct)) });
  const sy = lanes.find((lane) => lane.t.name === 'switchyard');
  const gate = lanes.find((lane) => lane.t.name === 'node-gate');
  if (sy && gate) result.switchyardOverGate = medianWithInterval(over(sy, gate.ttft));
  return result;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error('[stream-bench] fatal:', error);
    process.exit(1);
  },
);
