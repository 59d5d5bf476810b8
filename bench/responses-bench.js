#!/usr/bin/env node
// The `responses` phase of `npm run bench`: what `POST /v1/responses` costs next to `POST /v1/chat/completions` in
// the same Switchyard process, on the harness's mock upstream (a chat-completions server, so every Responses request
// is translated to chat and its answer back). Three lanes: `direct` (the mock's chat endpoint, the latency floor),
// `chat` and `responses` (both through Switchyard, model MODEL).
//   non-stream  wrk (the harness's wrk-post.lua) at RESPONSES_CONCURRENCY: gateway CPU µs/request, rps, p50/p99
//   stream      blocks of the harness's burst cases (100 chunks, no delay, c=1 and c=16): gateway CPU µs/stream and
//               time to the first content event (chat: first `delta.content`; Responses: first
//               `response.output_text.delta`), plus the Responses stream's first event of any kind
//   paired      the paced case (20 × 10 ms, c=1), PAIRED_ROUNDS rounds of one stream per lane in rotated order on
//               kept-alive connections: first content event − direct's, same round; and responses − chat
// The target is Responses within 10% of chat: CPU per request and per stream, and time added before the first
// content event. Requests send `store: false` as Codex does (RESPONSES_STORE=1 sends `store: true`, which adds the
// stored response's write). Two checks of the method itself: RESPONSES_AA=1 makes the `responses` lane send chat
// completions too (an A/A run: any ratio away from 1.00 is what the lane's place in the order costs), and
// RESPONSES_ORDER=reverse runs the lanes in the reverse order (responses, then chat, then direct; rotated per run
// as usual). Env: SWITCHYARD_BENCH_WORKDIR (harness copy with node_modules), SWITCHYARD_API_KEY,
// MODEL, RUNS, RESPONSES_DURATION, RESPONSES_CONCURRENCY, PAIRED_ROUNDS, RESPONSES_MAX_TOTAL_S, OUT_DIR,
// QUIET_PCT, QUIET_WAIT_S. 127.0.0.1 only; kills exactly the process groups it starts.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { busyTicks, CLK_TCK, freePort, groupCpuUs, groupRunUs, median, processGroups, table, waitQuiet as benchWaitQuiet } from './bench-kit.js';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const env = process.env;
const WORK = env.SWITCHYARD_BENCH_WORKDIR;
if (!WORK || !fs.existsSync(path.join(WORK, 'wrk-post.lua')) || !fs.existsSync(path.join(WORK, 'node_modules', 'undici'))) {
  console.error(
    `[responses-bench] SWITCHYARD_BENCH_WORKDIR must be a harness copy with node_modules (got ${WORK ?? 'nothing'}); run it through gateway-bench.js`,
  );
  process.exit(2);
}
if (spawnSync('wrk', ['-v']).error) {
  console.error('[responses-bench] wrk is not installed (apt-get install wrk)');
  process.exit(2);
}
const { Pool } = await import(pathToFileURL(path.join(WORK, 'node_modules', 'undici', 'index.js')).href);

const TOKEN = env.SWITCHYARD_API_KEY;
if (!TOKEN) {
  console.error('[responses-bench] SWITCHYARD_API_KEY must be set (the client token the bench uses)');
  process.exit(2);
}
const MODEL = env.MODEL || 'mock/gpt-4o-mini';
const RUNS = Number(env.RUNS || 2);
const DURATION = Number(env.RESPONSES_DURATION || 3);
const CONCURRENCY = (env.RESPONSES_CONCURRENCY || '1 16')
  .split(/[\s,]+/)
  .filter(Boolean)
  .map(Number);
const PAIRED_ROUNDS = Number(env.PAIRED_ROUNDS ?? 30);
const MAX_TOTAL_S = Number(env.RESPONSES_MAX_TOTAL_S || 150);
const STORE = env.RESPONSES_STORE === '1';
const AA = env.RESPONSES_AA === '1';
const REVERSE = env.RESPONSES_ORDER === 'reverse';
const OUT_DIR = env.OUT_DIR || path.join(BENCH, 'results', 'responses');
/** The harness's burst stream cases and its paced case (bench.mjs STREAM_CASES), so figures line up with its tables. */
const BLOCKS = [
  { id: 'burst100-c1', chunks: 100, delay: 0, concurrency: 1, n: 100 },
  { id: 'burst100-c16', chunks: 100, delay: 0, concurrency: 16, n: 320 },
];
const PACED = { id: 'paced20x10ms-c1', chunks: 20, delay: 10 };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const T0 = Date.now();
const overBudget = () => (Date.now() - T0) / 1000 > MAX_TOTAL_S;

