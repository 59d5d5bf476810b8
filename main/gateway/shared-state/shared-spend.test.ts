// Budget totals in a real Redis (a private one the test empties by restarting it) starting from the ledger: on first
// use and after an empty restart they are raised to what the replica's ledger holds — never lowered by a replica
// that knows less, never counting twice the costs that waited while Redis was away.
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { startPrivateRedis, type PrivateRedis } from '../../../test/support/team-services.js';
import type { BudgetGuard } from '../budget-guard.js';
import type { Metering } from '../metering.js';
import type { SpendSoFar } from '../../ledger/budgets.js';
import type { RequestFinish } from '../../ledger/types.js';
import { SharedState } from './shared-state.js';
import { periodsOf } from './shared-spend.js';

/** A replica's ledger, as the budget guard reports it: what was finished through it, committed or queued. */
class FakeLedger {
  spend: { today: { totalUsd: number; byClient: Record<string, number> }; month: { totalUsd: number; byClient: Record<string, number> } };
  constructor(total: number, byClient: Record<string, number> = {}) {
    this.spend = { today: { totalUsd: total, byClient: { ...byClient } }, month: { totalUsd: total, byClient: { ...byClient } } };
  }
  guard(): BudgetGuard {
    return { decide: () => undefined, spendSoFar: (): SpendSoFar => structuredClone(this.spend) };
  }
  metering(): Metering {
    const finish = (record: RequestFinish): void => {
      for (const period of [this.spend.today, this.spend.month]) {
        period.totalUsd += record.costUsd ?? 0;
        if (record.clientTokenName) period.byClient[record.clientTokenName] = (period.byClient[record.clientTokenName] ?? 0) + (record.costUsd ?? 0);
      }
    };
    return { recorder: { begin: () => undefined, finish } } as unknown as Metering;
  }
}

const finished = (costUsd: number, client: string): RequestFinish => ({ startedAt: Date.now(), costUsd, clientTokenName: client }) as unknown as RequestFinish;

async function until(what: string, condition: () => Promise<boolean>, ms = 8_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('shared budget totals start from the ledger', () => {
  let server: PrivateRedis | undefined;
  const states: SharedState[] = [];
  afterEach(async () => {
    await Promise.all(states.splice(0).map((state) => state.close()));
    await server?.close();
    server = undefined;
  });

  it('on first use, after an empty restart, and with costs that waited meanwhile', async () => {
    server = await startPrivateRedis();
    const redis = new Redis(server.url, { maxRetriesPerRequest: 0, lazyConnect: true });
    const dayKey = `{seed}:spend:day:${periodsOf(Date.now()).day.from}`;
    const monthKey = `{seed}:spend:month:${periodsOf(Date.now()).month.from}`;
    const totals = async (key: string): Promise<Record<string, number>> => {
      if (redis.status !== 'ready') await redis.connect().catch(() => undefined);
      const fields = await redis.hgetall(key).catch(() => ({}));
      return Object.fromEntries(Object.entries(fields).map(([field, value]) => [field, Math.round(Number(value) * 1e6) / 1e6]));
    };
    try {
      const open = async (ledger: FakeLedger): Promise<{ state: SharedState; metering: Metering }> => {
        const state = await SharedState.open({ url: server!.url, replicas: 2, keyPrefix: 'seed', commandTimeoutMs: 250 }, () => undefined);
        states.push(state);
        state.budgetGuard(ledger.guard(), () => ({ daily: { limitUsd: 5, action: 'block' } }));
        return { state, metering: state.withSpend(ledger.metering()) };
      };
      // Redis has nothing yet (state.url just set): A's ledger already holds $3 today, $1 of it alice's
      const ledgerA = new FakeLedger(3, { alice: 1 });
      const a = await open(ledgerA);
      await until("A's ledger in Redis", async () => (await totals(dayKey))['total'] === 3);
      expect(await totals(dayKey)).toEqual({ total: 3, 'client:alice': 1 });
      expect(await totals(monthKey)).toEqual({ total: 3, 'client:alice': 1 });

      // B knows less ($1): it raises nothing; then a cost through B is added on top
      const ledgerB = new FakeLedger(1, { bob: 1 });
      const b = await open(ledgerB);
      await until("B's bob in Redis", async () => (await totals(dayKey))['client:bob'] === 1);
      expect((await totals(dayKey))['total']).toBe(3);
      b.metering.recorder.finish(finished(0.5, 'bob'));
      await until('the cost through B', async () => (await totals(dayKey))['total'] === 3.5);

      // Redis restarts empty; a cost through A meanwhile waits (and is in A's ledger already)
      await server.kill();
      a.metering.recorder.finish(finished(0.25, 'alice'));
      await until('A to notice', async () => a.state.view().backend === 'local_fallback');
      await server.start();
      await until('both back', async () => a.state.view().backend === 'redis' && b.state.view().backend === 'redis');
      // A's ledger ($3.25, alice $1.25) — the waiting $0.25 counted once — and bob's $1.5 from B's
      await until('the totals rebuilt', async () => {
        const day = await totals(dayKey);
        return day['total'] === 3.25 && day['client:bob'] === 1.5;
      });
      await new Promise((resolve) => setTimeout(resolve, 1_500)); // and they stay so (no late double add)
      expect(await totals(dayKey)).toEqual({ total: 3.25, 'client:alice': 1.25, 'client:bob': 1.5 });
    } finally {
      redis.disconnect();
    }
  }, 40_000);
});
