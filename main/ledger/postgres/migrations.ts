// The PostgreSQL ledger's schema: the request ledger, its attempt trail and the hourly/daily rollups with the same
// columns and meaning as the SQLite migrations (main/ledger/migrations/, as of version 7), plus what several
// replicas need: each in-flight row names the process that wrote it, and `ledger_instances` holds each process's
// heartbeat. Numbered, append-only; each runs in its own transaction, all of them under one advisory lock so
// replicas starting together migrate once (the others wait, then find nothing to do).
import type { Pool } from './client.js';
import { measureNames } from '../rollups.js';
import { measures } from './sql.js';

const quarterSums = measureNames.map((name) => `SUM(${measures[name]})::bigint`).join(', ');

export interface PostgresMigration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** Any fixed number, the same in every replica: `pg_advisory_lock` takes a bigint. */
export const migrationLockKey = 0x5357_4c45_4447_4552n; // "SWLEDGER"

const rollupColumns = `
  dimension text NOT NULL,
  bucket_start bigint NOT NULL,
  key text COLLATE "C" NOT NULL,
  ${measureNames.map((name) => `${name} bigint NOT NULL DEFAULT 0`).join(',\n  ')},
  PRIMARY KEY (dimension, bucket_start, key)`;

// Token columns hold normalized usage (pricing.ts); cost_usd is fixed when the row is written (NULL: no price);
// the rollups keep money as integer nano-dollars so sums are exact in any order. Ids and keys sort bytewise
// (COLLATE "C"), as SQLite's do, whatever the database's locale. 0/1 flags stay smallints, as in
// SQLite, so one row mapping serves both. The filter indexes end in id: keyset pages on (started_at, id).
const initial = `
CREATE TABLE requests (
  id text COLLATE "C" PRIMARY KEY,
  started_at bigint NOT NULL,
  finished_at bigint,
  client_token_name text,
  client_family text NOT NULL DEFAULT 'other',
  endpoint text NOT NULL CHECK (endpoint IN ('chat', 'messages', 'embeddings', 'responses', 'other')),
  requested_model text NOT NULL,
  route text,
  provider_id text,
  model text,
  status text NOT NULL CHECK (status IN ('in_flight', 'ok', 'error', 'cancelled', 'interrupted')),
  error_class text,
  http_status integer,
  input_tokens bigint NOT NULL DEFAULT 0,
  output_tokens bigint NOT NULL DEFAULT 0,
  cache_read_tokens bigint NOT NULL DEFAULT 0,
  cache_write_tokens bigint NOT NULL DEFAULT 0,
  reasoning_tokens bigint NOT NULL DEFAULT 0,
  tokens_estimated smallint NOT NULL DEFAULT 0 CHECK (tokens_estimated IN (0, 1)),
  cost_usd double precision,
  cost_reference_usd double precision,
  latency_ms bigint,
  ttft_ms bigint,
  upstream_ms bigint,
  overhead_ms bigint,
  local_compute_ms bigint,
  finish_reason text,
  native_finish_reason text,
  stream smallint NOT NULL DEFAULT 0 CHECK (stream IN (0, 1)),
  privacy_action text,
  privacy_detectors text,
  cache_status text CHECK (cache_status IN ('hit', 'miss')),
  -- the process (ledger_instances.id) that wrote the row: a replica's in-flight rows are its own until it stops beating
  instance_id text
);
CREATE INDEX requests_by_time ON requests (started_at, id);
CREATE INDEX requests_by_status ON requests (status, started_at, id) WHERE status <> 'ok';
CREATE INDEX requests_by_provider ON requests (provider_id, started_at, id);
CREATE INDEX requests_by_model ON requests (model, started_at, id);
CREATE INDEX requests_by_client ON requests (client_token_name, started_at, id);
CREATE INDEX requests_in_flight ON requests (instance_id) WHERE status = 'in_flight';
CREATE INDEX requests_by_privacy ON requests (started_at) WHERE privacy_detectors IS NOT NULL;
CREATE INDEX requests_by_cache_hit ON requests (started_at) WHERE cache_status = 'hit';
CREATE TABLE attempts (
  request_id text COLLATE "C" NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
  seq integer NOT NULL,
  provider_id text NOT NULL,
  model text NOT NULL,
  outcome text NOT NULL,
  http_status integer,
  duration_ms bigint NOT NULL,
  PRIMARY KEY (request_id, seq)
);
CREATE TABLE rollup_hourly (${rollupColumns});
CREATE TABLE rollup_daily (${rollupColumns});
CREATE TABLE ledger_instances (
  id text PRIMARY KEY,
  host text NOT NULL,
  pid integer NOT NULL,
  started_at bigint NOT NULL,
  heartbeat_at bigint NOT NULL
);
`;

