// Every dashboard query on a small known dataset written through the real write path, with exact expected
// figures, over whole-day ranges (rollups) and ragged ranges (rollups plus raw rows at the edges) — the same cases
// against both backends (SQLite and PostgreSQL), through LedgerReads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerReads, RequestLedger } from './ledger-backend.js';
import { calendarRanges } from './queries.js';
import type { LogPage } from './request-log.js';
import { ledgerBackends, type BackendFixture } from './test-support/backends.js';
import { finishRecord, startRecord } from './test-support/fixtures.js';
import type { RequestFinish } from './types.js';

const hour = 3_600_000;
const day = 24 * hour;
const D = Date.UTC(2026, 2, 10);
const at = (dayOffset: number, hours: number, minutes = 0) => D + dayOffset * day + hours * hour + minutes * 60_000;
const tokens = (input: number, output: number, cacheRead = 0) => ({ input, output, cacheRead, cacheWrite: 0, reasoning: 0 });

const openai = { providerId: 'openai', model: 'gpt-4.1-mini' };
const anthropic = { providerId: 'anthropic', model: 'claude-sonnet-4-5' };

const finished: Record<string, Partial<RequestFinish>> = {
  a: {
    ...openai,
    startedAt: at(0, 9, 15),
    clientTokenName: 'cursor',
    clientFamily: 'cursor',
    route: 'fast',
    tokens: tokens(1_000, 200),
    costUsd: 0.00072,
    latencyMs: 800,
    ttftMs: 150,
  },
  b: {
    ...anthropic,
    startedAt: at(0, 9, 40),
    clientTokenName: 'cli',
    clientFamily: 'claude-code',
    endpoint: 'messages',
    tokens: tokens(2_000, 500, 10_000),
    costUsd: 0.0165,
    latencyMs: 2_400,
    ttftMs: 600,
    attempts: [
      { providerId: 'anthropic', model: 'claude-sonnet-4-5', outcome: 'overloaded', status: 529, durationMs: 300 },
      { providerId: 'anthropic', model: 'claude-sonnet-4-5', outcome: 'ok', status: 200, durationMs: 2_050 },
    ],
  },
  c: {
    providerId: 'ollama',
    model: 'qwen3:8b',
    startedAt: at(0, 14, 5),
    clientTokenName: 'cursor',
    route: 'local',
    tokens: tokens(3_000, 1_000),
    costUsd: 0,
    costReferenceUsd: 0.0028,
    latencyMs: 5_000,
    ttftMs: 900,
    localComputeMs: 4_800,
  },
  d: {
    ...openai,
    startedAt: at(0, 14, 30),
    clientTokenName: 'cursor',
    route: 'fast',
    status: 'error',
    errorClass: 'rate_limit',
    httpStatus: 429,
    tokens: tokens(0, 0),
    costUsd: 0,
    latencyMs: 120,
    ttftMs: null,
  },
  e: {
    ...openai,
    startedAt: at(1, 0, 10),
    clientTokenName: 'cli',
    status: 'cancelled',
    tokens: tokens(500, 20),
    costUsd: 0.000232,
    latencyMs: 3_000,
    ttftMs: 400,
  },
  f: {
    ...anthropic,
    startedAt: at(1, 10),
    clientTokenName: null,
    clientFamily: 'curl',
    tokens: tokens(100, 100),
    costUsd: 0.0018,
    latencyMs: 1_000,
    ttftMs: 300,
  },
  g: {
    providerId: 'mystery',
    model: 'x',
    startedAt: at(1, 10, 20),
    clientTokenName: 'cli',
    tokens: tokens(50, 50),
    costUsd: null,
    latencyMs: 700,
    ttftMs: null,
  },
  h: {
    ...anthropic,
    startedAt: at(2, 8),
    clientTokenName: 'cursor',
    status: 'error',
    errorClass: 'server',
    httpStatus: 500,
    tokens: tokens(0, 0),
    costUsd: null,
    latencyMs: 30_000,
    ttftMs: null,
  },
};

