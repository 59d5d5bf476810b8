// `switchyard serve` prints the UI address with a one-time sign-in link at start, minted in-process: opening it
// (the page, then the nonce traded as the page does) signs in once; the second use is refused, and the admin token
// is nowhere in the output.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe, type ServeProcess } from '../support/serve-process.js';

let serve: ServeProcess;

beforeAll(async () => {
  serve = await startServe({ config: { providers: [] }, env: { SWITCHYARD_DISCOVERY_PORTS: 'none' } });
});

afterAll(async () => {
  await serve?.stop();
});

/** What the page does with `#signin=…`: POST the nonce with the CSRF header from its own origin. */
function exchange(nonce: string): Promise<Response> {
  return fetch(`${serve.url}/_switchyard/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-switchyard-csrf': '1', origin: serve.url },
    body: JSON.stringify({ nonce }),
  });
}

describe('the sign-in link `serve` prints', () => {
  it('is on the banner, says it is single-use and short-lived, and holds no piece of the admin token', () => {
    const output = serve.output();
    expect(output).toMatch(
      new RegExp(
        `\\nui: +${serve.url.replaceAll('.', '\\.')}/_switchyard/#signin=[A-Za-z0-9_-]{43}\\n +\\(signs in one browser, once, within 60 s; \`switchyard ui\` prints a fresh link\\)\\n`,
      ),
    );
    const adminToken = readFileSync(join(serve.dataDir, 'admin-token'), 'utf8').trim();
    for (let start = 0; start + 8 <= adminToken.length; start += 4) expect(output).not.toContain(adminToken.slice(start, start + 8));
  });

  it('opens the UI and signs in once; the second use is refused', async () => {
    const link = new URL(/ui: +(\S+#signin=\S+)/.exec(serve.output())?.[1] ?? '');
    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const nonce = new URLSearchParams(link.hash.slice(1)).get('signin') ?? '';
    const first = await exchange(nonce);
    expect(first.status).toBe(204);
    const cookie = (first.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const status = await fetch(`${serve.url}/_switchyard/api/status.get`, {
      method: 'POST',
      headers: { cookie, 'x-switchyard-csrf': '1', origin: serve.url, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(status.status).toBe(200);
    expect(await status.json()).toMatchObject({ url: serve.url });

    const second = await exchange(nonce);
    expect(second.status).toBe(401);
    expect(second.headers.get('set-cookie')).toBeNull();
    expect(await second.json()).toMatchObject({ error: { code: 'invalid_sign_in' } });
  });
});
