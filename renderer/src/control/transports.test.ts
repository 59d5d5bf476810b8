// The transports: HTTP (path, headers, cookie-only credentials, validation, errors, lost session), the browser
// session handshake from #signin=<nonce> (and the old #admin= links, refused), and the desktop bridge.
import { describe, expect, it, vi } from 'vitest';
import { createBridgeControlClient, isControlBridge } from './bridge-transport';
import { connect } from './choose-transport';
import { ControlCallError, SessionExpiredError } from './control-error';
import { createHttpControlClient, type Fetch } from './http-transport';
import { establishSession, signInFromFragment } from './session';

const settings = {
  host: '127.0.0.1',
  port: 5454,
  startAtLogin: false,
  offline: null,
  autoOffline: true,
  referenceModel: 'openai/gpt-4.1-mini',
  priceRefresh: true,
  capture: { enabled: false, retentionDays: 7, maxBytesPerRequest: 262_144 },
  requestRetentionDays: null,
};

function fakeFetch(status: number, body: unknown): Fetch & ReturnType<typeof vi.fn> {
  return vi.fn(async () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }));
}

describe('HTTP transport', () => {
  it('POSTs the request as JSON to /_switchyard/api/<call> with the CSRF header and same-origin cookies', async () => {
    const fetch = fakeFetch(200, settings);
    const client = createHttpControlClient({ origin: 'http://127.0.0.1:5454', fetch });
    await expect(client['settings.set']({ offline: true })).resolves.toEqual(settings);
    const [url, init] = fetch.mock.calls[0] as [string, RequestInit];
    expect(url).toBe('http://127.0.0.1:5454/_switchyard/api/settings.set');
    expect(init.method).toBe('POST');
    expect(init.credentials).toBe('same-origin');
    expect(init.headers).toMatchObject({ 'x-switchyard-csrf': '1', 'content-type': 'application/json' });
    expect(JSON.parse(String(init.body))).toEqual({ offline: true });
  });

  it('turns an error answer into a ControlCallError with its code and field', async () => {
    const client = createHttpControlClient({
      origin: '',
      fetch: fakeFetch(409, { error: { call: 'providers.add', message: 'exists', code: 'conflict', field: 'id' } }),
    });
    const failure = await client['providers.add']({ id: 'x' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ControlCallError);
    expect(failure).toMatchObject({ message: 'exists', code: 'conflict', field: 'id' });
  });

  it('refuses an answer that does not match the contract', async () => {
    const client = createHttpControlClient({ origin: '', fetch: fakeFetch(200, { ...settings, port: 'many' }) });
    await expect(client['settings.get']({})).rejects.toMatchObject({ code: 'invalid_response' });
  });

  it('reports a lost session once, as SessionExpiredError', async () => {
    const onSessionExpired = vi.fn();
    const client = createHttpControlClient({ origin: '', fetch: fakeFetch(401, { error: { message: 'no session' } }), onSessionExpired });
    await expect(client['status.get']({})).rejects.toBeInstanceOf(SessionExpiredError);
    expect(onSessionExpired).toHaveBeenCalledTimes(1);
  });

  it('says the core is not answering when the connection fails', async () => {
    const client = createHttpControlClient({ origin: '', fetch: () => Promise.reject(new TypeError('fetch failed')) });
    await expect(client['status.get']({})).rejects.toMatchObject({ code: 'unreachable' });
  });
});

describe('browser session', () => {
  const location = { origin: 'http://127.0.0.1:5454', pathname: '/_switchyard/', search: '', hash: '#signin=one-time-nonce' };

  it('reads the sign-in nonce from the fragment only, and recognises an old #admin= link', () => {
    expect(signInFromFragment('#signin=abc')).toEqual({ kind: 'nonce', nonce: 'abc' });
    expect(signInFromFragment('#admin=sya-secret-token')).toEqual({ kind: 'admin-token' });
    expect(signInFromFragment('#/logs')).toBeUndefined();
    expect(signInFromFragment('#signin=')).toBeUndefined();
    expect(signInFromFragment('')).toBeUndefined();
  });

  it('wipes the fragment before trading the nonce for a cookie in a POST body', async () => {
    const order: string[] = [];
    const history = { replaceState: vi.fn((_data: unknown, _unused: string, url: string) => order.push(`replace ${url}`)) };
    const fetch = vi.fn(async (url: string, init: RequestInit) => {
      order.push(`fetch ${init.method} ${url} ${String(init.body)}`);
      return new Response('{}', { status: 200 });
    });
    await expect(establishSession({ ...location, search: '?x=1' }, history, fetch)).resolves.toBe('established');
    expect(order).toEqual(['replace /_switchyard/?x=1', 'fetch POST http://127.0.0.1:5454/_switchyard/api/session {"nonce":"one-time-nonce"}']);
    expect((fetch.mock.calls[0]?.[1] as RequestInit).headers).toMatchObject({ 'x-switchyard-csrf': '1' });
  });

  it('an old #admin= link is wiped from the address bar and sent nowhere', async () => {
    const history = { replaceState: vi.fn() };
    const fetch = fakeFetch(204, {});
    await expect(establishSession({ ...location, hash: '#admin=sya-secret-token' }, history, fetch)).resolves.toBe('rejected');
    expect(history.replaceState).toHaveBeenCalledWith(null, '', '/_switchyard/');
    expect(fetch).not.toHaveBeenCalled();
  });

  it('does nothing without a nonce, and reports a refused one', async () => {
    const fetch = fakeFetch(401, {});
    await expect(establishSession({ ...location, hash: '' }, { replaceState: vi.fn() }, fetch)).resolves.toBe('no-token');
    expect(fetch).not.toHaveBeenCalled();
    await expect(establishSession(location, { replaceState: vi.fn() }, fetch)).resolves.toBe('rejected');
  });
});

describe('desktop bridge', () => {
  it('calls the function named after the call and validates its answer', async () => {
    const bridge = { 'status.get': vi.fn(), 'settings.get': vi.fn(async () => settings) };
    expect(isControlBridge(bridge)).toBe(true);
    expect(isControlBridge({ getStatus: () => undefined })).toBe(false);
    const client = createBridgeControlClient(bridge);
    await expect(client['settings.get']({})).resolves.toEqual(settings);
    expect(bridge['settings.get']).toHaveBeenCalledWith({});
  });

  it('turns error answers and rejections into ControlCallErrors', async () => {
    const client = createBridgeControlClient({
      'status.get': async () => ({ error: { call: 'status.get', message: 'broken', code: 'internal', field: null } }),
      'settings.get': async () => Promise.reject(new Error("Error invoking remote method 'settings.get': Error: caller is not the Switchyard window")),
    });
    await expect(client['status.get']({})).rejects.toMatchObject({ message: 'broken', code: 'internal' });
    await expect(client['settings.get']({})).rejects.toMatchObject({ message: 'caller is not the Switchyard window' });
    await expect(client['routes.list']({})).rejects.toMatchObject({ code: 'unsupported_call' });
  });
});

describe('choosing the transport', () => {
  const base = {
    location: { origin: 'file://', protocol: 'file:', pathname: '/index.html', search: '', hash: '' },
    history: { replaceState: vi.fn() },
    fetch: fakeFetch(200, {}),
    onSessionExpired: vi.fn(),
  };

  it('prefers the desktop bridge, then HTTP when served over http, else says it is unavailable', async () => {
    expect((await connect({ ...base, bridge: { 'status.get': vi.fn() } })).kind).toBe('desktop');
    expect((await connect({ ...base, bridge: undefined, location: { ...base.location, origin: 'http://127.0.0.1:5454', protocol: 'http:' } })).kind).toBe(
      'browser',
    );
    expect((await connect({ ...base, bridge: undefined })).kind).toBe('unavailable');
  });
});
