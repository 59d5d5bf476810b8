// The soak as a test: short in `npm test` (SOAK_SECONDS=8 by default), long with `npm run soak`. Its figures are
// printed either way; the assertions are the reliability lines, not speed.
import { expect, it } from 'vitest';
import { runSoak } from './soak.js';

const seconds = Number(process.env['SOAK_SECONDS'] ?? 8);
const concurrency = Number(process.env['SOAK_CONCURRENCY'] ?? 50);

it(
  `${concurrency} concurrent streams for ${seconds} s with 10% injected faults: every request accounted for, nothing leaked`,
  async () => {
    const verdict = await runSoak({ concurrency, seconds, faultRate: Number(process.env['SOAK_FAULT_RATE'] ?? 0.1) });
    console.log(JSON.stringify(verdict, null, 2));
    expect(verdict.accounted).toBe(true);
    expect(verdict.requests).toBeGreaterThan(concurrency);
    expect(verdict.outcomes.clientError).toBe(0);
    expect(verdict.inFlightAfter).toBe(0);
    expect(verdict.leakedSockets).toBeLessThanOrEqual(0);
    expect(verdict.leakedTimers).toBeLessThanOrEqual(0);
    // Faults are mostly absorbed by retry and fallback: most requests succeed, and none multiplies into many calls.
    expect(verdict.outcomes.ok / verdict.requests).toBeGreaterThan(0.9);
    expect(verdict.upstreamPerRequest).toBeLessThan(1.5);
    if (seconds >= 30) expect(verdict.heapGrowthAfterWarmupMb).toBeLessThan(10);
  },
  (seconds + 60) * 1000,
);
