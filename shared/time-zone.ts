// IANA time zones without a library: the offset in effect at a moment, the moments where it changes inside a range,
// and the real local midnight of a date. Used to bucket a chart by local days across daylight-saving changes: one
// fixed offset for a whole range puts the hour around each change into the neighbouring day.
const minuteMs = 60_000;
const dayMs = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    if (formatters.size > 64) formatters.clear();
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** True for a name `Intl` knows (`Europe/Berlin`, `UTC`, `America/St_Johns`); false for anything else. */
export function isTimeZone(name: string): boolean {
  try {
    formatterFor(name);
    return true;
  } catch {
    return false;
  }
}

/** Minutes east of UTC in `timeZone` at `at` (epoch ms): +60 for Berlin in winter, −420 for Los Angeles in summer. */
export function offsetMinutesAt(timeZone: string, at: number): number {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(at))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const wall = Date.UTC(parts.year ?? 1970, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0);
  const second = Math.floor(at / 1000) * 1000;
  return Math.round((wall - second) / minuteMs);
}

export interface OffsetPeriod {
  readonly from: number;
  readonly to: number;
  readonly offsetMinutes: number;
}

/**
 * [from, to) cut where the zone's offset changes, each piece with its offset. Offsets are sampled a day apart and
 * each change found to the minute by bisection (zones change at most a few times a year, never twice in a day), so a
 * year costs ~370 look-ups, not one per hour.
 */
export function offsetPeriods(timeZone: string, from: number, to: number): OffsetPeriod[] {
  const periods: OffsetPeriod[] = [];
  let start = from;
  let offset = offsetMinutesAt(timeZone, from);
  for (let probe = from; probe < to;) {
    const next = Math.min(probe + dayMs, to);
    const nextOffset = offsetMinutesAt(timeZone, next === to ? to - 1 : next);
    if (nextOffset !== offset) {
      // the last minute with `offset` is in [probe, next): bisect to the first minute of the new offset
      let low = probe;
      let high = next === to ? to - 1 : next;
      while (high - low > minuteMs) {
        // whole minutes from low, at least one: `high` may be a range's end off the minute (to - 1), and a step of
        // zero minutes would never move `low`
        const middle = low + (Math.floor((high - low) / 2 / minuteMs) * minuteMs || minuteMs);
        if (offsetMinutesAt(timeZone, middle) === offset) low = middle;
        else high = middle;
      }
      const change = Math.floor(high / minuteMs) * minuteMs; // the one whole minute in (low, high]
      if (change > start && change < to) {
        periods.push({ from: start, to: change, offsetMinutes: offset });
        start = change;
      }
      offset = offsetMinutesAt(timeZone, start);
    }
    probe = next;
  }
  periods.push({ from: start, to, offsetMinutes: offset });
  return periods;
}

/**
 * The moment local day `localDate` (epoch ms of that date's midnight read as UTC) begins in `timeZone`: usually its
 * midnight; where midnight is skipped by a change (some zones change at 00:00), the first moment that exists.
 */
export function localMidnight(timeZone: string, localDate: number): number {
  let guess = localDate - offsetMinutesAt(timeZone, localDate) * minuteMs;
  for (let step = 0; step < 3; step += 1) {
    const candidate = localDate - offsetMinutesAt(timeZone, guess) * minuteMs;
    if (candidate === guess) return guess;
    guess = candidate;
  }
  // Midnight was skipped (the guesses alternate between the two offsets): the day begins at the change, which is
  // midnight by the earlier offset — the later of the two guesses.
  return Math.max(guess, localDate - offsetMinutesAt(timeZone, guess) * minuteMs);
}
