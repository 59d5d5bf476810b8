// The WAL's PASSIVE and idle checkpoints on a worker thread (wal-keeper.ts, checkpoint-worker.ts), on real SQLite
// files: the worker's own connection moves the WAL's pages into the database file while the writer's connection
// never checkpoints; a worker that cannot start leaves every checkpoint to the writer, as before; close waits for it.
import { statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type LedgerDatabase } from './database.js';
import { Ledger } from './ledger.js';
import { finishRecord, tempDir, until, type TempDir } from './test-support/fixtures.js';
import { WalKeeper, type WalKeeperOptions } from './wal-keeper.js';

let directory: TempDir | undefined;
const open: LedgerDatabase[] = [];
const keepers: WalKeeper[] = [];
afterEach(async () => {
  for (const keeper of keepers.splice(0)) await keeper.stop();
  for (const database of open.splice(0)) if (database.open) database.close();
  directory?.remove();
  directory = undefined;
});

const sizeOf = (path: string): number => statSync(path, { throwIfNoEntry: false })?.size ?? 0;

/** ~1 MB of new rows, in the WAL only. */
function addRows(database: LedgerDatabase): void {
  const insert = database.prepare('INSERT INTO t (body) VALUES (?)');
  database.transaction(() => {
    for (let index = 0; index < 1_000; index += 1) insert.run('x'.repeat(1_000));
  })();
}

/** A WAL-mode file with a table, and ~1 MB of rows in its WAL (none in the database file yet). */
function walWithRows(options: WalKeeperOptions = {}): { path: string; database: LedgerDatabase; keeper: WalKeeper; errors: unknown[] } {
  directory = tempDir();
  const path = directory.file('ledger.sqlite');
  const database = openDatabase(path);
  open.push(database);
  database.pragma('wal_autocheckpoint = 0'); // only the keeper checkpoints
  database.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)');
  addRows(database);
  const errors: unknown[] = [];
  const keeper = new WalKeeper(database, { checkpointIntervalMs: 0, idleCheckpointMs: 60_000, ...options }, (error) => errors.push(error));
  keepers.push(keeper);
  return { path, database, keeper, errors };
}

/** As walWithRows, with the worker up: the first checkpoint ran on this thread while it started; then ~1 MB more rows. */
async function withReadyWorker(options: WalKeeperOptions = {}): Promise<ReturnType<typeof walWithRows>> {
  const setup = walWithRows(options);
  setup.keeper.committed(); // the first checkpoint starts the worker and, until its connection is open, runs here
  expect(setup.keeper.checkpoints).toBe(1);
  expect(setup.keeper.workerCheckpoints).toBe(0);
  await until(() => setup.keeper.workerReady, 10_000, 'the worker');
  addRows(setup.database);
  return setup;
}

describe('checkpoints on a worker thread', () => {
  it("moves the WAL's pages into the database file on the worker's connection, never the writer's", async () => {
    const { path, keeper, errors } = await withReadyWorker();
    const before = sizeOf(path);
    expect(sizeOf(`${path}-wal`)).toBeGreaterThan(1_000_000);

    keeper.committed();
    await until(() => keeper.workerCheckpoints === 1, 10_000, "the worker's checkpoint");

    expect(sizeOf(path) - before).toBeGreaterThan(1_000_000); // the new rows are in the database file now
    expect(keeper.checkpoints).toBe(2); // the one before the worker was up, and the worker's: none more here
    expect(keeper.workerFailure).toBeUndefined();
    expect(errors).toEqual([]);
  });

  it('truncates the WAL on the worker once the ledger has been idle', { timeout: 20_000 }, async () => {
    const { path, keeper } = await withReadyWorker({ idleCheckpointMs: 2_000 });
    keeper.committed(); // a PASSIVE on the worker...
    // ...then 2 s of quiet truncate the WAL (the file is emptied inside the worker's call, just before it counts it)
    await until(() => sizeOf(`${path}-wal`) === 0 && keeper.workerCheckpoints === 2, 10_000, 'the idle TRUNCATE');
    expect(keeper.checkpoints).toBe(3); // only the first, before the worker was up, ran here
  });

  it("checkpoints on the writer's connection when the worker cannot start, and says why", async () => {
    const { path, database, keeper, errors } = walWithRows({ checkpointWorkerModule: '/nonexistent/better-sqlite3/index.js' });
    keeper.committed(); // starts the worker, which fails to load its module; meanwhile this checkpoint runs here
    await until(() => keeper.workerFailure !== undefined, 10_000, 'the failure');
    expect(keeper.workerFailure).toMatch(/Cannot find module/);

    addRows(database);
    const before = sizeOf(path);
    keeper.committed();
    expect(keeper.checkpoints).toBe(2); // on this thread, at once
    expect(keeper.workerCheckpoints).toBe(0);
    expect(keeper.workerReady).toBe(false);
    expect(sizeOf(path) - before).toBeGreaterThan(1_000_000);
    expect(errors).toEqual([]); // a fallback, not an error of the ledger's
  });

  it('never starts a worker for an in-memory database, or when told not to', () => {
    const database = openDatabase(':memory:');
    open.push(database);
    const memory = new WalKeeper(database, { checkpointIntervalMs: 0 }, () => undefined);
    keepers.push(memory);
    memory.committed();
    expect(memory.checkpoints).toBe(1);
    expect(memory.workerCheckpoints).toBe(0);

    const { keeper } = walWithRows({ checkpointInWorker: false });
    keeper.committed();
    expect(keeper.checkpoints).toBe(1);
    expect(keeper.workerCheckpoints).toBe(0);
  });

  it("lets a running checkpoint finish at close, then truncates the WAL on the writer's connection", async () => {
    const { path, keeper } = await withReadyWorker();
    keeper.committed(); // on the worker: queued or running when stop() comes
    const started = Date.now();
    await keeper.stop();
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(keeper.workerReady).toBe(false);
    expect(sizeOf(`${path}-wal`)).toBe(0);
    const checkpoints = keeper.checkpoints;
    keeper.committed(); // stopped: nothing more, and no worker is started again
    expect(keeper.checkpoints).toBe(checkpoints);
    expect(keeper.workerReady).toBe(false);
  });

  it('keeps a ledger under steady writes checkpointed by the worker alone, and closes cleanly', async () => {
    directory = tempDir();
    const path = directory.file('ledger.sqlite');
    const ledger = Ledger.open({ path, flushIntervalMs: 5, checkpointIntervalMs: 20, idleCheckpointMs: 60_000 });
    for (let round = 0; round < 40; round += 1) {
      for (let index = 0; index < 50; index += 1) ledger.finish(finishRecord(`r${round}-${index}`));
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await until(() => ledger.stats().queued === 0, 10_000, 'the queue written');
    const stats = await ledger.close();
    expect(stats.lastError).toBeNull();
    expect(stats.checkpoints).toBeGreaterThan(2);
    expect(sizeOf(`${path}-wal`)).toBe(0);
    const reader = openDatabase(path, { readonly: true });
    open.push(reader);
    expect(reader.prepare('SELECT COUNT(*) FROM requests').pluck().get()).toBe(2_000);
  });
});
