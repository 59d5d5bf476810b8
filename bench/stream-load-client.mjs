// The measuring client of streams-bench.js, run in a process of its own so that the gateway's and the client's work
// do not share an event loop: opens N streaming chat completions at once (one connection each), stamps every socket
// read that carries content deltas, and prints one JSON line with the inter-token gaps (ms) of all streams, the
// frames each got, and its own event-loop delay (if that is high, the client was the bottleneck, not the target).
//   node bench/stream-load-client.mjs URL N TOKEN MODEL EXPECTED_DELTAS [RAMP_MS]
// RAMP_MS (default 0) spreads the N starts evenly over that many ms (0: all in the same tick).
import http from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const [url, nText, token, model, expectedText, rampText] = process.argv.slice(2);
const rampMs = Number(rampText ?? 0);
const n = Number(nText);
const expected = Number(expectedText);
const target = new URL(url);
const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
const body = JSON.stringify({ model, stream: true, messages: [{ role: 'user', content: 'Count, slowly.' }], max_tokens: expected });
const contentFrame = /"content":" tok\d+"/g;
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();

function oneStream(index) {
  return new Promise((resolve) => setTimeout(resolve, rampMs > 0 ? (index * rampMs) / n : 0)).then(
    () =>
      new Promise((resolve) => {
        const stamps = [];
        const sentAt = performance.now();
        let status = 0;
        let tail = '';
        let done = false;
        const request = http.request(
          {
            host: target.hostname,
            port: target.port,
            path: target.pathname,
            method: 'POST',
            agent,
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'content-length': Buffer.byteLength(body) },
          },
          (response) => {
            status = response.statusCode;
            response.setEncoding('utf8');
            response.on('data', (text) => {
              const now = performance.now();
              // a frame split across two reads is counted in the read that completes it
              const scan = tail + text;
              const cut = scan.lastIndexOf('\n');
              const complete = cut < 0 ? '' : scan.slice(0, cut);
              tail = cut < 0 ? scan : scan.slice(cut + 1);
              const frames = complete.match(contentFrame)?.length ?? 0;
              for (let i = 0; i < frames; i++) stamps.push(now);
              if (complete.includes('[DONE]')) done = true;
            });
            response.on('end', () => resolve({ status, stamps, done, sentAt }));
            response.on('error', () => resolve({ status, stamps, done: false, sentAt }));
          },
        );
        request.on('error', () => resolve({ status, stamps, done: false, sentAt }));
        request.setTimeout(60_000, () => request.destroy());
        request.end(body);
      }),
  );
}

const started = performance.now();
const cpuBefore = process.cpuUsage();
const streams = await Promise.all(Array.from({ length: n }, (_, index) => oneStream(index)));
const wallMs = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
loop.disable();
const gaps = [];
let ok = 0;
for (const stream of streams) {
  if (stream.status === 200 && stream.done && stream.stamps.length === expected) ok++;
  for (let i = 1; i < stream.stamps.length; i++) gaps.push(Math.round((stream.stamps[i] - stream.stamps[i - 1]) * 1000) / 1000);
}
// time to the first delta, and the most streams receiving deltas at one moment (a gateway that queues requests
// for an upstream connection holds fewer streams at once than it was sent: its TTFT grows instead of its gaps)
const ttfts = streams.filter((stream) => stream.stamps.length > 0).map((stream) => Math.round((stream.stamps[0] - stream.sentAt) * 1000) / 1000);
const edges = [];
for (const stream of streams) if (stream.stamps.length > 0) edges.push([stream.stamps[0], 1], [stream.stamps[stream.stamps.length - 1], -1]);
edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
let open = 0;
let peakOpen = 0;
for (const [, step] of edges) peakOpen = Math.max(peakOpen, (open += step));
const statuses = {};
for (const stream of streams) statuses[stream.status] = (statuses[stream.status] ?? 0) + 1;
process.stdout.write(
  `${JSON.stringify({ n, ok, statuses, wallMs, gaps, ttfts, peakOpen, clientCpuUs: cpu.user + cpu.system, clientLoopP99Ms: loop.percentile(99) / 1e6, clientLoopMaxMs: loop.max / 1e6 })}\n`,
);
