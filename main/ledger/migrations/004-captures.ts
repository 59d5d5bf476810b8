// Migration 4: opt-in captures of request and response bodies (`ledger.capture` in the config), one row per
// client request, keyed by the ledger's request id. Off by default; written redacted and truncated; pruned by age.
import type { LedgerDatabase } from '../database.js';
import type { Migration } from './migration.js';

// A rowid table, not WITHOUT ROWID: a row holds up to a few hundred KiB of text, far past the size at which SQLite
// advises against WITHOUT ROWID. No foreign key to requests: the capture is written by its own batched writer and
// may commit before the request row does. captures_by_time serves the retention pass (oldest first).
const schema = `
CREATE TABLE captures (
  request_id TEXT PRIMARY KEY NOT NULL,
  captured_at INTEGER NOT NULL,
  request_body TEXT NOT NULL,
  response_body TEXT NOT NULL,
  truncated INTEGER NOT NULL DEFAULT 0 CHECK (truncated IN (0, 1))
);
CREATE INDEX captures_by_time ON captures (captured_at);
`;

export const capturesMigration: Migration = {
  version: 4,
  name: 'captures',
  up(database: LedgerDatabase): void {
    database.exec(schema);
  },
};
