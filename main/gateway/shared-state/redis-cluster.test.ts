// Shared state on a real Redis Cluster (three masters that the test starts, see test/support/team-services.ts): two
// replicas seeded through different nodes share one rate limit exactly; every key of theirs — counters, budget
// totals, circuits, heartbeats — lands in one hash slot on one node, so no script ever fails CROSSSLOT; and with
// the whole cluster down both fall back to limit ÷ replicas, then use the cluster again once it is back.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivateRedisCluster, type PrivateRedisCluster } from '../../../test/support/team-services.js';
import type { CounterClaim } from '../limits/counter-store.js';
import { HealthTracker } from '../routing/health.js';
import { ProviderError } from '../providers/errors.js';
import type { RequestFinish } from '../../ledger/types.js';
import type { Metering } from '../metering.js';
import { SharedState } from './shared-state.js';
import type { SharedStateSettings } from '../../config/state.js';

const claim = (key: string, kind: CounterClaim['kind'], limit: number, amount = 1): CounterClaim => ({ key, kind, limit, windowMs: 60_000, amount });

async function until(what: string, condition: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('SharedState on a Redis Cluster', () => {
  let cluster: PrivateRedisCluster;
  const states: SharedState[] = [];
  const lines: string[] = [];

  beforeAll(async () => {
    cluster = await startPrivateRedisCluster(3);
  }, 30_000);
  afterAll(async () => {
    await Promise.all(states.map((state) => state.close()));
    await cluster?.close();
  });

  const open = async (seeds: readonly string[], keyPrefix: string): Promise<SharedState> => {
    const settings: SharedStateSettings = {
      url: seeds[0] as string,
      startupNodes: seeds.slice(1),
      cluster: true,
      replicas: 2,
      keyPrefix,
      commandTimeoutMs: 250,
    };
    const state = await SharedState.open(settings, (line) => lines.push(line), { connectWaitMs: 5_000 });
    states.push(state);
    return state;
  };

  it('holds one limit across two replicas, with every key of theirs in one slot on one node', async () => {
    const [first, second, third] = cluster.urls as [string, string, string];
    const a = await open([first], 'cluster-a');
    const b = await open([third, second], 'cluster-a');
    expect(a.view()).toMatchObject({ backend: 'redis', replicas: 2 });
    expect(a.view().url).toContain('(cluster, 1 seed node(s))');
    expect(b.view()).toMatchObject({ backend: 'redis' });

    let admitted = 0;
    const held: CounterClaim[] = [];
    for (let index = 0; index < 16; index += 1) {
      const store = (index % 2 === 0 ? a : b).counterStore;
      const requests = claim('client:erin:requests', 'requests', 10);
      const tokens = claim('client:erin:tokens', 'tokens', 100_000, 50);
      const slot = claim('client:erin:concurrent', 'concurrent', 100);
      const outcome = await store.checkAndReserve([requests, tokens, slot], performance.now());
      if (!outcome.ok) continue;
      admitted += 1;
      await store.reconcile(tokens, 20, performance.now());
      held.push(slot);
    }
    expect(admitted).toBe(10);
    await a.counterStore.release(held[0] as CounterClaim);
    await a.counterStore.redis.refreshSlots();

    // the other scripts: budget totals, circuits (open, trial, close), heartbeats
    const spend = a.withSpend(meteringStub());
    spend.recorder.finish(finished(0.25));
    b.budgetGuard(undefined, () => ({ daily: { limitUsd: 1, action: 'block' } }));
    const health = new HealthTracker({ allowedFails: 1, windowMs: 60_000, cooldownMs: 200, maxCooldownMs: 1_000 });
    a.attachCircuits(health, () => true);
    const target = { providerId: 'openai', model: 'gpt-4.1' };
    health.failure(
      target,
      'cloud',
      new ProviderError({ kind: 'http', errorClass: 'server', status: 500, message: 'no', providerId: 'openai', retryable: true }),
    );
    await new Promise((resolve) => setTimeout(resolve, 250));
    health.attempt(target);
    health.success(target, 'cloud');
    await until('two ticks of both replicas', () => new Promise((resolve) => setTimeout(() => resolve(true), 2_200)));
    expect(b.view().sharedBudgets).toBe(true);
    expect(lines.filter((line) => /failed|CROSSSLOT|unreachable/i.test(line))).toEqual([]);

    // every key of the prefix, on whichever node holds it: one slot, one node (the token bucket, refilled, has lapsed)
    const found: Array<{ url: string; key: string }> = [];
    for (const url of cluster.urls) {
      const node = new Redis(url, { maxRetriesPerRequest: 1 });
      try {
        for (const key of await node.keys('*cluster-a*')) found.push({ url, key });
        const slots = new Set(await Promise.all(found.filter((each) => each.url === url).map((each) => node.call('CLUSTER', 'KEYSLOT', each.key))));
        expect(slots.size).toBeLessThanOrEqual(1);
      } finally {
        node.disconnect();
      }
    }
    expect(new Set(found.map((each) => each.url)).size).toBe(1);
    expect(found.map((each) => each.key)).toEqual(
      expect.arrayContaining([
        '{cluster-a}:rl:client:erin:requests',
        '{cluster-a}:rl:client:erin:concurrent',
        '{cluster-a}:replicas',
        '{cluster-a}:circuits:closed',
        expect.stringMatching(/^\{cluster-a\}:spend:day:\d+$/),
        expect.stringMatching(/^\{cluster-a\}:spend:month:\d+$/),
      ]),
    );
  }, 30_000);

  it('falls back to limit ÷ replicas while the cluster is down, and catches up when it returns', async () => {
    const a = await open(cluster.urls, 'cluster-b');
    const b = await open([...cluster.urls].reverse(), 'cluster-b');
    const admitted = async (state: SharedState, count: number): Promise<number> => {
      let ok = 0;
      for (let index = 0; index < count; index += 1)
        if ((await state.counterStore.checkAndReserve([claim('client:fay:requests', 'requests', 20)], performance.now())).ok) ok += 1;
      return ok;
    };
    expect((await admitted(a, 3)) + (await admitted(b, 3))).toBe(6);

    await cluster.kill();
    // the first requests find out at once (connection closed), the rest go to the local counters: 20 ÷ 2 each
    expect(await admitted(a, 15)).toBe(10);
    expect(await admitted(b, 15)).toBe(10);
    expect(a.view()).toMatchObject({ backend: 'local_fallback' });
    expect(b.view().detail).toContain('limit ÷ 2');

    await cluster.start();
    await until('both replicas back on the cluster', () => a.view().backend === 'redis' && b.view().backend === 'redis', 20_000);
    // an empty cluster (restarted without data): the full limit again, shared by both
    expect((await admitted(a, 12)) + (await admitted(b, 12))).toBe(20);
  }, 60_000);
});

function meteringStub(): Metering {
  return { recorder: { begin: () => undefined, finish: () => undefined } } as unknown as Metering;
}

function finished(costUsd: number): RequestFinish {
  return { startedAt: Date.now(), costUsd, clientTokenName: 'erin' } as unknown as RequestFinish;
}
