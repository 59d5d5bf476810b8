// `switchyard ui` against a real `switchyard serve`: the link it prints carries a single-use sign-in nonce the
// gateway minted for the admin token — never the admin token itself. The nonce opens one session, once; minting
// needs the admin token; the admin token is refused at the exchange, whatever field it comes in.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startServe, type ServeProcess } from '../support/serve-process.js';

let serve: ServeProcess;
let adminToken: string;

beforeAll(async () => {
  serve = await startServe({ config: { providers: [] } });
  adminToken = readFileSync(join(serve.dataDir, 'admin-token'), 'utf8').trim();
});

afterAll(async () => {
  await serve?.stop();
});

/** What the page does with the link: POST the nonce with the CSRF header from its own origin. */
function exchange(body: unknown): Promise<Response> {
  return fetch(`${serve.url}/_switchyard/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-switchyard-csrf': '1', origin: serve.url },
    body: JSON.stringify(body),
  });
}

function mint(headers: Record<string, string>): Promise<Response> {
  return fetch(`${serve.url}/_switchyard/api/session.link`, { method: 'POST', headers });
}

async function printedLink(): Promise<URL> {
  const printed = await runCli(['ui', '--url', serve.url, '--data-dir', serve.dataDir]);
  expect(printed.code, printed.stderr).toBe(0);
  expect(`${printed.stdout}${printed.stderr}`).not.toContain(adminToken);
  return new URL(printed.stdout.trim());
}

describe('switchyard ui', () => {
  it('prints a link to the UI with a sign-in nonce, and without the admin token', async () => {
    const printed = await runCli(['ui', '--url', serve.url, '--data-dir', serve.dataDir]);
    expect(printed.code).toBe(0);
    expect(printed.stdout).toMatch(new RegExp(`^${serve.url.replaceAll('.', '\\.')}/_switchyard/#signin=[A-Za-z0-9_-]{43}\\n$`));
    expect(printed.stdout).not.toContain(adminToken);
    // not even a piece of it
    for (let start = 0; start + 8 <= adminToken.length; start += 4) expect(printed.stdout).not.toContain(adminToken.slice(start, start + 8));
    expect(printed.stderr).toContain('once, within 60 s');
    const link = new URL(printed.stdout.trim());
    expect(link.search).toBe('');
    expect(link.hash).not.toContain('admin');
  });

  it('the nonce opens a session once; a second exchange with it is refused', async () => {
    const nonce = new URLSearchParams((await printedLink()).hash.slice(1)).get('signin') ?? '';
    const first = await exchange({ nonce });
    expect(first.status).toBe(204);
    const cookie = (first.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    expect(cookie).toMatch(/^switchyard_session=[A-Za-z0-9_-]{43}$/);
    const settings = await fetch(`${serve.url}/_switchyard/api/settings.get`, {
      method: 'POST',
      headers: { cookie, 'x-switchyard-csrf': '1', origin: serve.url, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(settings.status).toBe(200);

    const second = await exchange({ nonce });
    expect(second.status).toBe(401);
    expect(second.headers.get('set-cookie')).toBeNull();
    expect(await second.json()).toMatchObject({ error: { code: 'invalid_sign_in' } });
  });

  it('each run prints a new link; each opens its own session', async () => {
    const [one, two] = await Promise.all([printedLink(), printedLink()]);
    expect(one.hash).not.toBe(two.hash);
    for (const link of [two, one]) expect((await exchange({ nonce: new URLSearchParams(link.hash.slice(1)).get('signin') })).status).toBe(204);
  });

  it('minting a nonce needs the admin token: not a client token, nor nothing', async () => {
    const withClientToken = await mint({ authorization: `Bearer ${serve.token}` });
    expect(withClientToken.status).toBe(401);
    expect(await withClientToken.json()).toMatchObject({ error: { code: 'invalid_admin_token' } });
    expect((await mint({ 'x-api-key': serve.token })).status).toBe(401);
    expect((await mint({})).status).toBe(401);
    const allowed = await mint({ authorization: `Bearer ${adminToken}` });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('cache-control')).toBe('no-store');
  });

  it('the old `#admin=<token>` exchange is refused: the admin token never opens a session', async () => {
    for (const body of [{ token: adminToken }, { nonce: adminToken }]) {
      const refused = await exchange(body);
      expect(refused.status).toBe(401);
      expect(refused.headers.get('set-cookie')).toBeNull();
      expect(await refused.text()).not.toContain(adminToken);
    }
  });

  it('with no gateway running, says so and prints no link', async () => {
    const closed = await runCli(['ui', '--url', 'http://127.0.0.1:9', '--data-dir', serve.dataDir]);
    expect(closed.code).not.toBe(0);
    expect(closed.stdout).toBe('');
    expect(closed.stderr).toMatch(/no Switchyard answering at http:\/\/127\.0\.0\.1:9/);
    expect(closed.stderr).not.toContain(adminToken);
  });
});
