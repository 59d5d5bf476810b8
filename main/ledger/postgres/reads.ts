// LedgerReads over PostgreSQL: the dashboard's, usage's and the request log's queries with the SQLite versions'
// semantics (queries.ts, latency.ts, request-log.ts, guard-queries.ts) — rollups for whole days and hours, raw rows
// at the ragged edges, so every range is exact. The time series is in series.ts beside this file.
import type { SpendSoFar } from '../budgets.js';
import type { GuardSummary } from '../guard-queries.js';
import { fromHistogram, type LatencyMetric, type LatencyPercentiles } from '../latency.js';
import type { LatencyBreakdown } from '../latency-breakdown.js';
import type { CalendarRanges, LedgerReads } from '../ledger-backend.js';
import { toTotals, type Breakdown, type BreakdownDimension, type BreakdownOptions, type ErrorClassCount, type Sums, type UsageTotals } from '../queries.js';
import { splitRange } from '../range-segments.js';
import { impliedAttempt, toRequestRow, type AttemptRow, type LogPage, type LogQuery, type RequestDetail, type SqlRow } from '../request-log.js';
import { measureNames } from '../rollups.js';
import type { SeriesOptions, SeriesPoint } from '../series.js';
import type { TimeRange } from '../types.js';
import type { Pool } from './client.js';
import { timeSeries } from './series.js';
import { dimensionKeys, Params, segmentsUnion, sumsOf } from './sql.js';

const orderExpressions = {
  cost: 'cost_nano DESC, requests DESC, key',
  requests: 'requests DESC, cost_nano DESC, key',
  tokens: '(input_tokens + output_tokens + cache_read_tokens + cache_write_tokens) DESC, key',
} as const;

const latencyColumns = { latency: 'latency_ms', ttft: 'ttft_ms' } as const;

/** Rows read for the detector counts at most (as guard-queries.ts). */
const maxFlaggedRows = 100_000;

export class PostgresReads implements LedgerReads {
  constructor(private readonly pool: Pool) {}

  private async rows<Row extends object>(text: string, params: Params): Promise<Row[]> {
    return (await this.pool.query<Row & Record<string, unknown>>(text, params.values)).rows;
  }

  async totals(range: TimeRange): Promise<UsageTotals> {
    const params = new Params();
    const union = segmentsUnion('all', splitRange(range), params);
    const [sums] = await this.rows<Sums>(`SELECT ${sumsOf()} FROM (${union}) AS segments`, params);
    return toTotals(sums as Sums);
  }

  async breakdown(range: TimeRange, options: BreakdownOptions): Promise<Breakdown> {
    const limit = Math.max(1, Math.min(1_000, Math.floor(options.limit ?? 10)));
    const params = new Params();
    const union = segmentsUnion(options.by, splitRange(range), params);
    const rows = await this.rows<Sums & { key: string }>(
      `SELECT * FROM (SELECT key, ${sumsOf()} FROM (${union}) AS segments GROUP BY key HAVING SUM(requests) > 0) AS grouped ORDER BY ${orderExpressions[options.orderBy ?? 'cost']}`,
      params,
    );
    const top = rows.slice(0, limit).map((row) => ({ key: row.key, ...toTotals(row) }));
    const rest = rows.slice(limit);
    if (rest.length === 0) return { rows: top, others: null };
    const others = Object.fromEntries(measureNames.map((name) => [name, rest.reduce((sum, row) => sum + row[name], 0)])) as Sums;
    return { rows: top, others: toTotals(others) };
  }

  async errorClasses(range: TimeRange): Promise<ErrorClassCount[]> {
    const params = new Params();
    const union = segmentsUnion('error_class', splitRange(range), params, ['requests']);
    const [rows, all] = await Promise.all([
      this.rows<{ key: string; count: number }>(
        `SELECT key, SUM(requests)::bigint AS count FROM (${union}) AS segments GROUP BY key HAVING SUM(requests) > 0 ORDER BY count DESC, key`,
        params,
      ),
      this.totals(range),
    ]);
    return rows.map((row) => ({ errorClass: row.key, count: row.count, share: all.requests === 0 ? 0 : row.count / all.requests }));
  }

