// One batch's writes on a client inside its transaction: in-flight rows, final rows (upserts guarded by the row's
// state), their attempt trails, and the rollups — changed only for rows that reach a final state here, so a
// finish written twice or a row interrupted twice is never counted twice. Also the sweep that marks in-flight rows
// 'interrupted' (a dead replica's, or this process's own at open and close), with its rollups, in one statement.
import type { RequestFinish, RequestStart } from '../types.js';
import type { Queryable } from './client.js';
import { rollupTables, rollupUpsert, RollupSums } from './rollup-sums.js';
import { finalRowOfStored, rollupSourceColumns, toColumns, unnestSelect, type StoredRollupSource, type Value } from './rows.js';
import { finalRowOf, finishColumns, finishValues, impliedByRow, startColumns, startValues, wholeOrNull } from '../request-row.js';

export interface BatchResult {
  readonly begun: string[];
  readonly finished: string[];
  /** finishes for rows already final (or repeated within the batch), ignored */
  readonly duplicates: number;
}

const insertBegins = `INSERT INTO requests (${startColumns.join(', ')}, instance_id, status) SELECT *, 'in_flight' FROM (${unnestSelect([...startColumns, 'instance_id'])}) AS batch ON CONFLICT (id) DO NOTHING`;

// The guard repeats what the batch decided from the rows it locked: only an absent, in-flight or interrupted row
// takes a final state.
const upsertFinishes =
  `INSERT INTO requests (${finishColumns.join(', ')}, instance_id) ${unnestSelect([...finishColumns, 'instance_id'])} ` +
  `ON CONFLICT (id) DO UPDATE SET ${[...finishColumns.filter((column) => column !== 'id'), 'instance_id'].map((column) => `${column} = excluded.${column}`).join(', ')} ` +
  `WHERE requests.status IN ('in_flight', 'interrupted')`;

const insertAttempts = `INSERT INTO attempts (request_id, seq, provider_id, model, outcome, http_status, duration_ms) SELECT * FROM unnest($1::text[], $2::int4[], $3::text[], $4::text[], $5::text[], $6::int4[], $7::int8[])`;

async function writeRollups(client: Queryable, sums: RollupSums): Promise<void> {
  for (const table of rollupTables) {
    const upsert = rollupUpsert(sums, table);
    if (upsert) await client.query(upsert.text, upsert.values);
  }
}

export async function writeBatch(
  client: Queryable,
  instanceId: string,
  begins: readonly RequestStart[],
  finishes: readonly RequestFinish[],
): Promise<BatchResult> {
  const begun: string[] = [];
  if (begins.length > 0) {
    const rows = begins.map((record) => [...startValues(record), instanceId]);
    await client.query(insertBegins, toColumns(rows, startColumns.length + 1));
    begun.push(...begins.map((record) => record.id));
  }
  if (finishes.length === 0) return { begun, finished: [], duplicates: 0 };
  const ids = [...new Set(finishes.map((record) => record.id))];
  // Locks the rows this batch may change (a sweep marking them interrupted waits, then skips those now final).
  const { rows: stored } = await client.query<StoredRollupSource>(
    `SELECT ${rollupSourceColumns} FROM requests WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE`,
    [ids],
  );
  const existing = new Map(stored.map((row) => [row.id, row]));
  const sums = new RollupSums();
  const written: Value[][] = [];
  const replaced: string[] = [];
  const trails: RequestFinish[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  for (const record of finishes) {
    const previous = existing.get(record.id);
    if (seen.has(record.id) || (previous !== undefined && previous.status !== 'in_flight' && previous.status !== 'interrupted')) {
      duplicates += 1;
      continue;
    }
    seen.add(record.id);
    const values = finishValues(record);
    written.push([...values, instanceId]);
    // An 'interrupted' row (a sweep got to it first) takes the real outcome; its interrupted count is taken back.
    if (previous?.status === 'interrupted') sums.add(finalRowOfStored(previous), -1);
    if (previous !== undefined) replaced.push(record.id);
    sums.add(finalRowOf(values));
    if (!impliedByRow(record)) trails.push(record);
  }
  if (written.length > 0) await client.query(upsertFinishes, toColumns(written, finishColumns.length + 1));
  if (replaced.length > 0) await client.query('DELETE FROM attempts WHERE request_id = ANY($1::text[])', [replaced]);
  const attempts = trails.flatMap((record) =>
    record.attempts.map((attempt, index) => [
      record.id,
      index + 1,
      attempt.providerId,
      attempt.model,
      attempt.outcome,
      wholeOrNull(attempt.status),
      wholeOrNull(attempt.durationMs) ?? 0,
    ]),
  );
  if (attempts.length > 0) await client.query(insertAttempts, toColumns(attempts, 7));
  await writeRollups(client, sums);
  return { begun, finished: [...seen], duplicates };
}

/**
 * Marks in-flight rows matching `condition` (SQL over `r`, parameters from $1) 'interrupted' and adds them to the
 * rollups, in the caller's transaction. Returns how many it marked.
 */
export async function interruptWhere(client: Queryable, condition: string, values: unknown[]): Promise<number> {
  const { rows } = await client.query<StoredRollupSource>(
    `UPDATE requests r SET status = 'interrupted' WHERE r.status = 'in_flight' AND ${condition} RETURNING ${rollupSourceColumns
      .split(', ')
      .map((column) => `r.${column}`)
      .join(', ')}`,
    values,
  );
  if (rows.length === 0) return 0;
  const sums = new RollupSums();
  for (const row of rows) sums.add(finalRowOfStored(row));
  await writeRollups(client, sums);
  return rows.length;
}
