// Formatting helpers: money precision, token abbreviations, percentages, durations and relative times.
import { describe, expect, it } from 'vitest';
import { formatOptionalUsd, formatPricePerMillion, formatUsd } from './money';
import { formatContextWindow, formatCount, formatPercent, formatTokens } from './numbers';
import { formatDuration, formatRelativeTime, formatTimestamp } from './time';

describe('formatUsd', () => {
  it.each([
    [0, '$0.00'],
    [12.3, '$12.30'],
    [1234.5, '$1,234.50'],
    [1_000_000, '$1,000,000.00'],
    [1, '$1.00'],
    [0.42, '$0.42'],
    [0.123, '$0.12'],
    [0.015, '$0.015'],
    [0.0042, '$0.0042'],
    [0.00421, '$0.0042'],
    [0.0999, '$0.10'],
    [0.00999, '$0.01'],
    [0.0000123, '$0.000012'],
    [0.0000001, '<$0.000001'],
    [-0.42, '-$0.42'],
    [Number.NaN, '—'],
  ])('%s → %s', (value, expected) => {
    expect(formatUsd(value)).toBe(expected);
  });

  it('shows unknown costs as a dash, not as free', () => {
    expect(formatOptionalUsd(null)).toBe('—');
    expect(formatOptionalUsd(0)).toBe('$0.00');
  });

  it('prices per million tokens', () => {
    expect(formatPricePerMillion(0.15)).toBe('$0.15 / M');
    expect(formatPricePerMillion(0)).toBe('free');
    expect(formatPricePerMillion(null)).toBe('—');
  });
});

describe('formatTokens', () => {
  it.each([
    [0, '0'],
    [950, '950'],
    [1000, '1k'],
    [1200, '1.2k'],
    [12_345, '12.3k'],
    [123_456, '123k'],
    [999_960, '1M'],
    [1_200_000, '1.2M'],
    [3_400_000, '3.4M'],
    [2_500_000_000, '2.5B'],
  ])('%s → %s', (value, expected) => {
    expect(formatTokens(value)).toBe(expected);
  });

  it('context windows', () => {
    expect(formatContextWindow(128_000)).toBe('128k');
    expect(formatContextWindow(null)).toBe('—');
  });
});

describe('counts and percentages', () => {
  it('groups counts', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
  });
  it.each([
    [0, '0%'],
    [0.034, '3.4%'],
    [0.5, '50%'],
    [1, '100%'],
    [0.0004, '<0.1%'],
    [0.1, '10%'],
  ])('%s → %s', (value, expected) => {
    expect(formatPercent(value)).toBe(expected);
  });
});

describe('formatDuration', () => {
  it.each([
    [null, '—'],
    [0, '0 ms'],
    [420.4, '420 ms'],
    [1234, '1.2 s'],
    [45_000, '45 s'],
    [192_000, '3 min 12 s'],
    [180_000, '3 min'],
    [7_500_000, '2 h 5 min'],
  ])('%s → %s', (value, expected) => {
    expect(formatDuration(value)).toBe(expected);
  });
});

describe('formatRelativeTime', () => {
  const now = Date.UTC(2025, 2, 4, 12, 0, 0);
  it.each([
    [now - 10_000, 'just now'],
    [now - 5 * 60_000, '5 min ago'],
    [now - 3 * 3_600_000, '3 hours ago'],
    [now - 86_400_000, 'yesterday'],
    [now - 3 * 86_400_000, '3 days ago'],
    [now + 2 * 86_400_000, 'in 2 days'],
  ])('%s → %s', (at, expected) => {
    expect(formatRelativeTime(at, now)).toBe(expected);
  });

  it('timestamps are sortable local times', () => {
    expect(formatTimestamp(new Date(2025, 2, 4, 9, 5, 7).getTime())).toBe('2025-03-04 09:05:07');
  });
});
