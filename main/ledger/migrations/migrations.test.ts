// Each migration on a fresh file and from the version before it; the runner's transaction and version rules.
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type LedgerDatabase } from '../database.js';
import { tempDir, type TempDir } from '../test-support/fixtures.js';
import { latestSchemaVersion, migrate, migrations, schemaVersion, type Migration } from './index.js';

let directory: TempDir | undefined;
const opened: LedgerDatabase[] = [];

function open(name = 'ledger.sqlite'): LedgerDatabase {
  directory ??= tempDir();
  const database = openDatabase(directory.file(name));
  opened.push(database);
  return database;
}

afterEach(() => {
  for (const database of opened.splice(0)) if (database.open) database.close();
  directory?.remove();
  directory = undefined;
});

function tables(database: LedgerDatabase): string[] {
  return database.prepare<[], string>(`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`).pluck().all();
}

describe('migration runner', () => {
  it('numbers migrations 1..n without gaps', () => {
    expect(migrations.map((migration) => migration.version)).toEqual(migrations.map((_, index) => index + 1));
    expect(latestSchemaVersion).toBe(migrations.length);
  });

  it('is idempotent: a second run changes nothing', () => {
    const database = open();
    expect(migrate(database)).toEqual({ from: 0, to: latestSchemaVersion });
    expect(migrate(database)).toEqual({ from: latestSchemaVersion, to: latestSchemaVersion });
  });

  it('refuses a file written by a newer Switchyard without touching it', () => {
    const database = open();
    database.pragma(`user_version = ${latestSchemaVersion + 1}`);
    expect(() => migrate(database)).toThrow(/newer than this Switchyard/);
    expect(tables(database)).toEqual([]);
  });

  it('rolls a failing migration back whole, version included', () => {
    const database = open();
    const broken: Migration = {
      version: 2,
      name: 'broken',
      up(target) {
        target.exec('CREATE TABLE half_done (x INTEGER)');
        throw new Error('boom');
      },
    };
    expect(() => migrate(database, 2, [migrations[0] as Migration, broken])).toThrow('boom');
    expect(schemaVersion(database)).toBe(1);
    expect(tables(database)).not.toContain('half_done');
  });
});

