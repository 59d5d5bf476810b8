// Turns the ledger's long series (one row per bucket and provider) into the wide rows a stacked chart wants,
// with empty buckets filled in so gaps read as zero spend rather than a line jumping across them.
import type { CallResponse } from '../../../../shared/control/contract';
import { addDays } from '../../time/date-range';

export type SeriesRows = CallResponse<'usage.series'>;
export type Metric = 'costUsd' | 'requests' | 'totalTokens';

export interface StackedSeries {
  /** providers, largest total first (the stacking and legend order) */
  readonly keys: string[];
  readonly rows: Array<{ readonly bucketStart: number; readonly values: Readonly<Record<string, number>>; readonly total: number }>;
  readonly total: number;
}

/** Bucket starts covering [from, to): hours, or local calendar days (DST-safe). */
export function bucketStarts(from: number, to: number, bucket: 'hour' | 'day'): number[] {
  const starts: number[] = [];
  if (bucket === 'hour') {
    for (let at = Math.floor(from / 3_600_000) * 3_600_000; at < to && starts.length < 24 * 62; at += 3_600_000) starts.push(at);
  } else {
    for (let at = addDays(from, 0); at < to && starts.length < 400; at = addDays(at, 1)) starts.push(at);
  }
  return starts;
}

export function stackByProvider(series: SeriesRows, metric: Metric, from: number, to: number, bucket: 'hour' | 'day'): StackedSeries {
  const totals = new Map<string, number>();
  const byBucket = new Map<number, Record<string, number>>();
  for (const row of series) {
    totals.set(row.providerId, (totals.get(row.providerId) ?? 0) + row[metric]);
    const values = byBucket.get(row.bucketStart) ?? {};
    values[row.providerId] = (values[row.providerId] ?? 0) + row[metric];
    byBucket.set(row.bucketStart, values);
  }
  const keys = [...totals.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([key]) => key);
  const starts = new Set([...bucketStarts(from, to, bucket), ...byBucket.keys()]);
  const rows = [...starts]
    .sort((a, b) => a - b)
    .map((bucketStart) => {
      const given = byBucket.get(bucketStart) ?? {};
      const values = Object.fromEntries(keys.map((key) => [key, given[key] ?? 0]));
      return { bucketStart, values, total: Object.values(values).reduce((sum, value) => sum + value, 0) };
    });
  return { keys, rows, total: [...totals.values()].reduce((sum, value) => sum + value, 0) };
}

/** Share of a budget used, clamped for drawing a meter (the text still says the real figure). */
export function meterFraction(used: number, limit: number | null): number | null {
  if (limit === null || limit <= 0) return null;
  return Math.min(1, Math.max(0, used / limit));
}