describe.each(ledgerBackends)('$name', (backend) => {
  let fixture: BackendFixture;
  let ledger: RequestLedger;
  let reads: LedgerReads;

  beforeAll(async () => {
    fixture = await backend.open();
    ({ ledger, reads } = fixture);
    await fixture.leaveInterrupted([startRecord('j', { ...anthropic, startedAt: at(1, 11), clientTokenName: 'cli' })]); // j: its process died
    for (const [id, fields] of Object.entries(finished)) {
      ledger.begin(startRecord(id, fields));
      ledger.finish(finishRecord(id, { clientFamily: 'other', route: null, ...fields }));
    }
    ledger.begin(startRecord('i', { ...openai, startedAt: at(2, 9) })); // still running
    await ledger.flush();
  });
  afterAll(async () => {
    await fixture.close();
  });

  const everything = { from: D, to: D + 3 * day };
  const ragged = { from: at(0, 9, 30), to: at(1, 10, 10) };

  describe('totals', () => {
    it('counts every finished request once over whole days', async () => {
      expect(await reads.totals(everything)).toEqual({
        requests: 9,
        ok: 5,
        errors: 2,
        cancelled: 1,
        interrupted: 1,
        inputTokens: 6_650,
        outputTokens: 1_870,
        cacheReadTokens: 10_000,
        cacheWriteTokens: 0,
        reasoningTokens: 0,
        totalTokens: 18_520,
        costUsd: 0.019252,
        unpriced: 1,
        referenceCostUsd: 0.0028,
        savedUsd: 0.0028,
        errorRate: 2 / 9,
        averageLatencyMs: 1_980,
      });
      expect(await reads.inFlightCount()).toBe(1);
    });

    it('is exact over a ragged range (raw minutes + whole hours at both ends)', async () => {
      expect(await reads.totals(ragged)).toMatchObject({
        requests: 5,
        ok: 3,
        errors: 1,
        cancelled: 1,
        costUsd: 0.018532,
        inputTokens: 5_600,
        savedUsd: 0.0028,
      });
      expect(await reads.totals({ from: at(0, 9, 15), to: at(0, 9, 16) })).toMatchObject({ requests: 1, costUsd: 0.00072 });
      expect((await reads.totals({ from: at(5, 0), to: at(6, 0) })).requests).toBe(0);
    });
  });

  describe('time series', () => {
    it('gives hourly points stacked by provider', async () => {
      expect(
        (await reads.timeSeries({ from: D, to: D + day }, { bucket: 'hour' })).map((point) => [
          point.bucketStart - D,
          point.providerId,
          point.requests,
          point.costUsd,
          point.totalTokens,
        ]),
      ).toEqual([
        [9 * hour, 'anthropic', 1, 0.0165, 12_500],
        [9 * hour, 'openai', 1, 0.00072, 1_200],
        [14 * hour, 'ollama', 1, 0, 4_000],
        [14 * hour, 'openai', 1, 0, 0],
      ]);
    });

    it('gives UTC days from the daily rollup, and local days with an offset', async () => {
      const utc = await reads.timeSeries(everything, { bucket: 'day' });
      expect(utc.map((point) => [(point.bucketStart - D) / day, point.providerId, point.requests])).toEqual([
        [0, 'anthropic', 1],
        [0, 'ollama', 1],
        [0, 'openai', 2],
        [1, 'anthropic', 2],
        [1, 'mystery', 1],
        [1, 'openai', 1],
        [2, 'anthropic', 1],
      ]);
      // UTC−5: e (00:10 UTC on day 1) belongs to local day 0, which starts at 05:00 UTC
      const local = await reads.timeSeries({ from: D + 5 * hour, to: D + 3 * day + 5 * hour }, { bucket: 'day', utcOffsetMinutes: -300 });
      expect(local.filter((point) => point.providerId === 'openai').map((point) => [point.bucketStart - D, point.requests])).toEqual([[5 * hour, 3]]);
    });
  });

  describe('breakdowns', () => {
    it('ranks models by cost and sums the rest', async () => {
      const models = await reads.breakdown(everything, { by: 'model', limit: 2 });
      expect(models.rows.map((row) => [row.key, row.requests, row.costUsd])).toEqual([
        ['anthropic/claude-sonnet-4-5', 4, 0.0183],
        ['openai/gpt-4.1-mini', 3, 0.000952],
      ]);
      expect(models.others).toMatchObject({ requests: 2, costUsd: 0, unpriced: 1, savedUsd: 0.0028 });
    });

    it('groups by client, client family and route', async () => {
      expect((await reads.breakdown(everything, { by: 'client' })).rows.map((row) => [row.key, row.requests, row.costUsd])).toEqual([
        ['cli', 4, 0.016732],
        ['', 1, 0.0018],
        ['cursor', 4, 0.00072],
      ]);
      expect((await reads.breakdown(everything, { by: 'route', orderBy: 'requests' })).rows.map((row) => [row.key, row.requests])).toEqual([
        ['', 6],
        ['fast', 2],
        ['local', 1],
      ]);
      expect((await reads.breakdown(ragged, { by: 'client_family', orderBy: 'tokens' })).rows.map((row) => row.key)).toEqual(['claude-code', 'other', 'curl']);
    });
  });

  describe('errors and latency', () => {
    it('counts error classes, with cancelled and interrupted as their own', async () => {
      expect(await reads.errorClasses(everything)).toEqual([
        { errorClass: 'cancelled', count: 1, share: 1 / 9 },
        { errorClass: 'interrupted', count: 1, share: 1 / 9 },
        { errorClass: 'rate_limit', count: 1, share: 1 / 9 },
        { errorClass: 'server', count: 1, share: 1 / 9 },
      ]);
    });

    it('is exact within a day and histogram-based (bucket log-midpoints) across whole days', async () => {
      const morning = { from: at(0, 9), to: at(0, 15) };
      expect(await reads.latencyPercentiles(morning)).toEqual({ count: 3, p50: 2_400, p95: 5_000, p99: 5_000, method: 'exact' });
      expect(await reads.latencyPercentiles(morning, 'ttft')).toEqual({ count: 3, p50: 600, p95: 900, p99: 900, method: 'exact' });
      // ok latencies 700, 800, 1000, 2400, 5000: p50 is 1000 (bucket 79 → 980), p95 is 5000 (bucket 98 → 5086)
      expect(await reads.latencyPercentiles(everything)).toEqual({ count: 5, p50: 980, p95: 5_086, p99: 5_086, method: 'histogram' });
      expect(await reads.latencyPercentiles({ from: at(7, 0), to: at(7, 1) })).toEqual({ count: 0, p50: null, p95: null, p99: null, method: 'exact' });
    });

    it('gives exact percentiles per breakdown key from the raw rows (switchyard usage --by)', async () => {
      const byClient = await reads.latencyBreakdown(everything, 'client');
      // ok latencies: cursor 800 and 5000, cli 700 and 2400, no client 1000
      expect(byClient.total).toEqual({ count: 5, p50: 1_000, p95: 5_000, p99: 5_000, method: 'exact' });
      expect(Object.fromEntries(byClient.byKey)).toEqual({
        cursor: { count: 2, p50: 800, p95: 5_000, p99: 5_000, method: 'exact' },
        cli: { count: 2, p50: 700, p95: 2_400, p99: 2_400, method: 'exact' },
        '': { count: 1, p50: 1_000, p95: 1_000, p99: 1_000, method: 'exact' },
      });
      const byModel = await reads.latencyBreakdown({ from: at(0, 9), to: at(0, 15) }, 'model', 'ttft');
      expect([...byModel.byKey.keys()].sort()).toEqual(['anthropic/claude-sonnet-4-5', 'ollama/qwen3:8b', 'openai/gpt-4.1-mini']);
      expect(byModel.byKey.get('ollama/qwen3:8b')).toMatchObject({ count: 1, p50: 900 });
      const empty = await reads.latencyBreakdown({ from: at(7, 0), to: at(7, 1) }, 'route');
      expect(empty.total).toEqual({ count: 0, p50: null, p95: null, p99: null, method: 'exact' });
      expect(empty.byKey.size).toBe(0);
    });
  });

  describe('spend for budgets', () => {
    it('sums today and this month, overall and per client token', async () => {
      expect(await reads.spendSoFar({ today: { from: at(1, 0), to: at(2, 0) }, month: everything })).toEqual({
        today: { totalUsd: 0.002032, byClient: { cli: 0.000232 } },
        month: { totalUsd: 0.019252, byClient: { cli: 0.016732, cursor: 0.00072 } },
      });
    });

    it('finds local calendar boundaries', async () => {
      const { today, month } = calendarRanges(new Date(2026, 1, 28, 23, 59));
      expect(new Date(today.from).getDate()).toBe(28);
      expect(new Date(today.to)).toEqual(new Date(2026, 2, 1));
      expect(new Date(month.from)).toEqual(new Date(2026, 1, 1));
      expect(new Date(month.to)).toEqual(new Date(2026, 2, 1));
    });
  });

  describe('request log', () => {
    const ids = (page: LogPage) => page.rows.map((row) => row.id);

    it('pages newest first by keyset until the end', async () => {
      const first = await reads.listRequests({ range: everything, limit: 4 });
      expect(ids(first)).toEqual(['i', 'h', 'j', 'g']);
      const second = await reads.listRequests({ range: everything, limit: 4, cursor: first.nextCursor ?? undefined });
      expect(ids(second)).toEqual(['f', 'e', 'd', 'c']);
      const third = await reads.listRequests({ range: everything, limit: 4, cursor: second.nextCursor ?? undefined });
      expect(ids(third)).toEqual(['b', 'a']);
      expect(third.nextCursor).toBeNull();
    });

    it('filters by status, provider, model, client and time', async () => {
      expect(ids(await reads.listRequests({ range: everything, status: 'error' }))).toEqual(['h', 'd']);
      expect(ids(await reads.listRequests({ range: everything, providerId: 'openai' }))).toEqual(['i', 'e', 'd', 'a']);
      expect(ids(await reads.listRequests({ range: everything, model: 'claude-sonnet-4-5', status: 'ok' }))).toEqual(['f', 'b']);
      expect(ids(await reads.listRequests({ range: everything, clientTokenName: 'cursor' }))).toEqual(['h', 'd', 'c', 'a']);
      expect(ids(await reads.listRequests({ range: { from: at(0, 14), to: at(1, 0, 10) } }))).toEqual(['d', 'c']);
    });

    it('pages through rows sharing one start time without loss or repeats', async () => {
      const tie = at(4, 12);
      for (const id of ['t1', 't2', 't3', 't4', 't5']) ledger.finish(finishRecord(id, { startedAt: tie }));
      await ledger.flush();
      const seen: string[] = [];
      let cursor = undefined;
      do {
        const page: LogPage = await reads.listRequests({
          range: { from: tie, to: tie + 1 },
          limit: 2,
          ...(cursor ? { cursor } : {}),
        });
        seen.push(...ids(page));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual(['t5', 't4', 't3', 't2', 't1']);
    });

    it('returns one request with its attempt trail', async () => {
      const detail = await reads.requestDetail('b');
      expect(detail?.request).toMatchObject({
        id: 'b',
        endpoint: 'messages',
        clientFamily: 'claude-code',
        cacheReadTokens: 10_000,
        costUsd: 0.0165,
        stream: false,
        tokensEstimated: false,
      });
      expect(detail?.attempts).toEqual([
        { seq: 1, providerId: 'anthropic', model: 'claude-sonnet-4-5', outcome: 'overloaded', httpStatus: 529, durationMs: 300 },
        { seq: 2, providerId: 'anthropic', model: 'claude-sonnet-4-5', outcome: 'ok', httpStatus: 200, durationMs: 2_050 },
      ]);
      expect(await reads.requestDetail('nope')).toBeUndefined();
    });
  });
});
