import { describe, expect, it, vi } from 'vitest';
import { hardenSession, hardenWebContents, type HardenableContents, type HardenableSession } from './hardening.js';
import type { RendererSource } from './renderer-source.js';

const source: RendererSource = { kind: 'file', url: 'file:///app/dist/renderer/index.html' };
const appPage = 'file:///app/dist/renderer/index.html';

type Listener = (event: { url: string; preventDefault(): void }) => void;

function fakeContents() {
  const listeners = new Map<string, Listener>();
  let openHandler: ((details: { url: string }) => { action: 'deny' }) | undefined;
  const contents: HardenableContents = {
    setWindowOpenHandler: (handler) => {
      openHandler = handler;
    },
    on: (event: string, listener: Listener) => {
      listeners.set(event, listener);
      return contents;
    },
  };
  const navigate = (event: 'will-navigate' | 'will-redirect' | 'will-attach-webview', url: string): boolean => {
    const listener = listeners.get(event);
    if (!listener) throw new Error(`no ${event} listener`);
    let prevented = false;
    listener({ url, preventDefault: () => (prevented = true) });
    return prevented;
  };
  const open = (url: string) => {
    if (!openHandler) throw new Error('no window open handler');
    return openHandler({ url });
  };
  return { contents, navigate, open };
}

describe('hardenWebContents', () => {
  it('denies every new window and opens only https links in the browser', () => {
    const { contents, open } = fakeContents();
    const openExternal = vi.fn();
    hardenWebContents(contents, source, { openExternal, log: () => undefined });
    expect(open('https://ollama.com/')).toEqual({ action: 'deny' });
    expect(open('http://ollama.com/')).toEqual({ action: 'deny' });
    expect(open('file:///etc/passwd')).toEqual({ action: 'deny' });
    expect(open(appPage)).toEqual({ action: 'deny' });
    expect(openExternal.mock.calls).toEqual([['https://ollama.com/']]);
  });

  it('keeps the window on the app page', () => {
    const { contents, navigate } = fakeContents();
    const openExternal = vi.fn();
    hardenWebContents(contents, source, { openExternal, log: () => undefined });
    expect(navigate('will-navigate', `${appPage}#/logs`)).toBe(false);
    expect(navigate('will-navigate', 'https://evil.example/phish')).toBe(true);
    expect(navigate('will-navigate', 'file:///home/me/notes.html')).toBe(true);
    expect(navigate('will-redirect', 'http://127.0.0.1:8080/')).toBe(true);
    expect(openExternal.mock.calls).toEqual([['https://evil.example/phish']]);
  });

  it('refuses <webview>', () => {
    const { contents, navigate } = fakeContents();
    hardenWebContents(contents, source, { openExternal: () => undefined, log: () => undefined });
    expect(navigate('will-attach-webview', '')).toBe(true);
  });

  it('logs blocked URLs without their path or query', () => {
    const { contents, navigate } = fakeContents();
    const log = vi.fn();
    hardenWebContents(contents, source, { openExternal: () => undefined, log });
    navigate('will-navigate', 'http://attacker.example/steal?token=sy-secret-token-value');
    expect(log).toHaveBeenCalledWith('blocked navigation to http://attacker.example');
    expect(JSON.stringify(log.mock.calls)).not.toContain('secret');
  });
});

describe('hardenSession', () => {
  function fakeSession() {
    const handlers: {
      request?: Parameters<HardenableSession['setPermissionRequestHandler']>[0];
      check?: Parameters<HardenableSession['setPermissionCheckHandler']>[0];
      headers?: Parameters<HardenableSession['webRequest']['onHeadersReceived']>[0];
    } = {};
    const session: HardenableSession = {
      setPermissionRequestHandler: (handler) => {
        handlers.request = handler;
      },
      setPermissionCheckHandler: (handler) => {
        handlers.check = handler;
      },
      webRequest: {
        onHeadersReceived: (listener) => {
          handlers.headers = listener;
        },
      },
    };
    return { session, handlers };
  }

  it('denies every permission request and check', () => {
    const { session, handlers } = fakeSession();
    hardenSession(session, source, { log: () => undefined });
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'unknown']) {
      const callback = vi.fn();
      handlers.request?.({}, permission, callback);
      expect(callback).toHaveBeenCalledWith(false);
      expect(handlers.check?.({}, permission)).toBe(false);
    }
  });

  it('puts the CSP header on the app page only', () => {
    const { session, handlers } = fakeSession();
    hardenSession(session, source, { log: () => undefined });
    const respond = (url: string, responseHeaders?: Record<string, string[]>) => {
      let result: Record<string, string[]> | undefined;
      handlers.headers?.({ url, ...(responseHeaders ? { responseHeaders } : {}) }, (response) => (result = response.responseHeaders));
      return result;
    };
    expect(respond(appPage)?.['Content-Security-Policy']?.[0]).toMatch(/^default-src 'none'; script-src 'self';/);
    expect(respond('https://api.example.com/x', { 'Content-Type': ['application/json'] })).toEqual({ 'Content-Type': ['application/json'] });
  });

  it('allows what the Vite dev server needs when the page comes from it', () => {
    const { session, handlers } = fakeSession();
    hardenSession(session, { kind: 'dev-server', url: 'http://localhost:5173/' }, { log: () => undefined });
    let policy = '';
    handlers.headers?.({ url: 'http://localhost:5173/' }, (response) => (policy = response.responseHeaders['Content-Security-Policy']?.[0] ?? ''));
    expect(policy).toContain('ws://localhost:5173');
    expect(policy).toContain("script-src 'self' 'unsafe-inline'");
  });
});
