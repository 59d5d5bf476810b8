// The write path's rollups, computed in JavaScript from the rows a batch just wrote (they are in memory anyway)
// and upserted once per distinct (dimension, bucket, key). It mirrors the SQL definitions in rollups.ts, which
// remain the reference: rebuildRollups() recomputes from `requests`, and a test holds the two to the same result.
import type { LedgerDatabase } from './database.js';
import { dayMs, hourMs, latencyBucketsPerDoubling, measureNames, type Dimension, type Measure } from './rollups.js';

/** A final row as request-store writes it (the values it stored, already normalized). */
export interface FinalRow {
  readonly startedAt: number;
  readonly providerId: string | null;
  readonly model: string | null;
  readonly clientTokenName: string | null;
  readonly clientFamily: string;
  readonly route: string | null;
  readonly status: string;
  readonly errorClass: string | null;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheWriteTokens: number;
  readonly reasoningTokens: number;
  readonly costUsd: number | null;
  readonly costReferenceUsd: number | null;
  readonly latencyMs: number | null;
  readonly ttftMs: number | null;
}

const hourlyDimensions: readonly Dimension[] = ['all', 'provider', 'model', 'client', 'client_family', 'route', 'error_class'];
const dailyDimensions: readonly Dimension[] = [...hourlyDimensions, 'latency', 'ttft'];

const nano = (value: number | null): number => Math.round((value ?? 0) * 1e9);

function latencyBucket(row: FinalRow, value: number | null): string | null {
  if (row.status !== 'ok' || value === null || value < 0) return null;
  return String(Math.floor(Math.log2(value + 1) * latencyBucketsPerDoubling));
}

function keyOf(dimension: Dimension, row: FinalRow): string | null {
  switch (dimension) {
    case 'all':
      return '';
    case 'provider':
      return row.providerId ?? '';
    case 'model':
      return row.providerId === null ? '' : `${row.providerId}/${row.model ?? ''}`;
    case 'client':
      return row.clientTokenName ?? '';
    case 'client_family':
      return row.clientFamily;
    case 'route':
      return row.route ?? '';
    case 'error_class':
      return row.status === 'ok' ? null : (row.errorClass ?? row.status);
    case 'latency':
      return latencyBucket(row, row.latencyMs);
    case 'ttft':
      return latencyBucket(row, row.ttftMs);
  }
}

/** A row's contribution to every measure, in `measureNames` order (arrays: summed per dimension on the hot path). */
function measuresOf(row: FinalRow): number[] {
  const ok = row.status === 'ok';
  const tokens = row.inputTokens + row.outputTokens + row.cacheReadTokens + row.cacheWriteTokens;
  const named: Record<Measure, number> = {
    requests: 1,
    ok: ok ? 1 : 0,
    errors: row.status === 'error' ? 1 : 0,
    cancelled: row.status === 'cancelled' ? 1 : 0,
    interrupted: row.status === 'interrupted' ? 1 : 0,
    input_tokens: row.inputTokens,
    output_tokens: row.outputTokens,
    cache_read_tokens: row.cacheReadTokens,
    cache_write_tokens: row.cacheWriteTokens,
    reasoning_tokens: row.reasoningTokens,
    cost_nano: nano(row.costUsd),
    unpriced: row.costUsd === null && tokens > 0 ? 1 : 0,
    reference_cost_nano: nano(row.costReferenceUsd),
    saved_nano: row.costReferenceUsd === null ? 0 : Math.max(0, nano(row.costReferenceUsd) - nano(row.costUsd)),
    latency_count: ok && row.latencyMs !== null ? 1 : 0,
    latency_sum_ms: ok ? (row.latencyMs ?? 0) : 0,
  };
  const values = new Array<number>(measureCount);
  for (let index = 0; index < measureCount; index += 1) values[index] = named[measureNames[index] as Measure];
  return values;
}

const measureCount = measureNames.length;

interface Entry {
  readonly table: 'rollup_hourly' | 'rollup_daily';
  readonly dimension: Dimension;
  readonly bucketStart: number;
  readonly key: string;
  /** in `measureNames` order */
  readonly sums: number[];
}

/** Collects a batch's rollup contributions; `write` upserts them inside the batch's transaction. */
export class RollupAccumulator {
  /** per table and bucket: `${dimension}\u0000${key}` → entry (no number-to-string per row and dimension) */
  private readonly entries = new Map<string, Map<number, Map<string, Entry>>>();
  private readonly statements: Record<Entry['table'], ReturnType<LedgerDatabase['prepare']>>;

  constructor(database: LedgerDatabase) {
    const upsert = (table: string): ReturnType<LedgerDatabase['prepare']> =>
      database.prepare(
        `INSERT INTO ${table} (dimension, bucket_start, key, ${measureNames.join(', ')}) VALUES (?, ?, ?, ${measureNames.map(() => '?').join(', ')}) ` +
          `ON CONFLICT (dimension, bucket_start, key) DO UPDATE SET ${measureNames.map((name) => `${name} = ${name} + excluded.${name}`).join(', ')}`,
      );
    this.statements = { rollup_hourly: upsert('rollup_hourly'), rollup_daily: upsert('rollup_daily') };
  }

  add(row: FinalRow): void {
    const measures = measuresOf(row);
    this.addTo('rollup_hourly', hourlyDimensions, Math.floor(row.startedAt / hourMs) * hourMs, row, measures);
    this.addTo('rollup_daily', dailyDimensions, Math.floor(row.startedAt / dayMs) * dayMs, row, measures);
  }

  write(): void {
    for (const buckets of this.entries.values()) {
      for (const keyed of buckets.values()) {
        for (const entry of keyed.values()) {
          this.statements[entry.table].run([entry.dimension, entry.bucketStart, entry.key, ...entry.sums]);
        }
      }
    }
    this.entries.clear();
  }

  /** Forget what was collected (the transaction it belonged to was rolled back). */
  discard(): void {
    this.entries.clear();
  }

  private addTo(table: Entry['table'], dimensions: readonly Dimension[], bucketStart: number, row: FinalRow, measures: readonly number[]): void {
    let buckets = this.entries.get(table);
    if (!buckets) this.entries.set(table, (buckets = new Map()));
    let keyed = buckets.get(bucketStart);
    if (!keyed) buckets.set(bucketStart, (keyed = new Map()));
    for (const dimension of dimensions) {
      const key = keyOf(dimension, row);
      if (key === null) continue;
      const id = dimension + '\u0000' + key;
      const entry = keyed.get(id);
      if (!entry) {
        keyed.set(id, { table, dimension, bucketStart, key, sums: measures.slice() });
        continue;
      }
      const sums = entry.sums;
      for (let index = 0; index < measureCount; index += 1) sums[index] = (sums[index] ?? 0) + (measures[index] ?? 0);
    }
  }
}
