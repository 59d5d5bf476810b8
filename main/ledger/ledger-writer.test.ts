// The write path on real SQLite files: exactly one row per request, batching, retry on a locked database, bounded
// queue with counted drops, rows refused alone, graceful close.
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type LedgerDatabase } from './database.js';
import { Ledger, type OpenLedgerOptions } from './ledger.js';
import { requestDetail } from './request-log.js';
import type { StoredResponseRow } from './response-store.js';
import { finishRecord, startRecord, tempDir, until, type TempDir } from './test-support/fixtures.js';
import type { RequestFinish } from './types.js';

let directory: TempDir | undefined;
const cleanups: (() => unknown)[] = [];

function openLedger(options: Partial<OpenLedgerOptions> = {}): Ledger {
  directory ??= tempDir();
  const ledger = Ledger.open({ path: directory.file('ledger.sqlite'), flushIntervalMs: 10, ...options });
  cleanups.push(() => ledger.close(500));
  return ledger;
}

function secondConnection(): LedgerDatabase {
  if (!directory) throw new Error('open a ledger first');
  const database = openDatabase(directory.file('ledger.sqlite'));
  cleanups.push(() => database.open && database.close());
  return database;
}

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  directory?.remove();
  directory = undefined;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function rowsOf(ledger: Ledger): { id: string; status: string; cost_usd: number | null }[] {
  return ledger.database.prepare<[], { id: string; status: string; cost_usd: number | null }>('SELECT id, status, cost_usd FROM requests ORDER BY id').all();
}

describe('begin and finish', () => {
  it('returns at once and writes on the timer: one in-flight row, then one final row with its attempts', async () => {
    const ledger = openLedger();
    ledger.begin(startRecord('a'));
    expect(rowsOf(ledger)).toEqual([]);
    await until(() => rowsOf(ledger).length === 1);
    expect(rowsOf(ledger)).toEqual([{ id: 'a', status: 'in_flight', cost_usd: null }]);

    ledger.finish(
      finishRecord('a', {
        attempts: [
          { providerId: 'openai', model: 'gpt-4.1-mini', outcome: 'rate_limit', status: 429, durationMs: 40 },
          { providerId: 'openai', model: 'gpt-4.1-mini', outcome: 'ok', status: 200, durationMs: 900 },
        ],
      }),
    );
    await until(() => rowsOf(ledger)[0]?.status === 'ok');
    expect(rowsOf(ledger)).toEqual([{ id: 'a', status: 'ok', cost_usd: 0.00012 }]);
    expect(ledger.database.prepare('SELECT seq, outcome, http_status FROM attempts ORDER BY seq').all()).toEqual([
      { seq: 1, outcome: 'rate_limit', http_status: 429 },
      { seq: 2, outcome: 'ok', http_status: 200 },
    ]);
    expect(ledger.stats()).toMatchObject({ queued: 0, written: 2, failures: 0, dropped: 0, duplicates: 0 });
  });

  it('writes an in-flight row only for a request still running a flush interval after it began', async () => {
    const begun: string[] = [];
    const ledger = openLedger({ flushIntervalMs: 40, onCommit: (batch) => begun.push(...batch.begun) });
    ledger.begin(startRecord('quick'));
    ledger.begin(startRecord('slow'));
    await sleep(5);
    ledger.finish(finishRecord('quick'));
    await until(() => rowsOf(ledger).length === 2);
    expect(rowsOf(ledger)).toEqual([
      { id: 'quick', status: 'ok', cost_usd: 0.00012 },
      { id: 'slow', status: 'in_flight', cost_usd: null },
    ]);
    ledger.finish(finishRecord('slow'));
    await until(() => rowsOf(ledger)[1]?.status === 'ok');
    // the quick one was written once, already final; only the slow one had an in-flight row first
    expect(begun).toEqual(['slow']);
    expect(ledger.stats()).toMatchObject({ queued: 0, written: 3, duplicates: 0 });
  });

  it('writes a request that begins and finishes within one batch once, already final', () => {
    const committed: string[][] = [];
    const ledger = openLedger({ flushIntervalMs: 60_000, onCommit: (batch) => committed.push([...batch.begun, ...batch.finished]) });
    ledger.begin(startRecord('a'));
    ledger.finish(finishRecord('a'));
    expect(ledger.flush()).toBe(true);
    expect(rowsOf(ledger)).toEqual([{ id: 'a', status: 'ok', cost_usd: 0.00012 }]);
    expect(committed).toEqual([['a']]);
  });

  it('inserts the row when the begin was lost, and ignores a late begin and a second finish', () => {
    const ledger = openLedger({ flushIntervalMs: 60_000 });
    ledger.finish(finishRecord('a'));
    ledger.flush();
    ledger.begin(startRecord('a'));
    ledger.finish(finishRecord('a', { costUsd: 99 }));
    ledger.flush();
    expect(rowsOf(ledger)).toEqual([{ id: 'a', status: 'ok', cost_usd: 0.00012 }]);
    expect(ledger.stats().duplicates).toBe(1);
    expect(ledger.database.prepare(`SELECT requests FROM rollup_daily WHERE dimension = 'all'`).pluck().get()).toBe(1);
  });

  it('lets a real finish replace an interrupted mark and counts the request once in the rollups', () => {
    const ledger = openLedger({ flushIntervalMs: 60_000 });
    ledger.begin(startRecord('a'));
    ledger.flush();
    ledger.database.transaction(() => ledger.database.prepare(`UPDATE requests SET status = 'interrupted' WHERE id = 'a'`).run())();
    ledger.database
      .prepare(`INSERT INTO rollup_daily (dimension, bucket_start, key, requests, interrupted) VALUES ('all', ?, '', 1, 1)`)
      .run(Math.floor(startRecord('a').startedAt / 86_400_000) * 86_400_000);
    ledger.finish(finishRecord('a'));
    ledger.flush();
    expect(rowsOf(ledger)).toEqual([{ id: 'a', status: 'ok', cost_usd: 0.00012 }]);
    expect(ledger.database.prepare(`SELECT requests, ok, interrupted FROM rollup_daily WHERE dimension = 'all'`).get()).toEqual({
      requests: 1,
      ok: 1,
      interrupted: 0,
    });
  });

  it('keeps impossible numbers out of the row: NaN, negative and fractional values', () => {
    const ledger = openLedger({ flushIntervalMs: 60_000 });
    ledger.finish(
      finishRecord('a', {
        latencyMs: Number.NaN,
        ttftMs: -5,
        upstreamMs: 12.6,
        costUsd: Number.POSITIVE_INFINITY,
        tokens: { input: 10.4, output: -1, cacheRead: 0, cacheWrite: 0, reasoning: 0 },
      }),
    );
    ledger.flush();
    expect(ledger.database.prepare('SELECT latency_ms, ttft_ms, upstream_ms, cost_usd, input_tokens, output_tokens FROM requests').get()).toEqual({
      latency_ms: null,
      ttft_ms: null,
      upstream_ms: 13,
      cost_usd: null,
      input_tokens: 10,
      output_tokens: 0,
    });
  });
});

