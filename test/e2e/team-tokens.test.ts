// Per-person client tokens in team mode end to end: two `switchyard serve` replicas on one PostgreSQL (`ledger.url`).
// A token created through replica A's control API (as the admin UI's Tokens page does) or with `switchyard tokens
// create` against the same database works on replica B; revoked through A, B refuses it — 401 in the client's own
// dialect — within a bounded wait (NOTIFY); last_used_at reaches the shared table. Needs `npm test` (it starts
// PostgreSQL); never skips.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeOpenAI } from '../fakes/openai-fake.js';
import { adminCall, runCli, type ServeProcess } from '../support/serve-process.js';
import { startTeam, type Team } from '../support/team.js';

let team: Team<FakeOpenAI>;
let a: ServeProcess;
let b: ServeProcess;

/** The real openai client's answer: 200, or the HTTP status of the error it threw. */
async function chat(serve: ServeProcess, token: string): Promise<number> {
  const client = new OpenAI({ baseURL: serve.baseUrl, apiKey: token, maxRetries: 0, timeout: 20_000 });
  try {
    await client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    return 200;
  } catch (error) {
    if (error instanceof OpenAI.APIError && error.status !== undefined) return error.status;
    throw error;
  }
}

/** ms until `check` answers true, polling every 20 ms, failing after `limitMs` */
async function msUntil(check: () => Promise<boolean>, limitMs: number, what: string): Promise<number> {
  const start = performance.now();
  while (!(await check())) {
    if (performance.now() - start > limitMs) throw new Error(`timed out after ${limitMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return performance.now() - start;
}

beforeAll(async () => {
  team = await startTeam({
    upstream: {},
    config: ({ upstream }) => ({ providers: [{ id: 'openai', type: 'openai-compatible', base_url: upstream, locality: 'cloud' }] }),
  });
  team.upstream.onChat = () => ({ kind: 'reply', content: 'fine', usage: { promptTokens: 10, completionTokens: 5 } });
  [a, b] = team.replicas as [ServeProcess, ServeProcess];
}, 60_000);

afterAll(() => team?.stop());

describe('per-person client tokens shared by two replicas', () => {
  it('start with none active, say where they are, write no default token file', () => {
    for (const serve of [a, b]) {
      expect(serve.output()).toMatch(/client tokens: none is active in PostgreSQL at postgres:\/\/switchyard@127\.0\.0\.1:\d+\/sy_\w+/);
      expect(serve.token).toBe('');
    }
  });

  it('a token made through A works on B; revoked through A, B refuses it in the client dialect within a bounded wait', async () => {
    const created = await adminCall<{ name: string; token: string }>(a, 'tokens.create', { name: 'alice' });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const token = created.body.token;
    expect(await chat(a, token)).toBe(200);
    const accepted = await msUntil(async () => (await chat(b, token)) === 200, 5_000, 'B to accept the new token');
    // the same name twice is refused as with the ledger file, through either replica
    expect(await adminCall(b, 'tokens.create', { name: 'alice' })).toMatchObject({ status: 409, body: { error: { code: 'conflict' } } });
    const listedOnB = await adminCall<{ tokens?: unknown[] } | unknown[]>(b, 'tokens.list', {});
    expect(JSON.stringify(listedOnB.body)).toContain('"alice"');
    expect(JSON.stringify(listedOnB.body)).not.toContain(token.slice(3, 12));

    expect((await adminCall(a, 'tokens.revoke', { name: 'alice' })).status).toBe(200);
    expect(await chat(a, token)).toBe(401); // the replica that revoked it: at once
    const refused = await msUntil(async () => (await chat(b, token)) === 401, 2_000, 'B to refuse the revoked token');
    console.log(`team tokens: B accepted a token made on A after ${accepted.toFixed(0)} ms, refused it ${refused.toFixed(0)} ms after the revoke`);
    // 401 in each client's own dialect
    const openai = await fetch(`${b.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(openai.status).toBe(401);
    expect(((await openai.json()) as { error: { code: string } }).error.code).toBe('invalid_api_key');
    const anthropic = new Anthropic({ baseURL: b.url, apiKey: token, maxRetries: 0, timeout: 20_000 });
    const error = await anthropic.messages
      .create({ model: 'openai/gpt-4o-mini', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((error as InstanceType<typeof Anthropic.AuthenticationError>).error).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
  }, 30_000);

  it('`switchyard tokens create/revoke` against the same database reaches both replicas', async () => {
    const created = await runCli(['tokens', 'create', 'bob', '--config', team.configPath]);
    expect(created.code, created.stderr).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^sy-[A-Za-z0-9_-]{43}$/);
    for (const serve of [a, b]) await msUntil(async () => (await chat(serve, token)) === 200, 5_000, 'the CLI token to work');
    const revoked = await runCli(['tokens', 'revoke', 'bob', '--config', team.configPath]);
    expect(revoked.code, revoked.stderr).toBe(0);
    for (const serve of [a, b]) await msUntil(async () => (await chat(serve, token)) === 401, 2_000, 'the CLI revoke to reach the replica');
  }, 30_000);

  it('reports the shared tokens in /health, status and /metrics', async () => {
    const health = (await (await fetch(`${b.url}/health`)).json()) as { tokens?: unknown };
    expect(health.tokens).toMatchObject({ backend: 'postgres', state: 'live', active: 0 });
    const status = await adminCall<{ clientTokens?: unknown }>(b, 'status.get', {});
    expect(status.body.clientTokens, JSON.stringify(status.body)).toMatchObject({
      backend: 'postgres',
      state: 'live',
      detail: '0 active, shared in PostgreSQL',
    });
    const metrics = await (await fetch(`${b.url}/metrics`)).text(); // loopback: no credential needed
    expect(metrics).toContain('switchyard_client_tokens_state{state="live"} 1');
    expect(metrics).toContain('switchyard_client_tokens_state{state="stale"} 0');
    expect(metrics).toMatch(/^switchyard_client_tokens_active 0$/m);
  });

  it('writes last_used_at to the shared table in a batch (at the latest when the replica stops)', async () => {
    const created = await adminCall<{ token: string }>(a, 'tokens.create', { name: 'carol' });
    await msUntil(async () => (await chat(b, created.body.token)) === 200, 5_000, 'B to accept carol');
    const before = await team.pool.query<{ last_used_at: number | null }>(`SELECT last_used_at FROM client_tokens WHERE name = 'carol'`);
    expect(before.rows[0]?.last_used_at).toBeNull(); // not written per request
    expect(await b.stop()).toBe(0);
    const listed = await runCli(['tokens', 'list', '--json', '--config', team.configPath]);
    const rows = JSON.parse(listed.stdout) as Array<{ name: string; lastUsedAt: number | null; revokedAt: number | null }>;
    expect(rows.find((row) => row.name === 'carol')?.lastUsedAt).toEqual(expect.any(Number));
    expect(rows.find((row) => row.name === 'alice')).toMatchObject({ lastUsedAt: expect.any(Number), revokedAt: expect.any(Number) });
  }, 30_000);
});
