// Migration 3: the playground's own tables — saved comparison sets, the comparisons the user kept (prompts and
// answers live here and nowhere else: the ledger's request rows never hold bodies), and votes for the leaderboard.
import type { LedgerDatabase } from '../database.js';
import type { Migration } from './migration.js';

// JSON columns hold small lists the app reads whole (models, parameters, a column's messages); nothing queries
// inside them. Votes carry no foreign key: deleting a comparison from the history keeps its votes in the ranking.
// An answer's request_id points at requests.id without a foreign key either, since the ledger outlives neither.
const schema = `
CREATE TABLE playground_sets (
  name TEXT PRIMARY KEY NOT NULL,
  models TEXT NOT NULL,
  system_prompt TEXT NOT NULL DEFAULT '',
  parameters TEXT NOT NULL,
  task_tag TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE playground_comparisons (
  id TEXT PRIMARY KEY NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  task_tag TEXT NOT NULL,
  title TEXT NOT NULL,
  system_prompt TEXT NOT NULL DEFAULT '',
  parameters TEXT NOT NULL,
  blind INTEGER NOT NULL DEFAULT 0 CHECK (blind IN (0, 1))
) WITHOUT ROWID;
CREATE INDEX playground_comparisons_by_time ON playground_comparisons (updated_at);

CREATE TABLE playground_columns (
  comparison_id TEXT NOT NULL REFERENCES playground_comparisons (id) ON DELETE CASCADE,
  position INTEGER NOT NULL CHECK (position BETWEEN 0 AND 5),
  model TEXT NOT NULL,
  messages TEXT NOT NULL,
  PRIMARY KEY (comparison_id, position)
) WITHOUT ROWID;

CREATE TABLE playground_answers (
  comparison_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  turn INTEGER NOT NULL CHECK (turn >= 0),
  status TEXT NOT NULL CHECK (status IN ('ok', 'error', 'cancelled')),
  error TEXT,
  request_id TEXT,
  provider_id TEXT,
  served_model TEXT,
  attempts TEXT,
  ttft_ms REAL,
  tokens_per_second REAL,
  input_tokens INTEGER,
  output_tokens INTEGER,
  cost_usd REAL,
  PRIMARY KEY (comparison_id, position, turn),
  FOREIGN KEY (comparison_id, position) REFERENCES playground_columns (comparison_id, position) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE playground_votes (
  comparison_id TEXT NOT NULL,
  turn INTEGER NOT NULL CHECK (turn >= 0),
  task_tag TEXT NOT NULL,
  models TEXT NOT NULL,
  winner TEXT,
  voted_at INTEGER NOT NULL,
  PRIMARY KEY (comparison_id, turn)
) WITHOUT ROWID;
CREATE INDEX playground_votes_by_tag ON playground_votes (task_tag);
`;

export const playgroundMigration: Migration = {
  version: 3,
  name: 'playground',
  up(database: LedgerDatabase): void {
    database.exec(schema);
  },
};
