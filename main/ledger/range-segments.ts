// Splits a query's time range into whole UTC days (read from rollup_daily), whole hours (rollup_hourly) and the
// ragged edges (the requests table, through its time index), and builds the UNION ALL that reads all three.
// Any millisecond range is answered exactly; at most two partial days of raw rows are ever scanned.
import { dayMs, dimensionKeys, hourMs, measureNames, measures, type Dimension, type Measure } from './rollups.js';
import type { TimeRange } from './types.js';

export interface RangeSegments {
  readonly days: readonly TimeRange[];
  readonly hours: readonly TimeRange[];
  readonly raw: readonly TimeRange[];
}

const nonEmpty = (range: TimeRange): boolean => range.from < range.to;

function wholeUnits(range: TimeRange, unitMs: number): { inner: TimeRange | undefined; edges: TimeRange[] } {
  const start = Math.ceil(range.from / unitMs) * unitMs;
  const end = Math.floor(range.to / unitMs) * unitMs;
  if (start >= end) return { inner: undefined, edges: [range] };
  return {
    inner: { from: start, to: end },
    edges: [
      { from: range.from, to: start },
      { from: end, to: range.to },
    ].filter(nonEmpty),
  };
}

/** `useDays: false` when days cannot be used (a local-time day series); `useHours: false` for daily-only dimensions. */
export function splitRange(range: TimeRange, options: { readonly useDays?: boolean; readonly useHours?: boolean } = {}): RangeSegments {
  if (!nonEmpty(range)) return { days: [], hours: [], raw: [] };
  const { inner: days, edges } = options.useDays === false ? { inner: undefined, edges: [range] } : wholeUnits(range, dayMs);
  const hours: TimeRange[] = [];
  const raw: TimeRange[] = [];
  for (const edge of edges) {
    if (options.useHours === false) {
      raw.push(edge);
      continue;
    }
    const split = wholeUnits(edge, hourMs);
    if (split.inner) hours.push(split.inner);
    raw.push(...split.edges);
  }
  return { days: days ? [days] : [], hours, raw };
}

export interface SegmentQuery {
  readonly sql: string;
  readonly parameters: (string | number)[];
}

/**
 * One row per (bucket?, key) source row, with `columns` measures, from every segment: rollup rows as stored, raw
 * rows computed with the same expressions the rollups use. `bucket` is the row's bucket_start (rollups) or
 * started_at (raw), for time series.
 */
export function segmentsUnion(dimension: Dimension, segments: RangeSegments, columns: readonly Measure[] = measureNames): SegmentQuery {
  const parts: string[] = [];
  const parameters: (string | number)[] = [];
  const rollupColumns = columns.join(', ');
  for (const [table, ranges] of [
    ['rollup_daily', segments.days],
    ['rollup_hourly', segments.hours],
  ] as const) {
    for (const range of ranges) {
      parts.push(`SELECT bucket_start AS bucket, key, ${rollupColumns} FROM ${table} WHERE dimension = ? AND bucket_start >= ? AND bucket_start < ?`);
      parameters.push(dimension, range.from, range.to);
    }
  }
  const rawColumns = columns.map((name) => `${measures[name]} AS ${name}`).join(', ');
  for (const range of segments.raw) {
    parts.push(
      `SELECT * FROM (SELECT r.started_at AS bucket, ${dimensionKeys[dimension]} AS key, ${rawColumns} FROM requests r INDEXED BY requests_by_time ` +
        `WHERE r.started_at >= ? AND r.started_at < ? AND r.status <> 'in_flight') WHERE key IS NOT NULL`,
    );
    parameters.push(range.from, range.to);
  }
  if (parts.length === 0) parts.push(`SELECT 0 AS bucket, '' AS key, ${columns.map((name) => `0 AS ${name}`).join(', ')} WHERE 0`);
  return { sql: parts.join(' UNION ALL '), parameters };
}
