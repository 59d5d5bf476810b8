// The headless HTTP transport through a real gateway: the admin token is the only credential (a client token is
// refused); a browser session needs a single-use sign-in nonce that only the admin token mints (never the admin
// token itself), then the cookie plus the CSRF header from an allowed origin; the UI is served with its CSP and
// nothing outside the build folder can be read.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlHarness, type ControlHarness } from '../../../test/support/control-harness.js';

let harness: ControlHarness;
let uiRoot: string;
let url: string;

beforeAll(async () => {
  uiRoot = mkdtempSync(join(tmpdir(), 'sy-ui-'));
  writeFileSync(join(uiRoot, 'index.html'), '<!doctype html><title>Switchyard</title><script type="module" src="./assets/app.js"></script>');
  mkdirSync(join(uiRoot, 'assets'));
  writeFileSync(join(uiRoot, 'assets', 'app.js'), 'console.log("ui");');
  // an allowlisted origin may call the gateway with a client token, but it is not the UI's origin
  harness = await startControlHarness({
    config: 'server:\n  allowed_origins: [http://localhost:3000]\nproviders:\n  - id: ollama\nledger:\n  price_refresh: false\n',
    uiRoot,
  });
  url = harness.booted.gateway.url;
});

afterAll(async () => {
  await harness.stop();
  rmSync(uiRoot, { recursive: true, force: true });
});

