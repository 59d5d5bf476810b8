// The time series against a reference computed row by row from the requests table, for random ranges and every
// kind of time zone offset: UTC, whole hours either side (the day-plus-correction path), and :30/:45 zones — against
// both backends (SQLite and PostgreSQL), through LedgerReads. The reference reads the rows as they were written.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localMidnight, offsetMinutesAt } from '../../shared/time-zone.js';
import type { LedgerReads } from './ledger-backend.js';
import type { SeriesPoint } from './series.js';
import { ledgerBackends, type BackendFixture } from './test-support/backends.js';
import { finishRecord } from './test-support/fixtures.js';
import type { RequestFinish, TimeRange } from './types.js';

const hour = 3_600_000;
const day = 24 * hour;
const base = Date.UTC(2026, 4, 1);

/** What a reference reads: the rows written, as stored. */
interface Row {
  started_at: number;
  provider_id: string;
  status: string;
  cost_usd: number;
  input_tokens: number;
  output_tokens: number;
}

function rowOf(record: RequestFinish): Row {
  return {
    started_at: record.startedAt,
    provider_id: record.providerId ?? '',
    status: record.status,
    cost_usd: record.costUsd ?? 0,
    input_tokens: record.tokens.input,
    output_tokens: record.tokens.output,
  };
}

function rowsIn(rows: readonly Row[], range: TimeRange): Row[] {
  return rows.filter((row) => row.started_at >= range.from && row.started_at < range.to);
}

