// Two `switchyard serve` replicas sharing one Redis (`state.url`; issue 21 item 4): a per-token limit holds across
// both under concurrent load from both sides, a budget reached through one is enforced by the other, a circuit
// opened on one is open on the other, and with a private Redis killed mid-run both keep serving under the fallback
// limits (limit ÷ 2), say so in /health and /metrics, and go back to Redis once it answers again. Real processes, a
// real Redis (the one `npm test` starts, keys under a prefix of this run's own; a private one for the kill).
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAI, type Scenario } from '../fakes/openai-fake.js';
import { startServe, type ServeProcess } from '../support/serve-process.js';
import { startPrivateRedis, startPrivateRedisCluster, testRedisUrl, type PrivateRedis, type PrivateRedisCluster } from '../support/team-services.js';

let openaiFake: FakeOpenAI;
const started: ServeProcess[] = [];
const runPrefix = `e2e-${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  openaiFake = await FakeOpenAI.start();
});

afterAll(async () => {
  await Promise.all(started.map((serve) => serve.stop()));
  await openaiFake?.close();
});

/** Two replicas with the same config, each with its own data dir (its own SQLite ledger). */
async function replicas(state: Record<string, unknown>, extra: Record<string, unknown>): Promise<[ServeProcess, ServeProcess]> {
  const config = {
    providers: [{ id: 'openai', type: 'openai-compatible', base_url: openaiFake.baseUrl, locality: 'cloud' }],
    routing: { num_retries: 0, allowed_fails: 1_000, auto_offline: false },
    ledger: { price_refresh: false },
    state,
    ...extra,
  };
  const pair = await Promise.all([startServe({ config }), startServe({ config })]);
  started.push(...pair);
  return pair;
}

function chat(serve: ServeProcess, model = 'openai/gpt-4o-mini'): Promise<Response> {
  return fetch(`${serve.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${serve.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
  });
}

