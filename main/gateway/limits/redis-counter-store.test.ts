// The Lua counter store against a real Redis (the one `npm test` starts; each test uses its own key prefix), and the
// shared store's fallback against a private Redis that the test kills and restarts.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPrivateRedis, testRedisUrl, type PrivateRedis } from '../../../test/support/team-services.js';
import type { CounterClaim } from './counter-store.js';
import { RedisCounterStore, type RedisCaller } from './redis-counter-store.js';
import { SharedState } from '../shared-state/shared-state.js';

const claim = (key: string, kind: CounterClaim['kind'], limit: number, amount = 1): CounterClaim => ({ key, kind, limit, windowMs: 60_000, amount });

/** Every command sent, with its arguments: the test reads the keys of each call from them. */
class Recorder implements RedisCaller {
  readonly calls: Array<{ command: string; args: Array<string | number> }> = [];
  constructor(private readonly redis: Redis) {}
  call(command: string, ...args: Array<string | number>): Promise<unknown> {
    this.calls.push({ command, args });
    return this.redis.call(command, ...args);
  }
}

/** The keys a command names (EVAL/EVALSHA: numkeys then keys; otherwise the first argument). */
function keysOf(call: { command: string; args: Array<string | number> }): string[] {
  if (call.command === 'EVALSHA' || call.command === 'EVAL') return call.args.slice(2, 2 + Number(call.args[1])).map(String);
  return [String(call.args[0])];
}

/** Redis Cluster's hash tag rule: the text between the first `{` and the next `}`, when not empty; else the whole key. */
function hashTag(key: string): string {
  const open = key.indexOf('{');
  if (open === -1) return key;
  const close = key.indexOf('}', open + 1);
  return close === -1 || close === open + 1 ? key : key.slice(open + 1, close);
}

