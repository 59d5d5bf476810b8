// Cost and tokens over time per provider on PostgreSQL, with series.ts's results: hour buckets from the hourly
// rollup; UTC days from the daily rollup; local days from whole hours of the hourly rollup grouped by local
// midnight (a year is ~9,000 hourly rows per provider, one GROUP BY on the server). In :30/:45 time zones the hour
// holding local midnight straddles two days: its rollup row counts for the day it starts in, and its part after
// midnight is moved to the next day from the quarter-hour rollup (migration 2; raw rows for any other offset).
import { offsetPeriods } from '../../../shared/time-zone.js';
import { splitRange, type RangeSegments } from '../range-segments.js';
import { dayMs, hourMs } from '../rollups.js';
import { Accumulator, columns, LocalDays, type BucketRow, type SeriesOptions, type SeriesPoint } from '../series.js';
import type { TimeRange } from '../types.js';
import type { Pool } from './client.js';
import { quarterMs } from './rollup-sums.js';
import { dimensionKeys, measures, Params, segmentsUnion } from './sql.js';

const sums = columns.map((name) => `SUM(${name})::bigint AS ${name}`).join(', ');

/** Rows of every segment grouped into buckets of `size` starting at UTC + `offsetMs` boundaries. */
async function bucketed(pool: Pool, segments: RangeSegments, size: number, offsetMs: number): Promise<BucketRow[]> {
  const params = new Params();
  const union = segmentsUnion('provider', segments, params, columns);
  const { rows } = await pool.query<BucketRow>(
    `SELECT ((bucket + ${offsetMs}) / ${size}) * ${size} - ${offsetMs} AS bucket, key, ${sums} FROM (${union}) AS segments GROUP BY 1, 2`,
    params.values,
  );
  return rows;
}

/**
 * The part after local midnight of each whole rollup hour that holds one: [midnight, hour end) per day, keyed by
 * the midnight. Only for offsets that are not whole hours.
 */
async function afterMidnight(pool: Pool, hours: readonly TimeRange[], midnightOfDay: number): Promise<BucketRow[]> {
  const rows: BucketRow[] = [];
  const hourStartOfDay = Math.floor(midnightOfDay / hourMs) * hourMs;
  const tail = hourStartOfDay + hourMs - midnightOfDay;
  for (const range of hours) {
    // midnights M whose hour [H, H + 1 h) lies inside the range
    const first = Math.ceil((range.from - hourStartOfDay) / dayMs) * dayMs + midnightOfDay;
    const last = Math.floor((range.to - hourMs - hourStartOfDay) / dayMs) * dayMs + midnightOfDay;
    if (first > last) continue;
    const params = new Params();
    if (midnightOfDay % quarterMs === 0) {
      // :30 and :45 zones: the part-hour is whole quarter hours, summed in rollup_quarter (a few rows a day)
      const result = await pool.query<BucketRow>(
        `SELECT m.start AS bucket, q.key, ${columns.map((name) => `SUM(q.${name})::bigint AS ${name}`).join(', ')} ` +
          `FROM generate_series(${params.add(first)}::bigint, ${params.add(last)}::bigint, ${dayMs}::bigint) AS m(start) ` +
          `JOIN rollup_quarter q ON q.dimension = 'provider' AND q.bucket_start >= m.start AND q.bucket_start < m.start + ${tail} GROUP BY 1, 2`,
        params.values,
      );
      rows.push(...result.rows);
      continue;
    }
    const raw = columns.map((name) => `SUM(${measures[name]})::bigint AS ${name}`).join(', ');
    const result = await pool.query<BucketRow>(
      // LATERAL: one time-index range scan per midnight, never a join over the whole table
      `SELECT m.start AS bucket, x.key, ${columns.map((name) => `SUM(x.${name})::bigint AS ${name}`).join(', ')} ` +
        `FROM generate_series(${params.add(first)}::bigint, ${params.add(last)}::bigint, ${dayMs}::bigint) AS m(start) CROSS JOIN LATERAL ` +
        `(SELECT (${dimensionKeys.provider}) COLLATE "C" AS key, ${raw} FROM requests r ` +
        `WHERE r.started_at >= m.start AND r.started_at < m.start + ${tail} AND r.status <> 'in_flight' GROUP BY 1) AS x GROUP BY 1, 2`,
      params.values,
    );
    rows.push(...result.rows);
  }
  return rows;
}

async function fixedOffsetSeries(pool: Pool, range: TimeRange, options: SeriesOptions): Promise<SeriesPoint[]> {
  const offsetMs = Math.round((options.utcOffsetMinutes ?? 0) * 60_000);
  const points = new Accumulator();
  if (options.bucket === 'hour') {
    points.add(await bucketed(pool, splitRange(range, { useDays: false }), hourMs, 0), 1);
    return points.result();
  }
  /** the UTC time of day at which local days start */
  const start = ((-offsetMs % dayMs) + dayMs) % dayMs;
  if (start === 0) {
    points.add(await bucketed(pool, splitRange(range), dayMs, 0), 1);
    return points.result();
  }
  const segments = splitRange(range, { useDays: false });
  points.add(await bucketed(pool, segments, dayMs, offsetMs), 1);
  if (start % hourMs !== 0) {
    const moved = await afterMidnight(pool, segments.hours, start);
    points.add(moved, -1, (row) => row.bucket - dayMs);
    points.add(moved, 1);
  }
  return points.result();
}

async function acrossOffsetChanges(
  pool: Pool,
  periods: readonly { from: number; to: number; offsetMinutes: number }[],
  timeZone: string,
): Promise<SeriesPoint[]> {
  const days = new LocalDays(timeZone);
  for (const period of periods) {
    days.add(await fixedOffsetSeries(pool, period, { bucket: 'day', utcOffsetMinutes: period.offsetMinutes }), period.offsetMinutes);
  }
  return days.points();
}

export function timeSeries(pool: Pool, range: TimeRange, options: SeriesOptions): Promise<SeriesPoint[]> {
  if (options.bucket === 'day' && options.timeZone !== undefined) {
    return acrossOffsetChanges(pool, offsetPeriods(options.timeZone, range.from, range.to), options.timeZone);
  }
  return fixedOffsetSeries(pool, range, options);
}
