// Offsets, offset changes and local midnights against zones with known rules: Berlin (+1/+2, changes at 01:00 UTC
// on the last Sundays of March and October), Los Angeles (−8/−7), Lord Howe (+10:30/+11, a half-hour change) and
// Santiago (changes at local midnight, so one day in spring has no 00:00).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTimeZone, localMidnight, offsetMinutesAt, offsetPeriods } from './time-zone.js';

const hour = 3_600_000;
const day = 24 * hour;

describe('offsetMinutesAt', () => {
  it('reads winter and summer offsets', () => {
    expect(offsetMinutesAt('Europe/Berlin', Date.UTC(2026, 0, 15))).toBe(60);
    expect(offsetMinutesAt('Europe/Berlin', Date.UTC(2026, 6, 15))).toBe(120);
    expect(offsetMinutesAt('America/Los_Angeles', Date.UTC(2026, 0, 15))).toBe(-480);
    expect(offsetMinutesAt('America/Los_Angeles', Date.UTC(2026, 6, 15))).toBe(-420);
    expect(offsetMinutesAt('Asia/Kathmandu', Date.UTC(2026, 6, 15, 12, 34, 56, 789))).toBe(345);
    expect(offsetMinutesAt('UTC', 123_456_789)).toBe(0);
  });

  it('knows real zones from made-up ones', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isTimeZone('')).toBe(false);
  });
});

describe('offsetPeriods', () => {
  it('cuts a range at each change, to the minute', () => {
    const from = Date.UTC(2026, 2, 1, 7, 13, 5, 9); // an odd start: the cut must not inherit its seconds
    const to = Date.UTC(2026, 10, 20);
    expect(offsetPeriods('Europe/Berlin', from, to)).toEqual([
      { from, to: Date.UTC(2026, 2, 29, 1), offsetMinutes: 60 },
      { from: Date.UTC(2026, 2, 29, 1), to: Date.UTC(2026, 9, 25, 1), offsetMinutes: 120 },
      { from: Date.UTC(2026, 9, 25, 1), to, offsetMinutes: 60 },
    ]);
  });

  it('finds a half-hour change and leaves a range without one whole', () => {
    const periods = offsetPeriods('Australia/Lord_Howe', Date.UTC(2026, 2, 20), Date.UTC(2026, 3, 20));
    expect(periods.map((period) => period.offsetMinutes)).toEqual([660, 630]);
    expect(offsetMinutesAt('Australia/Lord_Howe', (periods[1]?.from ?? 0) - 1)).toBe(660);
    expect(offsetPeriods('Asia/Tokyo', 0, 400 * day)).toEqual([{ from: 0, to: 400 * day, offsetMinutes: 540 }]);
  });

  it('handles a change in the last partial day of the range', () => {
    const change = Date.UTC(2026, 2, 29, 1);
    expect(offsetPeriods('Europe/Berlin', change - 5 * hour, change + 30 * 60_000)).toEqual([
      { from: change - 5 * hour, to: change, offsetMinutes: 60 },
      { from: change, to: change + 30 * 60_000, offsetMinutes: 120 },
    ]);
  });

  it('ends when the change lies between one and two minutes before a range end off the minute', () => {
    // the bisection's last window is 90 s wide: half of it is no whole minute (this once looped for ever)
    const change = Date.UTC(2026, 2, 29, 1);
    expect(offsetPeriods('Europe/Berlin', change - 60_000, change + 30_001)).toEqual([
      { from: change - 60_000, to: change, offsetMinutes: 60 },
      { from: change, to: change + 30_001, offsetMinutes: 120 },
    ]);
  });
});

describe('offsetPeriods, any range', () => {
  it('cuts [from, to) into contiguous pieces, each with the offset of its first and last millisecond', () => {
    const zones = ['Europe/Berlin', 'America/Los_Angeles', 'Australia/Lord_Howe', 'America/Santiago', 'Asia/Tokyo'];
    // ranges to the millisecond (so their ends fall off the minute): anywhere in the year, and ending within three
    // minutes after a known change (where the bisection's last window is narrowest)
    const anywhere = fc.record({
      zone: fc.constantFrom(...zones),
      from: fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 0, 1) }),
      length: fc.oneof(fc.integer({ min: 1, max: 10 * 60_000 }), fc.integer({ min: 1, max: 40 * day })),
    });
    const changes = [
      { zone: 'Europe/Berlin', at: Date.UTC(2026, 2, 29, 1) },
      { zone: 'Europe/Berlin', at: Date.UTC(2026, 9, 25, 1) },
      { zone: 'America/Los_Angeles', at: Date.UTC(2026, 2, 8, 10) },
      { zone: 'America/Los_Angeles', at: Date.UTC(2026, 10, 1, 9) },
    ];
    const nearChange = fc
      .record({ change: fc.constantFrom(...changes), before: fc.integer({ min: 1, max: 2 * day }), after: fc.integer({ min: 1, max: 3 * 60_000 }) })
      .map(({ change, before, after }) => ({ zone: change.zone, from: change.at - before, length: before + after }));
    const range = fc.oneof(anywhere, nearChange);
    fc.assert(
      fc.property(range, ({ zone, from, length }) => {
        const to = from + length;
        const periods = offsetPeriods(zone, from, to);
        expect(periods[0]?.from).toBe(from);
        expect(periods.at(-1)?.to).toBe(to);
        for (const [index, period] of periods.entries()) {
          expect(period.to).toBeGreaterThan(period.from);
          if (index > 0) expect(period.from).toBe(periods[index - 1]?.to);
          expect(offsetMinutesAt(zone, period.from)).toBe(period.offsetMinutes);
          expect(offsetMinutesAt(zone, period.to - 1)).toBe(period.offsetMinutes);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('localMidnight', () => {
  it('is midnight by the offset of that day, on both sides of a change', () => {
    expect(localMidnight('Europe/Berlin', Date.UTC(2026, 2, 29))).toBe(Date.UTC(2026, 2, 28, 23)); // the change day starts in winter time
    expect(localMidnight('Europe/Berlin', Date.UTC(2026, 2, 30))).toBe(Date.UTC(2026, 2, 29, 22));
    expect(localMidnight('America/Los_Angeles', Date.UTC(2026, 10, 1))).toBe(Date.UTC(2026, 10, 1, 7)); // the change day (01 Nov) starts in summer time
    expect(localMidnight('America/Los_Angeles', Date.UTC(2026, 10, 2))).toBe(Date.UTC(2026, 10, 2, 8));
  });

  it('is the change itself where midnight is skipped', () => {
    // Santiago moved to summer time at 00:00 on 2026-09-06: clocks jump to 01:00, the day begins at 04:00 UTC
    const begins = localMidnight('America/Santiago', Date.UTC(2026, 8, 6));
    expect(offsetMinutesAt('America/Santiago', begins)).toBe(-180);
    expect(offsetMinutesAt('America/Santiago', begins - 1)).toBe(-240);
  });
});
