// The headless UI's sign-in in team mode: two `switchyard serve` replicas on one PostgreSQL database (`ledger.url`)
// behind a round-robin load balancer, as it were. A `switchyard ui` link made through replica A signs in through B;
// the session cookie B set works on A, for the control API and the playground path alike; signing out through A
// ends it on B; a nonce used on A is refused on B; the banner's start-up link is good on the other replica too. The
// rows are PostgreSQL's (migration 8), digests only. Both replicas take one admin token from a file
// (SWITCHYARD_ADMIN_TOKEN_FILE), so `switchyard ui` reaches either. Needs `npm test` (it starts PostgreSQL); never skips.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type ServeProcess } from '../support/serve-process.js';
import { startTeam, type Team } from '../support/team.js';

let team: Team<undefined>;
let a: ServeProcess;
let b: ServeProcess;
const secrets = mkdtempSync(join(tmpdir(), 'sy-team-admin-'));
const adminToken = `sya-${randomBytes(32).toString('base64url')}`;
const adminEnv = { SWITCHYARD_ADMIN_TOKEN_FILE: join(secrets, 'admin-token') };

beforeAll(async () => {
  writeFileSync(adminEnv.SWITCHYARD_ADMIN_TOKEN_FILE, `${adminToken}\n`, { mode: 0o600 });
  // team mode writes no client-token file: one token from the environment for both
  const env = { SWITCHYARD_API_KEY: `sy-team-ui-${randomBytes(12).toString('hex')}`, SWITCHYARD_DISCOVERY_PORTS: 'none', ...adminEnv };
  team = await startTeam({ config: () => ({}), env });
  [a, b] = team.replicas as [ServeProcess, ServeProcess];
}, 60_000);

afterAll(async () => {
  await team?.stop();
  rmSync(secrets, { recursive: true, force: true });
});

/** `switchyard ui` against one replica (with the shared admin token): the nonce of the link it prints. */
async function linkNonce(serve: ServeProcess): Promise<string> {
  const printed = await runCli(['ui', '--url', serve.url, '--data-dir', serve.dataDir], { env: adminEnv });
  expect(printed.code, printed.stderr).toBe(0);
  const link = new URL(printed.stdout.trim());
  expect(link.origin).toBe(serve.url);
  return new URLSearchParams(link.hash.slice(1)).get('signin') ?? '';
}