describe('attempt trail', () => {
  it("stores no attempt row for one answered attempt on the row's own target, and gives that attempt back from the row", () => {
    const ledger = openLedger({ flushIntervalMs: 60_000 });
    // the gateway's shape: an answered attempt has no status, and lasted the row's upstream time
    const answered = { providerId: 'openai', model: 'gpt-4.1-mini', outcome: 'ok', durationMs: 990.4 };
    ledger.finish(finishRecord('implied', { upstreamMs: 990.4, attempts: [answered] }));
    ledger.finish(finishRecord('timed-apart', { upstreamMs: 500, attempts: [answered] }));
    ledger.finish(finishRecord('with-status', { upstreamMs: 990.4, attempts: [{ ...answered, status: 200 }] }));
    ledger.finish(finishRecord('other-target', { upstreamMs: 990.4, attempts: [{ ...answered, model: 'gpt-4.1' }] }));
    ledger.finish(finishRecord('retried', { upstreamMs: 990.4, attempts: [{ ...answered, outcome: 'rate_limit', status: 429, durationMs: 20 }, answered] }));
    ledger.finish(
      finishRecord('failed', {
        status: 'error',
        errorClass: 'server',
        httpStatus: 502,
        upstreamMs: 990.4,
        attempts: [{ ...answered, outcome: 'server', status: 502 }],
      }),
    );
    ledger.flush();

    expect(ledger.database.prepare('SELECT DISTINCT request_id FROM attempts ORDER BY request_id').pluck().all()).toEqual([
      'failed',
      'other-target',
      'retried',
      'timed-apart',
      'with-status',
    ]);
    expect(requestDetail(ledger.database, 'implied')?.attempts).toEqual([
      { seq: 1, providerId: 'openai', model: 'gpt-4.1-mini', outcome: 'ok', httpStatus: null, durationMs: 990 },
    ]);
    // the same attempt read back from its row in the attempts table looks exactly alike
    expect(requestDetail(ledger.database, 'timed-apart')?.attempts).toEqual([
      { seq: 1, providerId: 'openai', model: 'gpt-4.1-mini', outcome: 'ok', httpStatus: null, durationMs: 990 },
    ]);
    expect(requestDetail(ledger.database, 'retried')?.attempts.map((attempt) => attempt.outcome)).toEqual(['rate_limit', 'ok']);
  });
});