describe('migration 1 (initial)', () => {
  it('creates the schema on a fresh file', () => {
    const database = open();
    migrate(database, 1);
    expect(schemaVersion(database)).toBe(1);
    expect(tables(database)).toEqual(['attempts', 'prices', 'requests', 'rollup_daily', 'rollup_hourly', 'settings']);
    const indexes = database
      .prepare<[], string>(`SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'requests' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
      .pluck()
      .all();
    expect(indexes).toEqual(['requests_by_client', 'requests_by_model', 'requests_by_provider', 'requests_by_status', 'requests_by_time']);
    expect(database.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('migrates from version 0 (a file another tool left empty but for a table of its own)', () => {
    const database = open();
    database.exec('CREATE TABLE unrelated (x INTEGER); INSERT INTO unrelated VALUES (7)');
    migrate(database, 1);
    expect(database.prepare('SELECT x FROM unrelated').pluck().get()).toBe(7);
    expect(schemaVersion(database)).toBe(1);
  });

  it('enforces the closed vocabularies and the attempt foreign key', () => {
    const database = open();
    migrate(database, 1);
    const insert = (status: string, endpoint: string) =>
      database
        .prepare(`INSERT INTO requests (id, started_at, endpoint, requested_model, status) VALUES (?, 0, ?, 'm', ?)`)
        .run(`${status}-${endpoint}`, endpoint, status);
    expect(() => insert('ok', 'chat')).not.toThrow();
    expect(() => insert('done', 'chat')).toThrow(/CHECK/);
    expect(() => insert('ok', 'completions')).toThrow(/CHECK/);
    expect(() => database.prepare(`INSERT INTO attempts VALUES ('missing', 1, 'p', 'm', 'ok', 200, 5)`).run()).toThrow(/FOREIGN KEY/);
  });
});

describe('migration 2 (client tokens)', () => {
  it('adds client_tokens to a version-1 file and keeps its rows', () => {
    const database = open();
    migrate(database, 1);
    database
      .prepare(`INSERT INTO requests (id, started_at, endpoint, requested_model, status, client_token_name) VALUES ('r1', 5, 'chat', 'm', 'ok', 'default')`)
      .run();
    expect(migrate(database, 2)).toEqual({ from: 1, to: 2 });
    expect(tables(database)).toContain('client_tokens');
    expect(database.prepare('SELECT client_token_name FROM requests WHERE id = ?').pluck().get('r1')).toBe('default');
    expect(database.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('keeps names and digests unique and digests 32 bytes long', () => {
    const database = open();
    migrate(database, 2);
    const insert = (name: string, hash: Buffer) =>
      database.prepare(`INSERT INTO client_tokens (name, hash, masked, created_at) VALUES (?, ?, 'sy-…abcd', 1)`).run(name, hash);
    expect(() => insert('editor', Buffer.alloc(32, 1))).not.toThrow();
    expect(() => insert('editor', Buffer.alloc(32, 2))).toThrow(/UNIQUE|PRIMARY KEY/);
    expect(() => insert('scripts', Buffer.alloc(32, 1))).toThrow(/UNIQUE/);
    expect(() => insert('short', Buffer.alloc(16, 3))).toThrow(/CHECK/);
  });

  it('is skipped when another process ran it between the check and the write lock (the CLI next to `serve`)', () => {
    const first = open();
    const second = open();
    migrate(first, 1);
    // The runner reads `version` twice before taking the lock; the other connection migrates in between.
    let reads = 0;
    const racing: Migration = {
      get version() {
        reads += 1;
        if (reads === 2) migrate(first, 2);
        return 2;
      },
      name: 'client tokens',
      up: (database) => migrations[1]?.up(database),
    };
    expect(migrate(second, 2, [migrations[0] as Migration, racing])).toEqual({ from: 1, to: 2 });
    expect(tables(second).filter((name) => name === 'client_tokens')).toHaveLength(1);
  });
});

describe('migration 3 (playground)', () => {
  it('adds the playground tables to a version-2 file and keeps its rows', () => {
    const database = open();
    migrate(database, 2);
    database
      .prepare(`INSERT INTO requests (id, started_at, endpoint, requested_model, status, client_token_name) VALUES ('r1', 5, 'chat', 'm', 'ok', 'playground')`)
      .run();
    database.prepare(`INSERT INTO client_tokens (name, hash, masked, created_at) VALUES ('default', ?, 'sy-…abcd', 1)`).run(Buffer.alloc(32, 7));
    expect(migrate(database, 3)).toEqual({ from: 2, to: 3 });
    expect(tables(database)).toEqual(
      expect.arrayContaining(['playground_sets', 'playground_comparisons', 'playground_columns', 'playground_answers', 'playground_votes']),
    );
    expect(database.prepare('SELECT client_token_name FROM requests WHERE id = ?').pluck().get('r1')).toBe('playground');
    expect(database.prepare('SELECT name FROM client_tokens').pluck().all()).toEqual(['default']);
    expect(database.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('deletes a comparison with its columns and answers, and keeps the votes on it', () => {
    const database = open();
    migrate(database, 3);
    database
      .prepare(`INSERT INTO playground_comparisons (id, created_at, updated_at, task_tag, title, parameters) VALUES ('c1', 1, 1, 'code', 'hi', '{}')`)
      .run();
    database.prepare(`INSERT INTO playground_columns VALUES ('c1', 0, 'a/x', '[]'), ('c1', 1, 'b/y', '[]')`).run();
    database.prepare(`INSERT INTO playground_answers (comparison_id, position, turn, status) VALUES ('c1', 0, 0, 'ok'), ('c1', 1, 0, 'cancelled')`).run();
    database.prepare(`INSERT INTO playground_votes VALUES ('c1', 0, 'code', '["a/x","b/y"]', 'a/x', 2)`).run();
    database.prepare(`DELETE FROM playground_comparisons WHERE id = 'c1'`).run();
    expect(database.prepare('SELECT COUNT(*) FROM playground_columns').pluck().get()).toBe(0);
    expect(database.prepare('SELECT COUNT(*) FROM playground_answers').pluck().get()).toBe(0);
    expect(database.prepare('SELECT winner FROM playground_votes').pluck().all()).toEqual(['a/x']);
  });

  it('enforces its closed vocabularies and the column foreign key', () => {
    const database = open();
    migrate(database, 3);
    expect(() => database.prepare(`INSERT INTO playground_columns VALUES ('missing', 0, 'a/x', '[]')`).run()).toThrow(/FOREIGN KEY/);
    database
      .prepare(`INSERT INTO playground_comparisons (id, created_at, updated_at, task_tag, title, parameters) VALUES ('c1', 1, 1, 'code', 'hi', '{}')`)
      .run();
    expect(() => database.prepare(`INSERT INTO playground_columns VALUES ('c1', 6, 'a/x', '[]')`).run()).toThrow(/CHECK/);
    database.prepare(`INSERT INTO playground_columns VALUES ('c1', 0, 'a/x', '[]')`).run();
    expect(() => database.prepare(`INSERT INTO playground_answers (comparison_id, position, turn, status) VALUES ('c1', 0, 0, 'done')`).run()).toThrow(/CHECK/);
    expect(() => database.prepare(`INSERT INTO playground_answers (comparison_id, position, turn, status) VALUES ('c1', 1, 0, 'ok')`).run()).toThrow(
      /FOREIGN KEY/,
    );
  });
});

describe('migration 4 (captures)', () => {
  it('adds captures to a version-3 file and keeps its rows', () => {
    const database = open();
    migrate(database, 3);
    database.prepare(`INSERT INTO requests (id, started_at, endpoint, requested_model, status) VALUES ('r1', 5, 'chat', 'm', 'ok')`).run();
    database.prepare(`INSERT INTO playground_sets (name, models, parameters, task_tag, created_at, updated_at) VALUES ('s', '[]', '{}', 'code', 1, 1)`).run();
    expect(migrate(database, 4)).toEqual({ from: 3, to: 4 });
    expect(tables(database)).toContain('captures');
    expect(database.prepare('SELECT status FROM requests WHERE id = ?').pluck().get('r1')).toBe('ok');
    expect(database.prepare('SELECT name FROM playground_sets').pluck().all()).toEqual(['s']);
    const indexes = database
      .prepare<[], string>(`SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'captures' AND name NOT LIKE 'sqlite_%'`)
      .pluck()
      .all();
    expect(indexes).toEqual(['captures_by_time']);
    expect(database.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('keeps one capture per request and a 0/1 truncated flag', () => {
    const database = open();
    migrate(database, 4);
    const insert = (id: string, truncated: number) =>
      database
        .prepare(`INSERT INTO captures (request_id, captured_at, request_body, response_body, truncated) VALUES (?, 1, '{}', 'hi', ?)`)
        .run(id, truncated);
    expect(() => insert('r1', 0)).not.toThrow();
    expect(() => insert('r1', 1)).toThrow(/UNIQUE|PRIMARY KEY/);
    expect(() => insert('r2', 2)).toThrow(/CHECK/);
  });
});

describe('migration 5 (lean log indexes)', () => {
  const plan = (database: LedgerDatabase, sql: string): string =>
    database
      .prepare<[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
      .all()
      .map((row) => row.detail)
      .join('; ');

  it('rebuilds the four filter indexes without the id, the status one without ok rows, and keeps every row', () => {
    const database = open();
    migrate(database, 4);
    const insert = database.prepare(
      `INSERT INTO requests (id, started_at, endpoint, requested_model, provider_id, model, client_token_name, status) VALUES (?, ?, 'chat', 'm', 'p', 'm1', 'cli', ?)`,
    );
    insert.run('r1', 5, 'ok');
    insert.run('r2', 6, 'error');
    insert.run('r3', 7, 'in_flight');
    expect(migrate(database, 5)).toEqual({ from: 4, to: 5 });
    const definitions = database
      .prepare<[], string>(`SELECT sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'requests' AND name LIKE 'requests_by_%' ORDER BY name`)
      .pluck()
      .all();
    expect(definitions).toEqual([
      'CREATE INDEX requests_by_client ON requests (client_token_name, started_at)',
      'CREATE INDEX requests_by_model ON requests (model, started_at)',
      'CREATE INDEX requests_by_provider ON requests (provider_id, started_at)',
      "CREATE INDEX requests_by_status ON requests (status, started_at) WHERE status <> 'ok'",
      'CREATE INDEX requests_by_time ON requests (started_at, id)',
    ]);
    expect(database.prepare('SELECT id, status FROM requests ORDER BY id').all()).toEqual([
      { id: 'r1', status: 'ok' },
      { id: 'r2', status: 'error' },
      { id: 'r3', status: 'in_flight' },
    ]);
    // the in-flight lookups (crash recovery at open, the dashboard's count) still go through the status index
    expect(plan(database, `SELECT id FROM requests WHERE status = 'in_flight' AND status <> 'ok'`)).toMatch(/USING (COVERING )?INDEX requests_by_status/);
    expect(database.prepare(`SELECT COUNT(*) FROM requests INDEXED BY requests_by_status WHERE status = 'error' AND status <> 'ok'`).pluck().get()).toBe(1);
    expect(database.pragma('integrity_check', { simple: true })).toBe('ok');
  });
});

describe('migration 6 (responses)', () => {
  it('admits the responses endpoint, keeps every request with its attempts and indexes, and adds the stored responses', () => {
    const database = open();
    migrate(database, 5);
    const insert = database.prepare(
      `INSERT INTO requests (id, started_at, endpoint, requested_model, provider_id, model, client_token_name, status) VALUES (?, ?, ?, 'm', 'p', 'm1', 'cli', ?)`,
    );
    insert.run('r1', 5, 'chat', 'ok');
    insert.run('r2', 6, 'messages', 'error');
    database.prepare(`INSERT INTO attempts (request_id, seq, provider_id, model, outcome, duration_ms) VALUES ('r2', 0, 'p', 'm1', 'server', 12)`).run();
    expect(() => insert.run('r0', 4, 'responses', 'ok')).toThrow(/CHECK constraint/);
    const indexesBefore = database
      .prepare<[], string>(`SELECT sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'requests' AND sql IS NOT NULL ORDER BY name`)
      .pluck()
      .all();

    expect(migrate(database, 6)).toEqual({ from: 5, to: 6 });
    insert.run('r3', 7, 'responses', 'ok');
    expect(() => insert.run('r4', 8, 'bogus', 'ok')).toThrow(/CHECK constraint/);
    insert.run('r5', 9, 'other', 'error');
    expect(database.prepare('SELECT id, endpoint, status FROM requests ORDER BY id').all()).toEqual([
      { id: 'r1', endpoint: 'chat', status: 'ok' },
      { id: 'r2', endpoint: 'messages', status: 'error' },
      { id: 'r3', endpoint: 'responses', status: 'ok' },
      { id: 'r5', endpoint: 'other', status: 'error' },
    ]);
    // the attempts stayed (the rebuild ran with foreign keys off), and the key still holds afterwards
    expect(database.prepare('SELECT request_id, outcome FROM attempts').all()).toEqual([{ request_id: 'r2', outcome: 'server' }]);
    expect(database.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(() =>
      database.prepare(`INSERT INTO attempts (request_id, seq, provider_id, model, outcome, duration_ms) VALUES ('nope', 0, 'p', 'm', 'ok', 1)`).run(),
    ).toThrow(/FOREIGN KEY/);
    database.prepare("DELETE FROM requests WHERE id = 'r2'").run();
    expect(database.prepare('SELECT COUNT(*) FROM attempts').pluck().get()).toBe(0);
    const indexesAfter = database
      .prepare<[], string>(`SELECT sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'requests' AND sql IS NOT NULL ORDER BY name`)
      .pluck()
      .all();
    expect(indexesAfter).toEqual(indexesBefore);
    expect(tables(database)).toEqual(expect.arrayContaining(['stored_responses', 'stored_response_items']));
    expect(database.pragma('integrity_check', { simple: true })).toBe('ok');
  });
});

describe('migration 7 (privacy and cache)', () => {
  it('keeps every request, adds the privacy and cache columns (NULL for old rows) and the cache table', () => {
    const database = open();
    migrate(database, 6);
    database.prepare(`INSERT INTO requests (id, started_at, endpoint, requested_model, status) VALUES ('r1', 5, 'chat', 'm', 'ok')`).run();
    expect(migrate(database, 7)).toEqual({ from: 6, to: 7 });
    expect(database.prepare('SELECT id, privacy_action, privacy_detectors, cache_status FROM requests').all()).toEqual([
      { id: 'r1', privacy_action: null, privacy_detectors: null, cache_status: null },
    ]);
    expect(() => database.prepare(`UPDATE requests SET cache_status = 'maybe'`).run()).toThrow(/CHECK constraint/);
    database.prepare(`UPDATE requests SET privacy_action = 'redact', privacy_detectors = 'aws-access-key', cache_status = 'hit'`).run();
    expect(tables(database)).toContain('response_cache');
    expect(database.pragma('integrity_check', { simple: true })).toBe('ok');
  });
});

// Future migrations: add a block here that opens a file at version n-1 with rows in it, migrates to n, and checks
// the rows survived in their new shape.
