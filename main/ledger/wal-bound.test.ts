// RELIABILITY.md "The WAL stays bounded under continuous load with the dashboard open": a long write loop with a
// reader that holds snapshots; the -wal file stays under the bound, shrinks back after a long-held snapshot ends,
// and is truncated to nothing when the ledger goes idle.
import { statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from './database.js';
import { Ledger } from './ledger.js';
import { finishRecord, tempDir, type TempDir } from './test-support/fixtures.js';

let directory: TempDir | undefined;
afterEach(() => {
  directory?.remove();
  directory = undefined;
});

const mebibyte = 1024 * 1024;

describe('WAL size', () => {
  it('stays bounded through 21,000 writes with a dashboard reading, recovers from a held snapshot, and is truncated when idle', async () => {
    directory = tempDir();
    const path = directory.file('ledger.sqlite');
    const bound = 2 * mebibyte;
    const ledger = Ledger.open({ path, flushIntervalMs: 60_000, walTruncateBytes: bound, checkpointIntervalMs: 20, idleCheckpointMs: 50 });
    const dashboard = openDatabase(path, { readonly: true });
    const walSize = () => statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0;
    const totals = dashboard.prepare(`SELECT SUM(requests), SUM(cost_nano) FROM rollup_daily WHERE dimension = 'all'`);
    let round = 0;
    const writeBatch = () => {
      const startedAt = Date.UTC(2026, 0, 1) + round * 3_600_000;
      for (let index = 0; index < 500; index += 1) ledger.finish(finishRecord(`r${round}-${index}`, { startedAt: startedAt + index }));
      round += 1;
      expect(ledger.flush()).toBe(true);
      return walSize();
    };
    try {
      // a dashboard polling, and holding a snapshot across five batches now and then (a slow page)
      let largest = 0;
      for (let step = 0; step < 20; step += 1) {
        if (step % 10 === 3) dashboard.exec('BEGIN');
        totals.get();
        if (step % 10 === 8) dashboard.exec('COMMIT');
        largest = Math.max(largest, writeBatch());
      }
      expect(largest).toBeLessThan(2 * bound);

      // a snapshot held across 20 batches pins the WAL (no checkpoint can pass it), so the file grows...
      dashboard.exec('BEGIN');
      totals.get();
      let pinned = 0;
      for (let step = 0; step < 20; step += 1) pinned = Math.max(pinned, writeBatch());
      expect(pinned).toBeGreaterThan(2 * bound);
      dashboard.exec('COMMIT');
      // ...and shrinks back under the bound within two batches of its release, not only to journal_size_limit
      writeBatch();
      expect(writeBatch()).toBeLessThan(bound);

      ledger.finish(finishRecord('last'));
      ledger.flush();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(walSize()).toBe(0);
      expect(ledger.stats()).toMatchObject({ written: 21_001, dropped: 0, failures: 0 });
    } finally {
      dashboard.close();
      await ledger.close();
    }
  }, 60_000);
});
