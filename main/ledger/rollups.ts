// The hourly and daily rollups: one row per (dimension, time bucket, key) with counts, tokens and money, kept in
// step with `requests` inside the same transaction, and rebuildable from it. One SQL definition serves both paths.
import type { LedgerDatabase } from './database.js';

export const hourMs = 3_600_000;
export const dayMs = 86_400_000;

/** Buckets per doubling of the latency histogram: bucket i covers [2^(i/8) - 1, 2^((i+1)/8) - 1) ms (~9% wide). */
export const latencyBucketsPerDoubling = 8;

const latencyBucket = (column: string): string =>
  `CASE WHEN r.status = 'ok' AND r.${column} IS NOT NULL AND r.${column} >= 0 THEN CAST(CAST(floor(log2(r.${column} + 1) * ${latencyBucketsPerDoubling}) AS INTEGER) AS TEXT) END`;

/**
 * The SQL key each dimension groups by, with the latency bucket expression of the database's dialect (SQLite here,
 * PostgreSQL in postgres/sql.ts); the rest is SQL both understand. A NULL key means the row does not count in that
 * dimension.
 */
export function sqlDimensionKeys(latencyBucketOf: (column: string) => string) {
  return {
    all: `''`,
    provider: `COALESCE(r.provider_id, '')`,
    model: `CASE WHEN r.provider_id IS NULL THEN '' ELSE r.provider_id || '/' || COALESCE(r.model, '') END`,
    client: `COALESCE(r.client_token_name, '')`,
    client_family: `r.client_family`,
    route: `COALESCE(r.route, '')`,
    error_class: `CASE WHEN r.status = 'ok' THEN NULL ELSE COALESCE(r.error_class, r.status) END`,
    latency: latencyBucketOf('latency_ms'),
    ttft: latencyBucketOf('ttft_ms'),
  } as const;
}

export const dimensionKeys = sqlDimensionKeys(latencyBucket);

export type Dimension = keyof typeof dimensionKeys;

/** Latency histograms are daily only: partial days come from the raw rows, which the time index keeps cheap. */
const hourlyDimensions: readonly Dimension[] = ['all', 'provider', 'model', 'client', 'client_family', 'route', 'error_class'];
const dailyDimensions: readonly Dimension[] = [...hourlyDimensions, 'latency', 'ttft'];

const nano = (expression: string): string => `CAST(round(COALESCE(${expression}, 0) * 1e9) AS INTEGER)`;

/** Per-row measures, summed by the rollups (and by the queries over raw rows at range edges). */
export const measures = {
  requests: '1',
  ok: `r.status = 'ok'`,
  errors: `r.status = 'error'`,
  cancelled: `r.status = 'cancelled'`,
  interrupted: `r.status = 'interrupted'`,
  input_tokens: 'r.input_tokens',
  output_tokens: 'r.output_tokens',
  cache_read_tokens: 'r.cache_read_tokens',
  cache_write_tokens: 'r.cache_write_tokens',
  reasoning_tokens: 'r.reasoning_tokens',
  cost_nano: nano('r.cost_usd'),
  /** tokens were used but no price was known */
  unpriced: `r.cost_usd IS NULL AND r.input_tokens + r.output_tokens + r.cache_read_tokens + r.cache_write_tokens > 0`,
  reference_cost_nano: nano('r.cost_reference_usd'),
  saved_nano: `CASE WHEN r.cost_reference_usd IS NULL THEN 0 ELSE max(0, ${nano('r.cost_reference_usd')} - ${nano('r.cost_usd')}) END`,
  latency_count: `r.status = 'ok' AND r.latency_ms IS NOT NULL`,
  latency_sum_ms: `CASE WHEN r.status = 'ok' THEN COALESCE(r.latency_ms, 0) ELSE 0 END`,
} as const;

export type Measure = keyof typeof measures;
export const measureNames = Object.keys(measures) as Measure[];

function dimensionTable(dimensions: readonly Dimension[]): string {
  return dimensions.map((dimension) => `SELECT '${dimension}' AS name`).join(' UNION ALL ');
}

