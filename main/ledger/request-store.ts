// The row-level writes behind the writer: insert an in-flight row, upsert the final row with its attempts, mark a
// row interrupted, each keeping the rollups in step. Callers run them inside one transaction per batch.
import type { LedgerDatabase } from './database.js';
import { RollupAccumulator } from './rollup-deltas.js';
import { prepareBatchRollupApplier, prepareRollupApplier } from './rollups.js';
import type { RequestFinish, RequestStart, RequestStatus } from './types.js';
import { finalRowOf, finishColumns, finishValues, impliedByRow, startColumns, startRow, wholeOrNull, type Row } from './request-row.js';

export type FinishResult = 'written' | 'duplicate';

export interface RequestStore {
  /** Inserts the 'in_flight' row; a row that already exists (finished first) is left alone. */
  begin(record: RequestStart): void;
  /**
   * Writes the final state, inserting the row if its begin never landed. A row already final is not touched.
   * `fresh`: the writer knows no row can exist yet (its begin is in the same batch and was skipped).
   */
  finish(record: RequestFinish, fresh?: boolean): FinishResult;
  /** Marks one 'in_flight' row 'interrupted'; false when it was not in flight. */
  interrupt(id: string): boolean;
  /** Marks every 'in_flight' row 'interrupted' and returns how many there were. */
  interruptAllInFlight(): number;
  /** Adds the rows that reached a final state since the last call to the rollups; call before committing. */
  flushRollups(): void;
  /** The transaction failed and was rolled back: forget the rollup contributions collected for it. */
  discardRollups(): void;
}

function finishRow(values: ReadonlyArray<string | number | null>): Row {
  return Object.fromEntries(finishColumns.map((column, index) => [column, values[index] ?? null])) as Row;
}

export function prepareRequestStore(database: LedgerDatabase): RequestStore {
  const applyRollup = prepareRollupApplier(database);
  const applyRollups = prepareBatchRollupApplier(database);
  // Rows that reached a final state in the current transaction; their rollup contribution is added once, grouped.
  const pending = new Set<string>();
  // …and those written by the common paths, whose values are at hand: summed in JavaScript, one upsert per key.
  const accumulator = new RollupAccumulator(database);
  const insertStart = database.prepare(
    `INSERT INTO requests (${startColumns.join(', ')}, status) VALUES (${startColumns.map((column) => `@${column}`).join(', ')}, 'in_flight') ON CONFLICT (id) DO NOTHING`,
  );
  const upsertFinish = database.prepare(
    `INSERT INTO requests (${finishColumns.join(', ')}) VALUES (${finishColumns.map((column) => `@${column}`).join(', ')}) ` +
      `ON CONFLICT (id) DO UPDATE SET ${finishColumns
        .filter((column) => column !== 'id')
        .map((column) => `${column} = excluded.${column}`)
        .join(', ')}`,
  );
  // The common cases take one statement each, with positional parameters: a request that begins and ends in one
  // batch is a plain insert; one whose in_flight row is already written is a guarded update. Anything unusual
  // (an interrupted row, a duplicate finish) falls through to the general path below.
  const insertFresh = database.prepare(
    `INSERT INTO requests (${finishColumns.join(', ')}) VALUES (${finishColumns.map(() => '?').join(', ')}) ON CONFLICT (id) DO NOTHING`,
  );
  const updateInFlight = database.prepare(
    `UPDATE requests SET ${finishColumns
      .filter((column) => column !== 'id')
      .map((column) => `${column} = ?`)
      .join(', ')} WHERE id = ? AND status = 'in_flight'`,
  );
  const statusOf = database.prepare<[string], RequestStatus>('SELECT status FROM requests WHERE id = ?').pluck();
  const deleteAttempts = database.prepare<[string]>('DELETE FROM attempts WHERE request_id = ?');
  const insertAttempt = database.prepare<[string, number, string, string, string, number | null, number]>(
    'INSERT INTO attempts (request_id, seq, provider_id, model, outcome, http_status, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const markInterrupted = database.prepare<[string]>(`UPDATE requests SET status = 'interrupted' WHERE id = ? AND status = 'in_flight'`);
  // `status <> 'ok'` lets SQLite use the partial status index (migration 5) instead of reading every row
  const inFlightIds = database.prepare<[], string>(`SELECT id FROM requests WHERE status = 'in_flight' AND status <> 'ok'`).pluck();

  const writeAttempts = (record: RequestFinish): void => {
    if (impliedByRow(record)) return;
    record.attempts.forEach((attempt, index) => {
      insertAttempt.run(
        record.id,
        index + 1,
        attempt.providerId,
        attempt.model,
        attempt.outcome,
        wholeOrNull(attempt.status),
        wholeOrNull(attempt.durationMs) ?? 0,
      );
    });
  };

  const interrupt = (id: string): boolean => {
    if (markInterrupted.run(id).changes === 0) return false;
    pending.add(id);
    return true;
  };
  const flushRollups = (): void => {
    applyRollups([...pending]);
    pending.clear();
    accumulator.write();
  };
  const discardRollups = (): void => {
    pending.clear();
    accumulator.discard();
  };

  return {
    begin(record) {
      insertStart.run(startRow(record));
    },
    finish(record, fresh = false) {
      const values = finishValues(record);
      // spread, not an array: better-sqlite3 binds 29 arguments in about half the time it takes to read them from an array
      const written = fresh ? insertFresh.run(...values).changes === 1 : updateInFlight.run(...values.slice(1), record.id).changes === 1;
      if (written) {
        writeAttempts(record);
        accumulator.add(finalRowOf(values));
        return 'written';
      }
      const previous = statusOf.get(record.id);
      // A row another finish already settled stays as it is: nothing is counted twice. An 'interrupted' row (the
      // recovery at open got to it first) takes the real outcome, and its interrupted count is taken back.
      if (previous !== undefined && previous !== 'in_flight' && previous !== 'interrupted') return 'duplicate';
      // Its interrupted contribution is taken back only if it was already added (in an earlier batch).
      if (previous === 'interrupted' && !pending.has(record.id)) applyRollup(record.id, -1);
      upsertFinish.run(finishRow(values));
      deleteAttempts.run(record.id);
      writeAttempts(record);
      pending.add(record.id);
      return 'written';
    },
    interrupt,
    flushRollups,
    discardRollups,
    interruptAllInFlight() {
      let interrupted = 0;
      for (const id of inFlightIds.all()) if (interrupt(id)) interrupted += 1;
      flushRollups();
      return interrupted;
    },
  };
}

/** At open: every row still 'in_flight' belongs to a process that is gone (one gateway owns the ledger). */
export function recoverInterrupted(database: LedgerDatabase): number {
  const store = prepareRequestStore(database);
  return database.transaction(() => store.interruptAllInFlight()).immediate();
}
