// plainGet against real loopback servers: the answer as the adapters read it (status, headers, body), a connection
// of its own closed after the answer, no redirect followed, no proxy taken from the environment, each timeout with
// undici's code (TLS handshake included in connect), refused, abort before and during the body, the size cap,
// backpressure; TLS verified. Then UpstreamClient: its GETs go this way and leave undici unloaded until a POST.
import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../../../test/support/tls-proxy.js';
import { undici } from '../lazy-module.js';
import { ProviderError } from './errors.js';
import { UpstreamClient } from './http.js';
import { plainGetBody, plainGetHead } from './plain-http.js';

const servers: net.Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    if (server instanceof http.Server) server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function listen<S extends net.Server>(server: S): Promise<{ server: S; port: number }> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

/** An HTTP server on a free loopback port; `seen` lists each request's method, path and headers. */
async function serve(handler: http.RequestListener): Promise<{ origin: string; seen: http.IncomingMessage[]; sockets: net.Socket[] }> {
  const seen: http.IncomingMessage[] = [];
  const sockets: net.Socket[] = [];
  const server = http.createServer((request, response) => {
    seen.push(request);
    handler(request, response);
  });
  server.on('connection', (socket) => sockets.push(socket));
  const { port } = await listen(server);
  return { origin: `http://127.0.0.1:${port}`, seen, sockets };
}

const quick = { connectTimeoutMs: 2_000, headersTimeoutMs: 2_000, bodyTimeoutMs: 2_000 };
const never = (): AbortSignal => new AbortController().signal;

async function failure(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected a failure');
}

