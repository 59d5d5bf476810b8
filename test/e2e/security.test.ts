// RELIABILITY.md's network-exposure, auth and input-limit lines, each sent for real to a running server.
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../fakes/openai-fake.js';
import { startServe, type ServeProcess } from '../support/serve-process.js';

let upstream: FakeOpenAI;
let serve: ServeProcess;
const maxBody = 64 * 1024;

beforeAll(async () => {
  upstream = await FakeOpenAI.start();
  serve = await startServe({
    config: { server: { max_body_bytes: maxBody, allowed_origins: ['http://localhost:3000'] }, providers: [{ id: 'openai', base_url: upstream.baseUrl }] },
    env: { OPENAI_API_KEY: 'sk-test-upstream' },
  });
});

afterAll(async () => {
  await serve?.stop();
  await upstream?.close();
});

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(options: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer; chunked?: boolean }): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: '127.0.0.1',
        port: serve.port,
        method: options.method ?? 'POST',
        path: options.path ?? '/v1/chat/completions',
        headers: { host: `127.0.0.1:${serve.port}`, authorization: `Bearer ${serve.token}`, 'content-type': 'application/json', ...options.headers },
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8').on('data', (text: string) => (body += text));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
      },
    );
    request.on('error', reject);
    if (options.chunked && options.body) {
      const body = Buffer.from(options.body);
      for (let offset = 0; offset < body.length; offset += 8192) request.write(body.subarray(offset, offset + 8192));
      request.end();
    } else request.end(options.method === 'GET' || options.method === 'OPTIONS' ? undefined : options.body);
  });
}

const validBody = JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });

function expectOpenAIError(response: RawResponse, status: number, code?: string): void {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toBe('application/json');
  const parsed = JSON.parse(response.body) as { error: { message: string; type: string; code: string | null; param: string | null } };
  expect(parsed.error.message).toEqual(expect.any(String));
  expect(parsed.error.type).toEqual(expect.any(String));
  if (code !== undefined) expect(parsed.error.code).toBe(code);
  expect(response.body).not.toMatch(/\n\s+at |\/work\/|node_modules/);
}

