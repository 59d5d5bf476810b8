// Date ranges: presets end at the next local midnight, custom ranges include their last day, buckets follow span.
import { describe, expect, it } from 'vitest';
import { addDays, bucketFor, customRange, presetRange, startOfMonth, toDateInput } from './date-range';

const now = new Date(2025, 2, 4, 15, 30).getTime();

describe('date ranges', () => {
  it('today runs from local midnight to the next', () => {
    const range = presetRange('today', now);
    expect(range.from).toBe(new Date(2025, 2, 4).getTime());
    expect(range.to).toBe(new Date(2025, 2, 5).getTime());
    expect(bucketFor(range)).toBe('hour');
  });

  it('7 and 30 days include today', () => {
    expect(toDateInput(presetRange('7d', now).from)).toBe('2025-02-26');
    expect(toDateInput(presetRange('30d', now).from)).toBe('2025-02-03');
    expect(bucketFor(presetRange('7d', now))).toBe('day');
  });

  it('custom ranges include their last day and refuse a reversed span', () => {
    const range = customRange('2025-03-01', '2025-03-02');
    expect(range?.from).toBe(new Date(2025, 2, 1).getTime());
    expect(range?.to).toBe(new Date(2025, 2, 3).getTime());
    expect(customRange('2025-03-02', '2025-03-01')).toBeUndefined();
    expect(customRange('nonsense', '2025-03-01')).toBeUndefined();
  });

  it('month and day arithmetic', () => {
    expect(toDateInput(startOfMonth(now))).toBe('2025-03-01');
    expect(toDateInput(addDays(now, -4))).toBe('2025-02-28');
  });
});
