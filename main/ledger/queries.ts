// The dashboard's aggregate queries, each over a time range: totals, top-N breakdowns, error classes, and spend
// today / this month for budgets. All read the rollups (range-segments.ts); the time series is in series.ts.
import type { SpendSoFar } from './budgets.js';
import type { LedgerDatabase } from './database.js';
import { segmentsUnion, splitRange } from './range-segments.js';
import { measureNames, type Measure } from './rollups.js';
import type { TimeRange } from './types.js';

export interface UsageTotals {
  readonly requests: number;
  readonly ok: number;
  readonly errors: number;
  readonly cancelled: number;
  readonly interrupted: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheWriteTokens: number;
  readonly reasoningTokens: number;
  /** input + cache read + cache write + output */
  readonly totalTokens: number;
  readonly costUsd: number;
  /** requests that used tokens on a model with no known price (their cost is not in costUsd) */
  readonly unpriced: number;
  readonly referenceCostUsd: number;
  /** what local requests saved against the reference cloud model */
  readonly savedUsd: number;
  /** errors / requests (cancelled and interrupted requests are not errors) */
  readonly errorRate: number;
  /** mean latency of successful requests, ms */
  readonly averageLatencyMs: number | null;
}

export type Sums = Record<Measure, number>;

const sumColumns = measureNames.map((name) => `COALESCE(SUM(${name}), 0) AS ${name}`).join(', ');

export function toTotals(sums: Sums): UsageTotals {
  const totalTokens = sums.input_tokens + sums.output_tokens + sums.cache_read_tokens + sums.cache_write_tokens;
  return {
    requests: sums.requests,
    ok: sums.ok,
    errors: sums.errors,
    cancelled: sums.cancelled,
    interrupted: sums.interrupted,
    inputTokens: sums.input_tokens,
    outputTokens: sums.output_tokens,
    cacheReadTokens: sums.cache_read_tokens,
    cacheWriteTokens: sums.cache_write_tokens,
    reasoningTokens: sums.reasoning_tokens,
    totalTokens,
    costUsd: sums.cost_nano / 1e9,
    unpriced: sums.unpriced,
    referenceCostUsd: sums.reference_cost_nano / 1e9,
    savedUsd: sums.saved_nano / 1e9,
    errorRate: sums.requests === 0 ? 0 : sums.errors / sums.requests,
    averageLatencyMs: sums.latency_count === 0 ? null : sums.latency_sum_ms / sums.latency_count,
  };
}

export function totals(database: LedgerDatabase, range: TimeRange): UsageTotals {
  const union = segmentsUnion('all', splitRange(range));
  const sums = database.prepare<(string | number)[], Sums>(`SELECT ${sumColumns} FROM (${union.sql})`).get(...union.parameters);
  return toTotals(sums as Sums);
}

export type BreakdownDimension = 'provider' | 'model' | 'client' | 'client_family' | 'route';

export interface BreakdownOptions {
  readonly by: BreakdownDimension;
  readonly limit?: number;
  readonly orderBy?: 'cost' | 'requests' | 'tokens';
}

export interface BreakdownRow extends UsageTotals {
  /** provider id, `provider/model`, client token name, client family or route; '' when the request had none */
  readonly key: string;
}

export interface Breakdown {
  readonly rows: readonly BreakdownRow[];
  /** everything outside the top N, summed (null when nothing was left out) */
  readonly others: UsageTotals | null;
}

const orderExpressions = {
  cost: 'cost_nano DESC, requests DESC, key',
  requests: 'requests DESC, cost_nano DESC, key',
  tokens: '(input_tokens + output_tokens + cache_read_tokens + cache_write_tokens) DESC, key',
} as const;

export function breakdown(database: LedgerDatabase, range: TimeRange, options: BreakdownOptions): Breakdown {
  const limit = Math.max(1, Math.min(1_000, Math.floor(options.limit ?? 10)));
  const union = segmentsUnion(options.by, splitRange(range));
  const rows = database
    .prepare<(string | number)[], Sums & { key: string }>(
      `SELECT key, ${sumColumns} FROM (${union.sql}) GROUP BY key HAVING SUM(requests) > 0 ORDER BY ${orderExpressions[options.orderBy ?? 'cost']}`,
    )
    .all(...union.parameters);
  const top = rows.slice(0, limit).map((row) => ({ key: row.key, ...toTotals(row) }));
  const rest = rows.slice(limit);
  if (rest.length === 0) return { rows: top, others: null };
  const others = Object.fromEntries(measureNames.map((name) => [name, rest.reduce((sum, row) => sum + row[name], 0)])) as Sums;
  return { rows: top, others: toTotals(others) };
}

export interface ErrorClassCount {
  /** the error class, or 'cancelled' / 'interrupted' for requests that ended those ways without one */
  readonly errorClass: string;
  readonly count: number;
  /** count / all requests in the range */
  readonly share: number;
}

export function errorClasses(database: LedgerDatabase, range: TimeRange): ErrorClassCount[] {
  const segments = splitRange(range);
  const union = segmentsUnion('error_class', segments, ['requests']);
  const rows = database
    .prepare<(string | number)[], { key: string; count: number }>(
      `SELECT key, SUM(requests) AS count FROM (${union.sql}) GROUP BY key HAVING count > 0 ORDER BY count DESC, key`,
    )
    .all(...union.parameters);
  const all = totals(database, range).requests;
  return rows.map((row) => ({ errorClass: row.key, count: row.count, share: all === 0 ? 0 : row.count / all }));
}

/** Local midnight today → tomorrow, and the 1st of this month → the 1st of the next, in the process's time zone. */
export function calendarRanges(now: Date = new Date()): { readonly today: TimeRange; readonly month: TimeRange } {
  const day = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const nextDay = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1);
  const month = new Date(now.getFullYear(), now.getMonth(), 1);
  const nextMonth = new Date(now.getFullYear(), now.getMonth() + 1, 1);
  return { today: { from: day.getTime(), to: nextDay.getTime() }, month: { from: month.getTime(), to: nextMonth.getTime() } };
}

/** Spend today and this month, overall and per client token: the input to evaluateBudgets(). */
export function spendSoFar(database: LedgerDatabase, ranges: { readonly today: TimeRange; readonly month: TimeRange } = calendarRanges()): SpendSoFar {
  const period = (range: TimeRange) => {
    const union = segmentsUnion('client', splitRange(range), ['cost_nano']);
    const rows = database
      .prepare<(string | number)[], { key: string; cost: number }>(`SELECT key, SUM(cost_nano) AS cost FROM (${union.sql}) GROUP BY key`)
      .all(...union.parameters);
    const byClient: Record<string, number> = {};
    let total = 0;
    for (const row of rows) {
      total += row.cost;
      if (row.key !== '') byClient[row.key] = row.cost / 1e9;
    }
    return { totalUsd: total / 1e9, byClient };
  };
  return { today: period(ranges.today), month: period(ranges.month) };
}

/** Requests running now (rows written as 'in_flight' and not yet finished). */
export function inFlightCount(database: LedgerDatabase): number {
  // `status <> 'ok'` lets SQLite use the partial status index (migration 5) instead of reading every row
  return database.prepare<[], number>(`SELECT COUNT(*) FROM requests WHERE status = 'in_flight' AND status <> 'ok'`).pluck().get() ?? 0;
}
