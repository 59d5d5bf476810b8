// The ledger's public surface: what the gateway, the control service and the CLI import. Everything else in this
// folder is an implementation detail.
export { Ledger, type OpenLedgerOptions } from './ledger.js';
export type { LedgerStats, CommittedBatch } from './ledger-writer.js';
export type { LedgerDatabase } from './database.js';
export { openDatabase } from './database.js';
export type { Endpoint, FinalStatus, LedgerAttempt, RequestFinish, RequestStart, RequestStatus, TimeRange, TokenCounts } from './types.js';
export { clientFamily, clientFamilies, type ClientFamily } from './client-family.js';

export { costOf, fromOpenAIUsage, zeroUsage, type NormalizedUsage } from './pricing.js';
export { referenceCost, savedUsd } from './savings.js';
export { PriceCatalog, type PriceCatalogOptions, type PriceSource, type ResolvedPrice } from './price-catalog.js';
export { defaultSnapshotPath, loadPriceSnapshot, type PriceSnapshot } from './price-snapshot.js';
export { openRouterModelsUrl, parseOpenRouterModels, type FetchJson } from './openrouter-prices.js';

export { evaluateBudgets, describeBudgetCheck, type BudgetCheck, type BudgetDecision, type BudgetState, type SpendSoFar } from './budgets.js';

export {
  breakdown,
  calendarRanges,
  errorClasses,
  inFlightCount,
  spendSoFar,
  totals,
  type Breakdown,
  type BreakdownDimension,
  type BreakdownRow,
  type ErrorClassCount,
  type UsageTotals,
} from './queries.js';
export { timeSeries, type SeriesOptions, type SeriesPoint } from './series.js';
export { latencyPercentiles, type LatencyMetric, type LatencyPercentiles } from './latency.js';
export { latencyBreakdown, type LatencyBreakdown } from './latency-breakdown.js';
export {
  listRequests,
  requestDetail,
  type AttemptRow,
  type LogCursor,
  type LogPage,
  type LogQuery,
  type RequestDetail,
  type RequestRow,
} from './request-log.js';
export { rebuildRollups } from './rollups.js';
export { CaptureWriter } from './capture-writer.js';
export type { CaptureStats, PendingCapture } from './capture-queue.js';
export { composeCapture, takeHead, type CapturedBody, type CaptureText } from './capture-text.js';
export { readCapture, type CaptureRow } from './capture-store.js';
