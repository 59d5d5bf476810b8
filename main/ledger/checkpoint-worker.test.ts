// The WAL's PASSIVE and idle checkpoints on a worker thread (wal-keeper.ts, checkpoint-worker.ts), on real SQLite
// files: the worker's own connection moves the WAL's pages into the database file while the writer's connection
// never checkpoints; a worker that cannot start leaves every checkpoint to the writer, as before; close waits for it.
import { statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type LedgerDatabase } from './database.js';
import { Ledger } from './ledger.js';
import { finishRecord, tempDir, type TempDir } from './test-support/fixtures.js';
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

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A WAL-mode file with a table, and ~1 MB of rows in its WAL (none in the database file yet). */
function walWithRows(options: WalKeeperOptions = {}): { path: string; database: LedgerDatabase; keeper: WalKeeper; errors: unknown[] } {
  directory = tempDir();
  const path = directory.file('ledger.sqlite');
  const database = openDatabase(path);
  open.push(database);
  database.pragma('wal_autocheckpoint = 0'); // only the keeper checkpoints
  database.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)');
  const insert = database.prepare('INSERT INTO t (body) VALUES (?)');
  database.transaction(() => {
    for (let index = 0; index < 1_000; index += 1) insert.run('x'.repeat(1_000));
  })();
  const errors: unknown[] = [];
  const keeper = new WalKeeper(database, { checkpointIntervalMs: 0, idleCheckpointMs: 60_000, ...options }, (error) => errors.push(error));
  keepers.push(keeper);
  return { path, database, keeper, errors };
}

describe('checkpoints on a worker thread', () => {
  it("moves the WAL's pages into the database file on the worker's connection, never the writer's", async () => {
    const { path, keeper, errors } = walWithRows();
    const before = sizeOf(path);
    expect(sizeOf(`${path}-wal`)).toBeGreaterThan(1_000_000);

    keeper.committed();
    await until(() => keeper.workerCheckpoints === 1, "the worker's checkpoint");

    expect(sizeOf(path) - before).toBeGreaterThan(1_000_000); // the rows are in the database file now
    expect(keeper.checkpoints).toBe(1); // and it was the worker's only: the writer's connection did none
    expect(keeper.workerFailure).toBeUndefined();
    expect(errors).toEqual([]);
  });

  it('truncates the WAL on the worker once the ledger has been idle', async () => {
    const { path, keeper } = walWithRows({ checkpointIntervalMs: 60_000, idleCheckpointMs: 50 });
    keeper.committed(); // the interval has passed since the epoch: this first one checkpoints (PASSIVE)...
    expect(sizeOf(`${path}-wal`)).toBeGreaterThan(1_000_000);
    // ...then 50 ms of quiet truncate the WAL (the file is emptied inside the worker's call, just before it counts it)
    await until(() => sizeOf(`${path}-wal`) === 0 && keeper.workerCheckpoints === 2, 'the idle TRUNCATE');
    expect(keeper.checkpoints).toBe(2); // both on the worker
  });

  it('checkpoints on the writer\'s connection when the worker cannot start, and says why', async () => {
    const { path, keeper, errors } = walWithRows({ checkpointWorkerModule: '/nonexistent/better-sqlite3/index.js' });
    const before = sizeOf(path);
    keeper.committed(); // starts the worker, which fails to load its module
    await until(() => keeper.workerFailure !== undefined, 'the failure');
    expect(keeper.workerFailure).toMatch(/Cannot find module/);

    keeper.committed();
    expect(keeper.checkpoints).toBe(1); // on this thread, at once
    expect(keeper.workerCheckpoints).toBe(0);
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

  it('lets a running checkpoint finish at close, then truncates the WAL on the writer\'s connection', async () => {
    const { path, keeper } = walWithRows();
    keeper.committed();
    const started = Date.now();
    await keeper.stop(); // the checkpoint just asked for is in the worker's queue or running
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(keeper.workerCheckpoints).toBeLessThanOrEqual(1);
    expect(sizeOf(`${path}-wal`)).toBe(0);
    keeper.committed(); // stopped: nothing more, and no worker is started again
    expect(keeper.workerCheckpoints).toBeLessThanOrEqual(1);
  });

  it('keeps a ledger under steady writes checkpointed by the worker alone, and closes cleanly', async () => {
    directory = tempDir();
    const path = directory.file('ledger.sqlite');
    const ledger = Ledger.open({ path, flushIntervalMs: 5, checkpointIntervalMs: 20, idleCheckpointMs: 60_000 });
    for (let round = 0; round < 40; round += 1) {
      for (let index = 0; index < 50; index += 1) ledger.finish(finishRecord(`r${round}-${index}`));
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await until(() => ledger.stats().queued === 0, 'the queue written');
    const stats = await ledger.close();
    expect(stats.lastError).toBeNull();
    expect(stats.checkpoints).toBeGreaterThan(2);
    expect(sizeOf(`${path}-wal`)).toBe(0);
    const reader = openDatabase(path, { readonly: true });
    open.push(reader);
    expect(reader.prepare('SELECT COUNT(*) FROM requests').pluck().get()).toBe(2_000);
  });
});