describe('network exposure', () => {
  it('listens on loopback only by default', () => {
    expect(serve.output()).toContain(`listening on http://127.0.0.1:${serve.port}/v1`);
  });

  it('refuses a foreign Host (DNS rebinding) with 403 and no upstream call', async () => {
    const before = upstream.chatRequests().length;
    for (const host of ['evil.example', `evil.example:${serve.port}`, `127.0.0.1.nip.io:${serve.port}`, `localhost:${serve.port + 1}`]) {
      expectOpenAIError(await send({ headers: { host }, body: validBody }), 403, 'host_not_allowed');
    }
    expectOpenAIError(await send({ method: 'GET', path: '/health', headers: { host: 'evil.example' } }), 403);
    expect(upstream.chatRequests().length).toBe(before);
  });

  it('accepts the loopback names', async () => {
    for (const host of [`localhost:${serve.port}`, `127.0.0.1:${serve.port}`, `[::1]:${serve.port}`]) {
      expect((await send({ headers: { host }, body: validBody })).status).toBe(200);
    }
  });

  it('refuses a foreign browser Origin even with a valid token and a simple content type', async () => {
    const before = upstream.requests.length;
    const response = await send({ headers: { origin: 'https://evil.example', 'content-type': 'text/plain' }, body: validBody });
    expectOpenAIError(response, 403, 'origin_not_allowed');
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    expect(upstream.requests.length).toBe(before);
  });

  it('refuses Origin null (a file:// page, a sandboxed frame) with a client token, and answers no preflight for it', async () => {
    const before = upstream.requests.length;
    const response = await send({ headers: { origin: 'null', 'content-type': 'text/plain' }, body: validBody });
    expectOpenAIError(response, 403, 'origin_not_allowed');
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await send({ method: 'OPTIONS', headers: { origin: 'null', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(403);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    const management = await send({ method: 'GET', path: '/_switchyard/api/status.get', headers: { origin: 'null' } });
    expect(management.status).toBe(403);
    // the playground's session path is no way around it: without the UI session it is a 401, with Origin null a 403
    expect((await send({ path: '/_switchyard/v1/chat/completions', headers: { origin: 'null', 'x-switchyard-csrf': '1' }, body: validBody })).status).toBe(403);
    expect((await send({ path: '/_switchyard/v1/chat/completions', headers: { 'x-switchyard-csrf': '1' }, body: validBody })).status).toBe(401);
    expect(upstream.requests.length).toBe(before);
  });

  it('an allowlisted origin gets its own origin back, never a wildcard', async () => {
    const response = await send({ headers: { origin: 'http://localhost:3000' }, body: validBody });
    expect(response.status).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBe('http://localhost:3000');
    const preflight = await send({ method: 'OPTIONS', headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('http://localhost:3000');
    const foreignPreflight = await send({ method: 'OPTIONS', headers: { origin: 'https://evil.example' } });
    expect(foreignPreflight.status).toBe(403);
    expect(foreignPreflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('request fields cannot choose the upstream URL', async () => {
    const before = upstream.requests.length;
    const response = await send({
      headers: { 'x-forwarded-host': 'evil.example', forwarded: 'host=evil.example' },
      body: JSON.stringify({
        model: 'openai/gpt-4o-mini',
        messages: [{ role: 'user', content: 'hi' }],
        api_base: 'http://127.0.0.1:1/',
        base_url: 'http://127.0.0.1:1/',
      }),
    });
    expect(response.status).toBe(200);
    expect(upstream.requests.length).toBe(before + 1);
  });

  it('model ids never become hosts or paths', async () => {
    for (const model of ['http://127.0.0.1:1/x', '../../etc/passwd', 'openai/../../admin', '@evil.example/x']) {
      const response = await send({ body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }) });
      expect([200, 404]).toContain(response.status);
    }
    // whatever the model string, only the configured upstream ever saw a request, at its chat path
    const posts = upstream.requests.filter((request) => request.method === 'POST');
    expect(new Set(posts.map((request) => request.path))).toEqual(new Set(['/v1/chat/completions']));
  });
});

describe('client auth', () => {
  it('needs a token on every endpoint but /health, in any of the three headers', async () => {
    expect((await send({ method: 'GET', path: '/health', headers: { authorization: '' } })).status).toBe(200);
    for (const path of ['/v1/chat/completions', '/v1/models']) {
      const method = path.endsWith('models') ? 'GET' : 'POST';
      expectOpenAIError(await send({ method, path, headers: { authorization: '' }, body: validBody }), 401, 'invalid_api_key');
      expectOpenAIError(await send({ method, path, headers: { authorization: 'Bearer sy-nope' }, body: validBody }), 401);
      expect((await send({ method, path, headers: { authorization: '', 'x-api-key': serve.token }, body: validBody })).status).toBe(200);
      expect((await send({ method, path, headers: { authorization: '', 'x-goog-api-key': serve.token }, body: validBody })).status).toBe(200);
      expectOpenAIError(await send({ method, path, headers: { authorization: '', 'x-api-key': 'sy-nope' }, body: validBody }), 401);
    }
  });

  it('health says nothing but liveness', async () => {
    const response = await send({ method: 'GET', path: '/health', headers: { authorization: '' } });
    expect(JSON.parse(response.body)).toEqual({ status: 'ok' });
  });
});

describe('input limits', () => {
  it('a body over the cap is 413 before any upstream call, with and without Content-Length', async () => {
    const before = upstream.requests.length;
    const huge = JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'x'.repeat(maxBody) }] });
    expectOpenAIError(await send({ body: huge }), 413, 'request_too_large');
    expectOpenAIError(await send({ body: huge, chunked: true }), 413, 'request_too_large');
    expect(upstream.requests.length).toBe(before);
    // the server is still fine afterwards
    expect((await send({ body: validBody })).status).toBe(200);
  });

  it('malformed JSON and wrong types are 400 naming the problem', async () => {
    expectOpenAIError(await send({ body: '{"model":' }), 400, 'invalid_json');
    expectOpenAIError(await send({ body: '' }), 400);
    expectOpenAIError(await send({ body: '[1,2]' }), 400, 'invalid_type');
    const missing = await send({ body: '{"model":"openai/gpt-4o-mini"}' });
    expectOpenAIError(missing, 400);
    expect(JSON.parse(missing.body).error.param).toBe('messages');
    const wrongType = await send({ body: '{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":5}]}' });
    expect(JSON.parse(wrongType.body).error.param).toBe('messages[0].content');
  });

  it('unknown routes are 404, wrong methods 405, both in OpenAI shape', async () => {
    expectOpenAIError(await send({ method: 'GET', path: '/v1/nothing' }), 404, 'unknown_url');
    expectOpenAIError(await send({ method: 'GET', path: '/v1/chat/completions' }), 405, 'method_not_allowed');
    expectOpenAIError(await send({ method: 'GET', path: '/../../etc/passwd' }), 404);
  });

  it('a fuzz run of bad bodies yields no 5xx and no crash', async () => {
    const before = upstream.requests.length;
    const bodies = fc.sample(
      fc.oneof(
        fc.string(),
        fc.json(),
        fc.record({ model: fc.oneof(fc.string(), fc.integer(), fc.constant(null)), messages: fc.anything() }),
        fc.record({
          model: fc.constant('openai/gpt-4o-mini'),
          messages: fc.array(fc.record({ role: fc.string(), content: fc.anything() }), { maxLength: 3 }),
          temperature: fc.anything(),
          tools: fc.anything(),
        }),
        fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
      ),
      { numRuns: 1_500, seed: 42 },
    );
    const statuses = new Map<number, number>();
    for (let start = 0; start < bodies.length; start += 25) {
      const batch = bodies.slice(start, start + 25).map((body) => send({ body: typeof body === 'string' ? body : JSON.stringify(body) }));
      for (const response of await Promise.all(batch)) {
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        expect(response.status, response.body).toBeLessThan(500);
      }
    }
    expect(statuses.get(400)).toBeGreaterThan(1_000);
    expect(serve.child.exitCode).toBeNull();
    // none of those reached the upstream with a body it would reject; valid ones may have
    expect(upstream.requests.length - before).toBeLessThan(100);
  });

  it('a client trickling its headers is cut off', async () => {
    const socket = connect(serve.port, '127.0.0.1');
    socket.write(`POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:${serve.port}\r\n`);
    const started = performance.now();
    const timer = setInterval(() => socket.write('X-Slow: 1\r\n'), 1_000);
    await new Promise<void>((resolve) => socket.on('close', () => resolve()).on('error', () => undefined));
    clearInterval(timer);
    expect(performance.now() - started).toBeLessThan(20_000);
  }, 30_000);
});
