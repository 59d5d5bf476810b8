#!/usr/bin/env node
// `npm run bench:start`: cold start and memory at rest of `switchyard serve` and the CLI, each against a bare Node
// baseline measured in the same run on the same machine (bench/bare-node.mjs), then PASS/MISS per target (issue 20):
//   ready      launch → first GET /health 200, `serve` vs a bare node:http server (median of START_RUNS launches
//              each, alternating the two)                                                    target ≤ 2× bare
//   cli        wall time of `switchyard --version`, `--help` and `tokens list` vs a bare script printing the version
//              (median of CLI_RUNS runs each, alternating)                                    target ≤ 1.5× bare
//   idle RSS   `serve` 2 s after ready (VmRSS)                                                 target ≤ 60 MiB
//   256 conns  RSS with 256 open keep-alive connections, after one GET /health on each, and after one non-stream chat
//              completion on each (through a loopback mock upstream)                          target ≤ 150 MiB
// The gateway runs with an existing data dir (a first, uncounted launch creates it), as at every login after the
// first. First chat completion after launch is printed for information. Env: START_RUNS (15), CLI_RUNS (15),
// SWITCHYARD_CLI (dist/cli/switchyard.js, the bundle bin/switchyard.js runs), SWITCHYARD_NODE_ARGS, QUIET_PCT / QUIET_WAIT_S (bench-kit.js). 127.0.0.1 only.
// MEM_ONLY=1: the RSS section alone (no ready, first-chat or CLI timings); MEM_RUNS (3): launches per process for it,
// rotating the order each round; with MEM_ONLY or MEM_RUNS each launch's idle RSS is printed too. IDLE_LATE_S (0 = off):
// the idle RSS again N s after ready, before the connections (15 s covers the price refresh's first run).
// SWITCHYARD_CLI_BEFORE: a second build (e.g. of the commit before a change, with its own node_modules and resources
// reachable from it) measured in the same run, alternating with SWITCHYARD_CLI in every section, as the rows `before`:
// on a shared machine a before/after from two runs minutes apart mostly measures the load.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, health, median, processGroups, rssKiB, table, waitQuiet } from './bench-kit.js';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.dirname(BENCH);
const env = process.env;
const CLI = path.resolve(env.SWITCHYARD_CLI || path.join(ROOT, 'dist/cli/switchyard.js'));
const CLI_BEFORE = env.SWITCHYARD_CLI_BEFORE ? path.resolve(env.SWITCHYARD_CLI_BEFORE) : undefined;
const NODE_ARGS = (env.SWITCHYARD_NODE_ARGS || '').split(/\s+/).filter(Boolean);
const START_RUNS = Number(env.START_RUNS || 15);
const CLI_RUNS = Number(env.CLI_RUNS || 15);
const MEM_ONLY = env.MEM_ONLY === '1';
const MEM_RUNS = Number(env.MEM_RUNS || 3);
const IDLE_LATE_S = Number(env.IDLE_LATE_S || 0);
const TOKEN = 'sy-bench-start-token-0123456789abcdef';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const mib = (kib) => kib / 1024;
const f = (v, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : '-');

for (const cli of [CLI, CLI_BEFORE].filter(Boolean))
  if (!fs.existsSync(cli)) {
    console.error(`[start-bench] ${cli} is missing: run npm run build:main (or fix SWITCHYARD_CLI / SWITCHYARD_CLI_BEFORE)`);
    process.exit(2);
  }
/** the builds measured: `serve` (SWITCHYARD_CLI) and, when given, `before` (SWITCHYARD_CLI_BEFORE) */
const builds = { ...(CLI_BEFORE ? { before: CLI_BEFORE } : {}), serve: CLI };

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-start-bench-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));
const groups = processGroups('sy-start-bench', ROOT, { ...env, SWITCHYARD_API_KEY: TOKEN });

/**
 * Spawns `argsFor(port)` on a free port and polls /health every 2 ms; resolves with the ms from spawn to the first
 * 200, the child and the port. A port taken between freePort() and the child's bind (the machine is shared) is
 * retried on another, up to 3 times.
 */
