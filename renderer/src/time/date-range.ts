// The date ranges the dashboard and logs offer (today, 7 days, 30 days, custom), as half-open [from, to) spans in
// local time, with the bucket size a chart should use for them.
export type RangePreset = 'today' | '7d' | '30d' | 'custom';

export interface DateRange {
  readonly preset: RangePreset;
  readonly from: number;
  /** exclusive */
  readonly to: number;
}

export const rangePresetLabels: Record<RangePreset, string> = { today: 'Today', '7d': '7 days', '30d': '30 days', custom: 'Custom' };

const dayMs = 86_400_000;

export function startOfDay(at: number): number {
  const date = new Date(at);
  date.setHours(0, 0, 0, 0);
  return date.getTime();
}

/** Midnight `days` days after the day of `at` (DST-safe: calendar days, not 24-hour steps). */
export function addDays(at: number, days: number): number {
  const date = new Date(startOfDay(at));
  date.setDate(date.getDate() + days);
  return date.getTime();
}

export function startOfMonth(at: number): number {
  const date = new Date(startOfDay(at));
  date.setDate(1);
  return date.getTime();
}

export function presetRange(preset: Exclude<RangePreset, 'custom'>, now: number): DateRange {
  const tomorrow = addDays(now, 1);
  const days = preset === 'today' ? 1 : preset === '7d' ? 7 : 30;
  return { preset, from: addDays(now, 1 - days), to: tomorrow };
}

/** A custom range from two <input type="date"> values (inclusive days); undefined when invalid. */
export function customRange(fromDate: string, toDate: string): DateRange | undefined {
  const from = parseDateInput(fromDate);
  const lastDay = parseDateInput(toDate);
  if (from === undefined || lastDay === undefined || lastDay < from) return undefined;
  return { preset: 'custom', from, to: addDays(lastDay, 1) };
}

/** "2025-03-04" → local midnight of that day */
export function parseDateInput(value: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return undefined;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return Number.isNaN(date.getTime()) ? undefined : date.getTime();
}

/** local midnight → "2025-03-04" for <input type="date"> */
export function toDateInput(at: number): string {
  const date = new Date(at);
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
}

/** Hourly buckets up to two days, daily beyond. */
export function bucketFor(range: DateRange): 'hour' | 'day' {
  return range.to - range.from <= 2 * dayMs + 3_600_000 ? 'hour' : 'day';
}

/** The browser's offset from UTC in minutes east (the ledger's `utcOffsetMinutes`), at the given moment. */
export function utcOffsetMinutes(at: number): number {
  return -new Date(at).getTimezoneOffset();
}

/** The browser's IANA time zone, for day buckets that follow its local midnights across daylight-saving changes. */
export function viewerTimeZone(): string | undefined {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return zone === '' ? undefined : zone;
}

export function describeRange(range: DateRange): string {
  if (range.preset !== 'custom') return rangePresetLabels[range.preset];
  return `${toDateInput(range.from)} – ${toDateInput(addDays(range.to, -1))}`;
}
