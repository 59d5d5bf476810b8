// Migration 1: the request ledger, its attempt trail, prices, settings, and the hourly/daily rollups that keep
// every dashboard query off the big table. No prompt or response bodies are stored (see README in this folder).
import type { LedgerDatabase } from '../database.js';
import type { Migration } from './migration.js';

// Token columns hold normalized usage (pricing.ts): input excludes cache reads and writes; output includes
// reasoning. cost_usd is fixed when the row is written, so a later price change never reprices the past; NULL
// means no price was known. The rollups keep money as integer nano-dollars so sums are exact in any order.
const rollupColumns = `
  dimension TEXT NOT NULL,
  bucket_start INTEGER NOT NULL,
  key TEXT NOT NULL,
  requests INTEGER NOT NULL DEFAULT 0,
  ok INTEGER NOT NULL DEFAULT 0,
  errors INTEGER NOT NULL DEFAULT 0,
  cancelled INTEGER NOT NULL DEFAULT 0,
  interrupted INTEGER NOT NULL DEFAULT 0,
  input_tokens INTEGER NOT NULL DEFAULT 0,
  output_tokens INTEGER NOT NULL DEFAULT 0,
  cache_read_tokens INTEGER NOT NULL DEFAULT 0,
  cache_write_tokens INTEGER NOT NULL DEFAULT 0,
  reasoning_tokens INTEGER NOT NULL DEFAULT 0,
  cost_nano INTEGER NOT NULL DEFAULT 0,
  unpriced INTEGER NOT NULL DEFAULT 0,
  reference_cost_nano INTEGER NOT NULL DEFAULT 0,
  saved_nano INTEGER NOT NULL DEFAULT 0,
  latency_count INTEGER NOT NULL DEFAULT 0,
  latency_sum_ms INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (dimension, bucket_start, key)`;

const schema = `
CREATE TABLE requests (
  id TEXT PRIMARY KEY NOT NULL,
  started_at INTEGER NOT NULL,
  finished_at INTEGER,
  client_token_name TEXT,
  client_family TEXT NOT NULL DEFAULT 'other',
  endpoint TEXT NOT NULL CHECK (endpoint IN ('chat', 'messages', 'embeddings')),
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
);
-- The log reads newest first with keyset pagination on (started_at, id); each filter the log offers has its own
-- index in that order so a rare value does not scan the year.
CREATE INDEX requests_by_time ON requests (started_at, id);
CREATE INDEX requests_by_status ON requests (status, started_at, id);
CREATE INDEX requests_by_provider ON requests (provider_id, started_at, id);
CREATE INDEX requests_by_model ON requests (model, started_at, id);
CREATE INDEX requests_by_client ON requests (client_token_name, started_at, id);

CREATE TABLE attempts (
  request_id TEXT NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  provider_id TEXT NOT NULL,
  model TEXT NOT NULL,
  outcome TEXT NOT NULL,
  http_status INTEGER,
  duration_ms INTEGER NOT NULL,
  PRIMARY KEY (request_id, seq)
) WITHOUT ROWID;

CREATE TABLE prices (
  model_key TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('bundled', 'openrouter', 'override')),
  input_per_token REAL NOT NULL,
  output_per_token REAL NOT NULL,
  cache_read_per_token REAL,
  cache_write_per_token REAL,
  reasoning_per_token REAL,
  request_usd REAL,
  context_window INTEGER,
  fetched_at INTEGER NOT NULL,
  PRIMARY KEY (model_key, source)
) WITHOUT ROWID;

CREATE TABLE settings (
  key TEXT PRIMARY KEY NOT NULL,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE rollup_hourly (${rollupColumns}) WITHOUT ROWID;
CREATE TABLE rollup_daily (${rollupColumns}) WITHOUT ROWID;
`;

export const initialMigration: Migration = {
  version: 1,
  name: 'initial',
  up(database: LedgerDatabase): void {
    database.exec(schema);
  },
};