describe('plainGet', () => {
  it('gives the status, the headers as undici would and the body; sends the headers asked for and closes the connection after', async () => {
    const { origin, seen, sockets } = await serve((_request, response) => {
      response.setHeader('set-cookie', ['a=1', 'b=2']);
      response.writeHead(200, { 'content-type': 'application/json', 'x-rate': '\u00e9' });
      response.end('{"data":[]}');
    });
    const answer = await plainGetBody(
      { url: `${origin}/v1/models`, headers: { accept: 'application/json', authorization: 'Bearer k' }, maxBytes: 1024, ...quick },
      never(),
    );
    expect(answer.status).toBe(200);
    expect(answer.body.toString()).toBe('{"data":[]}');
    expect(answer.header('content-type')).toBe('application/json');
    expect(answer.header('x-rate')).toBe('\u00e9'); // latin1, as undici decodes it
    expect(answer.header('set-cookie')).toBeUndefined(); // repeated
    expect(seen.map((request) => [request.method, request.url, request.headers['authorization'], request.headers['connection']])).toEqual([
      ['GET', '/v1/models', 'Bearer k', 'close'],
    ]);
    await expect.poll(() => sockets.every((socket) => socket.destroyed)).toBe(true);
  });

  it('follows no redirect: a 302 is the answer, and its target is never asked', async () => {
    const { origin, seen } = await serve((request, response) => {
      if (request.url === '/elsewhere') response.end('followed');
      else response.writeHead(302, { location: '/elsewhere' }).end();
    });
    const head = await plainGetHead({ url: `${origin}/v1/models`, ...quick }, never());
    expect([head.status, head.header('location')]).toEqual([302, '/elsewhere']);
    await head.body.collect(1024, () => new Error('too large'));
    expect(seen.map((request) => request.url)).toEqual(['/v1/models']);
  });

  it('takes no proxy from HTTP_PROXY / http_proxy / NO_PROXY: it connects to the host itself', async () => {
    let proxied = 0;
    const proxy = await listen(net.createServer((socket) => ((proxied += 1), socket.destroy())));
    const { origin, seen } = await serve((_request, response) => response.end('direct'));
    const saved = { HTTP_PROXY: process.env['HTTP_PROXY'], http_proxy: process.env['http_proxy'], NO_PROXY: process.env['NO_PROXY'] };
    process.env['HTTP_PROXY'] = process.env['http_proxy'] = `http://127.0.0.1:${proxy.port}`;
    process.env['NO_PROXY'] = '';
    try {
      const answer = await plainGetBody({ url: `${origin}/`, maxBytes: 1024, ...quick }, never());
      expect(answer.body.toString()).toBe('direct');
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
    expect([proxied, seen.length]).toEqual([0, 1]);
  });

  it('a refused connection fails with ECONNREFUSED', async () => {
    const { server, port } = await listen(net.createServer());
    await new Promise((resolve) => server.close(resolve));
    servers.splice(servers.indexOf(server), 1);
    expect((await failure(plainGetHead({ url: `http://127.0.0.1:${port}/`, ...quick }, never()))).code).toBe('ECONNREFUSED');
  });

  it('a server that never answers fails with the headers timeout, and the connection is closed', async () => {
    const { origin, sockets } = await serve(() => undefined);
    const started = performance.now();
    const error = await failure(plainGetHead({ url: `${origin}/`, ...quick, headersTimeoutMs: 150 }, never()));
    expect(error.code).toBe('UND_ERR_HEADERS_TIMEOUT');
    expect(performance.now() - started).toBeLessThan(1_900);
    await expect.poll(() => sockets.every((socket) => socket.destroyed)).toBe(true);
  });

  it('a body that stops arriving fails with the body timeout', async () => {
    const { origin } = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"data":');
    });
    const head = await plainGetHead({ url: `${origin}/`, ...quick, bodyTimeoutMs: 150 }, never());
    expect(head.status).toBe(200);
    expect((await failure(head.body.collect(1024, () => new Error('too large')))).code).toBe('UND_ERR_BODY_TIMEOUT');
  });

  it('counts a TLS handshake that never completes against the connect timeout', async () => {
    const sockets: net.Socket[] = [];
    // accepts and reads the client's hello, never answers it
    const silent = await listen(net.createServer((socket) => sockets.push(socket.resume())));
    const error = await failure(plainGetHead({ url: `https://127.0.0.1:${silent.port}/`, ...quick, connectTimeoutMs: 150 }, never()));
    expect(error.code).toBe('UND_ERR_CONNECT_TIMEOUT');
    await expect.poll(() => sockets.length === 1 && sockets.every((socket) => socket.destroyed)).toBe(true);
  });

  it('verifies TLS: a certificate nobody trusts is refused, the same one trusted (ca) is answered', async () => {
    const credentials = selfSignedCertificate('localhost');
    const { port } = await listen(https.createServer(credentials, (_request, response) => response.end('over tls')));
    const url = `https://localhost:${port}/`;
    const refused = await failure(plainGetHead({ url, ...quick }, never()));
    expect(refused.code).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY/);
    const answer = await plainGetBody({ url, ca: credentials.cert, maxBytes: 1024, ...quick }, never());
    expect(answer.body.toString()).toBe('over tls');
  });

  it('an abort before the head rejects with the reason and closes the connection', async () => {
    const { origin, sockets } = await serve(() => undefined);
    const controller = new AbortController();
    const head = plainGetHead({ url: `${origin}/`, ...quick }, controller.signal);
    await expect.poll(() => sockets.length).toBe(1);
    controller.abort(new Error('client left'));
    expect((await failure(head)).message).toBe('client left');
    await expect.poll(() => sockets.every((socket) => socket.destroyed)).toBe(true);
  });

  it('an abort during the body fails the read and closes the connection', async () => {
    const { origin, sockets } = await serve((_request, response) => {
      response.writeHead(200);
      response.write('part');
    });
    const controller = new AbortController();
    const head = await plainGetHead({ url: `${origin}/`, ...quick }, controller.signal);
    const reading = head.body.collect(1024, () => new Error('too large'));
    controller.abort(new Error('client left'));
    expect((await failure(reading)).message).toBe('client left');
    await expect.poll(() => sockets.every((socket) => socket.destroyed)).toBe(true);
  });

  it('a body past maxBytes fails with the size error and the connection is closed', async () => {
    const { origin, sockets } = await serve((_request, response) => response.end('x'.repeat(4096)));
    const error = await failure(plainGetBody({ url: `${origin}/`, maxBytes: 1000, ...quick }, never()));
    expect(error.message).toContain('more than 1000 bytes');
    await expect.poll(() => sockets.every((socket) => socket.destroyed)).toBe(true);
  });

  it('stops reading the socket while the reader holds the body, and delivers all of it once read', async () => {
    const total = 32 * 1024 * 1024; // more than loopback's socket buffers hold
    let written = 0;
    const { origin } = await serve((_request, response) => {
      const chunk = Buffer.alloc(64 * 1024, 97);
      const pump = (): void => {
        while (written < total) {
          written += chunk.length;
          if (!response.write(chunk)) return void response.once('drain', pump);
        }
        response.end();
      };
      pump();
    });
    const head = await plainGetHead({ url: `${origin}/`, ...quick, bodyTimeoutMs: 5_000 }, never());
    const reader = head.body.iterator();
    let received = ((await reader.next()).value as Buffer).length;
    await new Promise((resolve) => setTimeout(resolve, 300)); // the reader holds the body
    expect(written).toBeLessThan(total);
    for (let next = await reader.next(); !next.done; next = await reader.next()) received += next.value.length;
    expect(received).toBe(total);
  });

  it('refuses a URL that is neither http nor https', async () => {
    expect((await failure(plainGetHead({ url: 'ftp://127.0.0.1/', ...quick }, never()))).message).toContain("unsupported protocol 'ftp:'");
  });
});

