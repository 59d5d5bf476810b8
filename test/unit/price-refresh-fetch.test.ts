// The price refresh's download (fetchJsonFromNetwork) against a real loopback server: OpenRouter's JSON parsed; any
// status but 200 an error naming it, with a redirect's target never asked; garbage an error. It runs over node:http
// (plain-http.ts), so a refresh alone does not load undici.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { undici } from '../../main/gateway/lazy-module.js';
import { fetchJsonFromNetwork } from '../../main/metering-setup.js';

let server: http.Server;
let origin: string;
const seen: string[] = [];

beforeAll(async () => {
  server = http.createServer((request, response) => {
    seen.push(`${request.url} ${request.headers['accept']}`);
    if (request.url === '/api/v1/models') response.writeHead(200, { 'content-type': 'application/json' }).end('{"data":[{"id":"a/b"}]}');
    else if (request.url === '/moved') response.writeHead(301, { location: '/api/v1/models' }).end();
    else if (request.url === '/garbage') response.writeHead(200).end('<html>');
    else response.writeHead(503).end('busy');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('fetchJsonFromNetwork', () => {
  it('parses the model list, asking for JSON, without loading undici', async () => {
    expect(await fetchJsonFromNetwork(`${origin}/api/v1/models`)).toEqual({ data: [{ id: 'a/b' }] });
    expect(seen.at(-1)).toBe('/api/v1/models application/json');
    expect(undici.loaded).toBeUndefined();
  });

  it('fails on any other status, and follows no redirect', async () => {
    seen.length = 0;
    await expect(fetchJsonFromNetwork(`${origin}/busy`)).rejects.toThrow('HTTP 503');
    await expect(fetchJsonFromNetwork(`${origin}/moved`)).rejects.toThrow('HTTP 301');
    expect(seen.map((line) => line.split(' ')[0])).toEqual(['/busy', '/moved']);
  });

  it('fails on a body that is not JSON', async () => {
    await expect(fetchJsonFromNetwork(`${origin}/garbage`)).rejects.toThrow(SyntaxError);
  });
});
