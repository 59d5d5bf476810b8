// Cost and tokens over time, one point per (bucket, provider), for stacked charts. Hour buckets come from the
// hourly rollup; day buckets start at local midnight. A local day that is not a UTC day is read as a UTC day plus
// and minus the few hours (at most 12) by which the two differ, so a year by day in any time zone reads ~365 daily
// rows per provider and at most half the hourly rows, never all of them; :30/:45 zones add part-hours of raw rows.
import type { LedgerDatabase } from './database.js';
import { segmentsUnion, splitRange, type RangeSegments } from './range-segments.js';
import { dayMs, dimensionKeys, hourMs, measures, type Measure } from './rollups.js';
import { localMidnight, offsetPeriods } from '../../shared/time-zone.js';
import type { TimeRange } from './types.js';

export interface SeriesPoint {
  /** start of the bucket, epoch ms */
  readonly bucketStart: number;
  readonly providerId: string;
  readonly requests: number;
  readonly errors: number;
  readonly costUsd: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly totalTokens: number;
}

export interface SeriesOptions {
  readonly bucket: 'hour' | 'day';
  /**
   * Local time = UTC + this offset, for day buckets that start at local midnight. Fixed for the whole range (a
   * range spanning a DST change would put the hour around the change into the neighbouring day: pass `timeZone`). Hour buckets are UTC
   * hours (the same as local hours except in :30/:45 time zones, where they start at :30/:45 local time).
   */
  readonly utcOffsetMinutes?: number;
  /**
   * An IANA zone (`Europe/Berlin`): day buckets start at each day's real local midnight, across daylight-saving
   * changes. Takes the place of `utcOffsetMinutes` for day buckets.
   */
  readonly timeZone?: string;
}

/** The measures a series point sums (both ledgers' series read these). */
export const columns = [
  'requests',
  'errors',
  'cost_nano',
  'input_tokens',
  'output_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
] as const satisfies readonly Measure[];
type Sums = Record<(typeof columns)[number], number>;
export type BucketRow = Sums & { bucket: number; key: string };

const sums = columns.map((name) => `SUM(${name}) AS ${name}`).join(', ');

const emptyRow = (bucket: number, key: string): BucketRow => ({
  bucket,
  key,
  requests: 0,
  errors: 0,
  cost_nano: 0,
  input_tokens: 0,
  output_tokens: 0,
  cache_read_tokens: 0,
  cache_write_tokens: 0,
});

/** Points keyed by (bucket, provider), summed with a sign (both ledgers' series). */
export class Accumulator {
  private readonly buckets = new Map<number, Map<string, BucketRow>>();

  add(rows: readonly BucketRow[], sign: 1 | -1, bucketOf: (row: BucketRow) => number = (row) => row.bucket): void {
    for (const row of rows) {
      const bucket = bucketOf(row);
      let providers = this.buckets.get(bucket);
      if (!providers) this.buckets.set(bucket, (providers = new Map()));
      let point = providers.get(row.key);
      if (!point) providers.set(row.key, (point = emptyRow(bucket, row.key)));
      for (const name of columns) point[name] += sign * row[name];
    }
  }

