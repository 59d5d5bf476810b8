#!/usr/bin/env node
// `npm run bench:streams`: how many concurrent paced streams `switchyard serve` holds without a stall (issue 20).
// A loopback mock upstream (paced-mock.mjs) sends 64 content deltas 20 ms apart per stream; a client in its own
// process (stream-load-client.mjs) opens N streaming chat completions at once, through Switchyard and, as the
// control, straight to the mock, and stamps every delta's arrival. Per N it reports the inter-token gaps: stalls
// (gaps over 100 ms), p50/p99/max, the p99 added over the mock's own 20 ms pacing, the client's own event-loop delay
// (high = the client, not the target, was the bottleneck) and the gateway's CPU per stream. "Added" is the p99 gap
// through the gateway minus the p99 gap straight to the mock at the same N in the same run: the mock's own pacing
// as this client sees it on this machine (over_pacing, p99 − 20 ms, shows the machine's own jitter). N passes with
// every stream complete, no stall, and p99 added ≤ 5 ms; the verdict is the largest N that passes (target ≥ 512).
// When the team harness is there (SWITCHYARD_BENCH_HARNESS, default ../shared/bench), its node-parse proxy (the
// floor for a Node router that parses every frame) is measured too, as the reference for what Node holds here.
// The N streams start spread evenly over RAMP_MS (500: clients that open their streams within half a second, not in
// one tick; the gaps then show how the gateway holds N streams, while RAMP_MS=0 adds N simultaneous admissions).
// Env: STREAM_NS (64,128,256,512,1024), RUNS (1; a case's figures are the median run's), DELTAS (64),
// DELAY_MS (20), RAMP_MS (500), STREAM_PIPE (1: node-pipe as a fourth target), SWITCHYARD_CLI, SWITCHYARD_NODE_ARGS,
// QUIET_PCT / QUIET_WAIT_S (bench-kit.js). 127.0.0.1 only.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, groupCpuUs, health, median, processGroups, rssKiB, table, waitQuiet } from './bench-kit.js';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.dirname(BENCH);
const env = process.env;
const CLI = path.resolve(env.SWITCHYARD_CLI || path.join(ROOT, 'dist/cli/switchyard.js'));
const NODE_ARGS = (env.SWITCHYARD_NODE_ARGS || '').split(/\s+/).filter(Boolean);
const NS = (env.STREAM_NS || '64,128,256,512,1024').split(',').map(Number);
const RUNS = Number(env.RUNS || 1);
const DELTAS = Number(env.DELTAS || 64);
const DELAY = Number(env.DELAY_MS || 20);
const RAMP_MS = Number(env.RAMP_MS ?? 500);
const STALL_MS = 100;
const ADDED_P99_LIMIT_MS = 5;
/** the share of the N streams that must be receiving deltas at one moment (starts spread over RAMP_MS < a stream's length) */
const HELD_SHARE = 0.9;
const TOKEN = 'sy-bench-streams-token-0123456789abcdef';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const f = (v, d = 2) => (Number.isFinite(v) ? v.toFixed(d) : '-');

if (!fs.existsSync(CLI)) {
  console.error(`[streams-bench] ${CLI} is missing: run npm run build:main (or fix SWITCHYARD_CLI)`);
  process.exit(2);
}
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-streams-bench-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));
const groups = processGroups('sy-streams-bench', ROOT, { ...env, SWITCHYARD_API_KEY: TOKEN });

async function waitHealthy(name, port, proc) {
  for (let i = 0; i < 600; i++) {
    if ((await health(port)) === 200) return;
    if (!groups.groupAlive(proc.pid)) break;
    await sleep(50);
  }
  throw new Error(`${name} did not start (log: ${proc.logPath})`);
}

