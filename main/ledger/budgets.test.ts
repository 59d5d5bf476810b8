// Budget states and actions: thresholds, global vs per-client limits, block over downgrade, zero limits.
import { describe, expect, it } from 'vitest';
import { evaluateBudgets, type SpendSoFar } from './budgets.js';
import type { BudgetLimits } from '../config/types.js';

function spend(todayUsd: number, monthUsd: number, clients: Record<string, [number, number]> = {}): SpendSoFar {
  return {
    today: { totalUsd: todayUsd, byClient: Object.fromEntries(Object.entries(clients).map(([name, [today]]) => [name, today])) },
    month: { totalUsd: monthUsd, byClient: Object.fromEntries(Object.entries(clients).map(([name, [, month]]) => [name, month])) },
  };
}

describe('evaluateBudgets', () => {
  const limits: BudgetLimits = {
    daily: { limitUsd: 10, action: 'downgrade-local' },
    monthly: { limitUsd: 100, action: 'block' },
    perClient: { cursor: { daily: { limitUsd: 2, action: 'block' } } },
  };

  it('is ok with no limits configured, and below 80% of every limit', () => {
    expect(evaluateBudgets({}, spend(1_000, 1_000), 'cursor')).toEqual({ state: 'ok', action: 'none', checks: [] });
    const decision = evaluateBudgets(limits, spend(7.99, 50, { cursor: [1, 10] }), 'cursor');
    expect(decision).toMatchObject({ state: 'ok', action: 'none' });
    expect(decision.checks.map((check) => [check.scope, check.period, check.state])).toEqual([
      ['global', 'day', 'ok'],
      ['global', 'month', 'ok'],
      ['client', 'day', 'ok'],
    ]);
  });

  it('warns from 80% and names the closest limit, with no action yet', () => {
    const decision = evaluateBudgets(limits, spend(8, 50), null);
    expect(decision).toMatchObject({ state: 'warning', action: 'none', message: 'daily budget for all clients at $8.00 of $10.00' });
    expect(evaluateBudgets({ ...limits, warningFraction: 0.9 }, spend(8, 50), null).state).toBe('ok');
  });

  it('downgrades to local at the daily limit and blocks at the monthly one, block winning', () => {
    expect(evaluateBudgets(limits, spend(10, 50), null)).toMatchObject({
      state: 'exceeded',
      action: 'downgrade-local',
      message: 'daily budget for all clients reached $10.00 of $10.00',
    });
    expect(evaluateBudgets(limits, spend(12, 100.5), null)).toMatchObject({
      state: 'exceeded',
      action: 'block',
      message: 'monthly budget for all clients reached $100.50 of $100.00',
    });
  });

  it('applies a client’s own limit only to that client', () => {
    const busy = spend(3, 20, { cursor: [2.5, 5], cli: [0.5, 15] });
    expect(evaluateBudgets(limits, busy, 'cursor')).toMatchObject({
      state: 'exceeded',
      action: 'block',
      decidedBy: { scope: 'client', clientTokenName: 'cursor', period: 'day', spentUsd: 2.5 },
    });
    expect(evaluateBudgets(limits, busy, 'cli')).toMatchObject({ state: 'ok', action: 'none' });
    expect(evaluateBudgets(limits, spend(0, 0), 'cursor').checks.find((check) => check.scope === 'client')?.spentUsd).toBe(0);
  });

  it('treats a zero limit as no cloud spend at all', () => {
    expect(evaluateBudgets({ daily: { limitUsd: 0, action: 'downgrade-local' } }, spend(0, 0), null)).toMatchObject({
      state: 'exceeded',
      action: 'downgrade-local',
    });
  });
});
