// The write path's rollups, computed in JavaScript from the rows a batch just wrote (they are in memory anyway)
// and upserted once per distinct (dimension, bucket, key). It mirrors the SQL definitions in rollups.ts, which
// remain the reference: rebuildRollups() recomputes from `requests`, and a test holds the two to the same result.
import type { Statement } from 'better-sqlite3';
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

/** The dimensions each rollup keeps (both ledgers' write paths). */
export const hourlyDimensions: readonly Dimension[] = ['all', 'provider', 'model', 'client', 'client_family', 'route', 'error_class'];
export const dailyDimensions: readonly Dimension[] = [...hourlyDimensions, 'latency', 'ttft'];

const nano = (value: number | null): number => Math.round((value ?? 0) * 1e9);

function latencyBucket(row: FinalRow, value: number | null): string | null {
  if (row.status !== 'ok' || value === null || value < 0) return null;
  return String(Math.floor(Math.log2(value + 1) * latencyBucketsPerDoubling));
}

/** A row's key in one dimension; null: the row does not count in it (an ok row has no error class). */
export function keyOf(dimension: Dimension, row: FinalRow): string | null {
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

/** Where each measure sits in the sums arrays (`measureNames` order). */
const at = Object.fromEntries(measureNames.map((name, index) => [name, index])) as Record<Measure, number>;
const measureCount = measureNames.length;

function add(sums: number[], index: number, value: number): void {
  sums[index] = (sums[index] as number) + value;
}

/** Adds a row's contribution to every measure into `sums` (in `measureNames` order). */
export function addMeasures(sums: number[], row: FinalRow): void {
  const ok = row.status === 'ok';
  const tokens = row.inputTokens + row.outputTokens + row.cacheReadTokens + row.cacheWriteTokens;
  add(sums, at.requests, 1);
  if (ok) add(sums, at.ok, 1);
  else if (row.status === 'error') add(sums, at.errors, 1);
  else if (row.status === 'cancelled') add(sums, at.cancelled, 1);
  else if (row.status === 'interrupted') add(sums, at.interrupted, 1);
  add(sums, at.input_tokens, row.inputTokens);
  add(sums, at.output_tokens, row.outputTokens);
  add(sums, at.cache_read_tokens, row.cacheReadTokens);
  add(sums, at.cache_write_tokens, row.cacheWriteTokens);
  add(sums, at.reasoning_tokens, row.reasoningTokens);
  add(sums, at.cost_nano, nano(row.costUsd));
  if (row.costUsd === null && tokens > 0) add(sums, at.unpriced, 1);
  add(sums, at.reference_cost_nano, nano(row.costReferenceUsd));
  if (row.costReferenceUsd !== null) add(sums, at.saved_nano, Math.max(0, nano(row.costReferenceUsd) - nano(row.costUsd)));
  if (ok && row.latencyMs !== null) add(sums, at.latency_count, 1);
  if (ok) add(sums, at.latency_sum_ms, row.latencyMs ?? 0);
}

interface Entry {
  readonly table: 'rollup_hourly' | 'rollup_daily';
  readonly dimension: Dimension;
  readonly bucketStart: number;
  readonly key: string;
  /** in `measureNames` order */
  readonly sums: number[];
}

/** Rows whose key in every dimension is the same (the first one stands for them all), summed. */
interface Group {
  readonly row: FinalRow;
  readonly sums: number[];
}

/** The text of a group's identity; a text field with a NUL in it (only a model name can have one) is never grouped. */
function groupKey(row: FinalRow): string | undefined {
  if (row.model !== null && row.model.includes('\u0000')) return undefined;
  const text = (value: string | null): string => (value === null ? '\u0001' : value);
  return `${Math.floor(row.startedAt / hourMs)}\u0000${text(row.providerId)}\u0000${text(row.model)}\u0000${text(row.clientTokenName)}\u0000${row.clientFamily}\u0000${text(row.route)}\u0000${row.status}\u0000${text(row.errorClass)}\u0000${latencyBucket(row, row.latencyMs)}\u0000${latencyBucket(row, row.ttftMs)}`;
}

/**
 * Collects a batch's rollup contributions; `write` upserts them inside the batch's transaction. Rows are first
 * summed per group of identical keys (under load nearly every row of a batch shares its client, model and hour), so
 * the per-dimension work is done once per group instead of sixteen times per row.
 */
export class RollupAccumulator {
  private readonly groups = new Map<string, Group>();
  private ungrouped = 0;
  private readonly statements: Record<Entry['table'], Statement<unknown[]>>;

  constructor(database: LedgerDatabase) {
    const upsert = (table: string): Statement<unknown[]> =>
      database.prepare<unknown[]>(
        `INSERT INTO ${table} (dimension, bucket_start, key, ${measureNames.join(', ')}) VALUES (?, ?, ?, ${measureNames.map(() => '?').join(', ')}) ` +
          `ON CONFLICT (dimension, bucket_start, key) DO UPDATE SET ${measureNames.map((name) => `${name} = ${name} + excluded.${name}`).join(', ')}`,
      );
    this.statements = { rollup_hourly: upsert('rollup_hourly'), rollup_daily: upsert('rollup_daily') };
  }

  add(row: FinalRow): void {
    const key = groupKey(row) ?? `\u0002${(this.ungrouped += 1)}`;
    let group = this.groups.get(key);
    if (!group) this.groups.set(key, (group = { row, sums: new Array<number>(measureCount).fill(0) }));
    addMeasures(group.sums, row);
  }

  write(): void {
    // per table and bucket: `${dimension}\u0000${key}` → entry
    const entries = new Map<string, Entry>();
    for (const { row, sums } of this.groups.values()) {
      addTo(entries, 'rollup_hourly', hourlyDimensions, Math.floor(row.startedAt / hourMs) * hourMs, row, sums);
      addTo(entries, 'rollup_daily', dailyDimensions, Math.floor(row.startedAt / dayMs) * dayMs, row, sums);
    }
    for (const entry of entries.values()) this.statements[entry.table].run(entry.dimension, entry.bucketStart, entry.key, ...entry.sums);
    this.groups.clear();
  }

  /** Forget what was collected (the transaction it belonged to was rolled back). */
  discard(): void {
    this.groups.clear();
  }
}

function addTo(
  entries: Map<string, Entry>,
  table: Entry['table'],
  dimensions: readonly Dimension[],
  bucketStart: number,
  row: FinalRow,
  sums: readonly number[],
): void {
  for (const dimension of dimensions) {
    const key = keyOf(dimension, row);
    if (key === null) continue;
    const id = `${table}\u0000${bucketStart}\u0000${dimension}\u0000${key}`;
    const entry = entries.get(id);
    if (!entry) {
      entries.set(id, { table, dimension, bucketStart, key, sums: sums.slice() });
      continue;
    }
    for (let index = 0; index < measureCount; index += 1) add(entry.sums, index, sums[index] as number);
  }
}