describe.each(ledgerBackends)('$name', (backend) => {
  let fixture: BackendFixture;
  let reads: LedgerReads;
  const written: Row[] = [];

  beforeAll(async () => {
    fixture = await backend.open();
    reads = fixture.reads;
    const random = fc.sample(
      fc.tuple(fc.nat({ max: 12 * day - 1 }), fc.constantFrom('openai', 'anthropic', 'ollama'), fc.nat({ max: 5_000 }), fc.constantFrom('ok', 'error')),
      { numRuns: 2_000, seed: 42 },
    );
    random.forEach(([offset, providerId, input, status], index) => {
      const record = finishRecord(`s${index}`, {
        startedAt: base + offset,
        providerId,
        model: 'm',
        status,
        tokens: { input, output: 10, cacheRead: 0, cacheWrite: 0, reasoning: 0 },
        costUsd: input / 1e6,
      });
      fixture.ledger.finish(record);
      written.push(rowOf(record));
    });
    await fixture.ledger.flush();
  });
  afterAll(async () => {
    await fixture.close();
  });

  function reference(range: TimeRange, size: number, offsetMs: number): SeriesPoint[] {
    const rows = rowsIn(written, range);
    const points = new Map<
      string,
      { bucketStart: number; providerId: string; requests: number; errors: number; costNano: number; input: number; output: number }
    >();
    for (const row of rows) {
      const bucketStart = Math.floor((row.started_at + offsetMs) / size) * size - offsetMs;
      const id = `${bucketStart}/${row.provider_id}`;
      const point = points.get(id) ?? { bucketStart, providerId: row.provider_id, requests: 0, errors: 0, costNano: 0, input: 0, output: 0 };
      point.requests += 1;
      point.errors += row.status === 'error' ? 1 : 0;
      point.costNano += Math.round(row.cost_usd * 1e9);
      point.input += row.input_tokens;
      point.output += row.output_tokens;
      points.set(id, point);
    }
    return [...points.values()]
      .sort((a, b) => a.bucketStart - b.bucketStart || a.providerId.localeCompare(b.providerId))
      .map((point) => ({
        bucketStart: point.bucketStart,
        providerId: point.providerId,
        requests: point.requests,
        errors: point.errors,
        costUsd: point.costNano / 1e9,
        inputTokens: point.input,
        outputTokens: point.output,
        totalTokens: point.input + point.output,
      }));
  }

  const arbitraryRange = fc
    .tuple(fc.nat({ max: 13 * day }), fc.nat({ max: 13 * day }))
    .map(([a, b]): TimeRange => ({ from: base - day / 2 + Math.min(a, b), to: base - day / 2 + Math.max(a, b) }));
  // whole hours from −12 to +14, plus India (+5:30), Nepal (+5:45) and Newfoundland (−3:30)
  const arbitraryOffset = fc.oneof(
    fc.integer({ min: -12, max: 14 }).map((hours) => hours * 60),
    fc.constantFrom(330, 345, -210),
  );

  describe('timeSeries', () => {
    it('matches a row-by-row reference for day buckets in any time zone', async () => {
      await fc.assert(
        fc.asyncProperty(arbitraryRange, arbitraryOffset, async (range, offsetMinutes) => {
          expect(await reads.timeSeries(range, { bucket: 'day', utcOffsetMinutes: offsetMinutes })).toEqual(reference(range, day, offsetMinutes * 60_000));
        }),
        { numRuns: 150 },
      );
    });

    it('matches the reference for hour buckets', async () => {
      await fc.assert(
        fc.asyncProperty(arbitraryRange, async (range) => {
          expect(await reads.timeSeries(range, { bucket: 'hour' })).toEqual(reference(range, hour, 0));
        }),
        { numRuns: 40 },
      );
    });

    it('covers local days exactly: Los Angeles (−7) and Auckland (+12) over the whole period', async () => {
      for (const offsetMinutes of [-420, 720]) {
        const offsetMs = offsetMinutes * 60_000;
        const range = { from: base - offsetMs, to: base + 12 * day - offsetMs };
        const series = await reads.timeSeries(range, { bucket: 'day', utcOffsetMinutes: offsetMinutes });
        expect(new Set(series.map((point) => point.bucketStart)).size).toBe(12);
        expect(series).toEqual(reference(range, day, offsetMs));
      }
    });
  });

  describe('timeSeries by local day across a daylight-saving change', () => {
    // Berlin moves from +1 to +2 at 01:00 UTC on 2026-03-29; Los Angeles from −8 to −7 at 10:00 UTC on 2026-03-08.
    const from = Date.UTC(2026, 2, 1);
    let dstFixture: BackendFixture;
    const dstWritten: Row[] = [];

    beforeAll(async () => {
      dstFixture = await backend.open();
      const write = (record: RequestFinish): void => {
        dstFixture.ledger.finish(record);
        dstWritten.push(rowOf(record));
      };
      const random = fc.sample(fc.tuple(fc.nat({ max: 40 * day - 1 }), fc.constantFrom('openai', 'ollama'), fc.nat({ max: 5_000 })), {
        numRuns: 1_500,
        seed: 7,
      });
      random.forEach(([offset, providerId, input], index) => {
        write(
          finishRecord(`d${index}`, {
            startedAt: from + offset,
            providerId,
            model: 'm',
            tokens: { input, output: 10, cacheRead: 0, cacheWrite: 0, reasoning: 0 },
            costUsd: input / 1e6,
          }),
        );
      });
      // 00:30 in Berlin on 1 April (summer time) is 22:30 UTC on 31 March: with March's offset it looked like 23:30 the day before
      write(
        finishRecord('after-midnight', {
          startedAt: Date.UTC(2026, 2, 31, 22, 30),
          providerId: 'lmstudio',
          model: 'm',
          tokens: { input: 1, output: 1, cacheRead: 0, cacheWrite: 0, reasoning: 0 },
          costUsd: 0,
        }),
      );
      await dstFixture.ledger.flush();
    });
    afterAll(async () => {
      await dstFixture.close();
    });

    /** Row by row: each request's local date in the zone, its bucket that date's real midnight. */
    function zoneReference(range: TimeRange, timeZone: string): SeriesPoint[] {
      const rows = rowsIn(dstWritten, range);
      const points = new Map<string, SeriesPoint & { costNano: number }>();
      for (const row of rows) {
        const localDate = Math.floor((row.started_at + offsetMinutesAt(timeZone, row.started_at) * 60_000) / day) * day;
        const bucketStart = localMidnight(timeZone, localDate);
        const id = `${bucketStart}/${row.provider_id}`;
        const point = points.get(id) ?? {
          bucketStart,
          providerId: row.provider_id,
          requests: 0,
          errors: 0,
          costUsd: 0,
          costNano: 0,
          inputTokens: 0,
          outputTokens: 0,
          totalTokens: 0,
        };
        points.set(id, {
          ...point,
          requests: point.requests + 1,
          costNano: point.costNano + Math.round(row.cost_usd * 1e9),
          inputTokens: point.inputTokens + row.input_tokens,
          outputTokens: point.outputTokens + row.output_tokens,
          totalTokens: point.totalTokens + row.input_tokens + row.output_tokens,
        });
      }
      return [...points.values()]
        .sort((a, b) => a.bucketStart - b.bucketStart || a.providerId.localeCompare(b.providerId))
        .map(({ costNano, ...point }) => ({ ...point, costUsd: costNano / 1e9 }));
    }

    it('puts 00:30 local time after the change on its own day, with the range starting before the change', async () => {
      const range = { from: localMidnight('Europe/Berlin', Date.UTC(2026, 2, 15)), to: localMidnight('Europe/Berlin', Date.UTC(2026, 3, 5)) };
      const series = await dstFixture.reads.timeSeries(range, { bucket: 'day', timeZone: 'Europe/Berlin' });
      expect(series.filter((point) => point.providerId === 'lmstudio')).toEqual([
        expect.objectContaining({ bucketStart: Date.UTC(2026, 2, 31, 22), requests: 1 }),
      ]);
      // one bucket per local day: 21 days, each starting at that day's midnight (the change day is 23 hours long)
      const starts = [...new Set(series.map((point) => point.bucketStart))];
      expect(starts).toHaveLength(21);
      expect(starts.map((start) => offsetMinutesAt('Europe/Berlin', start) + (start % day) / 60_000)).toEqual(starts.map(() => 24 * 60));
      expect(series).toEqual(zoneReference(range, 'Europe/Berlin'));
    });

    it('starts the first day at its real midnight when the range begins just after a change', async () => {
      const change = Date.UTC(2026, 2, 8, 10); // Los Angeles, 03:00 PDT: the day began at 08:00 UTC, in PST
      const range = { from: change, to: change + 2 * hour };
      const series = await dstFixture.reads.timeSeries(range, { bucket: 'day', timeZone: 'America/Los_Angeles' });
      expect(series.length).toBeGreaterThan(0);
      expect(new Set(series.map((point) => point.bucketStart))).toEqual(new Set([Date.UTC(2026, 2, 8, 8)]));
      expect(series).toEqual(zoneReference(range, 'America/Los_Angeles'));
    });

    it('matches a row-by-row reference for random ranges in zones on both sides of UTC', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.tuple(fc.nat({ max: 40 * day }), fc.nat({ max: 40 * day })),
          fc.constantFrom('Europe/Berlin', 'America/Los_Angeles', 'Australia/Lord_Howe', 'Asia/Kolkata'),
          async ([a, b], timeZone) => {
            const range = { from: from + Math.min(a, b), to: from + Math.max(a, b) };
            expect(await dstFixture.reads.timeSeries(range, { bucket: 'day', timeZone })).toEqual(zoneReference(range, timeZone));
          },
        ),
        { numRuns: 200 },
      );
    });
  });
});
