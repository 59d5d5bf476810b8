// Reading a request body: whole, under the cap, without waiting longer than the bytes take to arrive.
import http, { type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readBody } from './body.js';

/** A request stream with the given headers; the test decides when bytes and the end arrive. */
function incoming(headers: Record<string, string>): PassThrough & IncomingMessage {
  return Object.assign(new PassThrough(), { headers }) as unknown as PassThrough & IncomingMessage;
}

const settledWithin = async <T>(promise: Promise<T>, ms: number): Promise<T | 'pending'> =>
  Promise.race([promise, new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), ms))]);

describe('readBody', () => {
  it('resolves once the declared Content-Length has arrived, without waiting for the end of the stream', async () => {
    const request = incoming({ 'content-length': '11' });
    const body = readBody(request, 1_000);
    request.write('hello ');
    expect(await settledWithin(body, 20)).toBe('pending');
    request.write('world');
    expect((await settledWithin(body, 20)).toString()).toBe('hello world');
  });

  it('waits for the end of a chunked body (no Content-Length)', async () => {
    const request = incoming({});
    const body = readBody(request, 1_000);
    request.write('{"a":');
    request.write('1}');
    expect(await settledWithin(body, 20)).toBe('pending');
    request.end();
    expect((await body).toString()).toBe('{"a":1}');
  });

  it('refuses a declared length over the cap before reading, and a chunked body the moment it passes the cap', async () => {
    await expect(readBody(incoming({ 'content-length': '11' }), 10)).rejects.toMatchObject({ status: 413 });
    const request = incoming({});
    const body = readBody(request, 10);
    request.write('0123456789abc');
    await expect(body).rejects.toMatchObject({ status: 413 });
  });

  it('says the client left when the stream closes before the body is whole', async () => {
    const request = incoming({ 'content-length': '100' });
    const body = readBody(request, 1_000);
    request.write('partial');
    request.destroy();
    await expect(body).rejects.toMatchObject({ status: 499 });
  });

  it('over loopback: a body that came with its head is taken from the buffer, a large one as it arrives, on one connection', async () => {
    const seen: { length: number; listened: string[]; body: string }[] = [];
    const server = http.createServer((request, response) => {
      const listened: string[] = [];
      const on = request.on.bind(request);
      request.on = ((event: string, listener: (...args: unknown[]) => void) => {
        listened.push(event);
        return on(event, listener);
      }) as typeof request.on;
      // called in the 'request' event itself, as the router does
      readBody(request, 4 * 1024 * 1024).then(
        (body) => {
          seen.push({ length: body.length, listened, body: body.length < 100 ? body.toString() : '' });
          response.end('ok');
        },
        (error: Error) => response.writeHead(500).end(error.message),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const sockets = new Set<unknown>();
    const post = (body: string): Promise<string> =>
      new Promise((resolve, reject) => {
        const request = http.request({ port, host: '127.0.0.1', method: 'POST', agent, headers: { 'content-length': Buffer.byteLength(body) } }, (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString()));
          response.on('end', () => resolve(text));
        });
        request.on('socket', (socket) => sockets.add(socket));
        request.on('error', reject);
        request.end(body);
      });
    try {
      expect(await post('{"model":"m","messages":[]}')).toBe('ok');
      expect(await post('x'.repeat(1024 * 1024))).toBe('ok');
      expect(await post('{"second":"small"}')).toBe('ok');
      expect(await post('')).toBe('ok');
    } finally {
      agent.destroy();
      server.close();
    }
    expect(seen.map((entry) => entry.length)).toEqual([27, 1024 * 1024, 18, 0]);
    expect(seen[0]?.body).toBe('{"model":"m","messages":[]}');
    expect(seen[2]?.body).toBe('{"second":"small"}');
    // the small bodies were taken from the buffer; the megabyte was read from 'data' events
    expect(seen[0]?.listened).not.toContain('data');
    expect(seen[2]?.listened).not.toContain('data');
    expect(seen[1]?.listened).toContain('data');
    expect(sockets.size).toBe(1);
  });
});
