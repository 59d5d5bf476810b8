// The admin UI's sign-in through a TLS reverse proxy that keeps the Host (as Caddy does by default, and nginx with
// `proxy_set_header Host $host`): a real `switchyard serve` behind a loopback node:https proxy with a throwaway
// certificate. The page's own https origin on an allowed Host signs in and calls; every other origin is still
// refused, an origin allowlisted for CORS included, and a Host off the list is refused before anything else.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe, type ServeProcess } from '../support/serve-process.js';
import { startTlsProxy, throughProxy, type ProxyAnswer as Answer, type TlsProxy } from '../support/tls-proxy.js';

const name = 'switchyard.test';
let serve: ServeProcess | undefined;
let proxy: TlsProxy;
let adminToken: string;
let origin: string;

beforeAll(async () => {
  proxy = await startTlsProxy({ name, upstream: () => serve?.url ?? 'http://127.0.0.1:9' });
  origin = proxy.url;
  serve = await startServe({
    config: {
      // the proxy's port: a browser names it in the Host; on 443 the entry is the bare name
      server: { allowed_hosts: [`${name}:${proxy.port}`], allowed_origins: ['https://app.example.com'] },
      providers: [],
    },
  });
  adminToken = readFileSync(join(serve.dataDir, 'admin-token'), 'utf8').trim();
});

afterAll(async () => {
  await serve?.stop();
  await proxy?.close();
});

/** One request through the proxy, its certificate verified, with the Host a browser would send. */
function viaProxy(path: string, init: Parameters<typeof throughProxy>[2] = {}): Promise<Answer> {
  return throughProxy(proxy, path, init);
}

async function mintNonce(): Promise<string> {
  const minted = await viaProxy('/_switchyard/api/session.link', { headers: { authorization: `Bearer ${adminToken}` } });
  expect(minted.status, minted.body).toBe(200);
  return (JSON.parse(minted.body) as { nonce: string }).nonce;
}

function exchange(nonce: string, from: string): Promise<Answer> {
  return viaProxy('/_switchyard/api/session', { body: { nonce }, headers: { 'x-switchyard-csrf': '1', origin: from } });
}

function errorCode(answer: Answer): string | undefined {
  return (JSON.parse(answer.body) as { error?: { code?: string } }).error?.code;
}

describe('admin sign-in through a TLS reverse proxy', () => {
  it("signs in from the page's https origin; the cookie is Secure and the session calls work", async () => {
    const signedIn = await exchange(await mintNonce(), origin);
    expect(signedIn.status, signedIn.body).toBe(204);
    const setCookie = String(signedIn.headers['set-cookie'] ?? '');
    expect(setCookie).toMatch(/^switchyard_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/_switchyard; Max-Age=\d+; Secure$/);
    const cookie = setCookie.split(';')[0] as string;
    const settings = await viaProxy('/_switchyard/api/settings.get', { headers: { cookie, 'x-switchyard-csrf': '1', origin }, body: {} });
    expect(settings.status, settings.body).toBe(200);
    // the playground path takes the same session from the same origin (no provider here: a routing error, not a 403)
    const playground = await viaProxy('/_switchyard/v1/chat/completions', {
      headers: { cookie, 'x-switchyard-csrf': '1', origin },
      body: { model: 'nothing/here', messages: [{ role: 'user', content: 'hi' }] },
    });
    expect(playground.status).not.toBe(403);
    expect(playground.status).not.toBe(401);
    expect(proxy.forwarded()).toBeGreaterThanOrEqual(4);
  });

  it('refuses every other origin: foreign, allowlisted for CORS, or the right name on another port', async () => {
    for (const from of ['https://evil.example', 'https://app.example.com', `https://${name}`, `https://${name}.evil.example:${proxy.port}`]) {
      const refused = await exchange(await mintNonce(), from);
      expect(refused.status, from).toBe(403);
      expect(errorCode(refused), from).toBe('origin_not_allowed');
      expect(refused.headers['set-cookie'], from).toBeUndefined();
    }
    // a session opened properly is still refused from elsewhere, and without the CSRF header
    const signedIn = await exchange(await mintNonce(), origin);
    const cookie = String(signedIn.headers['set-cookie'] ?? '').split(';')[0] as string;
    for (const from of ['https://evil.example', 'https://app.example.com']) {
      const refused = await viaProxy('/_switchyard/api/settings.get', { headers: { cookie, 'x-switchyard-csrf': '1', origin: from }, body: {} });
      expect(refused.status, from).toBe(403);
      expect(errorCode(refused), from).toBe('origin_not_allowed');
    }
    const noCsrf = await viaProxy('/_switchyard/api/settings.get', { headers: { cookie, origin }, body: {} });
    expect(noCsrf.status).toBe(403);
    expect(errorCode(noCsrf)).toBe('csrf_header_missing');
    const playground = await viaProxy('/_switchyard/v1/chat/completions', {
      headers: { cookie, 'x-switchyard-csrf': '1', origin: 'https://app.example.com' },
      body: { model: 'x/y', messages: [{ role: 'user', content: 'hi' }] },
    });
    expect(playground.status).toBe(403);
  });

  it('a Host off server.allowed_hosts is refused through the proxy, whatever the origin says', async () => {
    const other = await viaProxy('/_switchyard/api/session', {
      host: `other.test:${proxy.port}`,
      body: { nonce: await mintNonce() },
      headers: { 'x-switchyard-csrf': '1', origin: `https://other.test:${proxy.port}` },
    });
    expect(other.status).toBe(403);
    expect(errorCode(other)).toBe('host_not_allowed');
  });
});
