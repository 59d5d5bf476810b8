// SIGTERM while requests are in flight: stop accepting, let them finish within the grace period, cancel the
// rest (closing their upstream requests), exit 0.
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../fakes/openai-fake.js';
import { startServe, type ServeProcess } from '../support/serve-process.js';

let upstream: FakeOpenAI | undefined;
let serve: ServeProcess | undefined;

afterEach(async () => {
  await serve?.stop('SIGKILL');
  await upstream?.close();
});

async function start(graceMs: number): Promise<{ client: OpenAI; serve: ServeProcess; upstream: FakeOpenAI }> {
  upstream = await FakeOpenAI.start();
  serve = await startServe({ config: { server: { shutdown_grace_ms: graceMs }, providers: [{ id: 'openai', base_url: upstream.baseUrl }] } });
  return { client: new OpenAI({ baseURL: serve.baseUrl, apiKey: serve.token, maxRetries: 0 }), serve, upstream };
}

describe('graceful shutdown', () => {
  it('an in-flight stream finishes after SIGTERM; new requests are refused; exit 0', async () => {
    const { client, serve, upstream } = await start(5_000);
    upstream.onChat = () => ({ kind: 'slow', chunks: 12, chunkDelayMs: 80 });
    const stream = await client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    const exit = serve.stop('SIGTERM');
    await expect.poll(() => serve.output()).toContain('SIGTERM: stopping, letting 1 request(s) finish');
    await expect(fetch(`${serve.url}/health`)).rejects.toThrow();
    let chunks = 1;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) chunks += 1;
    expect(chunks).toBeGreaterThanOrEqual(12);
    expect(await exit).toBe(0);
    expect(upstream.requestState(upstream.requests.length - 1).completed).toBe(true);
  });

  it('past the grace period the rest is cancelled and the upstream request closed', async () => {
    const { client, serve, upstream } = await start(300);
    upstream.onChat = () => ({ kind: 'slow', chunks: 400, chunkDelayMs: 50 });
    const stream = await client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true });
    const index = upstream.chatRequests().length - 1;
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    const signalledAt = performance.now();
    const exit = serve.stop('SIGTERM');
    const outcome = await (async () => {
      try {
        for (let next = await iterator.next(); !next.done; next = await iterator.next());
        return 'ended';
      } catch (error) {
        return String(error);
      }
    })();
    expect(outcome).toMatch(/shutting down/);
    expect(await exit).toBe(0);
    const requestIndex = upstream.requests.findIndex((request) => request === upstream.chatRequests()[index]);
    const closedAt = await upstream.waitForRequestClose(requestIndex, 3_000);
    expect(closedAt - signalledAt).toBeLessThan(2_500);
    expect(upstream.requestState(requestIndex).completed).toBe(false);
  });
});