function keyCase(dimensions: readonly Dimension[]): string {
  return `CASE d.name ${dimensions.map((dimension) => `WHEN '${dimension}' THEN ${dimensionKeys[dimension]}`).join(' ')} END`;
}

/** Rows of (dimension, bucket, key, measures...) for the final requests matching `where`, grouped or not. */
function rollupSelect(dimensions: readonly Dimension[], bucketMs: number, where: string, aggregate: boolean): string {
  const values = measureNames.map((name) => (aggregate ? `SUM(${measures[name]})` : `:sign * (${measures[name]})`));
  const inner =
    `SELECT d.name AS dimension, (r.started_at / ${bucketMs}) * ${bucketMs} AS bucket_start, ${keyCase(dimensions)} AS key, ` +
    `${measureNames.map((name, index) => `${values[index]} AS ${name}`).join(', ')} ` +
    `FROM requests r CROSS JOIN (${dimensionTable(dimensions)}) d WHERE r.status <> 'in_flight' AND ${where}`;
  const grouped = aggregate ? `${inner} GROUP BY 1, 2, 3` : inner;
  return `SELECT * FROM (${grouped}) WHERE key IS NOT NULL`;
}

function upsert(table: string, select: string): string {
  const updates = measureNames.map((name) => `${name} = ${name} + excluded.${name}`).join(', ');
  return `INSERT INTO ${table} (dimension, bucket_start, key, ${measureNames.join(', ')}) ${select} ON CONFLICT (dimension, bucket_start, key) DO UPDATE SET ${updates}`;
}

const granularities = [
  { table: 'rollup_hourly', bucketMs: hourMs, dimensions: hourlyDimensions },
  { table: 'rollup_daily', bucketMs: dayMs, dimensions: dailyDimensions },
] as const;

/** Adds (sign 1) or takes back (sign -1) one request's contribution to both rollups. Run inside the write transaction. */
export type RollupApplier = (requestId: string, sign: 1 | -1) => void;

export function prepareRollupApplier(database: LedgerDatabase): RollupApplier {
  const statements = granularities.map(({ table, bucketMs, dimensions }) =>
    database.prepare(upsert(table, rollupSelect(dimensions, bucketMs, 'r.id = :id', false))),
  );
  return (requestId, sign) => {
    for (const statement of statements) statement.run({ id: requestId, sign });
  };
}

/**
 * Adds the contribution of many requests at once, grouped by (dimension, bucket, key): one upsert per distinct key
 * instead of one per request and dimension. The write path calls it once per batch; it is what keeps a ledger
 * write at a few microseconds of CPU per request.
 */
export type BatchRollupApplier = (requestIds: readonly string[]) => void;

export function prepareBatchRollupApplier(database: LedgerDatabase): BatchRollupApplier {
  const statements = granularities.map(({ table, bucketMs, dimensions }) =>
    database.prepare(upsert(table, rollupSelect(dimensions, bucketMs, 'r.id IN (SELECT value FROM json_each(:ids))', true))),
  );
  return (requestIds) => {
    if (requestIds.length === 0) return;
    const ids = JSON.stringify(requestIds);
    for (const statement of statements) statement.run({ ids });
  };
}

/** Recomputes both rollups from `requests` (repair, tests, and the benchmark's bulk load). */
export function rebuildRollups(database: LedgerDatabase): void {
  database
    .transaction(() => {
      for (const { table, bucketMs, dimensions } of granularities) {
        database.exec(`DELETE FROM ${table}`);
        database.exec(`INSERT INTO ${table} (dimension, bucket_start, key, ${measureNames.join(', ')}) ${rollupSelect(dimensions, bucketMs, '1', true)}`);
      }
    })
    .immediate();
}

/** Deletes buckets whose every count went back to zero (after corrections), so they do not pile up. */
export function pruneEmptyRollups(database: LedgerDatabase): void {
  for (const { table } of granularities) database.exec(`DELETE FROM ${table} WHERE requests = 0`);
}