// ---------------------------------------------------------------- processes, /proc, stats (bench-kit.js)
const { start: startProc, groupAlive } = processGroups('sy-responses-bench', WORK, env);
const waitQuiet = () => benchWaitQuiet(env);

// ---------------------------------------------------------------- /proc
/** This process and the children it waited for (wrk runs under spawnSync), in ticks. */
function selfTicks() {
  const stat = fs.readFileSync('/proc/self/stat', 'utf8');
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(rest[11]) + Number(rest[12]) + Number(rest[13]) + Number(rest[14]);
}
/** Runs `work` and reports the gateway's CPU (µs) and the CPU the machine spent on processes the bench did not start (% of one core). */
async function measured(pgids, work) {
  const snapshot = () => ({
    at: performance.now(),
    busy: busyTicks(),
    self: selfTicks(),
    gateway: groupCpuUs(pgids.gateway),
    gatewayRun: groupRunUs(pgids.gateway),
    mock: groupCpuUs(pgids.mock),
  });
  const before = snapshot();
  const result = await work();
  const after = snapshot();
  const tickUs = 1e6 / CLK_TCK;
  const known = after.gateway - before.gateway + (after.mock - before.mock) + (after.self - before.self) * tickUs;
  const foreignPct = Math.max(0, (((after.busy - before.busy) * tickUs - known) / ((after.at - before.at) * 1000)) * 100);
  // the gateway's own figure from its threads' run times: the tick counts above are too coarse for a stream block
  return { result, gatewayUs: after.gatewayRun - before.gatewayRun, foreignPct: Math.round(foreignPct) };
}
// ---------------------------------------------------------------- stats + tables
const percentile = (values, p) => {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] : NaN;
};
const f = (v, d = 2) => (Number.isFinite(v) ? v.toFixed(d) : '-');
const signed = (v, d = 2) => (Number.isFinite(v) ? (v >= 0 ? '+' : '') + v.toFixed(d) : '-');
function medianWithInterval(values) {
  const v = values.filter(Number.isFinite);
  let seed = 12345;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const medians = Array.from({ length: 2000 }, () => median(v.map(() => v[Math.floor(random() * v.length)]))).sort((a, b) => a - b);
  return { n: v.length, median: median(v), mean: v.reduce((a, b) => a + b, 0) / v.length, low: medians[50], high: medians[1949] };
}

// ---------------------------------------------------------------- the two wire formats
const mockModel = (chunks, delay) => `${MODEL};chunks=${chunks};delay=${delay}`;
const chatBody = { model: MODEL, messages: [{ role: 'user', content: 'Say hello.' }], max_tokens: 16 };
const responsesBody = { model: MODEL, input: 'Say hello.', max_output_tokens: 16, store: STORE };
const chatStreamBody = (chunks, delay) => ({
  model: mockModel(chunks, delay),
  stream: true,
  stream_options: { include_usage: true },
  max_tokens: 256,
  messages: [{ role: 'user', content: 'Say hello' }],
});
const responsesStreamBody = (chunks, delay) => ({ model: mockModel(chunks, delay), stream: true, store: STORE, max_output_tokens: 256, input: 'Say hello' });

/** What one lane sends, and what each `data:` frame of its stream is: a content event, the end, or neither. */
const WIRE = {
  chat: {
    body: chatBody,
    streamBody: chatStreamBody,
    classify: (data) => (data === '[DONE]' ? 'done' : JSON.parse(data).choices?.[0]?.delta?.content ? 'content' : 'other'),
  },
  responses: {
    body: responsesBody,
    streamBody: responsesStreamBody,
    classify: (data) => {
      const type = JSON.parse(data).type;
      return type === 'response.output_text.delta' ? 'content' : type === 'response.completed' ? 'done' : 'other';
    },
  },
};

