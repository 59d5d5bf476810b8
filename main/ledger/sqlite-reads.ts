// LedgerReads over the SQLite file: today's query functions, answered at once.
import type { LedgerDatabase } from './database.js';
import { guardSummary } from './guard-queries.js';
import type { LedgerReads } from './ledger-backend.js';
import { latencyPercentiles } from './latency.js';
import { latencyBreakdown } from './latency-breakdown.js';
import { breakdown, errorClasses, inFlightCount, spendSoFar, totals } from './queries.js';
import { listRequests, requestDetail } from './request-log.js';
import { timeSeries } from './series.js';

export function sqliteReads(database: LedgerDatabase): LedgerReads {
  // Promise.try would do; this keeps a thrown SQLite error a rejection rather than a synchronous throw.
  const answer = <T>(read: () => T): Promise<T> => new Promise((resolve) => resolve(read()));
  return {
    totals: (range) => answer(() => totals(database, range)),
    timeSeries: (range, options) => answer(() => timeSeries(database, range, options)),
    breakdown: (range, options) => answer(() => breakdown(database, range, options)),
    errorClasses: (range) => answer(() => errorClasses(database, range)),
    latencyPercentiles: (range, metric) => answer(() => latencyPercentiles(database, range, metric)),
    latencyBreakdown: (range, by, metric) => answer(() => latencyBreakdown(database, range, by, metric)),
    listRequests: (query) => answer(() => listRequests(database, query)),
    requestDetail: (id) => answer(() => requestDetail(database, id)),
    guardSummary: (range) => answer(() => guardSummary(database, range)),
    spendSoFar: (ranges) => answer(() => spendSoFar(database, ranges)),
    inFlightCount: () => answer(() => inFlightCount(database)),
  };
}
