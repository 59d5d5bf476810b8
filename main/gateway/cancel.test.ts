import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LightAbortController } from './cancel.js';

describe('LightAbortController', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('aborts once with the given reason, or an AbortError like AbortController', () => {
    const controller = new LightAbortController();
    expect(controller.signal.aborted).toBe(false);
    expect(() => controller.signal.throwIfAborted()).not.toThrow();
    const reason = new Error('first');
    controller.abort(reason);
    controller.abort(new Error('second'));
    expect(controller.signal.aborted).toBe(true);
    expect(controller.signal.reason).toBe(reason);
    expect(() => controller.signal.throwIfAborted()).toThrow('first');

    const plain = new LightAbortController();
    plain.abort();
    expect(plain.signal.reason).toBeInstanceOf(DOMException);
    expect((plain.signal.reason as DOMException).name).toBe('AbortError');
    const native = new AbortController();
    native.abort();
    expect((plain.signal.reason as DOMException).message).toBe((native.signal.reason as DOMException).message);
  });

  it('calls onabort, then each abort listener once, in order; duplicates, removed ones and late ones are not called', () => {
    const controller = new LightAbortController();
    const calls: string[] = [];
    const first = (event: Event): void => void calls.push(`first:${event.type}`);
    const removed = (): void => void calls.push('removed');
    controller.signal.onabort = () => calls.push('onabort');
    controller.signal.addEventListener('abort', first, { once: true });
    controller.signal.addEventListener('abort', first); // the same listener twice counts once, as on an EventTarget
    controller.signal.addEventListener('abort', removed);
    controller.signal.addEventListener('abort', { handleEvent: () => calls.push('object') });
    controller.signal.addEventListener('other', () => calls.push('other type'));
    controller.signal.removeEventListener('abort', removed);
    controller.abort();
    controller.abort();
    controller.signal.addEventListener('abort', () => calls.push('late'));
    expect(calls).toEqual(['onabort', 'first:abort', 'object']);
  });

  it('a throwing listener does not stop the others; its error surfaces as an uncaught exception', () => {
    const surfaced: Array<() => void> = [];
    vi.spyOn(globalThis, 'queueMicrotask').mockImplementation((callback) => void surfaced.push(callback));
    const controller = new LightAbortController();
    const after = vi.fn();
    controller.signal.addEventListener('abort', () => {
      throw new Error('listener bug');
    });
    controller.signal.addEventListener('abort', after);
    controller.abort();
    expect(after).toHaveBeenCalledTimes(1);
    expect(surfaced).toHaveLength(1);
    expect(() => surfaced[0]?.()).toThrow('listener bug');
  });

  describe('as the signal of an undici request', () => {
    let server: Server | undefined;
    afterEach(async () => {
      server?.closeAllConnections();
      await new Promise((resolve) => server?.close(resolve));
    });

    it('cancels the request in flight with its reason, and the server sees the connection close', async () => {
      let closed: () => void = () => undefined;
      const serverSawClose = new Promise<void>((resolve) => (closed = resolve));
      server = createServer((incoming, response) => {
        response.once('close', () => closed());
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.write('partial'); // and never ends
      });
      await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      const controller = new LightAbortController();
      const response = await request(`http://127.0.0.1:${port}/`, { signal: controller.signal });
      const body = response.body.text();
      const reason = new Error('attempt timed out');
      controller.abort(reason);
      await expect(body).rejects.toBe(reason);
      await serverSawClose;
    });

    it('a request whose signal is already aborted never reaches the server, as with AbortController', async () => {
      let requests = 0;
      server = createServer((incoming, response) => {
        requests += 1;
        response.end('ok');
      });
      await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      for (const controller of [new LightAbortController(), new AbortController()]) {
        const reason = new Error('client left');
        controller.abort(reason);
        await expect(request(`http://127.0.0.1:${port}/`, { signal: controller.signal })).rejects.toBe(reason);
      }
      expect(requests).toBe(0);
    });
  });
});