  result(): SeriesPoint[] {
    return [...this.buckets.values()]
      .flatMap((providers) => [...providers.values()])
      .filter((point) => point.requests !== 0)
      .sort((a, b) => a.bucket - b.bucket || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map((point) => ({
        bucketStart: point.bucket,
        providerId: point.key,
        requests: point.requests,
        errors: point.errors,
        costUsd: point.cost_nano / 1e9,
        inputTokens: point.input_tokens,
        outputTokens: point.output_tokens,
        totalTokens: point.input_tokens + point.output_tokens + point.cache_read_tokens + point.cache_write_tokens,
      }));
  }
}

/** Rows of every segment grouped into buckets of `size` that start at local midnight / the local hour. */
function bucketed(database: LedgerDatabase, segments: RangeSegments, size: number, offsetMs: number): BucketRow[] {
  const union = segmentsUnion('provider', segments, columns);
  return database
    .prepare<(string | number)[], BucketRow>(
      `SELECT ((bucket + ${offsetMs}) / ${size}) * ${size} - ${offsetMs} AS bucket, key, ${sums} FROM (${union.sql}) GROUP BY 1, 2`,
    )
    .all(...union.parameters);
}

/**
 * Per UTC day in [from, to): the provider sums of `source` (a SELECT of key and the series columns whose rows lie in
 * [day + :blockFrom, day + :blockTo)). One small GROUP BY per day, returned as JSON: sorting ~100 rows 365 times is
 * far cheaper than sorting 40,000 rows once (a year of half-days measured 19 ms against 34 ms).
 */
function perDay(database: LedgerDatabase, range: TimeRange, block: TimeRange, source: string): BucketRow[] {
  const days = database
    .prepare<[Record<string, number>], { bucket: number; sums: string | null }>(
      `WITH RECURSIVE days(start) AS (SELECT :from UNION ALL SELECT start + ${dayMs} FROM days WHERE start + ${dayMs} < :to)
       SELECT days.start AS bucket, (SELECT json_group_array(json_array(key, ${columns.join(', ')})) FROM (${source} GROUP BY key)) AS sums FROM days`,
    )
    .all({ from: range.from, to: range.to, blockFrom: block.from, blockTo: block.to });
  const rows: BucketRow[] = [];
  for (const day of days) {
    for (const [key, ...values] of JSON.parse(day.sums ?? '[]') as [string, ...number[]][]) {
      const row = emptyRow(day.bucket, key);
      columns.forEach((name, index) => (row[name] = values[index] ?? 0));
      rows.push(row);
    }
  }
  return rows;
}

/**
 * Per UTC day in [from, to): the provider sums of [day + blockFrom, day + blockTo), whole hours from the hourly
 * rollup and the part-hours of :30/:45 time zones from the raw rows (through the time index).
 */
function dayBlocks(database: LedgerDatabase, days: TimeRange, blockFrom: number, blockTo: number): BucketRow[] {
  const hourFrom = Math.ceil(blockFrom / hourMs) * hourMs;
  const hourTo = Math.max(hourFrom, Math.floor(blockTo / hourMs) * hourMs);
  const rows: BucketRow[] = [];
  if (hourFrom < hourTo) {
    const hours = `SELECT key, ${sums} FROM rollup_hourly WHERE dimension = 'provider' AND bucket_start >= days.start + :blockFrom AND bucket_start < days.start + :blockTo`;
    rows.push(...perDay(database, days, { from: hourFrom, to: hourTo }, hours));
  }
  const raw =
    `SELECT ${dimensionKeys.provider} AS key, ${columns.map((name) => `SUM(${measures[name]}) AS ${name}`).join(', ')} FROM requests r INDEXED BY requests_by_time ` +
    `WHERE r.started_at >= days.start + :blockFrom AND r.started_at < days.start + :blockTo AND r.status <> 'in_flight'`;
  for (const part of [
    { from: blockFrom, to: Math.min(hourFrom, blockTo) },
    { from: Math.max(hourTo, blockFrom), to: blockTo },
  ]) {
    if (part.from < part.to) rows.push(...perDay(database, days, part, raw));
  }
  return rows;
}

function dailyRows(database: LedgerDatabase, from: number, to: number): BucketRow[] {
  return database
    .prepare<[number, number], BucketRow>(
      `SELECT bucket_start AS bucket, key, ${columns.join(', ')} FROM rollup_daily WHERE dimension = 'provider' AND bucket_start >= ? AND bucket_start < ?`,
    )
    .all(from, to);
}

export function timeSeries(database: LedgerDatabase, range: TimeRange, options: SeriesOptions): SeriesPoint[] {
  if (options.bucket === 'day' && options.timeZone !== undefined) {
    // even one stretch is remapped: a range that begins just after a change has its first day's midnight before it
    return acrossOffsetChanges(database, offsetPeriods(options.timeZone, range.from, range.to), options.timeZone);
  }
  return fixedOffsetSeries(database, range, options);
}

/**
 * Each stretch of one offset is bucketed with that offset; a day cut by a change has a piece on either side, whose
 * bucket starts (midnight by each side's offset) are both moved to the day's real local midnight and summed.
 */
function acrossOffsetChanges(
  database: LedgerDatabase,
  periods: readonly { from: number; to: number; offsetMinutes: number }[],
  timeZone: string,
): SeriesPoint[] {
  const days = new LocalDays(timeZone);
  for (const period of periods) days.add(fixedOffsetSeries(database, period, { bucket: 'day', utcOffsetMinutes: period.offsetMinutes }), period.offsetMinutes);
  return days.points();
}

/**
 * Day points of fixed-offset periods (one per offset a time zone had in the range) merged into the zone's local days:
 * a day's points from two periods add up under the local midnight it starts at, per provider. Both ledgers use it.
 */
export class LocalDays {
  private readonly merged = new Map<string, SeriesPoint>();
  private readonly midnights = new Map<number, number>();

