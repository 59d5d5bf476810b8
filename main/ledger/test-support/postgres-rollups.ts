// For tests: the PostgreSQL rollups as stored next to a rebuild from the request rows (postgres/sql.ts holds the
// same definitions as the write path); equal when the write path kept them in step.
import type { Pool } from '../postgres/client.js';
import { dimensionKeys, measures } from '../postgres/sql.js';
import { dayMs, hourMs, measureNames } from '../rollups.js';

const tables = [
  { table: 'rollup_hourly', bucketMs: hourMs, dimensions: ['all', 'provider', 'model', 'client', 'client_family', 'route', 'error_class'] },
  { table: 'rollup_quarter', bucketMs: 900_000, dimensions: ['provider'] },
  { table: 'rollup_daily', bucketMs: dayMs, dimensions: ['all', 'provider', 'model', 'client', 'client_family', 'route', 'error_class', 'latency', 'ttft'] },
] as const;

export async function storedAndRebuiltRollups(pool: Pool): Promise<{ stored: unknown[]; rebuilt: unknown[] }> {
  const stored: unknown[] = [];
  const rebuilt: unknown[] = [];
  const sums = measureNames.map((name) => `SUM(${measures[name]})::bigint AS ${name}`).join(', ');
  for (const { table, bucketMs, dimensions } of tables) {
    for (const dimension of dimensions) {
      const fromRows = await pool.query(
        `SELECT * FROM (SELECT '${table}' AS "table", '${dimension}' AS dimension, (r.started_at / ${bucketMs}) * ${bucketMs} AS bucket_start, ` +
          `(${dimensionKeys[dimension]}) COLLATE "C" AS key, ${sums} FROM requests r WHERE r.status <> 'in_flight' GROUP BY 3, 4) AS x WHERE key IS NOT NULL ORDER BY 3, 4`,
      );
      const asStored = await pool.query(
        `SELECT '${table}' AS "table", dimension, bucket_start, key, ${measureNames.join(', ')} FROM ${table} WHERE dimension = $1 AND requests <> 0 ORDER BY 3, 4`,
        [dimension],
      );
      rebuilt.push(...fromRows.rows);
      stored.push(...asStored.rows);
    }
  }
  return { stored, rebuilt };
}