/** `count` requests, `parallel` at a time; the statuses in order of completion. */
async function load(serve: ServeProcess, count: number, parallel: number): Promise<number[]> {
  const statuses: number[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      next += 1;
      const response = await chat(serve);
      await response.arrayBuffer();
      statuses.push(response.status);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return statuses;
}

const okCount = (statuses: readonly number[]): number => statuses.filter((status) => status === 200).length;

interface Health {
  status: string;
  state?: { backend: string; replicas: number; replicasFrom: string; sharedBudgets: boolean; detail: string };
}

async function health(serve: ServeProcess): Promise<Health> {
  const response = await fetch(`${serve.url}/health`);
  return (await response.json()) as Health;
}

/** Polls /health until `done` holds (every 200 ms, at most `timeoutMs`); returns the last answer. */
async function healthUntil(serve: ServeProcess, done: (answer: Health) => boolean, timeoutMs = 15_000): Promise<Health> {
  const deadline = Date.now() + timeoutMs;
  let answer = await health(serve);
  while (!done(answer) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    answer = await health(serve);
  }
  return answer;
}

/** The status the UI shows (control API status.get, with the admin token). */
async function uiStatus(serve: ServeProcess): Promise<{ sharedState?: { backend: string; replicas: number; url: string; detail: string } | null }> {
  const adminToken = readFileSync(join(serve.dataDir, 'admin-token'), 'utf8').trim();
  const response = await fetch(`${serve.url}/_switchyard/api/status.get`, { headers: { authorization: `Bearer ${adminToken}` } });
  expect(response.status).toBe(200);
  return (await response.json()) as { sharedState?: { backend: string; replicas: number; url: string; detail: string } | null };
}

async function metric(serve: ServeProcess, line: string): Promise<number | undefined> {
  const text = await (await fetch(`${serve.url}/metrics`)).text();
  const found = text.split('\n').find((each) => each.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
}

describe('a per-token limit shared by two replicas', () => {
  it('admits N requests per minute across both within 5% under concurrent load from both sides', async () => {
    const limit = 100;
    const [a, b] = await replicas(
      { url: testRedisUrl(), key_prefix: `${runPrefix}-rpm`, command_timeout_ms: 1_000 },
      { limits: { every_client: { requests_per_minute: limit } } },
    );
    expect((await health(a)).state).toMatchObject({ backend: 'redis' });
    const before = openaiFake.chatRequests().length;
    const startedAt = performance.now();
    const [fromA, fromB] = await Promise.all([load(a, 90, 16), load(b, 90, 16)]);
    const elapsedMs = performance.now() - startedAt;
    const admitted = okCount(fromA) + okCount(fromB);
    // what one limit of N per minute allows over the run: N at once, plus its refill (N per minute) while the load ran
    const allowance = limit + Math.floor((elapsedMs * limit) / 60_000);
    const figures = `admitted ${admitted} of 180 in ${Math.round(elapsedMs)} ms (A ${okCount(fromA)}, B ${okCount(fromB)}; one limit allows ${allowance})`;
    expect(okCount(fromA), figures).toBeGreaterThan(0);
    expect(okCount(fromB), figures).toBeGreaterThan(0);
    // both sides were refused too: each replica saw the other's admissions
    expect(fromA.length - okCount(fromA), figures).toBeGreaterThan(0);
    expect(fromB.length - okCount(fromB), figures).toBeGreaterThan(0);
    expect(admitted, figures).toBeGreaterThanOrEqual(limit);
    expect(admitted, figures).toBeLessThanOrEqual(allowance + 1);
    expect(Math.abs(admitted - allowance) / limit, figures).toBeLessThanOrEqual(0.05);
    expect([...fromA, ...fromB].every((status) => status === 200 || status === 429)).toBe(true);
    // the refused ones never reached upstream
    expect(openaiFake.chatRequests().length - before).toBe(admitted);
  });
});

describe('a budget shared by two replicas', () => {
  it('a budget reached through one replica is enforced by the other', async () => {
    // each answer costs $0.45 at gpt-4o-mini's bundled price: 1,000,000 input tokens and 500,000 output
    const answer: Scenario = { kind: 'reply', usage: { promptTokens: 1_000_000, completionTokens: 500_000 } };
    openaiFake.onChat = () => answer;
    try {
      const [a, b] = await replicas(
        { url: testRedisUrl(), key_prefix: `${runPrefix}-budget`, command_timeout_ms: 1_000 },
        { budgets: { daily_usd: 1, action: 'block' } },
      );
      for (let index = 0; index < 3; index += 1) {
        const response = await chat(a);
        expect(response.status).toBe(200);
        await response.arrayBuffer();
      }
      // $1.35 spent, all through A; B has spent nothing in its own ledger, and reads the shared totals every second
      // (as a single replica reads its own ledger at most once a second)
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const refused = await chat(b);
      expect(refused.status).toBe(429);
      expect(await refused.text()).toContain('budget');
      expect((await health(b)).state).toMatchObject({ backend: 'redis', sharedBudgets: true });
      expect((await chat(a)).status).toBe(429);
    } finally {
      openaiFake.onChat = () => ({ kind: 'reply' });
    }
  });
});

describe('a circuit breaker shared by two replicas', () => {
  it('a circuit opened on one replica is open on the other', async () => {
    const [a, b] = await replicas(
      { url: testRedisUrl(), key_prefix: `${runPrefix}-circuit`, command_timeout_ms: 1_000 },
      {
        routes: { pair: { targets: ['openai/gpt-4o-mini', 'openai/gpt-4o'] } },
        routing: { num_retries: 0, allowed_fails: 1, cooldown_time: 60, auto_offline: false },
      },
    );
    const modelOf = (request: { body: unknown }): unknown => (request.body as { model?: unknown } | undefined)?.model;
    const failing: Scenario = { kind: 'error', status: 500, body: { error: { message: 'boom', type: 'server_error' } } };
    openaiFake.onChat = (request) => (modelOf(request) === 'gpt-4o-mini' ? failing : { kind: 'reply' });
    try {
      // A: the first target fails (its circuit opens at the first failure), the second answers
      const first = await chat(a, 'pair');
      expect(first.status).toBe(200);
      await first.arrayBuffer();
      const before = openaiFake.chatRequests().length;
      // B has seen no failure itself; it reads the shared circuits every second
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const text = await (await fetch(`${b.url}/metrics`)).text();
      expect(text).toContain('switchyard_circuit_open{target="openai/gpt-4o-mini"} 1');
      const second = await chat(b, 'pair');
      expect(second.status).toBe(200);
      await second.arrayBuffer();
      // B went straight to the second target
      expect(openaiFake.chatRequests().slice(before).map(modelOf)).toEqual(['gpt-4o']);
    } finally {
      openaiFake.onChat = () => ({ kind: 'reply' });
    }
  });

  it('a circuit that closes on one replica closes on the other, long before its own cooldown', async () => {
    const [a, b] = await replicas(
      { url: testRedisUrl(), key_prefix: `${runPrefix}-circuit-close`, command_timeout_ms: 1_000 },
      {
        routes: { pair: { targets: ['openai/gpt-4o-mini', 'openai/gpt-4o'] } },
        routing: { num_retries: 0, allowed_fails: 1, cooldown_time: 60, auto_offline: false },
      },
    );
    const modelOf = (request: { body: unknown }): unknown => (request.body as { model?: unknown } | undefined)?.model;
    const openOn = async (serve: ServeProcess): Promise<boolean> =>
      (await (await fetch(`${serve.url}/metrics`)).text()).includes('switchyard_circuit_open{target="openai/gpt-4o-mini"} 1');
    const until = async (what: string, condition: () => Promise<boolean>): Promise<void> => {
      for (let attempt = 0; attempt < 50 && !(await condition()); attempt += 1) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await condition(), what).toBe(true);
    };
    openaiFake.onChat = (request) =>
      modelOf(request) === 'gpt-4o-mini' ? { kind: 'error', status: 500, body: { error: { message: 'boom', type: 'server_error' } } } : { kind: 'reply' };
    try {
      // B's request fails on the first target: its circuit opens for 60 s, on B and then on A
      const failed = await chat(b, 'pair');
      expect(failed.status).toBe(200);
      await failed.arrayBuffer();
      await until('A to see the opening', () => openOn(a));
      // the target is healthy again; a request on A for that model alone goes through the open circuit and succeeds
      openaiFake.onChat = () => ({ kind: 'reply' });
      const direct = await chat(a, 'openai/gpt-4o-mini');
      expect(direct.status).toBe(200);
      await direct.arrayBuffer();
      expect(await openOn(a)).toBe(false);
      // B closes within a read or two of the shared state, not in 60 s, and uses the first target again
      await until('B to close', async () => !(await openOn(b)));
      const before = openaiFake.chatRequests().length;
      const again = await chat(b, 'pair');
      expect(again.status).toBe(200);
      await again.arrayBuffer();
      expect(openaiFake.chatRequests().slice(before).map(modelOf)).toEqual(['gpt-4o-mini']);
    } finally {
      openaiFake.onChat = () => ({ kind: 'reply' });
    }
  });
});

describe('Redis down mid-run', () => {
  let redis: PrivateRedis;

  beforeAll(async () => {
    redis = await startPrivateRedis();
  });
  afterAll(async () => {
    await redis?.close();
  });

  it('both keep serving under limit ÷ 2, say so in /health and /metrics, and return to Redis when it is back', async () => {
    const limit = 20;
    const [a, b] = await replicas(
      { url: redis.url, key_prefix: 'failover', command_timeout_ms: 200 },
      { limits: { every_client: { requests_per_minute: limit } } },
    );
    // the replicas count themselves by heartbeat (every 5 s): the fallback share needs both counted
    for (const serve of [a, b])
      expect((await healthUntil(serve, (answer) => answer.state?.replicas === 2)).state).toMatchObject({
        backend: 'redis',
        replicas: 2,
        replicasFrom: 'heartbeat',
      });
    expect(okCount(await load(a, 4, 2))).toBe(4);
    expect(await metric(a, 'switchyard_state_backend{state="redis"}')).toBe(1);

    await redis.kill();
    const startedAt = performance.now();
    const [fromA, fromB] = await Promise.all([load(a, 14, 3), load(b, 14, 3)]);
    // no request waited on the dead Redis past the command timeout
    expect(performance.now() - startedAt).toBeLessThan(10_000);
    expect(okCount(fromA)).toBe(limit / 2);
    expect(okCount(fromB)).toBe(limit / 2);
    for (const serve of [a, b]) {
      const answer = await health(serve);
      expect(answer.status).toBe('ok');
      expect(answer.state?.backend).toBe('local_fallback');
      expect(answer.state?.detail).toContain('limit ÷ 2');
      // the unauthenticated /health names neither the Redis address nor its error
      expect(JSON.stringify(answer)).not.toContain(String(redis.port));
      const status = await uiStatus(serve);
      expect(status.sharedState).toMatchObject({ backend: 'local_fallback', replicas: 2, url: redis.url });
      expect(status.sharedState?.detail).toContain('limit ÷ 2');
      expect(await metric(serve, 'switchyard_state_backend{state="local_fallback"}')).toBe(1);
      expect(await metric(serve, 'switchyard_state_backend{state="redis"}')).toBe(0);
    }

    await redis.start();
    for (const serve of [a, b]) expect((await healthUntil(serve, (answer) => answer.state?.backend === 'redis')).state?.backend).toBe('redis');
    expect(await metric(a, 'switchyard_state_backend{state="redis"}')).toBe(1);
    expect((await uiStatus(b)).sharedState).toMatchObject({ backend: 'redis', replicas: 2 });
    // back on the shared counters (an empty Redis: the whole limit again, once, across both)
    const [againA, againB] = await Promise.all([load(a, 14, 3), load(b, 14, 3)]);
    const admitted = okCount(againA) + okCount(againB);
    expect(admitted).toBeGreaterThanOrEqual(limit);
    expect(admitted).toBeLessThanOrEqual(limit + 1);
    expect(a.output()).toContain('is unreachable');
    expect(a.output()).toContain('answers again');
    expect(a.output()).not.toMatch(/redis:\/\/[^\s]*:[^\s@]+@/);
  });
});

describe('on a Redis Cluster', () => {
  let cluster: PrivateRedisCluster | undefined;
  afterAll(async () => {
    await cluster?.close();
  });

  it('two replicas seeded through different nodes share one per-token limit', async () => {
    cluster = await startPrivateRedisCluster(3);
    const [first, second, third] = cluster.urls as [string, string, string];
    const limit = 20;
    const config = (url: string, seeds: string[]) => ({
      url,
      cluster: true,
      startup_nodes: seeds,
      key_prefix: `${runPrefix}-cluster`,
      command_timeout_ms: 1_000,
    });
    // the same config but for the seeds: both must find the same slot map
    const serve = (state: Record<string, unknown>): Promise<ServeProcess> =>
      startServe({
        config: {
          providers: [{ id: 'openai', type: 'openai-compatible', base_url: openaiFake.baseUrl, locality: 'cloud' }],
          routing: { num_retries: 0, allowed_fails: 1_000, auto_offline: false },
          ledger: { price_refresh: false },
          state,
          limits: { every_client: { requests_per_minute: limit } },
        },
      }).then((replica) => (started.push(replica), replica));
    const [a, b] = await Promise.all([serve(config(first, [second])), serve(config(third, []))]);
    expect((await health(a)).state).toMatchObject({ backend: 'redis' });
    expect((await health(b)).state).toMatchObject({ backend: 'redis' });
    const [fromA, fromB] = await Promise.all([load(a, 18, 4), load(b, 18, 4)]);
    const admitted = okCount(fromA) + okCount(fromB);
    // 20 at once, plus at most one more refilled while the 36 requests ran
    expect(admitted, `A ${okCount(fromA)}, B ${okCount(fromB)}`).toBeGreaterThanOrEqual(limit);
    expect(admitted, `A ${okCount(fromA)}, B ${okCount(fromB)}`).toBeLessThanOrEqual(limit + 1);
    expect(okCount(fromA) * okCount(fromB)).toBeGreaterThan(0);
    expect([...fromA, ...fromB].filter((status) => status !== 200 && status !== 429)).toEqual([]);
    expect(a.output()).toContain('(cluster, 2 seed node(s))');
    expect(a.output()).not.toMatch(/CROSSSLOT|failed/);
  }, 60_000);
});
