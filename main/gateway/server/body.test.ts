// Reading a request body: whole, under the cap, without waiting longer than the bytes take to arrive.
import type { IncomingMessage } from 'node:http';
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
});