// Migration 2: quarter-hour sums per provider, for day series in :30/:45 time zones, whose local midnight falls
// inside an hour: the part of that hour after midnight moves to the next day (series.ts). From raw rows that is
// half an hour a day, ~0.5 s for a year of 10 million rows; from here, a few rows a day.
const quarterHours = `CREATE TABLE rollup_quarter (${rollupColumns});
INSERT INTO rollup_quarter (dimension, bucket_start, key, ${measureNames.join(', ')})
  SELECT 'provider', (r.started_at / 900000) * 900000, COALESCE(r.provider_id, '') COLLATE "C", ${quarterSums}
  FROM requests r WHERE r.status <> 'in_flight' GROUP BY 2, 3;
`;

// Migration 3: per-person client tokens, shared by every replica (the SQLite file's client_tokens, migration 2 there).
// A statement that creates, replaces, revokes or deletes a token notifies 'switchyard_client_tokens' at commit, so
// every replica re-reads its in-memory set of active digests (postgres/client-tokens.ts) at once; last_used_at
// writes do not notify.
const clientTokens = `CREATE TABLE client_tokens (
  name text COLLATE "C" PRIMARY KEY,
  hash bytea NOT NULL UNIQUE CHECK (length(hash) = 32),
  masked text NOT NULL,
  created_at bigint NOT NULL,
  revoked_at bigint,
  last_used_at bigint
);
CREATE FUNCTION switchyard_client_tokens_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('switchyard_client_tokens', '');
  RETURN NULL;
END $$;
CREATE TRIGGER client_tokens_changed AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE OF name, hash, revoked_at ON client_tokens
  FOR EACH STATEMENT EXECUTE FUNCTION switchyard_client_tokens_changed();
`;

// Migration 4: stored Responses-API responses (the SQLite file's migration 6), so a turn that continues with
// previous_response_id or item_reference resolves on whichever replica the load balancer sends it to. Texts are
// kept as written (redacted JSON); an item is found by id here and read from its response's text; ids sort bytewise.
const storedResponses = `CREATE TABLE stored_responses (
  id text COLLATE "C" PRIMARY KEY,
  created_at bigint NOT NULL,
  expires_at bigint NOT NULL,
  client_token_name text,
  previous_response_id text COLLATE "C",
  provider_id text,
  model text,
  input_items text NOT NULL,
  response text NOT NULL
);
CREATE INDEX stored_responses_by_expiry ON stored_responses (expires_at);
CREATE TABLE stored_response_items (
  item_id text COLLATE "C" NOT NULL,
  response_id text COLLATE "C" NOT NULL,
  PRIMARY KEY (item_id, response_id)
);
CREATE INDEX stored_response_items_by_response ON stored_response_items (response_id);
`;

// Migration 5: body captures (ledger.capture; the SQLite file's migration 4), so a request's detail shows its capture
// on whichever replica the admin UI asks. Texts are stored redacted, as written by postgres/captures.ts.
const captures = `CREATE TABLE captures (
  request_id text COLLATE "C" PRIMARY KEY,
  captured_at bigint NOT NULL,
  request_body text NOT NULL,
  response_body text NOT NULL,
  truncated boolean NOT NULL DEFAULT false
);
CREATE INDEX captures_by_time ON captures (captured_at);
`;