/** One stream on `pool`: first event, first content event and end (ms after the request started), checked whole. */
async function oneStream(pool, lane, body, headers, chunks) {
  const t0 = performance.now();
  const result = { ok: false, firstEvent: NaN, firstContent: NaN, total: NaN };
  try {
    const response = await pool.request({ path: lane.pathname, method: 'POST', headers, body, signal: AbortSignal.timeout(30_000) });
    let buffered = '';
    let frames = 0;
    let done = false;
    for await (const bytes of response.body) {
      buffered += bytes.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop();
      for (const line of lines) {
        if (!line.startsWith('data:')) continue;
        const data = line.slice(5).trim();
        if (Number.isNaN(result.firstEvent)) result.firstEvent = performance.now() - t0;
        const kind = lane.wire.classify(data);
        if (kind === 'done') done = true;
        else if (kind === 'content') {
          if (frames === 0) result.firstContent = performance.now() - t0;
          frames += 1;
        }
      }
    }
    result.total = performance.now() - t0;
    result.ok = response.statusCode === 200 && done && frames === chunks;
    if (!result.ok) result.error = `status=${response.statusCode} frames=${frames} done=${done}`;
  } catch (error) {
    result.error = String(error?.message ?? error);
  }
  return result;
}

function streamHeaders(lane, chunks, delay) {
  return { 'content-type': 'application/json', 'x-mock-chunks': String(chunks), 'x-mock-delay-ms': String(delay), ...lane.headers };
}