describe('write failures', () => {
  it('keeps rows queued while another connection holds the lock, retries with backoff, then writes them all', async () => {
    const ledger = openLedger({ retryInitialMs: 20, retryMaxMs: 40, busyTimeoutMs: 5 });
    const other = secondConnection();
    other.exec('BEGIN EXCLUSIVE');
    const pushing = performance.now();
    for (let index = 0; index < 20; index += 1) ledger.finish(finishRecord(`r${index}`));
    expect(performance.now() - pushing).toBeLessThan(20); // the hot path never waits for the lock
    await until(() => ledger.stats().failures >= 3);
    // spend still counts what is stuck in the queue, so budgets hold while the file is locked
    const ranges = { today: { from: 0, to: Date.UTC(2100, 0) }, month: { from: 0, to: Date.UTC(2100, 0) } };
    expect(ledger.spendSoFar(ranges).today).toEqual({ totalUsd: 20 * 0.00012, byClient: { default: 20 * 0.00012 } });
    expect(ledger.stats()).toMatchObject({ queued: 20, written: 0, dropped: 0 });
    expect(ledger.stats().lastError).toMatch(/SQLITE_BUSY/);
    other.exec('COMMIT');
    await until(() => ledger.stats().queued === 0);
    expect(rowsOf(ledger)).toHaveLength(20);
    expect(ledger.stats()).toMatchObject({ written: 20, dropped: 0 });
    expect(ledger.spendSoFar(ranges).today.totalUsd).toBeCloseTo(20 * 0.00012, 12);
  });

  it('drops the oldest finished requests of a full queue and counts every one; requests still running take no room', () => {
    const ledger = openLedger({ flushIntervalMs: 60_000, maxQueue: 3, busyTimeoutMs: 1 });
    const other = secondConnection();
    other.exec('BEGIN EXCLUSIVE');
    ledger.begin(startRecord('running'));
    ledger.finish(finishRecord('f1'));
    ledger.finish(finishRecord('f2'));
    ledger.finish(finishRecord('f3'));
    expect(ledger.flush()).toBe(false);
    ledger.finish(finishRecord('f4')); // drops f1
    ledger.finish(finishRecord('f5')); // drops f2
    expect(ledger.stats()).toMatchObject({ queued: 4, dropped: 2, droppedFinished: 2 });
    other.exec('COMMIT');
    expect(ledger.flush()).toBe(true);
    expect(rowsOf(ledger).map((row) => [row.id, row.status])).toEqual([
      ['f3', 'ok'],
      ['f4', 'ok'],
      ['f5', 'ok'],
      ['running', 'in_flight'],
    ]);
  });

  it('rejects a row SQLite refuses for good on its own and writes the rest of its batch', () => {
    const ledger = openLedger({ flushIntervalMs: 60_000 });
    ledger.finish(finishRecord('good1'));
    ledger.finish({ ...finishRecord('bad'), endpoint: 'completions' } as unknown as RequestFinish);
    ledger.finish(finishRecord('good2'));
    expect(ledger.flush()).toBe(true);
    expect(rowsOf(ledger).map((row) => row.id)).toEqual(['good1', 'good2']);
    expect(ledger.stats()).toMatchObject({ rejected: 1, written: 2, queued: 0 });
    expect(ledger.stats().lastError).toMatch(/request bad rejected: SQLITE_CONSTRAINT/);
  });
});

