#!/usr/bin/env node
// Would the desktop app's main process stall under load with the gateway in it? Boots the built core in this
// process exactly as electron-main.ts does (bootGateway, plus the tray's status.get + settings.get poll), drives
// streaming traffic at it from a child process through a fake upstream in another, and prints this process's
// event-loop delay — what IPC answers, tray clicks and window events would wait — idle and under load.
// A figure to decide "main process or utilityProcess", not a test.
//
//   npm run -s build:main && node scripts/measure-main-process.mjs [--streams 200] [--seconds 20] [--chunks 40]
import { fork } from 'node:child_process';
import { createServer, request as httpRequest, Agent } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const here = fileURLToPath(import.meta.url);
const projectRoot = resolve(dirname(here), '..');
const { values } = parseArgs({
  options: {
    role: { type: 'string', default: 'main' },
    streams: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '20' },
    chunks: { type: 'string', default: '40' },
    url: { type: 'string' },
    token: { type: 'string' },
  },
});
const streams = Number(values.streams);
const seconds = Number(values.seconds);
const chunks = Number(values.chunks);

/** An OpenAI-compatible upstream that streams `chunks` deltas 10 ms apart, with usage, like a fast cloud model. */
function upstream() {
  const server = createServer((request, response) => {
    if (request.url?.endsWith('/models')) {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ object: 'list', data: [{ id: 'gpt-4o-mini', object: 'model' }] }));
      return;
    }
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      let sent = 0;
      const chunk = (delta, finish) => ({
        id: 'chatcmpl-1',
        object: 'chat.completion.chunk',
        created: 1,
        model: 'gpt-4o-mini',
        choices: [{ index: 0, delta, finish_reason: finish }],
      });
      const timer = setInterval(() => {
        if (response.destroyed) return clearInterval(timer);
        if (sent < chunks) {
          response.write(`data: ${JSON.stringify(chunk(sent === 0 ? { role: 'assistant', content: 'word ' } : { content: 'word ' }, null))}\n\n`);
          sent += 1;
          return;
        }
        clearInterval(timer);
        response.write(`data: ${JSON.stringify(chunk({}, 'stop'))}\n\n`);
        response.write(
          `data: ${JSON.stringify({ ...chunk({}, null), choices: [], usage: { prompt_tokens: 12, completion_tokens: chunks, total_tokens: 12 + chunks } })}\n\n`,
        );
        response.end('data: [DONE]\n\n');
      }, 10);
    });
  });
  server.listen(0, '127.0.0.1', () => process.send?.({ url: `http://127.0.0.1:${server.address().port}/v1` }));
}

/** `streams` clients, each sending one streaming request after another until the time is up. */
async function load() {
  const agent = new Agent({ keepAlive: true, maxSockets: streams });
  const body = JSON.stringify({ model: 'fake/gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'Hello' }] });
  const end = Date.now() + seconds * 1000;
  let done = 0;
  let failed = 0;
  const one = () =>
    new Promise((settle) => {
      const request = httpRequest(
        `${values.url}/chat/completions`,
        { method: 'POST', agent, headers: { authorization: `Bearer ${values.token}`, 'content-type': 'application/json' } },
        (response) => {
          response.resume();
          response.on('end', () => {
            if (response.statusCode === 200) done += 1;
            else failed += 1;
            settle();
          });
        },
      );
      request.on('error', () => {
        failed += 1;
        settle();
      });
      request.end(body);
    });
  await Promise.all(
    Array.from({ length: streams }, async () => {
      while (Date.now() < end) await one();
    }),
  );
  process.send?.({ done, failed });
}

function childMessage(child) {
  return new Promise((settle, fail) => {
    child.once('message', settle);
    child.once('exit', (code) => fail(new Error(`child exited with ${code}`)));
  });
}

function percentiles(histogram) {
  const ms = (nanoseconds) => (nanoseconds / 1e6).toFixed(1);
  return `p50 ${ms(histogram.percentile(50))} ms, p99 ${ms(histogram.percentile(99))} ms, p99.9 ${ms(histogram.percentile(99.9))} ms, max ${ms(histogram.max)} ms`;
}

async function main() {
  const { bootGateway } = await import(pathToFileURL(join(projectRoot, 'dist', 'main', 'app', 'gateway-boot.js')).href);
  const upstreamChild = fork(here, ['--role', 'upstream', '--chunks', String(chunks)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const { url: upstreamUrl } = await childMessage(upstreamChild);
  const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-measure-'));
  const token = `sy-measure-${'0'.repeat(48)}`;
  writeFileSync(
    join(dataDir, 'config.json'),
    JSON.stringify({
      server: { max_in_flight: 4 * streams },
      providers: [{ id: 'fake', type: 'openai-compatible', base_url: upstreamUrl, locality: 'cloud' }],
      routing: { auto_offline: false },
    }),
  );
  let control;
  const gateway = await bootGateway({
    env: { PATH: process.env.PATH ?? '', SWITCHYARD_API_KEY: token },
    dataDir,
    log: () => undefined,
    port: 0,
    onControl: (service) => (control = service),
  });

  // the shell's poll: status.get + settings.get every 5 s (here every second, to sample it more often)
  const pollTimes = [];
  const poll = setInterval(async () => {
    const started = performance.now();
    await Promise.all([control['status.get']({}), control['settings.get']({})]);
    pollTimes.push(performance.now() - started);
  }, 1_000);

  const idle = monitorEventLoopDelay({ resolution: 1 });
  idle.enable();
  await new Promise((settle) => setTimeout(settle, 3_000));
  idle.disable();

  const busy = monitorEventLoopDelay({ resolution: 1 });
  const loadChild = fork(here, ['--role', 'load', '--streams', String(streams), '--seconds', String(seconds), '--url', `${gateway.url}/v1`, '--token', token], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  busy.enable();
  const cpuBefore = process.cpuUsage();
  const result = await childMessage(loadChild);
  const cpu = process.cpuUsage(cpuBefore);
  busy.disable();
  clearInterval(poll);

  const sorted = [...pollTimes].sort((a, b) => a - b);
  console.log(
    `gateway in this process, ${streams} concurrent streams × ${chunks} chunks for ${seconds} s through a fake upstream (Node ${process.version}, ${process.arch})`,
  );
  console.log(`  requests: ${result.done} ok, ${result.failed} failed (${(result.done / seconds).toFixed(0)}/s)`);
  console.log(`  event-loop delay idle:       ${percentiles(idle)}`);
  console.log(`  event-loop delay under load: ${percentiles(busy)}`);
  console.log(
    `  status.get + settings.get:   median ${(sorted[Math.floor(sorted.length / 2)] ?? 0).toFixed(1)} ms, max ${(sorted.at(-1) ?? 0).toFixed(1)} ms over ${sorted.length} polls`,
  );
  console.log(`  this process's CPU under load: ${(((cpu.user + cpu.system) / 1e6 / seconds) * 100).toFixed(0)}% of one core`);
  await gateway.stop(1_000);
  upstreamChild.kill();
  rmSync(dataDir, { recursive: true, force: true });
}

if (values.role === 'upstream') upstream();
else if (values.role === 'load') await load();
else await main();
