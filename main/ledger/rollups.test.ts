// The rollups kept row by row in the write path (rows with equal keys summed first) must equal a rebuild from
// `requests`, whatever the order of begins, finishes, duplicates and recoveries (property test).
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { LedgerDatabase } from './database.js';
import { Ledger } from './ledger.js';
import { recoverInterrupted } from './request-store.js';
import { pruneEmptyRollups, rebuildRollups } from './rollups.js';
import { finishRecord, startRecord, tempDir, type TempDir } from './test-support/fixtures.js';
import type { RequestFinish } from './types.js';

let directory: TempDir | undefined;
afterEach(() => {
  directory?.remove();
  directory = undefined;
});

function snapshot(database: LedgerDatabase): unknown[] {
  pruneEmptyRollups(database);
  return ['rollup_hourly', 'rollup_daily'].flatMap((table) =>
    database.prepare(`SELECT '${table}' AS t, * FROM ${table} ORDER BY dimension, bucket_start, key`).all(),
  );
}

const hour = 3_600_000;
const base = Date.UTC(2026, 2, 1);

const operation = fc.oneof(
  fc.record({ kind: fc.constant('begin' as const), id: fc.integer({ min: 0, max: 11 }), startHour: fc.integer({ min: 0, max: 60 }) }),
  fc.record({
    kind: fc.constant('finish' as const),
    id: fc.integer({ min: 0, max: 11 }),
    startHour: fc.integer({ min: 0, max: 60 }),
    status: fc.constantFrom('ok' as const, 'error' as const, 'cancelled' as const),
    provider: fc.constantFrom('openai', 'ollama', null),
    // names with the accumulator's separators in them must never be summed with another row's keys
    modelName: fc.constantFrom('m1', 'm1\u0000cursor', '\u0001'),
    client: fc.constantFrom('cursor', 'cli', null),
    route: fc.constantFrom('fast', null),
    input: fc.nat({ max: 100_000 }),
    output: fc.nat({ max: 10_000 }),
    cost: fc.option(fc.double({ min: 0, max: 5, noNaN: true }), { nil: null }),
    reference: fc.option(fc.double({ min: 0, max: 5, noNaN: true }), { nil: null }),
    latency: fc.option(fc.nat({ max: 600_000 }), { nil: null }),
    ttft: fc.option(fc.nat({ max: 600_000 }), { nil: null }),
    cacheRead: fc.nat({ max: 50_000 }),
    reasoning: fc.nat({ max: 5_000 }),
  }),
  fc.record({ kind: fc.constant('flush' as const) }),
  fc.record({ kind: fc.constant('recover' as const) }),
);

describe('rollups', () => {
  it('kept incrementally, equal a rebuild from the requests table', () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 40 }), (operations) => {
        directory?.remove();
        directory = tempDir();
        // the rollups' arithmetic, on the request thread: 150 ledgers need not start 150 writer threads
        const ledger = Ledger.open({ path: directory.file('ledger.sqlite'), flushIntervalMs: 60_000, writeInWorker: false });
        try {
          for (const step of operations) {
            if (step.kind === 'flush') ledger.flush();
            else if (step.kind === 'recover') {
              ledger.flush();
              recoverInterrupted(ledger.database);
            } else if (step.kind === 'begin') ledger.begin(startRecord(`r${step.id}`, { startedAt: base + step.startHour * hour + 1 }));
            else {
              const record: RequestFinish = finishRecord(`r${step.id}`, {
                startedAt: base + step.startHour * hour + 1,
                status: step.status,
                errorClass: step.status === 'error' ? 'rate_limit' : null,
                providerId: step.provider,
                model: step.provider ? step.modelName : null,
                clientTokenName: step.client,
                route: step.route,
                tokens: { input: step.input, output: step.output + step.reasoning, cacheRead: step.cacheRead, cacheWrite: 0, reasoning: step.reasoning },
                costUsd: step.cost,
                costReferenceUsd: step.reference,
                latencyMs: step.latency,
                ttftMs: step.ttft,
              });
              ledger.finish(record);
            }
          }
          ledger.flush();
          const incremental = snapshot(ledger.database);
          rebuildRollups(ledger.database);
          expect(incremental).toEqual(snapshot(ledger.database));
        } finally {
          ledger.database.close();
        }
      }),
      { numRuns: 150 },
    );
  });
});
