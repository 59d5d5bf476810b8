// The captures table (migration 4): insert a batch, read one request's capture, and delete old or all rows in
// bounded chunks. Deletes run with secure_delete on, so a pruned or purged prompt is overwritten in the file, not
// left behind in a free page.
import type { LedgerDatabase } from './database.js';
import type { CaptureText } from './capture-text.js';

export interface CaptureRow extends CaptureText {
  readonly requestId: string;
  readonly capturedAt: number;
}

export interface CaptureStore {
  /** inserts the rows in one transaction; a second capture for the same request is ignored */
  insertAll(rows: readonly CaptureRow[]): void;
  /** deletes up to `limit` rows captured before `cutoff` (epoch ms), oldest first; returns how many */
  deleteBefore(cutoff: number, limit: number): number;
  /** deletes up to `limit` rows, whatever their age; returns how many */
  deleteAny(limit: number): number;
}

export function prepareCaptureStore(database: LedgerDatabase): CaptureStore {
  const insert = database.prepare<[string, number, string, string, number]>(
    'INSERT INTO captures (request_id, captured_at, request_body, response_body, truncated) VALUES (?, ?, ?, ?, ?) ON CONFLICT (request_id) DO NOTHING',
  );
  const deleteBefore = database.prepare<[number, number]>(
    'DELETE FROM captures WHERE rowid IN (SELECT rowid FROM captures WHERE captured_at < ? ORDER BY captured_at LIMIT ?)',
  );
  const deleteAny = database.prepare<[number]>('DELETE FROM captures WHERE rowid IN (SELECT rowid FROM captures LIMIT ?)');
  const secureDelete = (run: () => number): number => {
    database.pragma('secure_delete = ON');
    try {
      return database.transaction(run).immediate();
    } finally {
      database.pragma('secure_delete = OFF');
    }
  };
  return {
    insertAll(rows) {
      database
        .transaction(() => {
          for (const row of rows) insert.run(row.requestId, row.capturedAt, row.request, row.response, row.truncated ? 1 : 0);
        })
        .immediate();
    },
    deleteBefore(cutoff, limit) {
      return secureDelete(() => deleteBefore.run(cutoff, limit).changes);
    },
    deleteAny(limit) {
      return secureDelete(() => deleteAny.run(limit).changes);
    },
  };
}

/** One request's capture as stored (already redacted when written), or undefined when there is none. */
export function readCapture(database: LedgerDatabase, requestId: string): CaptureRow | undefined {
  const row = database
    .prepare<[string], { requestId: string; capturedAt: number; request: string; response: string; truncated: number }>(
      'SELECT request_id AS requestId, captured_at AS capturedAt, request_body AS request, response_body AS response, truncated FROM captures WHERE request_id = ?',
    )
    .get(requestId);
  return row ? { ...row, truncated: row.truncated === 1 } : undefined;
}

export function countCaptures(database: LedgerDatabase): number {
  return database.prepare<[], number>('SELECT COUNT(*) FROM captures').pluck().get() ?? 0;
}
