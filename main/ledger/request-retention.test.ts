// ledger.retention_days on a real SQLite file: only rows older than the limit go (oldest first, in bounded runs),
// with their attempts and captures; rows in flight stay; the rollups — and so the dashboard's totals for whole
// days — are exactly what they were; unset keeps everything; the timer deletes a backlog run by run.
import { afterEach, describe, expect, it } from 'vitest';
import { countCaptures } from './capture-store.js';
import { takeHead } from './capture-text.js';
import { Ledger } from './ledger.js';
import { totals } from './queries.js';
import type { RequestRetentionOptions } from './request-retention.js';
import { finishRecord, startRecord, tempDir, type TempDir } from './test-support/fixtures.js';

const dayMs = 86_400_000;
const now = Date.UTC(2026, 10, 25, 12, 0, 0);
let directory: TempDir | undefined;
const opened: Ledger[] = [];

function open(retention: RequestRetentionOptions = {}): Ledger {
  directory ??= tempDir();
  const ledger = Ledger.open({ path: directory.file('ledger.sqlite'), retention: { now: () => now, startDelayMs: 60_000, ...retention } });
  opened.push(ledger);
  return ledger;
}

afterEach(async () => {
  for (const ledger of opened.splice(0)) await ledger.close(500);
  directory?.remove();
  directory = undefined;
});

/** `count` finished rows per age in days (at noon UTC of that day), plus one in flight 40 days old. */
function seed(ledger: Ledger, ages: readonly number[], count: number): void {
  for (const age of ages) {
    for (let index = 0; index < count; index += 1) ledger.finish(finishRecord(`r-${age}-${index}`, { startedAt: now - age * dayMs + index }));
  }
  ledger.begin(startRecord('in-flight-old', { startedAt: now - 40 * dayMs }));
  expect(ledger.flush()).toBe(true);
}

const ids = (ledger: Ledger): string[] => ledger.database.prepare<[], string>('SELECT id FROM requests ORDER BY started_at').pluck().all();
const attemptRows = (ledger: Ledger): number => ledger.database.prepare<[], number>('SELECT COUNT(*) FROM attempts').pluck().get() ?? 0;

describe('RequestRetention', () => {
  it('unset (the default) deletes nothing', () => {
    const ledger = open();
    seed(ledger, [400, 40, 1], 3);
    ledger.retention.configure(undefined);
    expect(ledger.retention.prune()).toBe(0);
    expect(ids(ledger)).toHaveLength(10);
  });

  it('deletes rows older than the limit oldest first, in batches, with their attempts and captures; keeps in-flight rows and the rollups', () => {
    const ledger = open({ batch: 4 });
    seed(ledger, [400, 40, 29, 1], 3);
    ledger.capture.configure({ enabled: true, retentionDays: 3_650, maxBytesPerRequest: 4_096 });
    for (const id of ['r-400-0', 'r-1-0'])
      ledger.capture.record({ requestId: id, capturedAt: now, request: takeHead('{"prompt":1}', 64), response: takeHead('{"answer":2}', 64) });
    expect(ledger.capture.flush()).toBe(true);
    const wholeYear = { from: now - 500 * dayMs, to: now + dayMs };
    const before = totals(ledger.database, { from: Math.floor(wholeYear.from / dayMs) * dayMs, to: Math.ceil(wholeYear.to / dayMs) * dayMs });
    expect(attemptRows(ledger)).toBe(12);

    ledger.retention.configure(30);
    expect(ledger.retention.prune()).toBe(4); // the batch: three 400-day rows, then the oldest 40-day one
    expect(ids(ledger).slice(0, 3)).toEqual(['in-flight-old', 'r-40-1', 'r-40-2']);
    expect(ledger.retention.prune()).toBe(2);
    expect(ledger.retention.prune()).toBe(0);
    expect(ids(ledger)).toEqual(['in-flight-old', 'r-29-0', 'r-29-1', 'r-29-2', 'r-1-0', 'r-1-1', 'r-1-2']);
    expect(ledger.retention.deleted).toBe(6);
    expect(attemptRows(ledger)).toBe(6); // cascaded with their rows
    expect(countCaptures(ledger.database)).toBe(1); // r-400-0's capture went with its row; r-1-0's stays

    // whole days come from the rollups, which deleting rows does not touch
    const after = totals(ledger.database, { from: Math.floor(wholeYear.from / dayMs) * dayMs, to: Math.ceil(wholeYear.to / dayMs) * dayMs });
    expect(after).toEqual(before);
    expect(after.requests).toBe(12);
  });

  it('on a timer: the first run soon after configure, then run after run while a backlog remains; off again stops it', async () => {
    const ledger = open({ batch: 2, startDelayMs: 5, backlogDelayMs: 5, intervalMs: 60_000 });
    seed(ledger, [100, 50], 3);
    ledger.retention.configure(10);
    const deadline = Date.now() + 3_000;
    while (ids(ledger).length > 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(ids(ledger)).toEqual(['in-flight-old']);
    expect(ledger.retention.deleted).toBe(6);

    ledger.retention.configure(undefined);
    seed(ledger, [100], 2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(ids(ledger)).toHaveLength(3); // nothing deleted while unset
  });
});
