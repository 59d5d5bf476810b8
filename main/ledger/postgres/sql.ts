// The rollups' definitions in PostgreSQL's dialect (rollups.ts holds SQLite's; the two must agree, and the shared
// query tests hold them to the same results) and the UNION ALL over a range's segments: whole UTC days from
// rollup_daily, whole hours from rollup_hourly, the ragged edges from `requests` (range-segments.ts).
import type { RangeSegments } from '../range-segments.js';
import { latencyBucketsPerDoubling, measureNames, sqlDimensionKeys, type Dimension, type Measure } from '../rollups.js';

/** Numbered parameters ($1, $2, …) collected as a query is built. */
export class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

// floor(log2(v + 1) × 8) as rollup-sums.ts computes it (Math.log2). Double precision is ~1,000× faster than
// numeric's log, and agrees except within a hair of a bucket edge (v + 1 a power of 2^(1/8)), where numeric decides.
const latencyBucket = (column: string): string => {
  const scaled = `ln(r.${column} + 1.0::float8) / ln(2.0::float8) * ${latencyBucketsPerDoubling}`;
  return (
    `CASE WHEN r.status = 'ok' AND r.${column} IS NOT NULL AND r.${column} >= 0 THEN (CASE WHEN abs(${scaled} - round(${scaled})) < 1e-9 ` +
    `THEN floor(log(2, (r.${column} + 1)::numeric) * ${latencyBucketsPerDoubling}) ELSE floor(${scaled}) END)::bigint::text END`
  );
};

export const dimensionKeys: Record<Dimension, string> = sqlDimensionKeys(latencyBucket);

// round() of a numeric rounds half away from zero, as Math.round does for the non-negative amounts stored here.
const nano = (expression: string): string => `round((COALESCE(${expression}, 0) * 1e9)::numeric)::bigint`;

export const measures: Record<Measure, string> = {
  requests: '1::bigint',
  ok: `(r.status = 'ok')::int`,
  errors: `(r.status = 'error')::int`,
  cancelled: `(r.status = 'cancelled')::int`,
  interrupted: `(r.status = 'interrupted')::int`,
  input_tokens: 'r.input_tokens',
  output_tokens: 'r.output_tokens',
  cache_read_tokens: 'r.cache_read_tokens',
  cache_write_tokens: 'r.cache_write_tokens',
  reasoning_tokens: 'r.reasoning_tokens',
  cost_nano: nano('r.cost_usd'),
  unpriced: `(r.cost_usd IS NULL AND r.input_tokens + r.output_tokens + r.cache_read_tokens + r.cache_write_tokens > 0)::int`,
  reference_cost_nano: nano('r.cost_reference_usd'),
  saved_nano: `CASE WHEN r.cost_reference_usd IS NULL THEN 0 ELSE greatest(0, ${nano('r.cost_reference_usd')} - ${nano('r.cost_usd')}) END`,
  latency_count: `(r.status = 'ok' AND r.latency_ms IS NOT NULL)::int`,
  latency_sum_ms: `CASE WHEN r.status = 'ok' THEN COALESCE(r.latency_ms, 0) ELSE 0 END`,
};

/** Sums of `columns` as bigint (SUM of bigint is numeric in PostgreSQL; the driver maps both to numbers). */
export const sumsOf = (columns: readonly Measure[] = measureNames): string => columns.map((name) => `COALESCE(SUM(${name}), 0)::bigint AS ${name}`).join(', ');

/**
 * One row per (bucket, key) source row with `columns` measures, from every segment: rollup rows as stored, raw rows
 * computed with the same expressions. `bucket` is bucket_start (rollups) or started_at (raw).
 */
export function segmentsUnion(dimension: Dimension, segments: RangeSegments, params: Params, columns: readonly Measure[] = measureNames): string {
  const parts: string[] = [];
  for (const [table, ranges] of [
    ['rollup_daily', segments.days],
    ['rollup_hourly', segments.hours],
  ] as const) {
    for (const range of ranges) {
      parts.push(
        `SELECT bucket_start AS bucket, key, ${columns.join(', ')} FROM ${table} WHERE dimension = ${params.add(dimension)} AND bucket_start >= ${params.add(range.from)} AND bucket_start < ${params.add(range.to)}`,
      );
    }
  }
  const rawColumns = columns.map((name) => `${measures[name]} AS ${name}`).join(', ');
  for (const range of segments.raw) {
    parts.push(
      `SELECT * FROM (SELECT r.started_at AS bucket, (${dimensionKeys[dimension]}) COLLATE "C" AS key, ${rawColumns} FROM requests r ` +
        `WHERE r.started_at >= ${params.add(range.from)} AND r.started_at < ${params.add(range.to)} AND r.status <> 'in_flight') AS raw WHERE key IS NOT NULL`,
    );
  }
  if (parts.length === 0)
    parts.push(`SELECT 0::bigint AS bucket, ''::text COLLATE "C" AS key, ${columns.map((name) => `0::bigint AS ${name}`).join(', ')} WHERE false`);
  return parts.join(' UNION ALL ');
}
