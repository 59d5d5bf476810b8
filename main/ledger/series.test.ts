// The time series against a reference computed row by row from the requests table, for random ranges and every
// kind of time zone offset: UTC, whole hours either side (the day-plus-correction path), and :30/:45 zones.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ledger } from './ledger.js';
import { timeSeries, type SeriesPoint } from './series.js';
import { finishRecord, tempDir, type TempDir } from './test-support/fixtures.js';
import type { TimeRange } from './types.js';

const hour = 3_600_000;
const day = 24 * hour;
const base = Date.UTC(2026, 4, 1);
let directory: TempDir;
let ledger: Ledger;

beforeAll(() => {
  directory = tempDir();
  ledger = Ledger.open({ path: directory.file('ledger.sqlite'), flushIntervalMs: 60_000 });
  const random = fc.sample(fc.tuple(fc.nat({ max: 12 * day - 1 }), fc.constantFrom('openai', 'anthropic', 'ollama'), fc.nat({ max: 5_000 }), fc.constantFrom('ok', 'error')), { numRuns: 2_000, seed: 42 });
  random.forEach(([offset, providerId, input, status], index) => {
    ledger.finish(finishRecord(`s${index}`, { startedAt: base + offset, providerId, model: 'm', status, tokens: { input, output: 10, cacheRead: 0, cacheWrite: 0, reasoning: 0 }, costUsd: input / 1e6 }));
  });
  ledger.flush();
});
afterAll(async () => {
  await ledger.close();
  directory.remove();
});

function reference(range: TimeRange, size: number, offsetMs: number): SeriesPoint[] {
  const rows = ledger.database
    .prepare<[number, number], { started_at: number; provider_id: string; status: string; cost_usd: number; input_tokens: number; output_tokens: number }>(
      'SELECT started_at, provider_id, status, cost_usd, input_tokens, output_tokens FROM requests WHERE started_at >= ? AND started_at < ?',
    )
    .all(range.from, range.to);
  const points = new Map<string, { bucketStart: number; providerId: string; requests: number; errors: number; costNano: number; input: number; output: number }>();
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
    .map((point) => ({ bucketStart: point.bucketStart, providerId: point.providerId, requests: point.requests, errors: point.errors, costUsd: point.costNano / 1e9, inputTokens: point.input, outputTokens: point.output, totalTokens: point.input + point.output }));
}

const arbitraryRange = fc
  .tuple(fc.nat({ max: 13 * day }), fc.nat({ max: 13 * day }))
  .map(([a, b]): TimeRange => ({ from: base - day / 2 + Math.min(a, b), to: base - day / 2 + Math.max(a, b) }));
// whole hours from −12 to +14, plus India (+5:30), Nepal (+5:45) and Newfoundland (−3:30)
const arbitraryOffset = fc.oneof(fc.integer({ min: -12, max: 14 }).map((hours) => hours * 60), fc.constantFrom(330, 345, -210));

describe('timeSeries', () => {
  it('matches a row-by-row reference for day buckets in any time zone', () => {
    fc.assert(
      fc.property(arbitraryRange, arbitraryOffset, (range, offsetMinutes) => {
        expect(timeSeries(ledger.database, range, { bucket: 'day', utcOffsetMinutes: offsetMinutes })).toEqual(reference(range, day, offsetMinutes * 60_000));
      }),
      { numRuns: 150 },
    );
  });

  it('matches the reference for hour buckets', () => {
    fc.assert(
      fc.property(arbitraryRange, (range) => {
        expect(timeSeries(ledger.database, range, { bucket: 'hour' })).toEqual(reference(range, hour, 0));
      }),
      { numRuns: 40 },
    );
  });

  it('covers local days exactly: Los Angeles (−7) and Auckland (+12) over the whole period', () => {
    for (const offsetMinutes of [-420, 720]) {
      const offsetMs = offsetMinutes * 60_000;
      const range = { from: base - offsetMs, to: base + 12 * day - offsetMs };
      const series = timeSeries(ledger.database, range, { bucket: 'day', utcOffsetMinutes: offsetMinutes });
      expect(new Set(series.map((point) => point.bucketStart)).size).toBe(12);
      expect(series).toEqual(reference(range, day, offsetMs));
    }
  });
});