// ---------------------------------------------------------------- mock + gateway, each in its own process group
const mockPort = await freePort();
const mock = groups.start('mock', process.execPath, [path.join(BENCH, 'paced-mock.mjs')], {
  MOCK_PORT: String(mockPort),
  MOCK_CHUNKS: String(DELTAS),
  MOCK_DELAY_MS: String(DELAY),
});
await waitHealthy('mock', mockPort, mock);
const configPath = path.join(tmp, 'config.json');
// max_in_flight: the default (512) would answer the 513th concurrent request 429, which is not what N > 512 measures
fs.writeFileSync(
  configPath,
  JSON.stringify({ server: { max_in_flight: 4096 }, providers: [{ id: 'mock', type: 'openai-compatible', base_url: `http://127.0.0.1:${mockPort}/v1` }] }),
);
const gatewayPort = await freePort();
const gateway = groups.start('switchyard', process.execPath, [
  ...NODE_ARGS,
  CLI,
  'serve',
  '--host',
  '127.0.0.1',
  '--port',
  String(gatewayPort),
  '--config',
  configPath,
  '--data-dir',
  path.join(tmp, 'data'),
]);
await waitHealthy('switchyard', gatewayPort, gateway);
const harness = path.resolve(env.SWITCHYARD_BENCH_HARNESS || path.join(ROOT, '..', 'shared', 'bench'));
// the harness's minimal proxy: node-parse (the floor for a Node router that parses every frame), and with
// STREAM_PIPE=1 node-pipe too (bytes piped through untouched: the floor for any Node proxy on this machine)
const references = {};
if (fs.existsSync(path.join(harness, 'minimal-proxy.mjs'))) {
  // a copy next to this checkout's node_modules (its undici), so the harness needs no npm install
  const proxyDir = path.join(tmp, 'node-proxy');
  fs.mkdirSync(proxyDir);
  fs.copyFileSync(path.join(harness, 'minimal-proxy.mjs'), path.join(proxyDir, 'minimal-proxy.mjs'));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(proxyDir, 'node_modules'));
  for (const mode of env.STREAM_PIPE === '1' ? ['parse', 'pipe'] : ['parse']) {
    const name = `node-${mode}`;
    const proxyPort = await freePort();
    const proc = groups.start(name, process.execPath, [path.join(proxyDir, 'minimal-proxy.mjs')], {
      PROXY_MODE: mode,
      PROXY_PORT: String(proxyPort),
      UPSTREAM_URL: `http://127.0.0.1:${mockPort}`,
      POOL_CONNECTIONS: '4096',
    });
    await waitHealthy(name, proxyPort, proc).then(
      () => (references[name] = { port: proxyPort, proc }),
      (error) => console.error(`[streams-bench] ${name} left out: ${error.message}`),
    );
  }
}
console.log(`[streams-bench] ${DELTAS} deltas × ${DELAY} ms per stream, starts spread over ${RAMP_MS} ms; N = ${NS.join(', ')}; runs ${RUNS}; cli ${CLI}`);

const targets = {
  direct: { url: `http://127.0.0.1:${mockPort}/v1/chat/completions`, model: 'gpt-4o-mini' },
  switchyard: { url: `http://127.0.0.1:${gatewayPort}/v1/chat/completions`, model: 'mock/gpt-4o-mini' },
  ...Object.fromEntries(
    Object.entries(references).map(([name, reference]) => [name, { url: `http://127.0.0.1:${reference.port}/v1/chat/completions`, model: 'gpt-4o-mini' }]),
  ),
};
const pids = { switchyard: gateway.pid, ...Object.fromEntries(Object.entries(references).map(([name, reference]) => [name, reference.proc.pid])) };
const names = Object.keys(targets);

function runClient(target, n) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [path.join(BENCH, 'stream-load-client.mjs'), target.url, String(n), TOKEN, target.model, String(DELTAS), String(RAMP_MS)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (part) => (out += part));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`stream client exited ${code}`));
      resolve(JSON.parse(out));
    });
  });
}

function quantile(sorted, q) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function summarize(result) {
  const gaps = Float64Array.from(result.gaps).sort();
  const p99 = quantile(gaps, 0.99);
  return {
    ok: result.ok,
    n: result.n,
    statuses: result.statuses,
    stalls: gaps.filter((gap) => gap > STALL_MS).length,
    p50: quantile(gaps, 0.5),
    p99,
    max: gaps.length ? gaps[gaps.length - 1] : NaN,
    overPacingP99: p99 - DELAY,
    clientLoopP99: result.clientLoopP99Ms,
    clientLoopMax: result.clientLoopMaxMs,
    ttftP50: quantile(Float64Array.from(result.ttfts).sort(), 0.5),
    ttftP99: quantile(Float64Array.from(result.ttfts).sort(), 0.99),
    peakOpen: result.peakOpen,
    // the client's own CPU per delta received: with the gateway's, what the load generator takes of the 2 cores
    clientCpuUsPerDelta: result.clientCpuUs / Math.max(1, result.gaps.length + result.n),
  };
}

// warm-up, not counted: the first requests load the chat path's modules and run cold code
for (const name of names) await runClient(targets[name], 32);

