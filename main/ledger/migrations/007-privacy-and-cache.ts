// Migration 7: the privacy guard and the response cache. A request row records the guard's action and the names of
// the detectors that fired (never what they matched), and whether its answer came from the cache ('hit') or was
// looked up and not found ('miss'); rows from before stay NULL. The cache's answers live in their own table: the
// bytes as the client got them (a stream's frames end to end, with their lengths), who may read them (the client
// token's namespace), when they expire, and when they were last used (for the size cap's eviction).
import type { LedgerDatabase } from '../database.js';
import type { Migration } from './migration.js';

const schema = `
ALTER TABLE requests ADD COLUMN privacy_action TEXT;
ALTER TABLE requests ADD COLUMN privacy_detectors TEXT;
ALTER TABLE requests ADD COLUMN cache_status TEXT CHECK (cache_status IN ('hit', 'miss'));
-- the dashboard's privacy and cache figures read only the rows they count (few, next to every request)
CREATE INDEX requests_by_privacy ON requests (started_at) WHERE privacy_detectors IS NOT NULL;
CREATE INDEX requests_by_cache_hit ON requests (started_at) WHERE cache_status = 'hit';
CREATE TABLE response_cache (
  namespace TEXT NOT NULL,
  key TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER NOT NULL,
  size INTEGER NOT NULL,
  stream INTEGER NOT NULL CHECK (stream IN (0, 1)),
  route TEXT,
  provider_id TEXT NOT NULL,
  model TEXT NOT NULL,
  locality TEXT NOT NULL,
  usage TEXT,
  saved_usd REAL,
  frame_lengths TEXT NOT NULL,
  body BLOB NOT NULL,
  PRIMARY KEY (namespace, key)
);
CREATE INDEX response_cache_by_use ON response_cache (used_at);
CREATE INDEX response_cache_by_expiry ON response_cache (expires_at);
`;

export const privacyAndCacheMigration: Migration = {
  version: 7,
  name: 'privacy-and-cache',
  up(database: LedgerDatabase): void {
    database.exec(schema);
  },
};
