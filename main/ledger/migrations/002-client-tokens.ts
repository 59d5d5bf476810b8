// Migration 2: client tokens, one per tool, so spend is attributed per tool. Only a SHA-256 digest of each token
// is kept, plus the display form `sy-…wXyZ`; never the token or any longer piece of it (RELIABILITY.md, secrets).
import type { LedgerDatabase } from '../database.js';
import type { Migration } from './migration.js';

// `masked` is stored whole ('sy-…' + the last 4 characters) rather than as a prefix: a 6-character prefix such as
// 'sy-AbC' is itself a piece of the token, which the canary scan forbids in the SQLite files. The '…' between the
// two parts cannot occur in a token, so no 6-character piece of one can form across it.
const schema = `
CREATE TABLE client_tokens (
  name TEXT PRIMARY KEY NOT NULL,
  hash BLOB NOT NULL UNIQUE CHECK (length(hash) = 32),
  masked TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER,
  last_used_at INTEGER
) WITHOUT ROWID;
`;

export const clientTokensMigration: Migration = {
  version: 2,
  name: 'client tokens',
  up(database: LedgerDatabase): void {
    database.exec(schema);
  },
};