/** What the page does with `#signin=…`, on the replica the load balancer picked. */
function exchange(serve: ServeProcess, nonce: string): Promise<Response> {
  return fetch(`${serve.url}/_switchyard/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-switchyard-csrf': '1', origin: serve.url },
    body: JSON.stringify({ nonce }),
  });
}

function status(serve: ServeProcess, cookie: string): Promise<Response> {
  return fetch(`${serve.url}/_switchyard/api/status.get`, {
    method: 'POST',
    headers: { cookie, 'x-switchyard-csrf': '1', origin: serve.url, 'content-type': 'application/json' },
    body: '{}',
  });
}

/** The playground's path, checked by the gateway itself (not the control transport). No provider: past the session check it fails elsewhere. */
async function playgroundCode(serve: ServeProcess, cookie: string): Promise<{ status: number; code: unknown }> {
  const response = await fetch(`${serve.url}/_switchyard/v1/chat/completions`, {
    method: 'POST',
    headers: { cookie, 'x-switchyard-csrf': '1', origin: serve.url, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'nowhere/none', messages: [{ role: 'user', content: 'hi' }] }),
  });
  const body = (await response.json()) as { error?: { code?: unknown } };
  return { status: response.status, code: body.error?.code };
}

function cookieOf(response: Response): string {
  return (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

describe('UI sign-in on two replicas sharing one PostgreSQL', () => {
  it('a link made on A signs in on B; B cookie works on A; sign-out on A ends it on B', async () => {
    const nonce = await linkNonce(a);
    const signedIn = await exchange(b, nonce);
    expect(signedIn.status).toBe(204);
    const cookie = cookieOf(signedIn);
    expect(cookie).toMatch(/^switchyard_session=[A-Za-z0-9_-]{43}$/);
    const id = cookie.slice('switchyard_session='.length);

    for (const serve of [a, b]) {
      const answer = await status(serve, cookie);
      expect(answer.status).toBe(200);
      expect(await answer.json()).toMatchObject({ url: serve.url });
      // the gateway's own session check on the playground path lets it through (then no route answers)
      const playground = await playgroundCode(serve, cookie);
      expect(playground.code).not.toBe('invalid_session');
      expect(playground.status).not.toBe(401);
    }
    // digests only: the session id is in no row
    const { rows } = await team.pool.query<{ text: string }>('SELECT row_to_json(s)::text AS text FROM ui_sessions s');
    expect(rows).toHaveLength(1);
    expect(rows[0]?.text).not.toContain(id);

    const signedOut = await fetch(`${a.url}/_switchyard/api/session`, { method: 'DELETE', headers: { cookie, origin: a.url } });
    expect(signedOut.status).toBe(204);
    for (const serve of [b, a]) {
      const answer = await status(serve, cookie);
      expect(answer.status).toBe(401);
      expect(await answer.json()).toMatchObject({ error: { code: 'unauthenticated' } });
      expect(await playgroundCode(serve, cookie)).toEqual({ status: 401, code: 'invalid_session' });
    }
    expect((await team.pool.query('SELECT 1 FROM ui_sessions')).rowCount).toBe(0);
  });

  it('a nonce used on A is refused on B (and the other way round)', async () => {
    const fromB = await linkNonce(b);
    expect((await exchange(a, fromB)).status).toBe(204);
    const again = await exchange(b, fromB);
    expect(again.status).toBe(401);
    expect(again.headers.get('set-cookie')).toBeNull();
    expect(await again.json()).toMatchObject({ error: { code: 'invalid_sign_in' } });

    const fromA = await linkNonce(a);
    expect((await exchange(a, fromA)).status).toBe(204);
    expect((await exchange(b, fromA)).status).toBe(401);
  });

  it('one nonce presented to both replicas at once opens one session', async () => {
    for (let round = 0; round < 5; round++) {
      const nonce = await linkNonce(round % 2 === 0 ? a : b);
      const answers = await Promise.all([exchange(a, nonce), exchange(b, nonce), exchange(a, nonce), exchange(b, nonce)]);
      expect(answers.map((answer) => answer.status).sort()).toEqual([204, 401, 401, 401]);
    }
  });

  it('the start-up banner link of each replica signs in on the other', async () => {
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const) {
      const link = new URL(/ui: +(\S+#signin=\S+)/.exec(from.output())?.[1] ?? '');
      const nonce = new URLSearchParams(link.hash.slice(1)).get('signin') ?? '';
      const signedIn = await exchange(to, nonce);
      expect(signedIn.status).toBe(204);
      expect((await status(from, cookieOf(signedIn))).status).toBe(200);
    }
    // and the admin token is in neither banner
    expect(a.output() + b.output()).not.toContain(adminToken);
  });

  it('one admin token from a file serves `switchyard ui` on either replica; another token is refused', async () => {
    for (const serve of [a, b]) expect(existsSync(join(serve.dataDir, 'admin-token'))).toBe(false);
    const elsewhere = mkdtempSync(join(tmpdir(), 'sy-team-admin-cli-'));
    try {
      for (const serve of [a, b]) {
        const printed = await runCli(['ui', '--url', serve.url, '--data-dir', elsewhere], { env: adminEnv });
        expect(printed.code, printed.stderr).toBe(0);
        expect(new URL(printed.stdout.trim()).origin).toBe(serve.url);
      }
      // a CLI with a data dir of its own (its own admin-token, made now) is not the replicas' admin
      const refused = await runCli(['ui', '--url', a.url, '--data-dir', elsewhere]);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/admin/i);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});