function api(call: string, init: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Response> {
  return fetch(`${url}/_switchyard/api/${call}`, {
    method: init.method ?? 'POST',
    headers: { 'content-type': 'application/json', ...(init.token === undefined ? {} : { authorization: `Bearer ${init.token}` }), ...init.headers },
    ...(init.body === undefined ? {} : { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
    redirect: 'manual',
  });
}

/** A raw request, so the path reaches the server exactly as written (fetch would normalise `..`). */
function rawGet(path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${url}${path}`, { method: 'GET', headers: { host: new URL(url).host } }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
    request.end();
  });
}

async function mintNonce(): Promise<string> {
  const response = await api('session.link', { token: harness.adminToken });
  expect(response.status).toBe(200);
  const answer = (await response.json()) as { nonce: string; expiresInSeconds: number };
  expect(answer).toEqual({ nonce: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), expiresInSeconds: 60 });
  return answer.nonce;
}

async function openSession(): Promise<string> {
  const response = await api('session', { body: { nonce: await mintNonce() }, headers: { 'x-switchyard-csrf': '1' } });
  expect(response.status).toBe(204);
  const cookie = response.headers.get('set-cookie') ?? '';
  expect(cookie).toMatch(/^switchyard_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/_switchyard; Max-Age=\d+$/);
  return cookie.split(';')[0] as string;
}

describe('admin token', () => {
  it('the admin token may call; a client token or none may not', async () => {
    const allowed = await api('status.get', { token: harness.adminToken });
    expect(allowed.status).toBe(200);
    expect(((await allowed.json()) as { url: string }).url).toBe(url);
    const withClientToken = await api('status.get', { token: harness.clientToken });
    expect(withClientToken.status).toBe(401);
    expect(await withClientToken.json()).toMatchObject({ error: { code: 'invalid_admin_token' } });
    expect((await api('status.get')).status).toBe(401);
    const viaApiKeyHeader = await api('status.get', { headers: { 'x-api-key': harness.clientToken } });
    expect(viaApiKeyHeader.status).toBe(401);
  });

  it('GET serves calls without a request; a call that takes one needs POST', async () => {
    expect((await api('routes.list', { method: 'GET', token: harness.adminToken })).status).toBe(200);
    const refused = await api('routes.delete', { method: 'GET', token: harness.adminToken });
    expect(refused.status).toBe(405);
    expect(refused.headers.get('allow')).toBe('POST');
  });

  it('bad JSON is a 400, an unknown call a 404, a bad field a 400 naming it', async () => {
    expect((await api('routes.save', { token: harness.adminToken, body: '{"name": ' })).status).toBe(400);
    const unknown = await api('routes.destroy', { token: harness.adminToken, body: {} });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'unknown_call' } });
    const invalid = await api('routes.save', { token: harness.adminToken, body: { name: 'x', targets: [{ model: 'nope', tier: 0 }] } });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ error: { call: 'routes.save', field: 'targets[0].model' } });
  });
});

describe('browser session', () => {
  it('the admin token buys a session cookie; cookie calls need the CSRF header and an allowed origin', async () => {
    const cookie = await openSession();
    const withHeader = await api('settings.get', { headers: { cookie, 'x-switchyard-csrf': '1', origin: url } });
    expect(withHeader.status).toBe(200);
    const withoutHeader = await api('settings.get', { headers: { cookie } });
    expect(withoutHeader.status).toBe(403);
    expect(await withoutHeader.json()).toMatchObject({ error: { code: 'csrf_header_missing' } });
    const foreign = await api('settings.get', { headers: { cookie, 'x-switchyard-csrf': '1', origin: 'https://evil.example' } });
    expect(foreign.status).toBe(403);
    const allowlistedElsewhere = await api('settings.get', { headers: { cookie, 'x-switchyard-csrf': '1', origin: 'http://localhost:3000' } });
    expect(allowlistedElsewhere.status).toBe(403);
    expect(await allowlistedElsewhere.json()).toMatchObject({ error: { code: 'origin_not_allowed' } });
    const forged = await api('settings.get', { headers: { cookie: 'switchyard_session=made-up', 'x-switchyard-csrf': '1' } });
    expect(forged.status).toBe(401);
    const ended = await api('session', { method: 'DELETE', headers: { cookie } });
    expect(ended.status).toBe(204);
    expect((await api('settings.get', { headers: { cookie, 'x-switchyard-csrf': '1' } })).status).toBe(401);
  });

  it('a sign-in nonce opens one session, once', async () => {
    const nonce = await mintNonce();
    const first = await api('session', { body: { nonce }, headers: { 'x-switchyard-csrf': '1' } });
    expect(first.status).toBe(204);
    expect(first.headers.get('set-cookie')).toMatch(/^switchyard_session=/);
    const second = await api('session', { body: { nonce }, headers: { 'x-switchyard-csrf': '1' } });
    expect(second.status).toBe(401);
    expect(second.headers.get('set-cookie')).toBeNull();
    expect(await second.json()).toMatchObject({ error: { code: 'invalid_sign_in' } });
  });

  it('only the admin token mints a nonce: not a client token, not a session, not a GET', async () => {
    const cookie = await openSession();
    const withClientToken = await api('session.link', { token: harness.clientToken });
    expect(withClientToken.status).toBe(401);
    expect(await withClientToken.json()).toMatchObject({ error: { code: 'invalid_admin_token' } });
    expect((await api('session.link', { headers: { 'x-api-key': harness.clientToken } })).status).toBe(401);
    expect((await api('session.link')).status).toBe(401);
    expect((await api('session.link', { headers: { cookie, 'x-switchyard-csrf': '1' } })).status).toBe(401);
    expect((await api('session.link', { method: 'GET', token: harness.adminToken })).status).toBe(405);
  });

  it('the admin token itself never opens a session, in any field', async () => {
    for (const body of [{ token: harness.adminToken }, { nonce: harness.adminToken }, { nonce: harness.adminToken, token: harness.adminToken }]) {
      const refused = await api('session', { body, headers: { 'x-switchyard-csrf': '1' } });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('set-cookie')).toBeNull();
      expect(await refused.text()).not.toContain(harness.adminToken.slice(4, 14));
    }
    expect((await api('session', { body: { nonce: harness.clientToken }, headers: { 'x-switchyard-csrf': '1' } })).status).toBe(401);
  });

  it("the exchange needs the CSRF header and the page's own origin; a refused attempt uses the nonce up", async () => {
    // (a foreign origin never gets this far: the router refuses it before the management handler)
    expect(
      (await api('session', { body: { nonce: await mintNonce() }, headers: { 'x-switchyard-csrf': '1', origin: 'http://evil.example:5454' } })).status,
    ).toBe(403);
    for (const headers of [{}, { 'x-switchyard-csrf': '1', origin: 'http://localhost:3000' }] as Record<string, string>[]) {
      const nonce = await mintNonce();
      const refused = await api('session', { body: { nonce }, headers });
      expect(refused.status).toBe(403);
      expect(refused.headers.get('set-cookie')).toBeNull();
      expect((await api('session', { body: { nonce }, headers: { 'x-switchyard-csrf': '1' } })).status).toBe(401);
    }
    expect((await api('session', { body: 'not json', headers: { 'x-switchyard-csrf': '1' } })).status).toBe(400);
  });
});

describe('the UI', () => {
  it('/_switchyard redirects to /_switchyard/, which serves index.html with a strict CSP', async () => {
    const redirect = await fetch(`${url}/_switchyard`, { redirect: 'manual' });
    expect(redirect.status).toBe(308);
    expect(redirect.headers.get('location')).toBe('/_switchyard/');
    const page = await fetch(`${url}/_switchyard/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const policy = page.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toContain('unsafe');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(await page.text()).toContain('<title>Switchyard</title>');
    const script = await fetch(`${url}/_switchyard/assets/app.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('cache-control')).toContain('immutable');
  });

  it.each([
    '/_switchyard/../admin-token',
    '/_switchyard/%2e%2e/admin-token',
    '/_switchyard/..%2fadmin-token',
    '/_switchyard/assets/..%2f..%2fadmin-token',
    '/_switchyard/%00',
    '/_switchyard/nothing-here.js',
  ])('%s is a 404 that reveals nothing', async (path) => {
    const answer = await rawGet(path);
    expect(answer.status).toBe(404);
    expect(answer.body).not.toContain(harness.adminToken.slice(4, 14));
  });

  it('the UI answers GET only', async () => {
    expect((await fetch(`${url}/_switchyard/`, { method: 'POST' })).status).toBe(405);
  });
});

describe('desktop mode', () => {
  it('without the headless transport there is no management API over HTTP', async () => {
    const desktop = await startControlHarness();
    try {
      const answer = await fetch(`${desktop.booted.gateway.url}/_switchyard/api/status.get`, { headers: { authorization: `Bearer ${desktop.adminToken}` } });
      expect(answer.status).toBe(404);
      expect((await fetch(`${desktop.booted.gateway.url}/_switchyard/`)).status).toBe(404);
    } finally {
      await desktop.stop();
    }
  });
});
