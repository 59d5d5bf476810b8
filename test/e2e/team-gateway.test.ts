// The whole team gateway at once (issue 21): two `switchyard serve` replicas sharing one PostgreSQL (`ledger.url`)
// and one Redis (`state.url`), with one admin token from a file. Per-person tokens are made once with
// `switchyard tokens create` against the database; a per-token limit holds across both replicas within 5% under
// load from both sides while another person's token is untouched by it; every admitted request is exactly one row
// of the shared ledger under its person's name; `switchyard usage` from a third place sees both replicas' requests.
// Needs `npm test` (it starts PostgreSQL and Redis); never skips.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeOpenAI } from '../fakes/openai-fake.js';
import { runCli, type ServeProcess } from '../support/serve-process.js';
import { startTeam, type Team } from '../support/team.js';
import { testRedisUrl } from '../support/team-services.js';

const limit = 60;
let team: Team<FakeOpenAI>;
let a: ServeProcess;
let b: ServeProcess;
const secrets = mkdtempSync(join(tmpdir(), 'sy-team-gateway-'));
const env = { SWITCHYARD_ADMIN_TOKEN_FILE: join(secrets, 'admin-token'), SWITCHYARD_DISCOVERY_PORTS: 'none' };
const tokens: Record<'alice' | 'bob', string> = { alice: '', bob: '' };

beforeAll(async () => {
  writeFileSync(env.SWITCHYARD_ADMIN_TOKEN_FILE, `sya-${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 });
  team = await startTeam({
    upstream: {},
    config: ({ upstream }) => ({
      providers: [{ id: 'openai', type: 'openai-compatible', base_url: upstream, locality: 'cloud' }],
      routing: { allowed_fails: 1_000 },
      state: { url: testRedisUrl(), key_prefix: `e2e-gateway-${randomUUID().slice(0, 8)}`, command_timeout_ms: 1_000 },
      limits: { every_client: { requests_per_minute: limit } },
    }),
    env,
  });
  [a, b] = team.replicas as [ServeProcess, ServeProcess];
  for (const name of ['alice', 'bob'] as const) {
    const created = await runCli(['tokens', 'create', name, '--config', team.configPath], { env });
    expect(created.code, created.stderr).toBe(0);
    tokens[name] = created.stdout.trim();
  }
}, 60_000);

afterAll(async () => {
  await team?.stop();
  rmSync(secrets, { recursive: true, force: true });
});

async function chat(serve: ServeProcess, token: string): Promise<number> {
  const response = await fetch(`${serve.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
  });
  await response.arrayBuffer();
  return response.status;
}

/** `count` requests with `token`, `parallel` at a time: the statuses. */
async function load(serve: ServeProcess, token: string, count: number, parallel: number): Promise<number[]> {
  const statuses: number[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      next += 1;
      statuses.push(await chat(serve, token));
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return statuses;
}

async function okRows(name: string): Promise<number> {
  const { rows } = await team.pool.query<{ count: string }>(`SELECT count(*) AS count FROM requests WHERE client_token_name = $1 AND status = 'ok'`, [name]);
  return Number(rows[0]?.count ?? 0);
}

describe('two replicas on one PostgreSQL and one Redis', () => {
  it("a person's token made once works on both, and its per-token limit holds across both within 5%", async () => {
    // the token made with the CLI reaches both replicas' sets (NOTIFY) before the load starts
    for (const serve of [a, b]) {
      const deadline = Date.now() + 5_000;
      while ((await chat(serve, tokens.bob)) !== 200) {
        if (Date.now() > deadline) throw new Error(`bob's token never worked on ${serve.url}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    const before = team.upstream.chatRequests().length;
    const startedAt = performance.now();
    const [fromA, fromB] = await Promise.all([load(a, tokens.alice, 50, 8), load(b, tokens.alice, 50, 8)]);
    const elapsedMs = performance.now() - startedAt;
    const admitted = [...fromA, ...fromB].filter((status) => status === 200).length;
    const allowance = limit + Math.floor((elapsedMs * limit) / 60_000);
    const figures = `admitted ${admitted} of 100 in ${Math.round(elapsedMs)} ms; one limit allows ${allowance}`;
    expect(
      [...fromA, ...fromB].every((status) => status === 200 || status === 429),
      figures,
    ).toBe(true);
    expect(fromA.filter((status) => status === 429).length, figures).toBeGreaterThan(0);
    expect(fromB.filter((status) => status === 429).length, figures).toBeGreaterThan(0);
    expect(Math.abs(admitted - allowance) / limit, figures).toBeLessThanOrEqual(0.05);
    expect(team.upstream.chatRequests().length - before, figures).toBe(admitted);
    // the limit is alice's: bob is still admitted on both
    expect(await chat(a, tokens.bob)).toBe(200);
    expect(await chat(b, tokens.bob)).toBe(200);

    // every admitted request is one row of the shared ledger, under the person's name (written within a flush or two)
    const deadline = Date.now() + 10_000;
    const written = async (): Promise<boolean> => (await okRows('alice')) === admitted && (await okRows('bob')) >= 4;
    while (!(await written()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await okRows('alice'), figures).toBe(admitted);
    expect(await okRows('bob')).toBeGreaterThanOrEqual(4);

    // and `switchyard usage`, from a machine that only has the config, reports both replicas' requests by person
    const usage = await runCli(['usage', '--config', team.configPath, '--by', 'client', '--format', 'json'], { env });
    expect(usage.code, usage.stderr).toBe(0);
    expect(usage.stdout).toContain('alice');
    expect(usage.stdout).toContain('bob');
  });
});