describe('the writer thread', () => {
  const ranges = { today: { from: 0, to: Date.UTC(2100, 0) }, month: { from: 0, to: Date.UTC(2100, 0) } };

  it('writes on its own thread: the request thread keeps running while a batch waits for the lock, and budgets see it', async () => {
    const ledger = openLedger({ busyTimeoutMs: 1_500 });
    ledger.finish(finishRecord('warm')); // written here if the thread is still starting
    await until(() => ledger.stats().writerThread === 'worker' && ledger.stats().queued === 0, 10_000, 'the thread up');
    const other = secondConnection();
    other.exec('BEGIN EXCLUSIVE');
    for (const id of ['a', 'b', 'c']) ledger.finish(finishRecord(id));
    await sleep(50); // the batch is posted; the thread's connection now waits up to 1.5 s for the lock
    const ticked = performance.now();
    await sleep(1);
    expect(performance.now() - ticked).toBeLessThan(500); // on the request thread that wait would block this timer
    expect(ledger.stats()).toMatchObject({ queued: 3, written: 1, writerThread: 'worker' });
    expect(ledger.spendSoFar(ranges).today.totalUsd).toBeCloseTo(4 * 0.00012, 12); // the batch being written counts
    other.exec('COMMIT');
    await until(() => ledger.stats().queued === 0, 5_000, 'the batch written');
    expect(rowsOf(ledger)).toHaveLength(4);
    expect(ledger.spendSoFar(ranges).today.totalUsd).toBeCloseTo(4 * 0.00012, 12);
    expect(ledger.stats()).toMatchObject({ written: 4, writerThread: 'worker', writerFailures: 0, lastError: null });
  });

  it('writes on the request thread when the thread cannot start, and says why', async () => {
    const told: string[] = [];
    const ledger = openLedger({ writerWorkerEntry: 'file:///nonexistent/ledger-write-worker.js', onThreadLost: (message) => told.push(message) });
    ledger.begin(startRecord('running'));
    ledger.finish(finishRecord('a'));
    await until(() => ledger.stats().writerThread === 'main', 10_000, 'the fallback');
    await until(() => rowsOf(ledger).length === 2, 5_000, 'the rows');
    expect(ledger.stats()).toMatchObject({ writerFailures: 1, queued: 0, written: 2, dropped: 0 });
    expect(ledger.stats().lastError).toMatch(/writer thread.*writing on the request thread/);
    // and the log is told, once
    expect(told).toEqual([ledger.stats().lastError]);
    await ledger.close();
    expect(rowsOf(openLedger())).toEqual([
      { id: 'a', status: 'ok', cost_usd: 0.00012 },
      { id: 'running', status: 'interrupted', cost_usd: null },
    ]);
  });

  it('loses nothing when the thread dies under load: the request thread writes the rest, each row once', async () => {
    const committed: string[] = [];
    const told: string[] = [];
    const ledger = openLedger({
      flushIntervalMs: 5,
      maxBatch: 20,
      writerWorkerEntry: new URL('./test-support/dying-writer-worker.ts', import.meta.url).href,
      onCommit: (batch) => committed.push(...batch.finished),
      onThreadLost: (message) => told.push(message),
    });
    ledger.finish(finishRecord('warm-up')); // the thread starts with the first batch (written here meanwhile)
    await until(() => ledger.stats().writerThread === 'worker' && ledger.stats().queued === 0, 10_000, 'the thread up');
    for (let round = 0; round < 20; round += 1) {
      for (let index = 0; index < 20; index += 1) ledger.finish(finishRecord(`r${round}-${index}`));
      await sleep(2);
    }
    await until(() => ledger.stats().queued === 0 && ledger.stats().writerThread === 'main', 10_000, 'the rest written');
    expect(ledger.stats()).toMatchObject({ writerFailures: 1, written: 401, dropped: 0, rejected: 0 });
    expect(ledger.stats().lastError).toMatch(/exited with code 7/);
    expect(told).toHaveLength(1);
    expect(told[0]).toMatch(/ledger writer thread: .*exited with code 7.*; writing on the request thread/);
    expect(ledger.database.prepare('SELECT COUNT(*) FROM requests').pluck().get()).toBe(401);
    expect(ledger.database.prepare(`SELECT requests FROM rollup_daily WHERE dimension = 'all'`).pluck().get()).toBe(401);
    expect(new Set(committed).size).toBe(401);
    const stats = await ledger.close();
    expect(stats).toMatchObject({ queued: 0, dropped: 0 });
  });
});

