// Budget evaluation, pure: spend so far (today and this month, overall and for the calling client token) against
// the configured limits → ok, warning (≥ 80% by default) or exceeded, and what the gateway should do about it.

import type { BudgetAction, BudgetLimit, BudgetLimits } from '../config/types.js';
import type { RequestFinish, TimeRange } from './types.js';

export type BudgetState = 'ok' | 'warning' | 'exceeded';
export type BudgetPeriod = 'day' | 'month';

export interface PeriodSpend {
  readonly totalUsd: number;
  readonly byClient: Readonly<Record<string, number>>;
}

export interface SpendSoFar {
  readonly today: PeriodSpend;
  readonly month: PeriodSpend;
}

/**
 * The committed spend plus finished requests not committed yet (both ledgers: a backlog of writes must not hide
 * spend): each request's cost counts in the periods its start falls in; an unpriced one (null) counts nowhere.
 */
export function withUncommittedSpend(
  committed: SpendSoFar,
  uncommitted: readonly RequestFinish[],
  ranges: { readonly today: TimeRange; readonly month: TimeRange },
): SpendSoFar {
  if (uncommitted.length === 0) return committed;
  const add = (period: PeriodSpend, range: TimeRange): PeriodSpend => {
    let totalUsd = period.totalUsd;
    const byClient = { ...period.byClient };
    for (const record of uncommitted) {
      if (record.costUsd === null || record.startedAt < range.from || record.startedAt >= range.to) continue;
      totalUsd += record.costUsd;
      if (record.clientTokenName !== null) byClient[record.clientTokenName] = (byClient[record.clientTokenName] ?? 0) + record.costUsd;
    }
    return { totalUsd, byClient };
  };
  return { today: add(committed.today, ranges.today), month: add(committed.month, ranges.month) };
}

export interface BudgetCheck {
  readonly scope: 'global' | 'client';
  readonly clientTokenName?: string;
  readonly period: BudgetPeriod;
  readonly limitUsd: number;
  readonly spentUsd: number;
  /** spent / limit (Infinity for a zero limit) */
  readonly fraction: number;
  readonly state: BudgetState;
  readonly action: BudgetAction;
}

export interface BudgetDecision {
  readonly state: BudgetState;
  /** 'none' unless some limit is exceeded; 'block' wins over 'downgrade-local' */
  readonly action: 'none' | BudgetAction;
  /** every configured limit that applies to this request */
  readonly checks: readonly BudgetCheck[];
  /** the check that decided the action, and a sentence for the 429 body or the log */
  readonly decidedBy?: BudgetCheck;
  readonly message?: string;
}

const severity: Record<BudgetState, number> = { ok: 0, warning: 1, exceeded: 2 };

function check(
  scope: BudgetCheck['scope'],
  period: BudgetPeriod,
  limit: BudgetLimit,
  spentUsd: number,
  warningFraction: number,
  clientTokenName?: string,
): BudgetCheck {
  const limitUsd = Math.max(0, limit.limitUsd);
  const fraction = limitUsd === 0 ? Number.POSITIVE_INFINITY : spentUsd / limitUsd;
  // A zero limit means "no cloud spend at all": it is exceeded from the start.
  const state: BudgetState = fraction >= 1 ? 'exceeded' : fraction >= warningFraction ? 'warning' : 'ok';
  return { scope, ...(clientTokenName === undefined ? {} : { clientTokenName }), period, limitUsd, spentUsd, fraction, state, action: limit.action };
}

export function describeBudgetCheck(budget: BudgetCheck): string {
  const whose = budget.scope === 'client' ? `client '${budget.clientTokenName ?? ''}'` : 'all clients';
  const period = budget.period === 'day' ? 'daily' : 'monthly';
  return `${period} budget for ${whose} ${budget.state === 'exceeded' ? 'reached' : 'at'} $${budget.spentUsd.toFixed(2)} of $${budget.limitUsd.toFixed(2)}`;
}

/** The decision for one request from `clientTokenName` (null: a request without a named token). */
export function evaluateBudgets(limits: BudgetLimits, spend: SpendSoFar, clientTokenName: string | null): BudgetDecision {
  const warningFraction = limits.warningFraction ?? 0.8;
  const checks: BudgetCheck[] = [];
  if (limits.daily) checks.push(check('global', 'day', limits.daily, spend.today.totalUsd, warningFraction));
  if (limits.monthly) checks.push(check('global', 'month', limits.monthly, spend.month.totalUsd, warningFraction));
  const client = clientTokenName === null ? undefined : limits.perClient?.[clientTokenName];
  if (client && clientTokenName !== null) {
    if (client.daily) checks.push(check('client', 'day', client.daily, spend.today.byClient[clientTokenName] ?? 0, warningFraction, clientTokenName));
    if (client.monthly) checks.push(check('client', 'month', client.monthly, spend.month.byClient[clientTokenName] ?? 0, warningFraction, clientTokenName));
  }
  const worst = checks.reduce<BudgetState>((state, item) => (severity[item.state] > severity[state] ? item.state : state), 'ok');
  const exceeded = checks.filter((item) => item.state === 'exceeded');
  const decidedBy =
    exceeded.find((item) => item.action === 'block') ??
    exceeded[0] ??
    checks.filter((item) => item.state === 'warning').sort((a, b) => b.fraction - a.fraction)[0];
  return {
    state: worst,
    action: exceeded.length === 0 ? 'none' : exceeded.some((item) => item.action === 'block') ? 'block' : 'downgrade-local',
    checks,
    ...(decidedBy ? { decidedBy, message: describeBudgetCheck(decidedBy) } : {}),
  };
}