async function launch(argsFor) {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      return { ...(await launchOn(argsFor(port), port)), port };
    } catch (error) {
      if (attempt >= 3 || !String(error).includes('EADDRINUSE')) throw error;
    }
  }
}

async function launchOn(args, port) {
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...env, SWITCHYARD_API_KEY: TOKEN }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (part) => (stderr += part));
  let exited = false;
  child.on('exit', () => (exited = true));
  const until = t0 + 30_000;
  while (performance.now() < until && !exited) {
    if ((await health(port)) === 200) return { ms: performance.now() - t0, child };
    await sleep(2);
  }
  child.kill('SIGKILL');
  throw new Error(`not ready within 30 s (${exited ? 'exited' : 'running'}): ${stderr.slice(-500)}`);
}

function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.on('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

const dataDir = path.join(tmp, 'data');
const configPath = path.join(tmp, 'config.json');
const serveArgs = (port, cli = CLI) => [
  ...NODE_ARGS,
  cli,
  'serve',
  '--host',
  '127.0.0.1',
  '--port',
  String(port),
  '--config',
  configPath,
  '--data-dir',
  dataDir,
];
const bareArgs = (port) => [path.join(BENCH, 'bare-node.mjs'), 'serve', String(port)];

// ---------------------------------------------------------------- the mock upstream (for the chat requests)
const mockPort = await freePort();
const mock = groups.start('mock', process.execPath, [path.join(BENCH, 'paced-mock.mjs')], { MOCK_PORT: String(mockPort) });
for (let i = 0; i < 500 && (await health(mockPort)) !== 200; i++) await sleep(10);
fs.writeFileSync(configPath, JSON.stringify({ providers: [{ id: 'mock', type: 'openai-compatible', base_url: `http://127.0.0.1:${mockPort}/v1` }] }));
console.log(
  `[start-bench] cli ${CLI}${CLI_BEFORE ? `, before ${CLI_BEFORE}` : ''}${NODE_ARGS.length ? ` (node ${NODE_ARGS.join(' ')})` : ''}, mock pid ${mock.pid}, load ${os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(' ')}`,
);

// ---------------------------------------------------------------- ready time
const processes = ['bare', ...Object.keys(builds)];
const ready = Object.fromEntries(processes.map((name) => [name, []]));
for (const [name, cli] of Object.entries(builds).reverse()) {
  const first = await launch((port) => serveArgs(port, cli)); // creates the data dir, the ledger and the token; not counted
  await stop(first.child);
  console.log(`[start-bench] first launch of ${name}${name === 'serve' ? ' (new data dir)' : ''}: ${f(first.ms)} ms`);
}
for (let run = 0; run < (MEM_ONLY ? 0 : START_RUNS); run++) {
  await waitQuiet(env);
  const order = processes.map((_, i) => processes[(i + run) % processes.length]);
  for (const name of order) {
    const { ms, child } = await launch((port) => (name === 'bare' ? bareArgs(port) : serveArgs(port, builds[name])));
    ready[name].push(ms);
    await stop(child);
  }
}

// ---------------------------------------------------------------- first chat completion after launch
// What a client sees: launch → first 200 from POST /v1/chat/completions (through the mock), retried every 2 ms on
// a refused connection or a 503, each on a fresh connection. START_RUNS launches, not interleaved with `bare`.
const firstChatBody = JSON.stringify({ model: 'mock/gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello.' }], max_tokens: 16 });
function chatOnce(port) {
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/v1/chat/completions',
        agent: false,
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(0));
    req.setTimeout(10_000, () => req.destroy());
    req.end(firstChatBody);
  });
}
const firstChat = Object.fromEntries(Object.keys(builds).map((name) => [name, []]));
for (let run = 0; run < (MEM_ONLY ? 0 : START_RUNS); run++) {
  await waitQuiet(env);
  const names = Object.keys(builds);
  for (const name of names.map((_, i) => names[(i + run) % names.length])) {
    const port = await freePort();
    const t0 = performance.now();
    const child = spawn(process.execPath, serveArgs(port, builds[name]), {
      cwd: ROOT,
      env: { ...env, SWITCHYARD_API_KEY: TOKEN },
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    let status = 0;
    while (performance.now() < t0 + 30_000 && child.exitCode === null && (status = await chatOnce(port)) !== 200) await sleep(2);
    if (status !== 200) throw new Error(`no chat completion within 30 s (last status ${status})`);
    firstChat[name].push(performance.now() - t0);
    await stop(child);
  }
}

// ---------------------------------------------------------------- CLI commands that do not serve
function wall(args) {
  const t0 = performance.now();
  const result = spawnSync(process.execPath, args, { cwd: ROOT, env: { ...env, SWITCHYARD_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = performance.now() - t0;
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr.toString().slice(-300)}`);
  return ms;
}
const cliCases = { bare: [path.join(BENCH, 'bare-node.mjs'), 'version'] };
for (const [name, cli] of Object.entries(builds)) {
  const suffix = name === 'serve' ? '' : ` (${name})`;
  cliCases[`--version${suffix}`] = [...NODE_ARGS, cli, '--version'];
  cliCases[`--help${suffix}`] = [...NODE_ARGS, cli, '--help'];
  cliCases[`tokens list${suffix}`] = [...NODE_ARGS, cli, 'tokens', 'list', '--data-dir', dataDir];
}
const cli = Object.fromEntries(Object.keys(cliCases).map((name) => [name, []]));
for (let run = 0; run < (MEM_ONLY ? 0 : CLI_RUNS); run++) {
  if (run % 5 === 0) await waitQuiet(env);
  const names = Object.keys(cliCases);
  for (let i = 0; i < names.length; i++) {
    const name = names[(i + run) % names.length];
    cli[name].push(wall(cliCases[name]));
  }
}

// ---------------------------------------------------------------- memory: idle, then 256 open connections
function request(agent, port, method, urlPath, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: urlPath,
        agent,
        headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      },
      (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`${method} ${urlPath}: ${res.statusCode}`))));
      },
    );
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.end(body);
  });
}
const CONNS = 256;
const chatBody = JSON.stringify({
  model: 'mock/gpt-4o-mini',
  messages: [{ role: 'user', content: 'Say hello in one short sentence, please.' }],
  max_tokens: 16,
});
async function memory(argsFor, withChat) {
  await waitQuiet(env);
  const { child, port } = await launch(argsFor);
  try {
    await sleep(2000);
    const idle = rssKiB(child.pid);
    let late = NaN;
    if (IDLE_LATE_S > 0) {
      await sleep(Math.max(0, IDLE_LATE_S * 1000 - 2000));
      late = rssKiB(child.pid);
    }
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONNS, keepAliveMsecs: 1000 });
    await Promise.all(Array.from({ length: CONNS }, () => request(agent, port, 'GET', '/health')));
    const sockets = Object.values(agent.freeSockets).reduce((n, list) => n + list.length, 0);
    await sleep(1000);
    const conns = rssKiB(child.pid);
    let chat = NaN;
    if (withChat) {
      await Promise.all(Array.from({ length: CONNS }, () => request(agent, port, 'POST', '/v1/chat/completions', chatBody)));
      await sleep(1000);
      chat = rssKiB(child.pid);
    }
    agent.destroy();
    return { idle, late, conns, chat, sockets };
  } finally {
    await stop(child);
  }
}
const mem = Object.fromEntries(processes.map((name) => [name, []]));
for (let run = 0; run < MEM_RUNS; run++) {
  for (const name of processes.map((_, i) => processes[(i + run) % processes.length])) {
    mem[name].push(await memory((port) => (name === 'bare' ? bareArgs(port) : serveArgs(port, builds[name])), name !== 'bare'));
  }
}
groups.killAll();

// ---------------------------------------------------------------- report
const med = (list, key) => median(list.map((m) => m[key]));
const r = Object.fromEntries(processes.map((name) => [name, median(ready[name])]));
const c = Object.fromEntries(Object.entries(cli).map(([name, list]) => [name, median(list)]));
const verdicts = [];
const verdict = (label, value, limit, unit) => {
  const line = `${value <= limit ? 'PASS' : 'MISS'}  ${label}: ${f(value, 2)}${unit} (target ≤ ${limit}${unit})`;
  verdicts.push(line);
};
if (!MEM_ONLY) {
  console.log(`\nready (launch → first /health 200), median of ${START_RUNS} launches each, alternating`);
  console.log(
    table(
      ['process', 'median_ms', 'min_ms', 'max_ms', 'x_bare'],
      processes.map((name) => [name, f(r[name]), f(Math.min(...ready[name])), f(Math.max(...ready[name])), f(r[name] / r.bare, 2)]),
    ),
  );
  console.log(`\nfirst chat completion (launch → first 200 from POST /v1/chat/completions via the mock), median of ${START_RUNS} launches`);
  console.log(
    table(
      ['process', 'median_ms', 'min_ms', 'max_ms'],
      Object.entries(firstChat).map(([name, list]) => [name, f(median(list)), f(Math.min(...list)), f(Math.max(...list))]),
    ),
  );
  console.log(`\nCLI wall time, median of ${CLI_RUNS} runs each, rotated (bare = node bench/bare-node.mjs version)`);
  console.log(
    table(
      ['command', 'median_ms', 'min_ms', 'x_bare'],
      Object.keys(cli).map((name) => [name, f(c[name]), f(Math.min(...cli[name])), f(c[name] / c.bare, 2)]),
    ),
  );
}
console.log(
  `\nRSS (MiB, median of ${MEM_RUNS} launches): idle = ready + 2 s; conns = ${CONNS} open keep-alive connections after one GET /health each; chat = after one non-stream chat completion on each`,
);
console.log(
  table(
    ['process', 'idle', ...(IDLE_LATE_S > 0 ? [`idle_${IDLE_LATE_S}s`] : []), 'conns', 'chat', 'sockets'],
    processes.map((name) => [
      name,
      f(mib(med(mem[name], 'idle'))),
      ...(IDLE_LATE_S > 0 ? [f(mib(med(mem[name], 'late')))] : []),
      f(mib(med(mem[name], 'conns'))),
      f(mib(med(mem[name], 'chat'))),
      med(mem[name], 'sockets'),
    ]),
  ),
);
if (MEM_ONLY || env.MEM_RUNS) {
  console.log(`\nidle RSS of each launch (MiB, in launch order)${IDLE_LATE_S > 0 ? `; then ready + ${IDLE_LATE_S} s` : ''}`);
  for (const name of processes) {
    const late = IDLE_LATE_S > 0 ? `; ${mem[name].map((m) => f(mib(m.late))).join(' ')}` : '';
    console.log(`  ${name.padEnd(8)} ${mem[name].map((m) => f(mib(m.idle))).join(' ')}${late}`);
  }
}
if (!MEM_ONLY) {
  verdict('serve ready ÷ bare node:http server', r.serve / r.bare, 2, '×');
  verdict('--version ÷ bare node script', c['--version'] / c.bare, 1.5, '×');
  verdict('--help ÷ bare node script', c['--help'] / c.bare, 1.5, '×');
  // the issue's "other CLI commands that do not serve": this one reads the config and opens the ledger file
  verdict('tokens list ÷ bare node script', c['tokens list'] / c.bare, 1.5, '×');
}
verdict('serve idle RSS', mib(med(mem.serve, 'idle')), 60, ' MiB');
verdict(`serve RSS with ${CONNS} open connections (/health)`, mib(med(mem.serve, 'conns')), 150, ' MiB');
verdict(`serve RSS with ${CONNS} open connections (after a chat completion each)`, mib(med(mem.serve, 'chat')), 150, ' MiB');
console.log(`\n${verdicts.join('\n')}`);
console.log(
  `[start-bench] load at the end ${os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(' ')}`,
);