describe('close', () => {
  it('writes the queue, marks requests still in flight interrupted, and counts later pushes as dropped', async () => {
    const ledger = openLedger({ flushIntervalMs: 60_000 });
    ledger.begin(startRecord('running'));
    ledger.begin(startRecord('done'));
    ledger.finish(finishRecord('done'));
    const stats = await ledger.close();
    expect(stats).toMatchObject({ queued: 0, dropped: 0 });
    ledger.finish(finishRecord('late'));
    expect(ledger.stats()).toMatchObject({ dropped: 1, droppedFinished: 1, lastError: 'ledger is closed' });

    const reopened = openLedger();
    expect(reopened.recovered).toBe(0);
    expect(rowsOf(reopened)).toEqual([
      { id: 'done', status: 'ok', cost_usd: 0.00012 },
      { id: 'running', status: 'interrupted', cost_usd: null },
    ]);
  });

  it('gives up at its deadline when the file stays locked, counting what it could not write', async () => {
    const ledger = openLedger({ flushIntervalMs: 60_000, busyTimeoutMs: 5, retryInitialMs: 10, retryMaxMs: 20 });
    const other = secondConnection();
    other.exec('BEGIN EXCLUSIVE');
    ledger.finish(finishRecord('a'));
    const started = Date.now();
    const stats = await ledger.close(300);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(stats).toMatchObject({ queued: 0, dropped: 1, droppedFinished: 1 });
    other.exec('ROLLBACK');
  });

  it('marks rows a killed process left in flight as interrupted when the ledger is opened again', () => {
    const first = openLedger({ flushIntervalMs: 60_000 });
    first.begin(startRecord('orphan'));
    first.flush();
    // no close(): as if the process died here
    const path = first.database.name;
    first.database.close();
    const second = Ledger.open({ path });
    cleanups.push(() => second.close(500));
    expect(second.recovered).toBe(1);
    expect(rowsOf(second)).toEqual([{ id: 'orphan', status: 'interrupted', cost_usd: null }]);
    expect(second.database.prepare(`SELECT requests, interrupted FROM rollup_daily WHERE dimension = 'all'`).get()).toEqual({ requests: 1, interrupted: 1 });
  });
});

describe('stored responses in the ledger’s batches', () => {
  const row = (id: string): StoredResponseRow => ({
    id,
    createdAt: 1_000,
    expiresAt: 2_000_000_000_000,
    clientTokenName: 'default',
    previousResponseId: null,
    providerId: 'openai',
    model: 'gpt-4.1',
    inputItems: '[]',
    response: JSON.stringify({ id, output: [{ id: `msg_${id}`, type: 'message' }] }),
    items: [`msg_${id}`],
  });
  const storedIds = (ledger: Ledger): string[] =>
    ledger.database
      .prepare<[], { id: string }>('SELECT id FROM stored_responses ORDER BY id')
      .all()
      .map((stored) => stored.id);

  it('are written with the requests of the same batch, kept queued while the file is locked, and reported once committed', async () => {
    const ledger = openLedger({ retryInitialMs: 20, retryMaxMs: 40, busyTimeoutMs: 5 });
    const heard: string[] = [];
    ledger.onStoredResponses((ids) => heard.push(...ids));
    const other = secondConnection();
    other.exec('BEGIN EXCLUSIVE');
    ledger.finish(finishRecord('r1'));
    ledger.storeResponse(row('resp_1'));
    ledger.storeResponse(row('resp_2'));
    await until(() => ledger.stats().failures >= 2);
    expect(heard).toEqual([]);
    other.exec('COMMIT');
    await until(() => heard.length === 2);
    expect(heard).toEqual(['resp_1', 'resp_2']);
    expect(storedIds(ledger)).toEqual(['resp_1', 'resp_2']);
    expect(rowsOf(ledger).map((request) => request.id)).toEqual(['r1']);
    expect(ledger.database.prepare('SELECT item_id, response_id, item FROM stored_response_items ORDER BY item_id').all()).toEqual([
      { item_id: 'msg_resp_1', response_id: 'resp_1', item: '' },
      { item_id: 'msg_resp_2', response_id: 'resp_2', item: '' },
    ]);
  });

  it('are written by flush() and by a graceful close; one stored after close is reported given up', async () => {
    const ledger = openLedger({ flushIntervalMs: 60_000 });
    const heard: string[] = [];
    ledger.onStoredResponses((ids) => heard.push(...ids));
    ledger.storeResponse(row('resp_a'));
    expect(ledger.flush()).toBe(true);
    expect(storedIds(ledger)).toEqual(['resp_a']);
    ledger.storeResponse(row('resp_b'));
    const database = ledger.database;
    const check = openDatabase(database.name);
    cleanups.push(() => check.open && check.close());
    await ledger.close();
    expect(check.prepare('SELECT id FROM stored_responses ORDER BY id').all()).toEqual([{ id: 'resp_a' }, { id: 'resp_b' }]);
    ledger.storeResponse(row('resp_late'));
    expect(heard).toEqual(['resp_a', 'resp_b', 'resp_late']);
  });
});