// ---------------------------------------------------------------- the cases: per N, direct then switchyard, RUNS times
const rows = [];
const byN = new Map();
for (const n of NS) {
  const runs = Object.fromEntries(names.map((name) => [name, []]));
  for (let run = 0; run < RUNS; run++) {
    for (const name of run % 2 ? [...names].reverse() : names) {
      await waitQuiet(env);
      const pid = pids[name];
      const cpuBefore = pid === undefined ? 0 : groupCpuUs(pid);
      const summary = summarize(await runClient(targets[name], n));
      summary.gatewayCpuUsPerStream = pid === undefined ? NaN : (groupCpuUs(pid) - cpuBefore) / n;
      // per upstream event (the deltas, the role chunk, the finish and usage chunks, [DONE])
      summary.gatewayCpuUsPerEvent = summary.gatewayCpuUsPerStream / (DELTAS + 4);
      summary.gatewayRss = pid === undefined ? NaN : rssKiB(pid) / 1024;
      runs[name].push(summary);
      await sleep(300);
    }
  }
  // the run whose p99 is the median one stands for the case
  const pick = (list) => [...list].sort((a, b) => a.p99 - b.p99)[list.length >> 1];
  const picked = Object.fromEntries(names.map((name) => [name, pick(runs[name])]));
  const { direct, switchyard } = picked;
  for (const summary of Object.values(picked)) summary.addedP99 = summary === direct ? NaN : summary.p99 - direct.p99;
  // held at once, too: a target that queues streams (a connection cap) shows small gaps for fewer streams than N
  const passes = (s) => s.ok === n && s.stalls === 0 && s.addedP99 <= ADDED_P99_LIMIT_MS && s.peakOpen >= HELD_SHARE * n;
  const pass = passes(switchyard);
  byN.set(n, { direct, switchyard, nodeParse: picked['node-parse'], pass, nodeParsePass: picked['node-parse'] ? passes(picked['node-parse']) : undefined });
  for (const [name, s] of Object.entries(picked)) {
    rows.push([
      `${name} N=${n}`,
      `${s.ok}/${n}`,
      s.stalls,
      f(s.p50),
      f(s.p99),
      f(s.max, 1),
      f(s.overPacingP99),
      f(s.addedP99),
      f(s.ttftP50, 1),
      f(s.ttftP99, 1),
      s.peakOpen,
      f(s.clientLoopP99, 1),
      f(s.clientLoopMax, 1),
      f(s.clientCpuUsPerDelta, 1),
      f(s.gatewayCpuUsPerStream, 0),
      f(s.gatewayCpuUsPerEvent, 1),
      f(s.gatewayRss, 1),
    ]);
  }
  console.log(
    `[streams-bench] N=${n}: switchyard ${switchyard.ok}/${n} ok, ${switchyard.stalls} stall(s), p99 ${f(switchyard.p99)} ms (direct ${f(direct.p99)} ms)${switchyard.ok < n ? ` statuses ${JSON.stringify(switchyard.statuses)}` : ''}`,
  );
}
groups.killAll();

console.log(
  `\ninter-token gaps (ms) at the client; stall = gap > ${STALL_MS} ms; over_pacing = p99 − ${DELAY} ms; added_p99 = p99 − direct's p99 at the same N;\n` +
    `ttft = request sent → first delta (ms); peak_open = most streams receiving deltas at one moment (below N: the target queued streams);\n` +
    `client_cpu = the load client's own CPU per delta (with client_loop_*: is the load generator the bottleneck?); gw_cpu per upstream event`,
);
console.log(
  table(
    [
      'case',
      'ok/n',
      'stalls',
      'p50',
      'p99',
      'max',
      'over_pacing',
      'added_p99',
      'ttft_p50',
      'ttft_p99',
      'peak_open',
      'client_loop_p99',
      'client_loop_max',
      'client_cpu_µs/delta',
      'gw_cpu_µs/stream',
      'gw_cpu_µs/event',
      'gw_rss_MiB',
    ],
    rows,
  ),
);
// the largest N that passes with every smaller N passing too: one lucky run at a large N is not a verdict
let largest = 0;
for (const n of [...NS].sort((a, b) => a - b)) {
  if (!byN.get(n).pass) break;
  largest = n;
}
console.log('');
for (const n of NS) {
  const { switchyard, direct, pass } = byN.get(n);
  const { nodeParse: reference, nodeParsePass } = byN.get(n);
  const parseNote = reference ? `; node-parse ${reference.stalls} stall(s), ${f(reference.addedP99)} ms, ${nodeParsePass ? 'passes' : 'misses'}` : '';
  console.log(
    `${pass ? 'PASS' : 'MISS'}  N=${n}: ${switchyard.ok}/${n} complete, ${switchyard.peakOpen} held at once, ${switchyard.stalls} stall(s) > ${STALL_MS} ms, p99 added ${f(switchyard.addedP99)} ms (limit ${ADDED_P99_LIMIT_MS}; direct's p99 ${f(direct.p99)} ms${parseNote})`,
  );
}
console.log(
  `${largest >= 512 ? 'PASS' : 'MISS'}  largest N held at once with no stall and p99 added ≤ ${ADDED_P99_LIMIT_MS} ms, every smaller N too: ${largest || 'none'} (target ≥ 512)`,
);
console.log(`median gateway CPU per stream: ${f(median(NS.map((n) => byN.get(n).switchyard.gatewayCpuUsPerStream)), 0)} µs`);