/** `n` streams at `concurrency` on fresh kept-alive connections. */
async function streamBlock(lane, { chunks, delay, concurrency, n }) {
  const pool = new Pool(lane.origin, { connections: concurrency, pipelining: 1, keepAliveTimeout: 30_000 });
  const body = JSON.stringify(lane.wire.streamBody(chunks, delay));
  const headers = streamHeaders(lane, chunks, delay);
  const results = [];
  let next = 0;
  const worker = async () => {
    while (next < n && !overBudget()) {
      next += 1;
      results.push(await oneStream(pool, lane, body, headers, chunks));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
  await pool.close().catch(() => undefined);
  const ok = results.filter((r) => r.ok);
  return {
    n: results.length,
    ok: ok.length,
    errors: [...new Set(results.filter((r) => !r.ok).map((r) => r.error))].slice(0, 3),
    firstEvent50: percentile(
      ok.map((r) => r.firstEvent),
      50,
    ),
    firstContent50: percentile(
      ok.map((r) => r.firstContent),
      50,
    ),
    firstContent99: percentile(
      ok.map((r) => r.firstContent),
      99,
    ),
    total50: percentile(
      ok.map((r) => r.total),
      50,
    ),
  };
}

function runWrk(lane, concurrency, seconds) {
  const run = spawnSync(
    'wrk',
    ['-t1', `-c${concurrency}`, `-d${seconds}s`, '--timeout', '10s', '-s', path.join(WORK, 'wrk-post.lua'), `${lane.origin}${lane.pathname}`],
    {
      env: { ...env, WRK_BODY_FILE: lane.bodyFile, WRK_HEADERS_FILE: lane.headersFile },
      encoding: 'utf8',
      timeout: (seconds + 30) * 1000,
    },
  );
  const line = (run.stdout || '').split('\n').find((l) => l.startsWith('WRKJSON '));
  if (!line) throw new Error(`wrk failed: ${run.error?.message ?? ''} ${run.stderr ?? ''} ${run.stdout ?? ''}`);
  const j = JSON.parse(line.slice(8));
  return {
    requests: j.requests,
    rps: j.requests / (j.duration_us / 1e6),
    p50: j.p50_us / 1000,
    p99: j.p99_us / 1000,
    errors: j.err_connect + j.err_read + j.err_write + j.err_status + j.err_timeout,
  };
}

async function check(lane) {
  const response = await fetch(`${lane.origin}${lane.pathname}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...lane.headers },
    body: JSON.stringify(lane.wire.body),
    signal: AbortSignal.timeout(5000),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`status ${response.status}: ${text.slice(0, 200)}`);
  const body = JSON.parse(text);
  if (lane.wire === WIRE.responses ? body.status !== 'completed' || !body.output?.length : !body.choices?.length)
    throw new Error(`unexpected answer: ${text.slice(0, 200)}`);
}
async function waitReady(lane) {
  const until = Date.now() + 60_000;
  let last;
  while (Date.now() < until) {
    if (lane.pgid && !groupAlive(lane.pgid)) throw new Error(`${lane.name} died during startup (log: ${lane.logPath})`);
    try {
      await check(lane);
      return;
    } catch (error) {
      last = error;
    }
    await sleep(200);
  }
  throw new Error(`${lane.name} not ready after 60 s: ${last?.message}`);
}

// ---------------------------------------------------------------- main
async function main() {
  const mockPort = await freePort();
  const mock = startProc('mock', process.execPath, [path.join(WORK, 'mock-upstream.mjs')], { MOCK_PORT: String(mockPort) });
  const mockUrl = `http://127.0.0.1:${mockPort}`;
  const gatewayPort = await freePort();
  const gateway = startProc('switchyard', 'bash', [path.join(BENCH, 'start-switchyard.sh')], {
    GATEWAY_PORT: String(gatewayPort),
    MOCK_URL: mockUrl,
    MOCK_PORT: String(mockPort),
  });
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  const auth = { authorization: `Bearer ${TOKEN}` };
  const lanes = [
    { name: 'direct', origin: mockUrl, pathname: '/v1/chat/completions', wire: WIRE.chat, headers: {}, pgid: undefined, logPath: mock.logPath },
    { name: 'chat', origin: gatewayUrl, pathname: '/v1/chat/completions', wire: WIRE.chat, headers: auth, pgid: gateway.pid, logPath: gateway.logPath },
    AA
      ? { name: 'responses', origin: gatewayUrl, pathname: '/v1/chat/completions', wire: WIRE.chat, headers: auth, pgid: gateway.pid, logPath: gateway.logPath }
      : { name: 'responses', origin: gatewayUrl, pathname: '/v1/responses', wire: WIRE.responses, headers: auth, pgid: gateway.pid, logPath: gateway.logPath },
  ];
  if (REVERSE) lanes.reverse();
  for (const lane of lanes) {
    await waitReady(lane);
    lane.bodyFile = path.join(os.tmpdir(), `sy-responses-bench-${process.pid}-${lane.name}-body.json`);
    lane.headersFile = path.join(os.tmpdir(), `sy-responses-bench-${process.pid}-${lane.name}-headers.txt`);
    fs.writeFileSync(lane.bodyFile, JSON.stringify(lane.wire.body));
    fs.writeFileSync(
      lane.headersFile,
      Object.entries(lane.headers)
        .map(([k, v]) => `${k}: ${v}`)
        .join('\n') + '\n',
    );
  }
  process.on('exit', () => lanes.forEach((lane) => [lane.bodyFile, lane.headersFile].forEach((file) => fs.rmSync(file, { force: true }))));
  console.log(
    `[responses-bench] mock ${mockUrl}, switchyard ${gatewayUrl}; lanes ${lanes.map((l) => l.name).join(', ')}; store ${STORE}` +
      `${AA ? '; A/A: the responses lane sends chat completions' : ''}`,
  );
  // warm-up (JIT, pools): not recorded
  for (const lane of lanes) {
    runWrk(lane, 16, 2);
    await streamBlock(lane, { chunks: 10, delay: 0, concurrency: 2, n: 20 });
  }

  const raw = { nonstream: [], stream: [] };
  const pgids = { gateway: gateway.pid, mock: mock.pid };
  const perUnit = (lane, gatewayUs, count) => (lane.pgid ? gatewayUs / Math.max(1, count) : NaN);
  for (let rep = 0; rep < RUNS && !overBudget(); rep++) {
    const order = lanes.map((_, i) => lanes[(i + rep) % lanes.length]);
    for (const c of CONCURRENCY) {
      for (const lane of order) {
        if (overBudget()) break;
        await waitQuiet();
        const { result, gatewayUs, foreignPct } = await measured(pgids, async () => runWrk(lane, c, DURATION));
        const record = { lane: lane.name, c, rep, ...result, cpuPerRequest: perUnit(lane, gatewayUs, result.requests), foreignPct };
        raw.nonstream.push(record);
        console.log(
          `  rep${rep} non-stream c=${String(c).padEnd(3)} ${lane.name.padEnd(9)} rps=${f(record.rps, 0).padStart(6)} p50=${f(record.p50, 3)}ms p99=${f(record.p99, 3)}ms err=${record.errors}` +
            `${lane.pgid ? ` gwCPU=${f(record.cpuPerRequest, 0)}µs/req` : ''} foreign=${foreignPct}%`,
        );
      }
    }
    for (const block of BLOCKS) {
      for (const lane of order) {
        if (overBudget()) break;
        await waitQuiet();
        const { result, gatewayUs, foreignPct } = await measured(pgids, () => streamBlock(lane, block));
        const record = { lane: lane.name, case: block.id, rep, ...result, cpuPerStream: perUnit(lane, gatewayUs, result.n), foreignPct };
        raw.stream.push(record);
        console.log(
          `  rep${rep} ${block.id.padEnd(15)} ${lane.name.padEnd(9)} ok=${result.ok}/${result.n} first content p50=${f(result.firstContent50, 3)} p99=${f(result.firstContent99, 3)} ms` +
            ` first event p50=${f(result.firstEvent50, 3)} ms total p50=${f(result.total50, 3)} ms${lane.pgid ? ` gwCPU=${f(record.cpuPerStream, 0)}µs/stream` : ''} foreign=${foreignPct}%` +
            `${result.ok < result.n ? ` errors=${JSON.stringify(result.errors)}` : ''}`,
        );
      }
    }
  }
  if (overBudget()) console.error('[responses-bench] RESPONSES_MAX_TOTAL_S reached, later cases skipped');
  const paired = await pairedPaced(lanes);
  const summary = summarize(raw, paired);
  print(summary);
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  fs.writeFileSync(
    path.join(OUT_DIR, `${stamp}.json`),
    JSON.stringify(
      {
        sys: {
          date: new Date().toISOString(),
          node: process.version,
          model: MODEL,
          runs: RUNS,
          duration: DURATION,
          concurrency: CONCURRENCY,
          store: STORE,
          aa: AA,
          order: lanes.map((lane) => lane.name),
          loadavg: os.loadavg(),
        },
        summary,
        raw,
      },
      null,
      2,
    ),
  );
  const streamsOk = raw.stream.every((r) => r.ok === r.n) && (!paired || paired.failures === 0);
  return streamsOk && raw.nonstream.every((r) => r.errors === 0) ? 0 : 1;
}

/** The paced case, paired: one stream per lane per round, each lane on its own kept-alive connection. */
async function pairedPaced(lanes) {
  if (!PAIRED_ROUNDS || overBudget()) return undefined;
  const runners = lanes.map((lane) => ({
    lane,
    pool: new Pool(lane.origin, { connections: 1, pipelining: 1, keepAliveTimeout: 30_000 }),
    body: JSON.stringify(lane.wire.streamBody(PACED.chunks, PACED.delay)),
    headers: streamHeaders(lane, PACED.chunks, PACED.delay),
    firstContent: [],
    firstEvent: [],
  }));
  const run = (runner) => oneStream(runner.pool, runner.lane, runner.body, runner.headers, PACED.chunks);
  for (const runner of runners) await run(runner); // opens each connection
  let failures = 0;
  let rounds = 0;
  await waitQuiet();
  for (; rounds < PAIRED_ROUNDS && !overBudget(); rounds++) {
    for (let i = 0; i < runners.length; i++) {
      const runner = runners[(i + rounds) % runners.length];
      const result = await run(runner);
      if (!result.ok) failures += 1;
      runner.firstContent[rounds] = result.ok ? result.firstContent : NaN;
      runner.firstEvent[rounds] = result.ok ? result.firstEvent : NaN;
    }
  }
  await Promise.all(runners.map((runner) => runner.pool.close().catch(() => undefined)));
  if (rounds === 0) return undefined;
  const by = (name) => runners.find((runner) => runner.lane.name === name);
  const minus = (a, b) => a.map((v, i) => v - b[i]);
  const direct = by('direct').firstContent;
  return {
    case: PACED.id,
    rounds,
    failures,
    chat: medianWithInterval(minus(by('chat').firstContent, direct)),
    responses: medianWithInterval(minus(by('responses').firstContent, direct)),
    responsesFirstEvent: medianWithInterval(minus(by('responses').firstEvent, direct)),
    responsesOverChat: medianWithInterval(minus(by('responses').firstContent, by('chat').firstContent)),
  };
}

/** Responses' added time over chat's; none when chat added nothing measurable (noise put it at or below direct). */
const ratio = (responses, chat) => (chat > 0 ? responses / chat : NaN);

/** Medians over runs, per concurrency / case: CPU, latency added to direct, and Responses' ratios to chat. */
function summarize(raw, paired) {
  const nonstream = [];
  for (const c of CONCURRENCY) {
    const of = (lane) => raw.nonstream.filter((r) => r.lane === lane && r.c === c);
    const direct = median(of('direct').map((r) => r.p50));
    const row = (lane) => ({
      cpu: median(of(lane).map((r) => r.cpuPerRequest)),
      rps: median(of(lane).map((r) => r.rps)),
      dp50: median(of(lane).map((r) => r.p50)) - direct,
      dp99: median(of(lane).map((r) => r.p99)) - median(of('direct').map((r) => r.p99)),
      errors: of(lane).reduce((a, r) => a + r.errors, 0),
    });
    if (!of('chat').length || !of('responses').length) continue;
    const chat = row('chat');
    const responses = row('responses');
    nonstream.push({
      c,
      chat,
      responses,
      cpuRatio: responses.cpu / chat.cpu,
      maxForeignPct: Math.max(...raw.nonstream.filter((r) => r.c === c).map((r) => r.foreignPct)),
    });
  }
  const stream = [];
  for (const block of BLOCKS) {
    const of = (lane) => raw.stream.filter((r) => r.lane === lane && r.case === block.id);
    if (!of('chat').length || !of('responses').length) continue;
    const direct = median(of('direct').map((r) => r.firstContent50));
    const row = (lane) => ({
      cpu: median(of(lane).map((r) => r.cpuPerStream)),
      dFirstContent: median(of(lane).map((r) => r.firstContent50)) - direct,
      dFirstEvent: median(of(lane).map((r) => r.firstEvent50)) - direct,
      ok: of(lane).reduce((a, r) => a + r.ok, 0),
      n: of(lane).reduce((a, r) => a + r.n, 0),
    });
    const chat = row('chat');
    const responses = row('responses');
    const maxForeignPct = Math.max(...raw.stream.filter((r) => r.case === block.id).map((r) => r.foreignPct));
    stream.push({
      case: block.id,
      chat,
      responses,
      cpuRatio: responses.cpu / chat.cpu,
      firstContentRatio: ratio(responses.dFirstContent, chat.dFirstContent),
      maxForeignPct,
    });
  }
  return { nonstream, stream, paired: paired && { ...paired, firstContentRatio: ratio(paired.responses.median, paired.chat.median) } };
}

function print(summary) {
  console.log(`\n=== POST /v1/responses vs POST /v1/chat/completions through Switchyard, same mock; medians over ${RUNS} runs; Δ = lane − direct ===`);
  console.log(
    table(
      [
        'non-stream',
        'chat_µs/req',
        'resp_µs/req',
        'resp/chat',
        'chat_rps',
        'resp_rps',
        'chat_Δp50_ms',
        'resp_Δp50_ms',
        'chat_Δp99_ms',
        'resp_Δp99_ms',
        'max_foreign_cpu%',
      ],
      summary.nonstream.map((r) => [
        `c=${r.c}`,
        f(r.chat.cpu, 0),
        f(r.responses.cpu, 0),
        f(r.cpuRatio, 2),
        f(r.chat.rps, 0),
        f(r.responses.rps, 0),
        signed(r.chat.dp50, 3),
        signed(r.responses.dp50, 3),
        signed(r.chat.dp99, 3),
        signed(r.responses.dp99, 3),
        r.maxForeignPct,
      ]),
    ),
  );
  console.log('');
  console.log(
    table(
      [
        'stream',
        'chat_µs/stream',
        'resp_µs/stream',
        'resp/chat',
        'chat_Δfirst_content_ms',
        'resp_Δfirst_content_ms',
        'resp_Δfirst_event_ms',
        'ok/n chat',
        'ok/n resp',
        'max_foreign_cpu%',
      ],
      summary.stream.map((r) => [
        r.case,
        f(r.chat.cpu, 0),
        f(r.responses.cpu, 0),
        f(r.cpuRatio, 2),
        signed(r.chat.dFirstContent, 3),
        signed(r.responses.dFirstContent, 3),
        signed(r.responses.dFirstEvent, 3),
        `${r.chat.ok}/${r.chat.n}`,
        `${r.responses.ok}/${r.responses.n}`,
        r.maxForeignPct,
      ]),
    ),
  );
  const p = summary.paired;
  if (p) {
    const cell = (m) => `${signed(m.median, 3)} (${f(m.low, 3)} … ${f(m.high, 3)})`;
    console.log(`\n=== ${p.case}, paired: ${p.rounds} rounds, one stream per lane per round; median, 95% interval; failures ${p.failures} ===`);
    console.log(
      table(
        ['first content − direct', 'ms'],
        [
          ['chat', cell(p.chat)],
          ['responses', cell(p.responses)],
          ['responses, first event', cell(p.responsesFirstEvent)],
          ['responses − chat', cell(p.responsesOverChat)],
        ],
      ),
    );
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error('[responses-bench] fatal:', error);
    process.exit(1);
  },
);
