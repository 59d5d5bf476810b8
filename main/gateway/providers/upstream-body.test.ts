// UpstreamBody and UpstreamCall: the upstream response read from undici's dispatcher without a Node stream. The
// body's contract (order, backpressure, end, failure, destroy, release) is driven directly; the handler against a
// real loopback server through a real undici Agent (head, 1xx, repeated headers, abort before and during the body,
// a connection reset mid-body, and that a drained body leaves its connection for the next request).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { UpstreamBody, UpstreamCall, UpstreamHead, headersOf } from './upstream-body.js';

const bytes = (text: string): Buffer => Buffer.from(text);

function body(): { body: UpstreamBody; resumed: () => number; aborted: Error[] } {
  let resumes = 0;
  const aborted: Error[] = [];
  const made = new UpstreamBody(
    () => (resumes += 1),
    (reason) => aborted.push(reason),
  );
  return { body: made, resumed: () => resumes, aborted };
}

async function readAll(source: AsyncIterable<Buffer>): Promise<string> {
  let text = '';
  for await (const chunk of source) text += chunk.toString();
  return text;
}

describe('UpstreamBody', () => {
  it('gives chunks in order to a reader that waits and to one that comes late, then ends', async () => {
    const { body: b } = body();
    const reading = readAll(b);
    b.push(bytes('a'));
    b.push(bytes('b'));
    await Promise.resolve();
    b.push(bytes('c'));
    b.end();
    expect(await reading).toBe('abc');

    const { body: late } = body();
    late.push(bytes('x'));
    late.push(bytes('y'));
    late.end();
    expect(await readAll(late)).toBe('xy');
  });

  it('asks undici to stop past 64 KB unread and to go on once the reader has taken half of it', async () => {
    const { body: b, resumed } = body();
    const chunk = Buffer.alloc(16 * 1024);
    expect([b.push(chunk), b.push(chunk), b.push(chunk)]).toEqual([true, true, true]);
    expect(b.push(chunk)).toBe(false); // 64 KB queued
    expect(resumed()).toBe(0);
    await b.read();
    expect(resumed()).toBe(0); // 48 KB left: still above half
    await b.read();
    await b.read();
    expect(resumed()).toBe(1);
  });

  it('rejects a pending read with the error the body failed with, and every read after it', async () => {
    const { body: b } = body();
    const pending = b.read();
    const error = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
    b.fail(error);
    await expect(pending).rejects.toBe(error);
    await expect(b.read()).rejects.toBe(error);
    expect(b.destroyed).toBe(true);
    expect(b.errored).toBe(error);
  });

  it('destroyed before its end: the upstream request is aborted and a waiting reader gets a premature close', async () => {
    const { body: b, aborted } = body();
    const pending = b.read();
    b.destroy();
    await expect(pending).rejects.toMatchObject({ code: 'ERR_STREAM_PREMATURE_CLOSE' });
    expect(aborted).toHaveLength(1);
    expect(b.push(bytes('late'))).toBe(false);
    await expect(b.read()).rejects.toMatchObject({ code: 'ERR_STREAM_PREMATURE_CLOSE' });
  });

  it('destroyed after its end: nothing is aborted (the connection stays usable)', () => {
    const { body: b, aborted } = body();
    b.push(bytes('all'));
    b.end();
    b.destroy();
    expect(b.destroyed).toBe(true);
    expect(aborted).toHaveLength(0);
  });

  it('leaving a for-await early destroys the body, unless the iterator was made with destroyOnReturn false', async () => {
    const { body: kept, aborted: keptAborts } = body();
    kept.push(bytes('1'));
    kept.push(bytes('2'));
    for await (const chunk of kept.iterator({ destroyOnReturn: false })) {
      expect(chunk.toString()).toBe('1');
      break;
    }
    expect(kept.destroyed).toBe(false);
    expect((await kept.read()).value?.toString()).toBe('2');
    expect(keptAborts).toHaveLength(0);

    const { body: dropped, aborted } = body();
    dropped.push(bytes('1'));
    for await (const _chunk of dropped) break;
    expect(dropped.destroyed).toBe(true);
    expect(aborted).toHaveLength(1);
  });

  it('collects the whole body, queued and still to come', async () => {
    const { body: b } = body();
    b.push(bytes('{"a":'));
    const collected = b.collect(1024, () => new Error('too large'));
    b.push(bytes('1}'));
    b.end();
    expect((await collected).toString()).toBe('{"a":1}');

    const { body: done } = body();
    done.push(bytes('whole'));
    done.end();
    expect((await done.collect(1024, () => new Error('too large'))).toString()).toBe('whole');
  });

  it('refuses to collect past the limit: the caller’s error, the body destroyed, the upstream aborted', async () => {
    const { body: b, aborted } = body();
    const collected = b.collect(10, () => new Error('larger than 10 bytes'));
    b.push(bytes('123456'));
    expect(b.push(bytes('789012'))).toBe(false);
    await expect(collected).rejects.toThrow('larger than 10 bytes');
    expect(b.destroyed).toBe(true);
    expect(aborted).toHaveLength(1);

    const { body: queued } = body();
    queued.push(bytes('0123456789ab'));
    await expect(queued.collect(10, () => new Error('larger than 10 bytes'))).rejects.toThrow('larger than 10 bytes');

    // all of it already there, ended: still over the limit
    const { body: whole } = body();
    whole.push(bytes('0123456789ab'));
    whole.end();
    await expect(whole.collect(10, () => new Error('larger than 10 bytes'))).rejects.toThrow('larger than 10 bytes');
  });

  it('collect on a failed body rejects with its error', async () => {
    const { body: b } = body();
    const error = new Error('reset');
    const collected = b.collect(1024, () => new Error('too large'));
    b.fail(error);
    await expect(collected).rejects.toBe(error);
    await expect(b.collect(1024, () => new Error('too large'))).rejects.toBe(error);
  });

  it('release after the end marker drains the rest (the connection is kept), and destroys past the limit', () => {
    const { body: b, aborted } = body();
    b.push(bytes('data: [DONE]\n\n'));
    b.release(true, 100);
    expect(b.push(Buffer.alloc(50))).toBe(true);
    b.end();
    expect(aborted).toHaveLength(0);

    const { body: endless, aborted: endlessAborts } = body();
    endless.release(true, 100);
    endless.push(Buffer.alloc(60));
    endless.push(Buffer.alloc(60));
    expect(endless.destroyed).toBe(true);
    expect(endlessAborts).toHaveLength(1);

    const { body: unfinished, aborted: unfinishedAborts } = body();
    unfinished.release(false);
    expect(unfinishedAborts).toHaveLength(1);
  });

  it('release gives a silent server a bounded time, then destroys the body', () => {
    vi.useFakeTimers();
    try {
      const { body: b, aborted } = body();
      b.release(true, 1024, 5_000);
      vi.advanceTimersByTime(4_999);
      expect(aborted).toHaveLength(0);
      vi.advanceTimersByTime(1);
      expect(aborted).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('headersOf', () => {
  it('lower-cases names, keeps repeated headers as an array in order, and treats __proto__ as a plain name', () => {
    const headers = headersOf(
      ['Content-Type', 'text/event-stream', 'Set-Cookie', 'a=1', 'set-cookie', 'b=2', '__proto__', 'x', 'X-Empty', ''].map((text) =>
        Buffer.from(text, 'latin1'),
      ),
    );
    expect(headers['content-type']).toBe('text/event-stream');
    expect(headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(Object.getOwnPropertyDescriptor(headers, '__proto__')?.value).toBe('x');
    expect(Object.getPrototypeOf(headers)).toBe(Object.prototype);
    expect(headers['x-empty']).toBe('');
  });
});

describe('UpstreamHead', () => {
  const raw = [
    'Content-Type',
    'text/event-stream',
    'X-Request-Id',
    'req_1',
    'Set-Cookie',
    'a=1',
    'set-cookie',
    'b=2',
    'X-Empty',
    '',
    'X-Request-Ix',
    'other',
  ].map((text) => Buffer.from(text, 'latin1'));

  it('answers one header by name without the others, and the same before and after they are all parsed', () => {
    const head = new UpstreamHead(200, raw, new UpstreamBody());
    const asked = ['content-type', 'x-request-id', 'set-cookie', 'x-empty', 'x-absent', 'x-request-ix'].map((name) => head.header(name));
    expect(asked).toEqual(['text/event-stream', 'req_1', undefined, undefined, undefined, 'other']);
    expect(head.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(['content-type', 'x-request-id', 'set-cookie', 'x-empty', 'x-absent', 'x-request-ix'].map((name) => head.header(name))).toEqual(asked);
  });
});

describe('UpstreamCall over loopback', () => {
  let server: http.Server;
  let origin: string;
  let agent: Agent;
  const sockets = new Set<string>();
  let release: (() => void) | undefined;

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      sockets.add(`${request.socket.remotePort}`);
      if (request.url === '/hints') {
        response.writeEarlyHints({ link: '</a.css>; rel=preload' });
        response.writeHead(200, { 'content-type': 'text/plain', 'x-twice': ['1', '2'] });
        response.end('after hints');
      } else if (request.url === '/slow-body') {
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.write('first ');
        release = () => response.end('last');
      } else if (request.url === '/reset') {
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.write('partial');
        setTimeout(() => request.socket.destroy(), 20);
      } else {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{"ok":true}');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    agent = new Agent({ connections: 1, pipelining: 1 });
  });
  afterAll(async () => {
    await agent.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  function start(path: string, signal = new AbortController().signal): UpstreamCall {
    const call = new UpstreamCall(signal);
    agent.dispatch({ origin, path, method: 'GET' }, call);
    return call;
  }

  it('resolves the head after any 1xx, with repeated headers as arrays, and reads the body on the same connection next time', async () => {
    const head = await start('/hints').head;
    expect(head.status).toBe(200);
    expect(head.headers['x-twice']).toEqual(['1', '2']);
    expect((await head.body.collect(1024, () => new Error('too large'))).toString()).toBe('after hints');
    const before = sockets.size;
    const again = await start('/').head;
    expect((await again.body.collect(1024, () => new Error('too large'))).toString()).toBe('{"ok":true}');
    expect(sockets.size).toBe(before); // the connection was reused
  });

  it('an abort before the head rejects with the signal’s reason', async () => {
    const controller = new AbortController();
    const call = start('/slow-body', controller.signal);
    const reason = new Error('client left');
    controller.abort(reason);
    await expect(call.head).rejects.toBe(reason);
    release?.();
  });

  it('an abort during the body rejects the pending read with the signal’s reason', async () => {
    const controller = new AbortController();
    const head = await start('/slow-body', controller.signal).head;
    expect((await head.body.read()).value?.toString()).toBe('first ');
    const pending = head.body.read();
    const reason = new Error('client left');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    release?.();
  });

  it('a connection reset mid-body fails the body with undici’s socket error', async () => {
    const head = await start('/reset').head;
    await expect(readAll(head.body)).rejects.toMatchObject({ code: 'UND_ERR_SOCKET' });
    expect(head.body.errored).toMatchObject({ code: 'UND_ERR_SOCKET' });
  });

  it('an already aborted signal never reaches the server', async () => {
    const before = sockets.size;
    const controller = new AbortController();
    const reason = new Error('gone already');
    controller.abort(reason);
    await expect(start('/', controller.signal).head).rejects.toBe(reason);
    expect(sockets.size).toBe(before);
  });
});
