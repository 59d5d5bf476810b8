// The rollup contributions of final rows, computed in JavaScript and written as one multi-row upsert per table.
// The same definitions as the SQLite write path (rollup-deltas.ts, whose reference is the SQL in rollups.ts): a
// test rebuilds the PostgreSQL rollups from `requests` and holds the two to the same figures. Entries come out
// sorted, so replicas upserting the same hot rows (this hour's 'all') take their locks in one order.
import { addMeasures, dailyDimensions, hourlyDimensions, keyOf, type FinalRow } from '../rollup-deltas.js';
import { dayMs, hourMs, measureNames, type Dimension } from '../rollups.js';

export type { FinalRow };

export type RollupTable = 'rollup_hourly' | 'rollup_daily' | 'rollup_quarter';
export const rollupTables: readonly RollupTable[] = ['rollup_hourly', 'rollup_daily', 'rollup_quarter'];

/** rollup_quarter: 15-minute buckets of the provider dimension only (migration 2) */
export const quarterMs = 900_000;

export interface RollupEntry {
  readonly table: RollupTable;
  readonly dimension: Dimension;
  readonly bucketStart: number;
  readonly key: string;
  /** in `measureNames` order */
  readonly sums: number[];
}

function measuresOf(row: FinalRow, sign: 1 | -1): number[] {
  const sums = new Array<number>(measureNames.length).fill(0);
  addMeasures(sums, row);
  return sign === 1 ? sums : sums.map((value) => -value);
}

/** Sums contributions per (table, dimension, bucket, key). */
export class RollupSums {
  private readonly entries = new Map<string, RollupEntry>();

  get size(): number {
    return this.entries.size;
  }

  /** Adds (1) or takes back (-1) one final row's contribution to both rollups. */
  add(row: FinalRow, sign: 1 | -1 = 1): void {
    const sums = measuresOf(row, sign);
    this.addTo('rollup_hourly', hourlyDimensions, Math.floor(row.startedAt / hourMs) * hourMs, row, sums);
    this.addTo('rollup_daily', dailyDimensions, Math.floor(row.startedAt / dayMs) * dayMs, row, sums);
    this.addTo('rollup_quarter', ['provider'], Math.floor(row.startedAt / quarterMs) * quarterMs, row, sums);
  }

  /** One table's entries in a fixed order (dimension, bucket, key). */
  sorted(table: RollupTable): RollupEntry[] {
    return [...this.entries.values()]
      .filter((entry) => entry.table === table)
      .sort((a, b) =>
        a.dimension < b.dimension ? -1 : a.dimension > b.dimension ? 1 : a.bucketStart - b.bucketStart || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
      );
  }

  private addTo(table: RollupTable, dimensions: readonly Dimension[], bucketStart: number, row: FinalRow, sums: readonly number[]): void {
    for (const dimension of dimensions) {
      const key = keyOf(dimension, row);
      if (key === null) continue;
      const id = `${table}\u0000${dimension}\u0000${bucketStart}\u0000${key}`;
      const entry = this.entries.get(id);
      if (!entry) {
        this.entries.set(id, { table, dimension, bucketStart, key, sums: sums.slice() });
        continue;
      }
      for (let index = 0; index < sums.length; index += 1) entry.sums[index] = (entry.sums[index] as number) + (sums[index] as number);
    }
  }
}

const upsertSql = (table: RollupTable): string =>
  `INSERT INTO ${table} (dimension, bucket_start, key, ${measureNames.join(', ')}) ` +
  `SELECT * FROM unnest($1::text[], $2::int8[], $3::text[], ${measureNames.map((_, index) => `$${index + 4}::int8[]`).join(', ')}) ` +
  `ON CONFLICT (dimension, bucket_start, key) DO UPDATE SET ${measureNames.map((name) => `${name} = ${table}.${name} + excluded.${name}`).join(', ')}`;

/** The upsert for one table and its parameters (column arrays), or undefined when there is nothing to add. */
export function rollupUpsert(sums: RollupSums, table: RollupTable): { text: string; values: unknown[] } | undefined {
  const entries = sums.sorted(table);
  if (entries.length === 0) return undefined;
  return {
    text: upsertSql(table),
    values: [
      entries.map((entry) => entry.dimension),
      entries.map((entry) => entry.bucketStart),
      entries.map((entry) => entry.key),
      ...measureNames.map((_, index) => entries.map((entry) => entry.sums[index])),
    ],
  };
}
