// The capture writer on a real SQLite file: nothing while off, batched writes off the request path, redaction
// before anything reaches the file, a bounded queue, retention in bounded runs, purge, and close.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerSecret } from '../../shared/redact.js';
import { countCaptures, readCapture } from './capture-store.js';
import { takeHead } from './capture-text.js';
import type { CaptureWriterOptions, PendingCapture } from './capture-queue.js';
import { Ledger } from './ledger.js';
import { tempDir, until, type TempDir } from './test-support/fixtures.js';

let directory: TempDir | undefined;
const opened: Ledger[] = [];
const dayMs = 86_400_000;
const on = { enabled: true, retentionDays: 7, maxBytesPerRequest: 4_096 };

function open(capture: CaptureWriterOptions = {}): Ledger {
  directory ??= tempDir();
  const ledger = Ledger.open({ path: directory.file('ledger.sqlite'), capture: { flushIntervalMs: 5, pruneStartDelayMs: 60_000, ...capture } });
  opened.push(ledger);
  return ledger;
}

afterEach(async () => {
  for (const ledger of opened.splice(0)) await ledger.close(500);
  directory?.remove();
  directory = undefined;
});

function pending(id: string, request: string, response: string, capturedAt = Date.now()): PendingCapture {
  return { requestId: id, capturedAt, request: takeHead(request, 1 << 20), response: takeHead(response, 1 << 20) };
}

describe('capture writer', () => {
  it('is off until configured on, and ignores captures while off', () => {
    const ledger = open();
    expect(ledger.capture.maxBytes).toBeUndefined();
    ledger.capture.record(pending('r1', '{}', 'hi'));
    ledger.capture.configure({ ...on, enabled: false });
    ledger.capture.record(pending('r2', '{}', 'hi'));
    expect(ledger.capture.flush()).toBe(true);
    expect(countCaptures(ledger.database)).toBe(0);
    expect(ledger.capture.stats()).toMatchObject({ queued: 0, written: 0, dropped: 0 });
  });

  it('queues on the request path and writes on its timer, redacted', async () => {
    const secret = 'Cq8TnW3vXy7LpR2mKd5G';
    registerSecret(secret);
    const ledger = open();
    ledger.capture.configure(on);
    expect(ledger.capture.maxBytes).toBe(4_096);
    ledger.capture.record(pending('r1', `{"content":"key ${secret}"}`, `echo ${secret}`));
    expect(countCaptures(ledger.database)).toBe(0); // nothing written synchronously
    await until(() => countCaptures(ledger.database) === 1);
    const row = readCapture(ledger.database, 'r1');
    expect(row).toMatchObject({ request: '{"content":"key ***"}', response: 'echo ***', truncated: false });
    ledger.capture.record(pending('r1', 'again', 'again'));
    ledger.capture.flush();
    expect(readCapture(ledger.database, 'r1')?.request).toBe('{"content":"key ***"}'); // one capture per request
  });

  it('drops and counts past its memory bound', () => {
    const ledger = open({ maxQueue: 2, flushIntervalMs: 60_000 });
    ledger.capture.configure(on);
    for (const id of ['a', 'b', 'c']) ledger.capture.record(pending(id, '{}', 'x'));
    expect(ledger.capture.stats()).toMatchObject({ queued: 2, dropped: 1 });
    const bytes = open({ maxQueuedBytes: 100, flushIntervalMs: 60_000 });
    bytes.capture.configure(on);
    bytes.capture.record(pending('big', 'y'.repeat(80), 'z'.repeat(80)));
    expect(bytes.capture.stats()).toMatchObject({ queued: 0, dropped: 1 });
  });

  it('writes a backlog a bounded number of bytes per tick', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      const ledger = open({ bytesPerTick: 100 });
      ledger.capture.configure(on);
      for (let index = 0; index < 3; index += 1) ledger.capture.record(pending(`r${index}`, 'q'.repeat(60), 'a'.repeat(60)));
      // 120 bytes per capture, 100 per tick: one capture per tick, the next tick at once
      const counts = [1, 2, 3].map(() => {
        vi.advanceTimersToNextTimer();
        return countCaptures(ledger.database);
      });
      expect(counts).toEqual([1, 2, 3]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('deletes rows past the retention a bounded batch per run, and everything on purge', async () => {
    let now = Date.now();
    const ledger = open({ pruneBatch: 2, now: () => now });
    ledger.capture.configure({ ...on, retentionDays: 1 });
    for (let index = 0; index < 5; index += 1) ledger.capture.record(pending(`old${index}`, '{}', 'x', now - 2 * dayMs));
    ledger.capture.record(pending('new', '{}', 'x', now));
    ledger.capture.flush();
    expect(ledger.capture.prune()).toBe(2);
    expect(ledger.capture.prune()).toBe(2);
    expect(ledger.capture.prune()).toBe(1);
    expect(ledger.capture.prune()).toBe(0);
    expect(readCapture(ledger.database, 'new')).toBeDefined();
    now += 2 * dayMs;
    expect(ledger.capture.prune()).toBe(1);
    for (let index = 0; index < 5; index += 1) ledger.capture.record(pending(`p${index}`, '{}', 'x', now));
    ledger.capture.flush();
    ledger.capture.record(pending('queued', '{}', 'x', now));
    expect(await ledger.capture.purge()).toBe(5);
    ledger.capture.flush();
    expect(countCaptures(ledger.database)).toBe(0);
  });

  it('overwrites deleted text in the file (secure_delete), so a purged prompt is not left in a free page', async () => {
    const ledger = open();
    ledger.capture.configure(on);
    const marker = 'NUMBAT-purged-prompt-text';
    for (let index = 0; index < 3; index += 1) ledger.capture.record(pending(`r${index}`, `${marker} ${'x'.repeat(3_000)}`, marker));
    ledger.capture.flush();
    ledger.database.pragma('wal_checkpoint(TRUNCATE)');
    const file = directory?.file('ledger.sqlite') as string;
    expect(readFileSync(file).includes(marker)).toBe(true);
    expect(await ledger.capture.purge()).toBe(3);
    ledger.database.pragma('wal_checkpoint(TRUNCATE)');
    expect(readFileSync(file).includes(marker)).toBe(false);
    expect(ledger.database.pragma('secure_delete', { simple: true })).toBe(0); // back off for every other write
  });

  it('runs retention by itself soon after start', async () => {
    const ledger = open({ pruneStartDelayMs: 10 });
    ledger.database.prepare(`INSERT INTO captures (request_id, captured_at, request_body, response_body) VALUES ('ancient', 5, '{}', 'x')`).run();
    ledger.capture.configure({ ...on, enabled: false });
    await until(() => countCaptures(ledger.database) === 0);
    expect(ledger.capture.stats().deleted).toBe(1);
  });

  it('writes what is queued at close, then takes nothing more', async () => {
    const ledger = open({ flushIntervalMs: 60_000 });
    ledger.capture.configure(on);
    ledger.capture.record(pending('last', '{}', 'bye'));
    await ledger.close();
    ledger.capture.record(pending('late', '{}', 'x'));
    const reopened = open();
    expect(readCapture(reopened.database, 'last')?.response).toBe('bye');
    expect(readCapture(reopened.database, 'late')).toBeUndefined();
  });
});