  constructor(private readonly timeZone: string) {}

  /** `points`: day buckets starting at UTC + `offsetMinutes` midnights */
  add(points: readonly SeriesPoint[], offsetMinutes: number): void {
    const offsetMs = offsetMinutes * 60_000;
    for (const point of points) {
      const localDate = point.bucketStart + offsetMs;
      let bucketStart = this.midnights.get(localDate);
      if (bucketStart === undefined) this.midnights.set(localDate, (bucketStart = localMidnight(this.timeZone, localDate)));
      const key = `${bucketStart}/${point.providerId}`;
      const earlier = this.merged.get(key);
      this.merged.set(
        key,
        earlier === undefined
          ? { ...point, bucketStart }
          : {
              bucketStart,
              providerId: point.providerId,
              requests: earlier.requests + point.requests,
              errors: earlier.errors + point.errors,
              costUsd: (Math.round(earlier.costUsd * 1e9) + Math.round(point.costUsd * 1e9)) / 1e9,
              inputTokens: earlier.inputTokens + point.inputTokens,
              outputTokens: earlier.outputTokens + point.outputTokens,
              totalTokens: earlier.totalTokens + point.totalTokens,
            },
      );
    }
  }

  /** by day, then provider */
  points(): SeriesPoint[] {
    return [...this.merged.values()].sort((a, b) => a.bucketStart - b.bucketStart || (a.providerId < b.providerId ? -1 : a.providerId > b.providerId ? 1 : 0));
  }
}

function fixedOffsetSeries(database: LedgerDatabase, range: TimeRange, options: SeriesOptions): SeriesPoint[] {
  const offsetMs = Math.round((options.utcOffsetMinutes ?? 0) * 60_000);
  const points = new Accumulator();
  /** the UTC time of day at which local days start */
  const start = ((-offsetMs % dayMs) + dayMs) % dayMs;
  if (options.bucket === 'hour') {
    points.add(bucketed(database, splitRange(range, { useDays: false }), hourMs, 0), 1);
    return points.result();
  }
  if (start === 0) {
    points.add(bucketed(database, splitRange(range), dayMs, 0), 1); // UTC days: whole from rollup_daily
    return points.result();
  }
  // Local midnights inside the range cut it into pieces that each lie within one local day.
  const first = Math.ceil((range.from - start) / dayMs) * dayMs + start;
  const last = Math.floor((range.to - start) / dayMs) * dayMs + start;
  const ragged =
    first <= last
      ? [
          { from: range.from, to: first },
          { from: last, to: range.to },
        ]
      : [range];
  for (const piece of ragged) {
    if (piece.from < piece.to) points.add(bucketed(database, splitRange(piece, { useDays: false }), dayMs, offsetMs), 1);
  }
  if (first >= last) return points.result();
  // Whole local days. Local day [D + start, D + day + start) is UTC day D minus its first `start` of hours plus
  // the next UTC day's first `start`; when start > 12 h it is cheaper as UTC day D + 1 plus D's part after `start`
  // minus D + 1's part after `start`.
  const short = start <= 12 * hourMs;
  const dailyShift = short ? 0 : dayMs;
  points.add(dailyRows(database, first - start + dailyShift, last - start + dailyShift), 1, (row) => row.bucket - dailyShift + start);
  const blocks = dayBlocks(database, { from: first - start, to: last - start + dayMs }, short ? 0 : start, short ? start : dayMs);
  points.add(
    blocks.filter((block) => block.bucket + start < last),
    short ? -1 : 1,
    (block) => block.bucket + start,
  );
  points.add(
    blocks.filter((block) => block.bucket - dayMs + start >= first),
    short ? 1 : -1,
    (block) => block.bucket - dayMs + start,
  );
  return points.result();
}