// Migration 6: the playground's tables (the SQLite file's migration 3), so a comparison kept, a set saved or a vote
// cast through one replica's admin UI is seen by every replica. The same columns and encoding (JSON text, 0/1 flags,
// postgres/playground.ts writes them); keys sort bytewise. Votes keep no foreign key, as there: deleting a comparison
// keeps its votes in the ranking.
const playground = `CREATE TABLE playground_sets (
  name text COLLATE "C" PRIMARY KEY,
  models text NOT NULL,
  system_prompt text NOT NULL DEFAULT '',
  parameters text NOT NULL,
  task_tag text COLLATE "C" NOT NULL,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL
);
CREATE TABLE playground_comparisons (
  id text COLLATE "C" PRIMARY KEY,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  task_tag text COLLATE "C" NOT NULL,
  title text NOT NULL,
  system_prompt text NOT NULL DEFAULT '',
  parameters text NOT NULL,
  blind smallint NOT NULL DEFAULT 0 CHECK (blind IN (0, 1))
);
CREATE INDEX playground_comparisons_by_time ON playground_comparisons (updated_at, id);
CREATE TABLE playground_columns (
  comparison_id text COLLATE "C" NOT NULL REFERENCES playground_comparisons (id) ON DELETE CASCADE,
  position integer NOT NULL CHECK (position BETWEEN 0 AND 5),
  model text NOT NULL,
  messages text NOT NULL,
  PRIMARY KEY (comparison_id, position)
);
CREATE TABLE playground_answers (
  comparison_id text COLLATE "C" NOT NULL,
  position integer NOT NULL,
  turn integer NOT NULL CHECK (turn >= 0),
  status text NOT NULL CHECK (status IN ('ok', 'error', 'cancelled')),
  error text,
  request_id text,
  provider_id text,
  served_model text,
  attempts text,
  ttft_ms double precision,
  tokens_per_second double precision,
  input_tokens bigint,
  output_tokens bigint,
  cost_usd double precision,
  PRIMARY KEY (comparison_id, position, turn),
  FOREIGN KEY (comparison_id, position) REFERENCES playground_columns (comparison_id, position) ON DELETE CASCADE
);
CREATE TABLE playground_votes (
  comparison_id text COLLATE "C" NOT NULL,
  turn integer NOT NULL CHECK (turn >= 0),
  task_tag text COLLATE "C" NOT NULL,
  models text NOT NULL,
  winner text COLLATE "C",
  voted_at bigint NOT NULL,
  PRIMARY KEY (comparison_id, turn)
);
CREATE INDEX playground_votes_by_tag ON playground_votes (task_tag);
`;

// Migration 7: the settings table (the SQLite file's, migration 1 there), for settings that belong to the gateway
// rather than to one machine (control/app-settings.ts says which), shared by every replica.
const settings = `CREATE TABLE settings (
  key text COLLATE "C" PRIMARY KEY,
  value text NOT NULL
);
`;

// Migration 8: the headless UI's browser sessions and the single-use sign-in nonces of `switchyard ui` links
// (control/http/postgres-sessions.ts), so a link made through one replica signs in through another and a session is
// good on every replica. SHA-256 digests only, never the id or the nonce; `seq` orders them oldest first for the cap.
const browserSessions = `CREATE TABLE ui_sessions (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  digest bytea NOT NULL UNIQUE CHECK (length(digest) = 32),
  expires_at bigint NOT NULL
);
CREATE INDEX ui_sessions_by_expiry ON ui_sessions (expires_at);
CREATE TABLE ui_sign_in_nonces (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  digest bytea NOT NULL UNIQUE CHECK (length(digest) = 32),
  expires_at bigint NOT NULL
);
CREATE INDEX ui_sign_in_nonces_by_expiry ON ui_sign_in_nonces (expires_at);
`;

export const postgresMigrations: readonly PostgresMigration[] = [
  { version: 1, name: 'initial', sql: initial },
  { version: 2, name: 'quarter-hours', sql: quarterHours },
  { version: 3, name: 'client-tokens', sql: clientTokens },
  { version: 4, name: 'stored-responses', sql: storedResponses },
  { version: 5, name: 'captures', sql: captures },
  { version: 6, name: 'playground', sql: playground },
  { version: 7, name: 'settings', sql: settings },
  { version: 8, name: 'browser-sessions', sql: browserSessions },
];
export const latestPostgresSchemaVersion = postgresMigrations.length;

/** Brings the database to the latest version; returns the versions it applied (none when another replica did). */
export async function migratePostgres(pool: Pool): Promise<number[]> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('SELECT pg_advisory_lock($1)', [migrationLockKey.toString()]);
    try {
      await client.query(
        'CREATE TABLE IF NOT EXISTS ledger_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
      );
      const { rows } = await client.query<{ version: number | null }>('SELECT max(version) AS version FROM ledger_migrations');
      const current = rows[0]?.version ?? 0;
      if (current > latestPostgresSchemaVersion) {
        throw new Error(
          `the PostgreSQL ledger is at schema version ${current}, newer than this Switchyard knows (${latestPostgresSchemaVersion}): upgrade Switchyard`,
        );
      }
      const applied: number[] = [];
      for (const migration of postgresMigrations.filter((candidate) => candidate.version > current)) {
        await client.query('BEGIN');
        try {
          await client.query(migration.sql);
          await client.query('INSERT INTO ledger_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => (broken = true));
          throw error;
        }
        applied.push(migration.version);
      }
      return applied;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [migrationLockKey.toString()]).catch(() => (broken = true));
    }
  } finally {
    client.release(broken);
  }
}
