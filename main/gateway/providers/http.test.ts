// UpstreamClient against a real loopback server: concurrent requests to one provider each get a connection of their
// own at once. A stream holds its connection for its whole length, so a per-provider connection cap (there was one
// of 128) silently queues every stream past it until another ends: seconds of time to first token, never an error.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamClient, cloudTimeouts } from './http.js';

/** Held requests are answered together once this many are open at the same moment. */
const concurrent = 160;

let server: http.Server;
let baseUrl: string;
let open = 0;
let peak = 0;
const held: http.ServerResponse[] = [];

beforeAll(async () => {
  server = http.createServer((request, response) => {
    request.resume();
    open += 1;
    peak = Math.max(peak, open);
    response.on('close', () => (open -= 1));
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.write('data: {"choices":[]}\n\n');
    held.push(response);
    if (held.length === concurrent) for (const each of held.splice(0)) each.end('data: [DONE]\n\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  for (const each of held.splice(0)) each.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('UpstreamClient', () => {
  it(`holds ${concurrent} concurrent streams to one provider open at once, none queued behind another`, async () => {
    const client = new UpstreamClient('fake', baseUrl, cloudTimeouts);
    const controller = new AbortController();
    // bounded: if the requests were queued behind a connection cap, the server would never see them all at once
    const timer = setTimeout(() => controller.abort(new Error('requests were queued: not all open at once')), 10_000);
    try {
      const bodies = await Promise.all(
        Array.from({ length: concurrent }, async () => {
          const response = await client.request({ method: 'POST', path: '/chat/completions', body: '{}', signal: controller.signal });
          return (await client.readBody(response, controller.signal)).toString();
        }),
      );
      expect(bodies.every((text) => text.endsWith('data: [DONE]\n\n'))).toBe(true);
      expect(peak).toBe(concurrent);
    } finally {
      clearTimeout(timer);
      await client.close();
    }
  });
});
