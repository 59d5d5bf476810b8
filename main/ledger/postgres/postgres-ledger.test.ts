// The PostgreSQL ledger's own guarantees, against a real server (`npm test` starts one): migrations under an
// advisory lock with replicas opening together, the writer's batching and exactly-once finishes, rollups equal to
// a rebuild from the rows, retries after a lost connection, and the heartbeat sweep that interrupts a silent
// replica's in-flight rows — never a live one's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finishRecord, startRecord, until } from '../test-support/fixtures.js';
import { testPostgresUrl } from '../../../test/support/team-services.js';
import { createTestDatabase, type TestDatabase } from '../test-support/postgres-database.js';
import { storedAndRebuiltRollups } from '../test-support/postgres-rollups.js';
import { createPool, type Pool } from './client.js';
import { PostgresLedger } from './ledger.js';
import { rebuildPostgresRollups } from './rebuild.js';
import { latestPostgresSchemaVersion } from './migrations.js';
import { maskPostgresUrl } from './url.js';

let database: TestDatabase;
let pool: Pool;

beforeAll(async () => {
  database = await createTestDatabase();
  pool = await createPool({ url: database.url, max: 2 });
});
afterAll(async () => {
  await pool.end();
  await database.drop();
});

async function statusOf(id: string): Promise<string | undefined> {
  const { rows } = await pool.query<{ status: string }>('SELECT status FROM requests WHERE id = $1', [id]);
  return rows[0]?.status;
}

async function rollupTotal(table: string, dimension: string, measure: string): Promise<number> {
  const { rows } = await pool.query<{ total: number }>(`SELECT COALESCE(SUM(${measure}), 0)::bigint AS total FROM ${table} WHERE dimension = $1`, [dimension]);
  return rows[0]?.total ?? 0;
}

