import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { AppStatus } from '../../preload/bridge-api.js';
import { IpcRefusedError, guardIpcRoute, isTrustedSender, type InvokeEventLike } from './ipc-guard.js';
import { statusRoute } from './ipc-routes.js';
import type { RendererSource } from './renderer-source.js';

const source: RendererSource = { kind: 'file', url: 'file:///app/dist/renderer/index.html' };
const appPage = 'file:///app/dist/renderer/index.html';
const topFrame = (url: string): InvokeEventLike => ({ senderFrame: { url, parent: null } });

const status: AppStatus = {
  phase: 'running',
  gatewayUrl: 'http://127.0.0.1:5454/v1',
  message: null,
  configSource: null,
  inFlight: 0,
  providers: [],
  checkedAt: null,
};

describe('isTrustedSender', () => {
  it('trusts the app page in the top frame', () => {
    expect(isTrustedSender(topFrame(appPage), source)).toBe(true);
    expect(isTrustedSender(topFrame(`${appPage}#/settings`), source)).toBe(true);
  });

  it('refuses a frame that is gone', () => {
    expect(isTrustedSender({ senderFrame: null }, source)).toBe(false);
  });

  it('refuses a subframe even when it shows the app page', () => {
    expect(isTrustedSender({ senderFrame: { url: appPage, parent: { url: appPage } } }, source)).toBe(false);
  });

  it('refuses other pages', () => {
    expect(isTrustedSender(topFrame('https://evil.example/'), source)).toBe(false);
    expect(isTrustedSender(topFrame('file:///tmp/downloaded.html'), source)).toBe(false);
    expect(isTrustedSender(topFrame('about:blank'), source)).toBe(false);
  });
});

describe('guardIpcRoute', () => {
  const route = {
    channel: 'test:echo',
    request: z.tuple([z.string().max(8)]),
    handle: vi.fn((request: [string]) => Promise.resolve(request[0].toUpperCase())),
  };

  it('passes parsed arguments from a trusted sender to the handler', async () => {
    const handler = guardIpcRoute(route, source);
    await expect(handler(topFrame(appPage), 'hello')).resolves.toBe('HELLO');
  });

  it('refuses an untrusted sender before parsing or handling', async () => {
    route.handle.mockClear();
    const refused: IpcRefusedError[] = [];
    const handler = guardIpcRoute(route, source, (error) => refused.push(error));
    await expect(handler(topFrame('https://evil.example/'), 'hello')).rejects.toThrow(IpcRefusedError);
    expect(route.handle).not.toHaveBeenCalled();
    expect(refused.map((error) => error.reason)).toEqual(['untrusted-sender']);
  });

  it.each([[[]], [[42]], [['much too long']], [['ok', 'extra']]])('refuses invalid arguments %j', async (args) => {
    route.handle.mockClear();
    const handler = guardIpcRoute(route, source);
    const result = handler(topFrame(appPage), ...args);
    await expect(result).rejects.toMatchObject({ name: 'IpcRefusedError', reason: 'invalid-request' });
    expect(route.handle).not.toHaveBeenCalled();
  });

  it('tells the renderer what was refused, not why in detail', async () => {
    const handler = guardIpcRoute(route, source);
    await expect(handler(topFrame('https://evil.example/'))).rejects.toThrow('test:echo: caller is not the Switchyard window');
  });
});

describe('statusRoute', () => {
  it('is the preload channel and takes no arguments', async () => {
    const handler = guardIpcRoute(statusRoute({ status: () => Promise.resolve(status) }), source);
    expect(statusRoute({ status: () => Promise.resolve(status) }).channel).toBe('switchyard:get-status');
    await expect(handler(topFrame(appPage))).resolves.toEqual(status);
    await expect(handler(topFrame(appPage), { include: 'keys' })).rejects.toMatchObject({ reason: 'invalid-request' });
  });
});