  async latencyPercentiles(range: TimeRange, metric: LatencyMetric = 'latency'): Promise<LatencyPercentiles> {
    const column = latencyColumns[metric];
    const segments = splitRange(range, { useHours: false });
    if (segments.days.length === 0) {
      // percentile_disc is the nearest rank: the first value whose position reaches ceil(p × n)
      const params = new Params();
      const [row] = await this.rows<{ count: number; p: (number | null)[] | null }>(
        `SELECT count(*)::bigint AS count, percentile_disc(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY ${column}) AS p FROM requests ` +
          `WHERE started_at >= ${params.add(range.from)} AND started_at < ${params.add(range.to)} AND status = 'ok' AND ${column} IS NOT NULL`,
        params,
      );
      const values = row?.p ?? [null, null, null];
      const number = (value: number | null | undefined): number | null => (value === null || value === undefined ? null : Number(value));
      return { count: row?.count ?? 0, p50: number(values[0]), p95: number(values[1]), p99: number(values[2]), method: 'exact' };
    }
    const params = new Params();
    const parts: string[] = [];
    for (const day of segments.days) {
      parts.push(
        `SELECT key::bigint AS bucket, requests AS count FROM rollup_daily WHERE dimension = ${params.add(metric)} AND bucket_start >= ${params.add(day.from)} AND bucket_start < ${params.add(day.to)}`,
      );
    }
    for (const edge of segments.raw) {
      parts.push(
        `SELECT bucket::bigint AS bucket, 1::bigint AS count FROM (SELECT ${dimensionKeys[metric]} AS bucket FROM requests r ` +
          `WHERE r.started_at >= ${params.add(edge.from)} AND r.started_at < ${params.add(edge.to)}) AS raw WHERE bucket IS NOT NULL`,
      );
    }
    const buckets = await this.rows<{ index: number; count: number }>(
      `SELECT bucket AS "index", SUM(count)::bigint AS count FROM (${parts.join(' UNION ALL ')}) AS segments GROUP BY bucket ORDER BY bucket`,
      params,
    );
    const total = buckets.reduce((sum, bucket) => sum + bucket.count, 0);
    return {
      count: total,
      p50: fromHistogram(buckets, 0.5, total),
      p95: fromHistogram(buckets, 0.95, total),
      p99: fromHistogram(buckets, 0.99, total),
      method: 'histogram',
    };
  }

  async latencyBreakdown(range: TimeRange, by: BreakdownDimension, metric: LatencyMetric = 'latency'): Promise<LatencyBreakdown> {
    // exact, over the raw rows as latency-breakdown.ts reads SQLite's: percentile_disc is the nearest rank
    const column = latencyColumns[metric];
    const params = new Params();
    const rows = await this.rows<{ key: string; whole: number; count: number; p: (number | null)[] | null }>(
      `SELECT (${dimensionKeys[by]}) COLLATE "C" AS key, GROUPING((${dimensionKeys[by]})) AS whole, count(*)::bigint AS count, ` +
        `percentile_disc(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY r.${column}) AS p FROM requests r ` +
        `WHERE r.started_at >= ${params.add(range.from)} AND r.started_at < ${params.add(range.to)} AND r.status = 'ok' AND r.${column} IS NOT NULL ` +
        `GROUP BY ROLLUP ((${dimensionKeys[by]}))`,
      params,
    );
    const number = (value: number | null | undefined): number | null => (value === null || value === undefined ? null : Number(value));
    const percentiles = (row: (typeof rows)[number] | undefined): LatencyPercentiles => ({
      count: row?.count ?? 0,
      p50: number(row?.p?.[0]),
      p95: number(row?.p?.[1]),
      p99: number(row?.p?.[2]),
      method: 'exact',
    });
    return {
      total: percentiles(rows.find((row) => row.whole === 1)),
      byKey: new Map(rows.filter((row) => row.whole === 0).map((row) => [row.key, percentiles(row)])),
    };
  }

  timeSeries(range: TimeRange, options: SeriesOptions): Promise<SeriesPoint[]> {
    return timeSeries(this.pool, range, options);
  }