describe('PostgreSQL ledger', () => {
  it('migrates once when replicas open together, under the advisory lock', async () => {
    const ledgers = await Promise.all([1, 2, 3].map((index) => PostgresLedger.open({ url: database.url, instanceId: `open-${index}` })));
    const { rows } = await pool.query<{ version: number }>('SELECT version FROM ledger_migrations ORDER BY version');
    expect(rows.map((row) => row.version)).toEqual(Array.from({ length: latestPostgresSchemaVersion }, (_, index) => index + 1));
    const { rows: instances } = await pool.query<{ id: string }>('SELECT id FROM ledger_instances ORDER BY id');
    expect(instances.map((row) => row.id)).toEqual(['open-1', 'open-2', 'open-3']);
    await Promise.all(ledgers.map((ledger) => ledger.close()));
    expect((await pool.query('SELECT id FROM ledger_instances')).rows).toEqual([]);
  });

  it('masks the password wherever the URL is shown', () => {
    expect(maskPostgresUrl('postgres://sy:s3cret@db.internal:5432/ledger')).toBe('postgres://sy:***@db.internal:5432/ledger');
    expect(maskPostgresUrl('postgres://sy@db/ledger?password=s3cret')).not.toContain('s3cret');
  });

  it('writes an in-flight row after one flush interval, a finish once, and ignores a second finish', async () => {
    const ledger = await PostgresLedger.open({ url: database.url, instanceId: 'writer', flushIntervalMs: 40 });
    try {
      ledger.begin(startRecord('w-long'));
      ledger.begin(startRecord('w-quick'));
      ledger.finish(finishRecord('w-quick'));
      await until(() => ledger.stats().written >= 1, 3_000, 'the quick finish');
      expect(await statusOf('w-quick')).toBe('ok');
      await until(() => ledger.stats().queued === 0, 3_000, 'the in-flight row');
      expect(await statusOf('w-long')).toBe('in_flight');
      ledger.finish(finishRecord('w-long', { costUsd: 0.5 }));
      ledger.finish(finishRecord('w-long', { costUsd: 0.5 }));
      expect(await ledger.flush()).toBe(true);
      ledger.finish(finishRecord('w-quick', { costUsd: 9 }));
      expect(await ledger.flush()).toBe(true);
      expect(ledger.stats()).toMatchObject({ duplicates: 2, rejected: 0, dropped: 0, queued: 0 });
      expect(await statusOf('w-long')).toBe('ok');
      expect(await rollupTotal('rollup_hourly', 'all', 'requests')).toBe(2);
      expect(await rollupTotal('rollup_daily', 'all', 'cost_nano')).toBe(Math.round(0.00012 * 1e9) + 0.5e9);
    } finally {
      await ledger.close();
    }
  });

  it('counts queued spend before it commits, and every replica sees committed spend', async () => {
    const a = await PostgresLedger.open({ url: database.url, instanceId: 'spend-a', flushIntervalMs: 60_000 });
    const b = await PostgresLedger.open({ url: database.url, instanceId: 'spend-b', flushIntervalMs: 60_000 });
    try {
      const startedAt = Date.now();
      const ranges = { today: { from: startedAt - 1_000, to: startedAt + 60_000 }, month: { from: startedAt - 1_000, to: startedAt + 60_000 } };
      a.finish(finishRecord('spend-1', { startedAt, clientTokenName: 'alice', costUsd: 2 }));
      expect(a.spendSoFar(ranges).today).toEqual({ totalUsd: 2, byClient: { alice: 2 } });
      await a.flush();
      await b.refreshSpend(ranges);
      expect(b.spendSoFar(ranges).today).toEqual({ totalUsd: 2, byClient: { alice: 2 } });
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('keeps rows queued while the database refuses connections and writes them once it is back', async () => {
    const ledger = await PostgresLedger.open({ url: database.url, instanceId: 'retry', flushIntervalMs: 20, retryInitialMs: 20, retryMaxMs: 100 });
    const admin = await createPool({ url: testPostgresUrl(), max: 1 }); // on the server's own database
    try {
      // the database stops taking connections (55000) and every open one is cut (57P01): writes fail until it is back
      await admin.query(`ALTER DATABASE ${database.name} WITH ALLOW_CONNECTIONS false`);
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, [database.name]);
      for (let index = 0; index < 50; index += 1) ledger.finish(finishRecord(`retry-${index}`));
      await until(() => ledger.stats().failures >= 2, 5_000, 'failed writes');
      expect(ledger.stats().queued).toBe(50);
      await admin.query(`ALTER DATABASE ${database.name} WITH ALLOW_CONNECTIONS true`);
      await until(() => ledger.stats().queued === 0, 10_000, 'the queue to drain');
      const { rows } = await pool.query<{ count: number }>(`SELECT count(*)::bigint AS count FROM requests WHERE id LIKE 'retry-%'`);
      expect(rows[0]?.count).toBe(50);
      expect(ledger.stats()).toMatchObject({ dropped: 0, rejected: 0 });
    } finally {
      await admin.query(`ALTER DATABASE ${database.name} WITH ALLOW_CONNECTIONS true`);
      await admin.end();
      await ledger.close();
    }
  });

  it("marks a silent replica's in-flight rows interrupted, never a live one's, and takes a late finish back", async () => {
    const gone = await PostgresLedger.open({ url: database.url, instanceId: 'gone', heartbeatMs: 60_000, flushIntervalMs: 60_000 });
    const live = await PostgresLedger.open({ url: database.url, instanceId: 'live', heartbeatMs: 100, staleAfterMs: 3_000, flushIntervalMs: 60_000 });
    const sweeper = await PostgresLedger.open({ url: database.url, instanceId: 'sweeper', heartbeatMs: 100, staleAfterMs: 3_000 });
    try {
      for (const id of ['g1', 'g2']) gone.begin(startRecord(id));
      live.begin(startRecord('l1'));
      await Promise.all([gone.flush(), live.flush()]);
      await new Promise((resolve) => setTimeout(resolve, 400)); // a few sweeps while both still count as alive
      expect(await statusOf('g1')).toBe('in_flight');
      // 'gone' falls silent: its last beat is now older than staleAfterMs ('live' keeps beating)
      await pool.query(`UPDATE ledger_instances SET heartbeat_at = heartbeat_at - 60000 WHERE id = 'gone'`);
      // whichever live replica holds the sweep lock first marks them
      for (let poll = 0; poll < 200 && (await statusOf('g2')) !== 'interrupted'; poll += 1) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(sweeper.interruptedByMe + live.interruptedByMe).toBe(2);
      expect([await statusOf('g1'), await statusOf('g2'), await statusOf('l1')]).toEqual(['interrupted', 'interrupted', 'in_flight']);
      expect(await rollupTotal('rollup_hourly', 'error_class', 'interrupted')).toBe(2);
      // the replica was only slow: its finish replaces the interrupted row, and the rollups take the interruption back
      gone.finish(finishRecord('g1'));
      await gone.flush();
      expect(await statusOf('g1')).toBe('ok');
      expect(await rollupTotal('rollup_hourly', 'all', 'interrupted')).toBe(1);
    } finally {
      await Promise.all([gone.close(), live.close(), sweeper.close()]);
    }
  });

  it('marks its own leftovers at open (a stable instance id), and the rollups equal a rebuild from the rows', async () => {
    const first = await PostgresLedger.open({ url: database.url, instanceId: 'restarts', heartbeatMs: 60_000, flushIntervalMs: 60_000 });
    first.begin(startRecord('own-1'));
    await first.flush();
    // no close(): the process died; its successor has the same id
    const second = await PostgresLedger.open({ url: database.url, instanceId: 'restarts' });
    try {
      expect(second.recovered).toBe(1);
      expect(await statusOf('own-1')).toBe('interrupted');
    } finally {
      await second.close();
      await first.close();
    }
    const { stored, rebuilt } = await storedAndRebuiltRollups(pool);
    expect(stored.length).toBeGreaterThan(0);
    expect(stored).toEqual(rebuilt);
    // and the SQL repair path (rebuild.ts, used by the benchmark's bulk load) writes the same rollups
    await rebuildPostgresRollups(pool);
    expect((await storedAndRebuiltRollups(pool)).stored).toEqual(stored);
  });
});