async function wait(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

async function redisTimeMs(redis: Redis): Promise<number> {
  const [seconds, micros] = (await redis.call('TIME')) as [string, string];
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}

describe('RedisCounterStore', () => {
  let redis: Redis;
  let recorder: Recorder;
  const prefix = `test-${randomUUID().slice(0, 8)}`;
  const store = (options: { replicaId?: string; slotTtlMs?: number } = {}): RedisCounterStore =>
    new RedisCounterStore(recorder, { prefix, replicaId: options.replicaId ?? 'a', ...(options.slotTtlMs ? { slotTtlMs: options.slotTtlMs } : {}) });

  beforeAll(() => {
    redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: 1 });
    recorder = new Recorder(redis);
  });
  afterAll(async () => {
    if (!redis) return;
    const keys = await redis.keys(`{${prefix}}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('reserves all claims or none: a refusal leaves every counter as it was', async () => {
    const counters = store();
    const requests = claim('client:alice:requests', 'requests', 2);
    const slots = claim('client:alice:concurrent', 'concurrent', 5);
    const tokens = (amount: number) => claim('route:r:tokens', 'tokens', 100, amount);

    const tooBig = await counters.checkAndReserve([requests, slots, tokens(150)]);
    expect(tooBig).toMatchObject({ ok: false, refused: 2, retryAfterMs: undefined });
    expect(await redis.exists(counters.keyOf(requests))).toBe(0);
    expect(await redis.zcard(counters.keyOf(slots))).toBe(0);

    const first = await counters.checkAndReserve([requests, slots, tokens(50)]);
    expect(first.ok).toBe(true);
    expect(first.states.map((state) => state.remaining)).toEqual([1, 4, 50]);

    const refused = await counters.checkAndReserve([claim('client:alice:requests', 'requests', 2), slots, tokens(60)]);
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.refused).toBe(2);
    // 10 tokens short at 100 per minute: about 6 s (the bucket refilled a little since)
    expect(refused.retryAfterMs).toBeGreaterThan(5_000);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(6_000);
    expect(await redis.zcard(counters.keyOf(slots))).toBe(1);

    const second = await counters.checkAndReserve([claim('client:alice:requests', 'requests', 2), tokens(10)]);
    expect(second.ok).toBe(true);
    expect(second.states[0]?.remaining).toBe(0);
    const third = await counters.checkAndReserve([claim('client:alice:requests', 'requests', 2)]);
    expect(third).toMatchObject({ ok: false, refused: 0 });
  });

  it('refills by Redis TIME: the bucket stores Redis’s clock and refills by the time elapsed on it', async () => {
    const counters = store();
    const bucket = claim('client:bob:requests', 'requests', 600, 600);
    expect((await counters.checkAndReserve([bucket])).ok).toBe(true);
    const stored = await redis.hgetall(counters.keyOf(bucket));
    const serverNow = await redisTimeMs(redis);
    expect(Number(stored['level'])).toBe(0);
    expect(Math.abs(Number(stored['ts']) - serverNow)).toBeLessThan(1_000);

    // emptied half a window ago by Redis's clock: 300 of 600 are back, whatever this process's clock says
    await redis.hset(counters.keyOf(bucket), 'level', '0', 'ts', String(serverNow - 30_000));
    const after = await counters.checkAndReserve([claim('client:bob:requests', 'requests', 600, 1)]);
    expect(after.ok).toBe(true);
    expect(after.states[0]?.remaining).toBeGreaterThanOrEqual(299);
    expect(after.states[0]?.remaining).toBeLessThanOrEqual(301);

    // and a bucket whose ts lies ahead (a skewed writer) does not refill until Redis's clock gets there
    await redis.hset(counters.keyOf(bucket), 'level', '0', 'ts', String(serverNow + 60_000));
    expect(await counters.checkAndReserve([claim('client:bob:requests', 'requests', 600, 1)])).toMatchObject({ ok: false, refused: 0 });
  });

  it('settles token reservations with the real usage (HINCRBYFLOAT), below zero when the usage was larger', async () => {
    const counters = store();
    const reserve = claim('client:carol:tokens', 'tokens', 1_000, 500);
    expect((await counters.checkAndReserve([reserve])).ok).toBe(true);
    await counters.reconcile(reserve, 100);
    const level = Number(await redis.hget(counters.keyOf(reserve), 'level'));
    expect(level).toBeGreaterThanOrEqual(899);
    expect(level).toBeLessThanOrEqual(901);

    const big = claim('client:carol:tokens', 'tokens', 1_000, 800);
    expect((await counters.checkAndReserve([big])).ok).toBe(true);
    await counters.reconcile(big, 1_900);
    const next = await counters.checkAndReserve([claim('client:carol:tokens', 'tokens', 1_000, 10)]);
    expect(next.ok).toBe(false);
    if (!next.ok) expect(next.retryAfterMs).toBeGreaterThan(60_000);
  });

  it("lets a killed replica's concurrency slots expire, and keeps a live replica's while it refreshes them", async () => {
    const alive = store({ replicaId: 'alive', slotTtlMs: 400 });
    const killed = store({ replicaId: 'killed', slotTtlMs: 400 });
    const other = store({ replicaId: 'other', slotTtlMs: 400 });
    const slot = () => claim('route:slow:concurrent', 'concurrent', 2);

    const held = slot();
    expect((await alive.checkAndReserve([held])).ok).toBe(true);
    expect((await killed.checkAndReserve([slot()])).ok).toBe(true);
    expect(await other.checkAndReserve([slot()])).toMatchObject({ ok: false, refused: 0, retryAfterMs: undefined });

    // 'killed' never refreshes its slot; 'alive' does, every 100 ms, for 700 ms
    for (let round = 0; round < 7; round += 1) {
      await wait(100);
      await alive.refreshSlots();
    }
    const members = await redis.zrangebyscore(alive.keyOf(held), await redisTimeMs(redis), '+inf');
    expect(members).toHaveLength(1);
    expect(members[0]).toMatch(/^alive:/);
    const taken = slot();
    expect((await other.checkAndReserve([taken])).ok).toBe(true);
    expect(await other.checkAndReserve([slot()])).toMatchObject({ ok: false });

    await alive.release(held);
    expect((await other.checkAndReserve([slot()])).ok).toBe(true);
    expect(alive.heldSlots).toBe(0);
  });

  it('names one hash tag in every call, and falls back to EVAL after SCRIPT FLUSH', async () => {
    const counters = store();
    recorder.calls.length = 0;
    await redis.script('FLUSH');
    const claims = [
      claim('client:dave {odd}:requests', 'requests', 10),
      claim('client:dave {odd}:tokens', 'tokens', 1_000, 10),
      claim('client:dave {odd}:concurrent', 'concurrent', 3),
      claim('route:x}{y:requests', 'requests', 10),
    ];
    expect((await counters.checkAndReserve(claims)).ok).toBe(true);
    expect((await counters.checkAndReserve(claims)).ok).toBe(true);
    await counters.reconcile(claims[1] as CounterClaim, 4);
    await counters.release(claims[2] as CounterClaim);
    await counters.refreshSlots();

    // the same claim objects reserved twice hold two slots; one is released, the other refreshed
    expect(recorder.calls.map((call) => call.command)).toEqual(['EVALSHA', 'EVAL', 'EVALSHA', 'EVALSHA', 'EVAL', 'ZREM', 'EVALSHA', 'EVAL']);
    for (const call of recorder.calls) {
      const tags = new Set(keysOf(call).map(hashTag));
      expect(tags).toEqual(new Set([prefix]));
    }
  });
});

describe('SharedState with Redis going away', () => {
  let server: PrivateRedis | undefined;
  let shared: SharedState | undefined;

  afterEach(async () => {
    await shared?.close();
    await server?.close();
    shared = undefined;
    server = undefined;
  });

  it('falls back to limit ÷ replicas while Redis is down, says so, and returns to Redis when it is back', async () => {
    server = await startPrivateRedis();
    const lines: string[] = [];
    shared = await SharedState.open({ url: server.url, replicas: 2, keyPrefix: 'fallback', commandTimeoutMs: 200 }, (line) => lines.push(line));
    expect(shared.view()).toMatchObject({ backend: 'redis', replicas: 2, replicasFrom: 'config' });
    const store = shared.counterStore;
    const requests = () => claim('client:erin:requests', 'requests', 10);
    const admitted = async (count: number): Promise<number> => {
      let ok = 0;
      for (let index = 0; index < count; index += 1) if ((await store.checkAndReserve([requests()], performance.now())).ok) ok += 1;
      return ok;
    };
    expect(await admitted(4)).toBe(4);

    await server.kill();
    const started = performance.now();
    // the first request after the kill finds out (connection closed or refused), at once rather than after a timeout
    expect(await admitted(8)).toBe(5);
    expect(performance.now() - started).toBeLessThan(2_000);
    const down = shared.view();
    expect(down.backend).toBe('local_fallback');
    expect(down.detail).toContain('limit ÷ 2');
    expect(lines.some((line) => line.includes('unreachable'))).toBe(true);

    await server.start();
    for (let attempt = 0; attempt < 100 && shared.view().backend !== 'redis'; attempt += 1) await wait(100);
    expect(shared.view().backend).toBe('redis');
    // an empty Redis (restarted without data): the full limit again, shared; the local admissions are not replayed
    expect(await admitted(12)).toBe(10);
  });
});