  async listRequests(query: LogQuery): Promise<LogPage> {
    const limit = Math.max(1, Math.min(500, Math.floor(query.limit ?? 50)));
    const params = new Params();
    const conditions = [`started_at >= ${params.add(query.range.from)}`, `started_at < ${params.add(query.range.to)}`];
    const filters: [keyof LogQuery, string][] = [
      ['status', 'status'],
      ['clientTokenName', 'client_token_name'],
      ['model', 'model'],
      ['providerId', 'provider_id'],
    ];
    for (const [field, column] of filters) {
      const value = query[field];
      if (typeof value !== 'string') continue;
      conditions.push(`${column} = ${params.add(value)}`);
      // lets PostgreSQL prove the partial status index (status <> 'ok') applies
      if (field === 'status' && value !== 'ok') conditions.push(`status <> 'ok'`);
    }
    if (query.cursor) conditions.push(`(started_at, id) < (${params.add(query.cursor.startedAt)}, ${params.add(query.cursor.id)})`);
    const rows = await this.rows<SqlRow>(
      `SELECT * FROM requests WHERE ${conditions.join(' AND ')} ORDER BY started_at DESC, id DESC LIMIT ${limit + 1}`,
      params,
    );
    const page = rows.slice(0, limit).map(toRequestRow);
    const last = page[page.length - 1];
    return { rows: page, nextCursor: rows.length > limit && last ? { startedAt: last.startedAt, id: last.id } : null };
  }

  async requestDetail(id: string): Promise<RequestDetail | undefined> {
    const params = new Params();
    const [row] = await this.rows<SqlRow>(`SELECT * FROM requests WHERE id = ${params.add(id)}`, params);
    if (!row) return undefined;
    const attempts = await this.rows<AttemptRow>(
      `SELECT seq, provider_id AS "providerId", model, outcome, http_status AS "httpStatus", duration_ms AS "durationMs" FROM attempts WHERE request_id = $1 ORDER BY seq`,
      params,
    );
    const request = toRequestRow(row);
    const implied = attempts.length === 0 ? impliedAttempt(request) : undefined;
    return { request, attempts: implied ? [implied] : attempts };
  }

  async guardSummary(range: TimeRange): Promise<GuardSummary> {
    const flaggedParams = new Params();
    const hitParams = new Params();
    const [flagged, hits] = await Promise.all([
      this.rows<{ privacy_action: string | null; privacy_detectors: string }>(
        `SELECT privacy_action, privacy_detectors FROM requests WHERE privacy_detectors IS NOT NULL AND started_at >= ${flaggedParams.add(range.from)} ` +
          `AND started_at < ${flaggedParams.add(range.to)} ORDER BY started_at DESC LIMIT ${flaggedParams.add(maxFlaggedRows)}`,
        flaggedParams,
      ),
      this.rows<{ hits: number; saved: number | null }>(
        `SELECT count(*)::bigint AS hits, sum(coalesce(cost_reference_usd, 0)) AS saved FROM requests WHERE cache_status = 'hit' ` +
          `AND started_at >= ${hitParams.add(range.from)} AND started_at < ${hitParams.add(range.to)}`,
        hitParams,
      ),
    ]);
    const counts = new Map<string, { detector: string; action: string; requests: number }>();
    for (const row of flagged) {
      const action = row.privacy_action ?? 'warn';
      for (const detector of row.privacy_detectors.split(',')) {
        const key = `${detector}\u0000${action}`;
        const entry = counts.get(key) ?? { detector, action, requests: 0 };
        entry.requests += 1;
        counts.set(key, entry);
      }
    }
    return {
      detectors: [...counts.values()].sort((left, right) => right.requests - left.requests),
      cacheHits: hits[0]?.hits ?? 0,
      cacheSavedUsd: hits[0]?.saved ?? 0,
    };
  }

  async spendSoFar(ranges: CalendarRanges): Promise<SpendSoFar> {
    const period = async (range: TimeRange) => {
      const params = new Params();
      const union = segmentsUnion('client', splitRange(range), params, ['cost_nano']);
      const rows = await this.rows<{ key: string; cost: number }>(
        `SELECT key, SUM(cost_nano)::bigint AS cost FROM (${union}) AS segments GROUP BY key`,
        params,
      );
      const byClient: Record<string, number> = {};
      let total = 0;
      for (const row of rows) {
        total += row.cost;
        if (row.key !== '') byClient[row.key] = row.cost / 1e9;
      }
      return { totalUsd: total / 1e9, byClient };
    };
    const [today, month] = await Promise.all([period(ranges.today), period(ranges.month)]);
    return { today, month };
  }

  async inFlightCount(): Promise<number> {
    const { rows } = await this.pool.query<{ count: number }>(`SELECT count(*)::bigint AS count FROM requests WHERE status = 'in_flight'`);
    return rows[0]?.count ?? 0;
  }
}
