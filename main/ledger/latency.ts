// Latency and time-to-first-token percentiles of successful requests. Exact (nearest rank over the raw rows) when
// the range holds no whole UTC day; otherwise from log-scale histograms kept per day (rollups.ts), whose buckets
// are 2^(1/8) wide: the value reported is the bucket's log-midpoint, within ±4.5% of the true percentile.
import type { LedgerDatabase } from './database.js';
import { splitRange } from './range-segments.js';
import { dimensionKeys, latencyBucketsPerDoubling } from './rollups.js';
import type { TimeRange } from './types.js';

export interface LatencyPercentiles {
  /** successful requests with a measurement in the range */
  readonly count: number;
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
  readonly method: 'exact' | 'histogram';
}

export type LatencyMetric = 'latency' | 'ttft';

const columns = { latency: 'latency_ms', ttft: 'ttft_ms' } as const;

/** Nearest-rank percentile of sorted values: the smallest value with at least p of the values at or below it. */
export function nearestRank(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length))) - 1] ?? null;
}

/** The representative value of histogram bucket i: the log-midpoint of [2^(i/8) − 1, 2^((i+1)/8) − 1). */
export function bucketValue(index: number): number {
  return Math.round(2 ** ((index + 0.5) / latencyBucketsPerDoubling) - 1);
}

/** The p-th percentile of a latency histogram of `total` values, as the bucket's representative value. */
export function fromHistogram(buckets: readonly { index: number; count: number }[], p: number, total: number): number | null {
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  for (const bucket of buckets) {
    seen += bucket.count;
    if (seen >= rank) return bucketValue(bucket.index);
  }
  return null;
}

export function latencyPercentiles(database: LedgerDatabase, range: TimeRange, metric: LatencyMetric = 'latency'): LatencyPercentiles {
  const column = columns[metric];
  const segments = splitRange(range, { useHours: false });
  if (segments.days.length === 0) {
    const values = database
      .prepare<[number, number], number>(
        `SELECT ${column} FROM requests INDEXED BY requests_by_time WHERE started_at >= ? AND started_at < ? AND status = 'ok' AND ${column} IS NOT NULL ORDER BY ${column}`,
      )
      .pluck()
      .all(range.from, range.to);
    return { count: values.length, p50: nearestRank(values, 0.5), p95: nearestRank(values, 0.95), p99: nearestRank(values, 0.99), method: 'exact' };
  }
  const parts: string[] = [];
  const parameters: (string | number)[] = [];
  for (const day of segments.days) {
    parts.push(`SELECT CAST(key AS INTEGER) AS bucket, requests AS count FROM rollup_daily WHERE dimension = ? AND bucket_start >= ? AND bucket_start < ?`);
    parameters.push(metric, day.from, day.to);
  }
  for (const edge of segments.raw) {
    parts.push(
      `SELECT CAST(bucket AS INTEGER) AS bucket, 1 AS count FROM (SELECT ${dimensionKeys[metric]} AS bucket FROM requests r INDEXED BY requests_by_time ` +
        `WHERE r.started_at >= ? AND r.started_at < ?) WHERE bucket IS NOT NULL`,
    );
    parameters.push(edge.from, edge.to);
  }
  const buckets = database
    .prepare<(string | number)[], { index: number; count: number }>(
      `SELECT bucket AS "index", SUM(count) AS count FROM (${parts.join(' UNION ALL ')}) GROUP BY bucket ORDER BY bucket`,
    )
    .all(...parameters);
  const total = buckets.reduce((sum, bucket) => sum + bucket.count, 0);
  return {
    count: total,
    p50: fromHistogram(buckets, 0.5, total),
    p95: fromHistogram(buckets, 0.95, total),
    p99: fromHistogram(buckets, 0.99, total),
    method: 'histogram',
  };
}
