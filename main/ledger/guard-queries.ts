// The dashboard's privacy-guard and response-cache figures for a time range: how many requests each detector fired
// on (by action), and how many answers came from the cache with what they saved. Both read partial indexes
// (migration 7) that hold only the rows they count.
import type { LedgerDatabase } from './database.js';
import type { TimeRange } from './types.js';

export interface GuardSummary {
  readonly detectors: ReadonlyArray<{ readonly detector: string; readonly action: string; readonly requests: number }>;
  readonly cacheHits: number;
  readonly cacheSavedUsd: number;
}

/** Rows read for the detector counts at most: past it the counts are of the newest rows (a bound, not a sample). */
const maxFlaggedRows = 100_000;

export function guardSummary(database: LedgerDatabase, range: TimeRange): GuardSummary {
  const flagged = database
    .prepare<[number, number, number], { privacy_action: string | null; privacy_detectors: string }>(
      `SELECT privacy_action, privacy_detectors FROM requests INDEXED BY requests_by_privacy WHERE privacy_detectors IS NOT NULL AND started_at >= ? AND started_at < ? ORDER BY started_at DESC LIMIT ?`,
    )
    .all(range.from, range.to, maxFlaggedRows);
  const counts = new Map<string, { detector: string; action: string; requests: number }>();
  for (const row of flagged) {
    const action = row.privacy_action ?? 'warn';
    for (const detector of row.privacy_detectors.split(',')) {
      const key = `${detector}\u0000${action}`;
      const entry = counts.get(key) ?? { detector, action, requests: 0 };
      entry.requests += 1;
      counts.set(key, entry);
    }
  }
  const hits = database
    .prepare<[number, number], { hits: number; saved: number | null }>(
      `SELECT count(*) AS hits, sum(coalesce(cost_reference_usd, 0)) AS saved FROM requests INDEXED BY requests_by_cache_hit WHERE cache_status = 'hit' AND started_at >= ? AND started_at < ?`,
    )
    .get(range.from, range.to);
  return {
    detectors: [...counts.values()].sort((left, right) => right.requests - left.requests),
    cacheHits: hits?.hits ?? 0,
    cacheSavedUsd: hits?.saved ?? 0,
  };
}
