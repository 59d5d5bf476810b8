// The port bound before the gateway exists (issue 20): a request that arrives while the gateway is still booting is
// held and answered by the gateway once it is in place; /health says "starting" (503) until then; past the hold's
// bounds, and when boot fails, requests get 503 with Retry-After. Real HTTP on 127.0.0.1 and a fake upstream.
import type { AddressInfo } from 'node:net';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../config/load.js';
import { configFileSchema } from '../../config/schema.js';
import { FakeOpenAI } from '../../../test/fakes/openai-fake.js';
import { startGateway, type Gateway } from '../gateway.js';
import { openBootListener, type BootListener } from './boot-listener.js';
import { StaticTokenVerifier } from '../../secrets/token-verifier.js';

const client = { name: 'booting', token: 'sy-boot-listener-client-token-0001' };
let fake: FakeOpenAI;

beforeAll(async () => {
  fake = await FakeOpenAI.start({ models: ['gpt-4o-mini'] });
});
afterAll(async () => {
  await fake.close();
});

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

function send(port: number, method: string, path: string, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers = { host: `127.0.0.1:${port}`, authorization: `Bearer ${client.token}`, ...(body ? { 'content-type': 'application/json' } : {}) };
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (part: string) => (text += part));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error('no answer within 10 s')));
    req.end(body);
  });
}

/** resolves once the listener has received `count` requests (they are then held) */
function received(listener: BootListener, count: number): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    const onRequest = (): void => {
      if (++seen < count) return;
      listener.server.off('request', onRequest);
      resolve();
    };
    listener.server.on('request', onRequest);
  });
}

const portOf = (listener: BootListener): number => (listener.server.address() as AddressInfo).port;
const chat = JSON.stringify({ model: 'fake/gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] });

describe('boot listener', () => {
  it('holds a request that arrives while booting and hands it to the gateway once it is in place', async () => {
    const listener = await openBootListener('127.0.0.1', 0);
    const port = portOf(listener);
    let gateway: Gateway | undefined;
    try {
      const arrived = received(listener, 1);
      const early = send(port, 'POST', '/v1/chat/completions', chat);
      await arrived; // held now: the gateway does not exist yet
      const health = await send(port, 'GET', '/health');
      expect(health.status).toBe(503);
      expect(JSON.parse(health.body)).toEqual({ status: 'starting' });
      expect(health.headers['retry-after']).toBe('1');
      const config = resolveConfig(configFileSchema.parse({ providers: [{ id: 'fake', type: 'openai-compatible', base_url: fake.baseUrl }] }), {
        path: undefined,
        env: {},
        host: '127.0.0.1',
        port,
      });
      gateway = await startGateway({ config, env: {}, tokens: new StaticTokenVerifier([client]), listener });
      const answer = await early;
      expect(answer.status).toBe(200);
      expect((JSON.parse(answer.body) as { object: string }).object).toBe('chat.completion');
      expect(gateway.port).toBe(port);
      const ready = await send(port, 'GET', '/health');
      expect(ready.status).toBe(200);
      expect(JSON.parse(ready.body)).toEqual({ status: 'ok' });
    } finally {
      if (gateway) await gateway.stop(1_000);
      else await listener.close();
    }
  });

  it('answers 503 with Retry-After past the number of requests it may hold, and past the time it may hold one', async () => {
    const listener = await openBootListener('127.0.0.1', 0, { maxHeld: 1, maxWaitMs: 200 });
    const port = portOf(listener);
    try {
      const arrived = received(listener, 1);
      const first = send(port, 'GET', '/v1/models');
      await arrived;
      const second = await send(port, 'GET', '/v1/models');
      expect(second.status).toBe(503);
      expect(second.headers['retry-after']).toBe('1');
      expect(JSON.parse(second.body)).toMatchObject({ error: { code: 'starting' } });
      const timedOut = await first; // nobody hands over: the hold's time bound answers it
      expect(timedOut.status).toBe(503);
      expect(JSON.parse(timedOut.body)).toMatchObject({ error: { code: 'starting' } });
    } finally {
      await listener.close();
    }
  });

  it('answers held requests with 503 and releases the port when boot fails', async () => {
    const listener = await openBootListener('127.0.0.1', 0);
    const port = portOf(listener);
    const arrived = received(listener, 1);
    const held = send(port, 'GET', '/v1/models');
    await arrived;
    await listener.close();
    expect((await held).status).toBe(503);
    const again = await openBootListener('127.0.0.1', port); // the port is free again
    await again.close();
  });
});