describe('UpstreamClient GETs', () => {
  const timeouts = { connectMs: 2_000, headersMs: 150, bodyIdleMs: 2_000 };

  it('go over node:http with the configured headers timeout: undici stays unloaded until the first POST', async () => {
    const { origin, seen } = await serve((request, response) => {
      if (request.url === '/v1/hang') return;
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"object":"list","data":[]}');
    });
    const heads: number[] = [];
    const client = new UpstreamClient('local', `${origin}/v1`, timeouts, (head) => heads.push(head.status));
    try {
      const response = await client.request({ method: 'GET', path: '/models', headers: { accept: 'application/json' }, signal: never() });
      expect((await client.readBody(response, never())).toString()).toBe('{"object":"list","data":[]}');
      const timedOut = await failure(client.request({ method: 'GET', path: '/hang', signal: never() }));
      expect(timedOut).toBeInstanceOf(ProviderError);
      expect(timedOut).toMatchObject({ kind: 'timeout', errorClass: 'timeout', code: 'UND_ERR_HEADERS_TIMEOUT' });
      expect(heads).toEqual([200]);
      expect(undici.loaded).toBeUndefined();
      await client.readBody(await client.request({ method: 'POST', path: '/chat/completions', body: '{}', signal: never() }), never());
      expect(undici.loaded).toBeDefined();
      expect(seen.map((request) => `${request.method} ${request.url}`)).toEqual(['GET /v1/models', 'GET /v1/hang', 'POST /v1/chat/completions']);
    } finally {
      await client.close();
    }
  });

  it('a refused GET is a connect error, and a closed client takes no GET', async () => {
    const { server, port } = await listen(net.createServer());
    await new Promise((resolve) => server.close(resolve));
    servers.splice(servers.indexOf(server), 1);
    const client = new UpstreamClient('gone', `http://127.0.0.1:${port}/v1`, timeouts);
    expect(await failure(client.request({ method: 'GET', path: '/models', signal: never() }))).toMatchObject({ kind: 'connect', code: 'ECONNREFUSED' });
    await client.close();
    const closed = await failure(client.request({ method: 'GET', path: '/models', signal: never() }));
    expect(closed).toBeInstanceOf(ProviderError);
  });
});
