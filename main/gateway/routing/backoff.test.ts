// Retry delays: the full-jitter band for each retry, the cap, and Retry-After honoured only while it is short.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { retryDelay } from './backoff.js';
import { defaultBackoff } from '../../config/defaults.js';
import type { BackoffSettings } from '../../config/types.js';

const settings: BackoffSettings = { initialMs: 200, maxMs: 4_000, retryAfterCapMs: 5_000 };
const constant = (value: number) => (): number => value;

describe('full-jitter backoff', () => {
  it.each([
    [0, 100, 200],
    [1, 200, 400],
    [2, 400, 800],
    [3, 800, 1_600],
    [4, 1_600, 3_200],
    [5, 2_000, 4_000],
    [6, 2_000, 4_000],
  ])('retry %i waits between %i and %i ms (random 0 and 1 give the ends)', (retry, low, high) => {
    expect(retryDelay(retry, undefined, settings, constant(0))).toBe(low);
    expect(retryDelay(retry, undefined, settings, constant(1))).toBe(high);
    const middle = retryDelay(retry, undefined, settings, constant(0.5)) as number;
    expect(middle).toBeGreaterThan(low);
    expect(middle).toBeLessThan(high);
  });

  it('never exceeds maxMs, however many retries (the exponent does not overflow)', () => {
    for (const retry of [10, 16, 17, 100, 10_000]) {
      expect(retryDelay(retry, undefined, settings, constant(1))).toBe(settings.maxMs);
      expect(retryDelay(retry, undefined, settings, constant(0))).toBe(settings.maxMs / 2);
    }
  });

  it('uses Math.random by default and stays in the band', () => {
    for (let index = 0; index < 100; index += 1) {
      const delay = retryDelay(0, undefined, defaultBackoff) as number;
      expect(delay).toBeGreaterThanOrEqual(defaultBackoff.initialMs / 2);
      expect(delay).toBeLessThanOrEqual(defaultBackoff.initialMs);
    }
  });
});

describe('Retry-After', () => {
  it('is honoured with at most min(250, initialMs) of jitter on top', () => {
    expect(retryDelay(0, 1_000, settings, constant(0))).toBe(1_000);
    expect(retryDelay(0, 1_000, settings, constant(1))).toBe(1_200);
    expect(retryDelay(3, 1_000, { ...settings, initialMs: 1_000 }, constant(1))).toBe(1_250);
    expect(retryDelay(0, 0, settings, constant(0))).toBe(0);
  });

  it('is honoured up to and including retryAfterCapMs, and beyond it means "go elsewhere"', () => {
    expect(retryDelay(0, settings.retryAfterCapMs, settings, constant(0))).toBe(settings.retryAfterCapMs);
    expect(retryDelay(0, settings.retryAfterCapMs + 1, settings, constant(0))).toBeUndefined();
    expect(retryDelay(0, 60_000, settings, constant(0))).toBeUndefined();
  });

  it('takes precedence over the exponential band even when shorter than it', () => {
    expect(retryDelay(6, 10, settings, constant(0))).toBe(10);
  });
});

describe('properties', () => {
  const integerSettings = fc
    .record({
      initialMs: fc.integer({ min: 1, max: 10_000 }),
      maxMs: fc.integer({ min: 1, max: 600_000 }),
      retryAfterCapMs: fc.integer({ min: 0, max: 600_000 }),
    })
    .map((value): BackoffSettings => value);
  const unit = fc.double({ min: 0, max: 1, noNaN: true });

  it('without Retry-After the delay lies in [ceiling/2, ceiling]', () => {
    fc.assert(
      fc.property(integerSettings, fc.integer({ min: 0, max: 64 }), unit, (backoff, retry, random) => {
        const ceiling = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(retry, 16));
        const delay = retryDelay(retry, undefined, backoff, () => random);
        expect(delay).toBeDefined();
        expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
        expect(delay).toBeLessThanOrEqual(ceiling);
        expect(delay).toBeLessThanOrEqual(backoff.maxMs);
      }),
    );
  });

  it('with Retry-After the delay lies in [retryAfter, retryAfter + jitter], or is undefined past the cap', () => {
    fc.assert(
      fc.property(integerSettings, fc.integer({ min: 0, max: 64 }), fc.integer({ min: 0, max: 700_000 }), unit, (backoff, retry, retryAfter, random) => {
        const delay = retryDelay(retry, retryAfter, backoff, () => random);
        if (retryAfter > backoff.retryAfterCapMs) {
          expect(delay).toBeUndefined();
          return;
        }
        expect(delay).toBeGreaterThanOrEqual(retryAfter);
        expect(delay).toBeLessThanOrEqual(retryAfter + Math.min(250, backoff.initialMs));
      }),
    );
  });
});
