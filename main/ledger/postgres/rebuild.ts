// Recomputes both PostgreSQL rollups from `requests` (repair after a manual edit, and the benchmark's bulk load):
// the hourly rollup in one pass over the rows; the daily one summed from it, plus the daily-only latency
// histograms in a second pass. The same definitions the write path uses (sql.ts; a test holds them equal).
import { dayMs, hourMs, measureNames, type Dimension } from '../rollups.js';
import type { Queryable } from './client.js';
import { quarterMs } from './rollup-sums.js';
import { dimensionKeys, measures } from './sql.js';

const hourlyDimensions: readonly Dimension[] = ['all', 'provider', 'model', 'client', 'client_family', 'route', 'error_class'];
const histogramDimensions: readonly Dimension[] = ['latency', 'ttft'];

/** Each row's keys and measures computed once (OFFSET 0 keeps the subquery from being flattened into the join), then one row per dimension. */
function fromRows(table: string, bucketMs: number, dimensions: readonly Dimension[]): string {
  const names = dimensions.map((dimension) => `('${dimension}')`).join(', ');
  const keys = dimensions.map((dimension) => `${dimensionKeys[dimension]} AS k_${dimension}`).join(', ');
  const key = `CASE d.name ${dimensions.map((dimension) => `WHEN '${dimension}' THEN m.k_${dimension}`).join(' ')} END`;
  return (
    `INSERT INTO ${table} (dimension, bucket_start, key, ${measureNames.join(', ')}) SELECT * FROM (` +
    `SELECT d.name, m.bucket_start, (${key}) COLLATE "C" AS key, ${measureNames.map((name) => `SUM(m.${name})::bigint`).join(', ')} ` +
    `FROM (SELECT (r.started_at / ${bucketMs}) * ${bucketMs} AS bucket_start, ${keys}, ${measureNames.map((name) => `${measures[name]} AS ${name}`).join(', ')} ` +
    `FROM requests r WHERE r.status <> 'in_flight' OFFSET 0) AS m CROSS JOIN (VALUES ${names}) AS d(name) GROUP BY 1, 2, 3) AS grouped WHERE key IS NOT NULL`
  );
}

export async function rebuildPostgresRollups(client: Queryable): Promise<void> {
  await client.query('DELETE FROM rollup_hourly');
  await client.query('DELETE FROM rollup_daily');
  await client.query('DELETE FROM rollup_quarter');
  await client.query(fromRows('rollup_quarter', quarterMs, ['provider']));
  await client.query(fromRows('rollup_hourly', hourMs, hourlyDimensions));
  await client.query(
    `INSERT INTO rollup_daily (dimension, bucket_start, key, ${measureNames.join(', ')}) SELECT dimension, (bucket_start / ${dayMs}) * ${dayMs}, key, ` +
      `${measureNames.map((name) => `SUM(${name})::bigint`).join(', ')} FROM rollup_hourly GROUP BY 1, 2, 3`,
  );
  await client.query(fromRows('rollup_daily', dayMs, histogramDimensions));
}
