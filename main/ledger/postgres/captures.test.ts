// Captures on a real PostgreSQL database (migration 5): nothing while off, queued before the database is attached,
// written redacted and once per request, a text with NUL kept, a refused row that blocks nothing, retention in
// bounded runs, purge, and close flushing what is queued. Needs `npm test` (it starts PostgreSQL); never skips.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerSecret } from '../../../shared/redact.js';
import { takeHead } from '../capture-text.js';
import type { PendingCapture } from '../capture-queue.js';
import { until } from '../test-support/fixtures.js';
import { createTestDatabase, type TestDatabase } from '../test-support/postgres-database.js';
import { PostgresCaptures } from './captures.js';
import { createPool, type Pool } from './client.js';
import { migratePostgres } from './migrations.js';

const dayMs = 86_400_000;
const on = { enabled: true, retentionDays: 7, maxBytesPerRequest: 4_096 };
let database: TestDatabase;
let pool: Pool;

beforeAll(async () => {
  database = await createTestDatabase();
  pool = await createPool({ url: database.url, max: 4 });
  await migratePostgres(pool);
});

afterAll(async () => {
  await pool?.end();
  await database?.drop();
});

function pending(id: string, request: string, response: string, capturedAt = Date.now()): PendingCapture {
  return { requestId: id, capturedAt, request: takeHead(request, 1 << 20), response: takeHead(response, 1 << 20) };
}

async function count(): Promise<number> {
  const { rows } = await pool.query<{ count: number }>('SELECT count(*)::bigint AS count FROM captures');
  return rows[0]?.count ?? 0;
}

describe('PostgresCaptures', () => {
  it('ignores captures while off; queues before attach and writes after, redacted and once per request', async () => {
    const secret = 'Pg7TnW3vXy7LpR2mKd5Q';
    registerSecret(secret);
    const captures = new PostgresCaptures({ flushIntervalMs: 5, pruneStartDelayMs: 60_000 });
    expect(captures.maxBytes).toBeUndefined();
    captures.record(pending('off', '{}', 'hi'));
    captures.configure(on);
    expect(captures.maxBytes).toBe(4_096);
    captures.record(pending('p1', `{"content":"key ${secret}"}`, `echo ${secret}`));
    captures.record(pending('p1', 'again', 'again'));
    expect(captures.stats().queued).toBe(2);
    captures.attach(pool);
    await until(() => captures.stats().queued === 0);
    expect(await captures.read('p1')).toMatchObject({ requestId: 'p1', request: '{"content":"key ***"}', response: 'echo ***', truncated: false });
    expect(await captures.read('off')).toBeUndefined();
    expect(captures.stats()).toMatchObject({ written: 2, rejected: 0, dropped: 0 });
    expect(await count()).toBe(1);
    await captures.close();
  });

  it('keeps a body with NUL (as U+FFFD), and close writes what is still queued', async () => {
    const captures = new PostgresCaptures({ flushIntervalMs: 60_000, pruneStartDelayMs: 60_000 });
    captures.configure(on);
    captures.attach(pool);
    captures.record(pending('nul', 'a\u0000b', 'ok'));
    captures.record(pending('late', '{}', 'written at close'));
    const stats = await captures.close();
    expect(stats).toMatchObject({ queued: 0, dropped: 0, rejected: 0 });
    expect((await captures.read('nul'))?.request).toBe('a\uFFFDb');
    expect((await captures.read('late'))?.response).toBe('written at close');
    captures.record(pending('after-close', '{}', 'x'));
    expect(captures.stats().queued).toBe(0);
  });

  it('deletes rows past the retention in bounded runs, and purge deletes every row', async () => {
    const now = Date.now();
    const captures = new PostgresCaptures({ flushIntervalMs: 60_000, pruneStartDelayMs: 60_000, pruneBatch: 2, now: () => now });
    captures.configure({ ...on, retentionDays: 3 });
    captures.attach(pool);
    for (let index = 0; index < 3; index += 1) captures.record(pending(`old-${index}`, '{}', 'old', now - 4 * dayMs));
    captures.record(pending('fresh', '{}', 'fresh', now - dayMs));
    expect(await captures.flush()).toBe(true);
    expect(await captures.prune()).toBe(2);
    expect(await captures.prune()).toBe(1);
    expect(await captures.prune()).toBe(0);
    expect(await captures.read('fresh')).toBeDefined();
    const before = await count();
    expect(await captures.purge()).toBe(before);
    expect(await count()).toBe(0);
    await captures.close();
  });
});
