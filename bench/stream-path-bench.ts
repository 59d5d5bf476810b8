// Stream path benchmark: CPU µs per streamed event through what the gateway does between the upstream's bytes and
// the client's write — the OpenAI adapter's SSE reader, the attempt watchdog, the first-chunk gate and the OpenAI
// stream writer — with the upstream body an UpstreamBody fed one event per chunk (as undici hands a provider's reads over) and the
// client a real HTTP response on loopback. Run: node --import ./main/ledger/test-support/ts-register.mjs bench/stream-path-bench.ts
import { createServer, request as httpRequest, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LightAbortController } from '../main/gateway/cancel.js';
import { readOpenAIStream } from '../main/gateway/providers/openai-compatible/openai-stream.js';
import type { UpstreamResponse } from '../main/gateway/providers/http.js';
import { UpstreamBody, UpstreamHead } from '../main/gateway/providers/upstream-body.js';
import { openGate } from '../main/gateway/streaming/gate.js';
import { AttemptWatchdog, watchParts } from '../main/gateway/streaming/watchdog.js';
import { writeOpenAIStream } from '../main/gateway/dialects/openai/chat-stream-writer.js';
import type { ProviderError } from '../main/gateway/providers/errors.js';

const streams = Number(process.argv[2] ?? 2_000);
const eventsPerStream = 100;
const frames = [
  `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] })}\n\n`,
  ...Array.from(
    { length: eventsPerStream },
    (_, index) =>
      `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: `word${index} ` }, finish_reason: null }] })}\n\n`,
  ),
  `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage: { prompt_tokens: 5, completion_tokens: 100, total_tokens: 105 } })}\n\n`,
  'data: [DONE]\n\n',
].map((frame) => Buffer.from(frame));

let serveOne: (response: ServerResponse) => Promise<void> = async () => undefined;
const server = createServer((_request, response) => void serveOne(response));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;

async function oneStream(): Promise<void> {
  const body = new UpstreamBody();
  const upstream: UpstreamResponse = new UpstreamHead(200, [], body);
  const done = new Promise<void>((resolve, reject) => {
    serveOne = async (response) => {
      const controller = new LightAbortController();
      const watchdog = new AttemptWatchdog(controller, { firstTokenMs: 60_000, idleMs: 60_000, totalMs: 600_000 }, 'bench');
      watchdog.arm();
      const parts = watchParts(
        readOpenAIStream('bench', 'http://127.0.0.1', upstream, controller.signal),
        watchdog,
        controller.signal,
        (error) => error as ProviderError,
      );
      const gate = await openGate(parts);
      if (gate.kind !== 'open') throw gate.error;
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      await writeOpenAIStream(response, gate.head, gate.rest, { clientWantsUsage: true, signal: controller.signal });
    };
    httpRequest({ host: '127.0.0.1', port, path: '/' }, (response) => {
      response.on('data', () => undefined).on('end', resolve);
    })
      .on('error', reject)
      .end();
  });
  // one event per upstream read, as a provider streams them
  for (const frame of frames) {
    body.push(frame);
    await new Promise((resolve) => setImmediate(resolve));
  }
  body.end();
  await done;
}

for (let index = 0; index < Math.min(200, streams); index += 1) await oneStream();
const cpu = process.cpuUsage();
const started = performance.now();
for (let index = 0; index < streams; index += 1) await oneStream();
const used = process.cpuUsage(cpu);
const events = streams * frames.length;
console.log(
  `${((used.user + used.system) / events).toFixed(2)} µs CPU per event (${streams} streams × ${frames.length} events, ${(performance.now() - started).toFixed(0)} ms; includes the loopback client reading them)`,
);
server.close();
