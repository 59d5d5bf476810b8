// Latency percentiles per breakdown key (provider, model, client, route), exact (nearest rank) over the raw rows:
// the rollups keep latency histograms for the whole ledger only. One pass over the range through the time index —
// for `switchyard usage --by`; a year of a busy ledger takes about a second: right for a command, not a dashboard.
import type { LedgerDatabase } from './database.js';
import { nearestRank, type LatencyMetric, type LatencyPercentiles } from './latency.js';
import type { BreakdownDimension } from './queries.js';
import { dimensionKeys } from './rollups.js';
import type { TimeRange } from './types.js';

export interface LatencyBreakdown {
  /** every key together: the same rows, so the total agrees with the per-key figures */
  readonly total: LatencyPercentiles;
  readonly byKey: ReadonlyMap<string, LatencyPercentiles>;
}

const columns = { latency: 'latency_ms', ttft: 'ttft_ms' } as const;

function percentiles(sorted: readonly number[]): LatencyPercentiles {
  return { count: sorted.length, p50: nearestRank(sorted, 0.5), p95: nearestRank(sorted, 0.95), p99: nearestRank(sorted, 0.99), method: 'exact' };
}

export function latencyBreakdown(database: LedgerDatabase, range: TimeRange, by: BreakdownDimension, metric: LatencyMetric = 'latency'): LatencyBreakdown {
  const column = columns[metric];
  const rows = database
    .prepare<[number, number], { key: string; value: number }>(
      `SELECT ${dimensionKeys[by]} AS key, r.${column} AS value FROM requests r INDEXED BY requests_by_time ` +
        `WHERE r.started_at >= ? AND r.started_at < ? AND r.status = 'ok' AND r.${column} IS NOT NULL ORDER BY r.${column}`,
    )
    .all(range.from, range.to);
  const values = new Map<string, number[]>();
  for (const row of rows) {
    let list = values.get(row.key);
    if (!list) values.set(row.key, (list = []));
    list.push(row.value);
  }
  return { total: percentiles(rows.map((row) => row.value)), byKey: new Map([...values].map(([key, list]) => [key, percentiles(list)])) };
}
