// Migration 6: the Responses API (POST /v1/responses). Its requests are ledger rows of their own endpoint ('other'
// is for requests refused before they reached an endpoint: an unknown path, a bad token), and its
// stored responses (`store: true`, the API's default) live here so previous_response_id and item_reference resolve
// whichever provider answered the turn before. The requests table is rebuilt to admit the new endpoint value in its
// CHECK constraint (SQLite cannot alter a constraint in place; this is its documented procedure, run with foreign
// keys off so the attempts of existing rows stay).
import type { LedgerDatabase } from '../database.js';
import type { Migration } from './migration.js';

const requestsTable = (name: string): string => `
CREATE TABLE ${name} (
  id TEXT PRIMARY KEY NOT NULL,
  started_at INTEGER NOT NULL,
  finished_at INTEGER,
  client_token_name TEXT,
  client_family TEXT NOT NULL DEFAULT 'other',
  endpoint TEXT NOT NULL CHECK (endpoint IN ('chat', 'messages', 'embeddings', 'responses', 'other')),
  requested_model TEXT NOT NULL,
  route TEXT,
  provider_id TEXT,
  model TEXT,
  status TEXT NOT NULL CHECK (status IN ('in_flight', 'ok', 'error', 'cancelled', 'interrupted')),
  error_class TEXT,
  http_status INTEGER,
  input_tokens INTEGER NOT NULL DEFAULT 0,
  output_tokens INTEGER NOT NULL DEFAULT 0,
  cache_read_tokens INTEGER NOT NULL DEFAULT 0,
  cache_write_tokens INTEGER NOT NULL DEFAULT 0,
  reasoning_tokens INTEGER NOT NULL DEFAULT 0,
  tokens_estimated INTEGER NOT NULL DEFAULT 0 CHECK (tokens_estimated IN (0, 1)),
  cost_usd REAL,
  cost_reference_usd REAL,
  latency_ms INTEGER,
  ttft_ms INTEGER,
  upstream_ms INTEGER,
  overhead_ms INTEGER,
  local_compute_ms INTEGER,
  finish_reason TEXT,
  native_finish_reason TEXT,
  stream INTEGER NOT NULL DEFAULT 0 CHECK (stream IN (0, 1))
)`;

// The indexes as migration 5 left them.
const indexes = `
CREATE INDEX requests_by_time ON requests (started_at, id);
CREATE INDEX requests_by_status ON requests (status, started_at) WHERE status <> 'ok';
CREATE INDEX requests_by_provider ON requests (provider_id, started_at);
CREATE INDEX requests_by_model ON requests (model, started_at);
CREATE INDEX requests_by_client ON requests (client_token_name, started_at);
`;

// One row per stored response: the response object as the client got it, this turn's own input items (the chain of
// previous_response_id gives the rest) and the client that made it (only that client may read or continue it).
// Stored text is redacted of registered secrets, as captures are.
const storedResponses = `
CREATE TABLE stored_responses (
  id TEXT PRIMARY KEY NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  client_token_name TEXT,
  previous_response_id TEXT,
  provider_id TEXT,
  model TEXT,
  input_items TEXT NOT NULL,
  response TEXT NOT NULL
);
CREATE INDEX stored_responses_by_expiry ON stored_responses (expires_at);
-- Every input and output item with an id, for item_reference (a client may cite an item of any earlier response).
CREATE TABLE stored_response_items (
  item_id TEXT NOT NULL,
  response_id TEXT NOT NULL,
  item TEXT NOT NULL,
  PRIMARY KEY (item_id, response_id)
) WITHOUT ROWID;
CREATE INDEX stored_response_items_by_response ON stored_response_items (response_id);
`;

export const responsesMigration: Migration = {
  version: 6,
  name: 'responses',
  withoutForeignKeys: true,
  up(database: LedgerDatabase): void {
    database.exec(requestsTable('requests_next'));
    database.exec('INSERT INTO requests_next SELECT * FROM requests');
    database.exec('DROP TABLE requests');
    database.exec('ALTER TABLE requests_next RENAME TO requests');
    database.exec(indexes);
    database.exec(storedResponses);
    const broken = database.pragma('foreign_key_check') as unknown[];
    if (broken.length > 0) throw new Error(`migration 6 left ${broken.length} rows without their request`);
  },
};
