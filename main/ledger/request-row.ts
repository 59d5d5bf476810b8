// A request row's columns and values, as both ledgers store them (request-store.ts for SQLite, postgres/ for
// PostgreSQL): whole non-negative numbers or NULL in integer columns, non-negative money or NULL, 0/1 flags, the
// same positions for the rollups to read, and the one rule for which attempt trail is not stored.
import type { FinalRow } from './rollup-deltas.js';
import type { RequestFinish, RequestStart } from './types.js';

export type RowValue = string | number | null;

export const startColumns = [
  'id',
  'started_at',
  'client_token_name',
  'client_family',
  'endpoint',
  'requested_model',
  'route',
  'provider_id',
  'model',
  'stream',
] as const;
export const finishColumns = [
  ...startColumns,
  'finished_at',
  'status',
  'error_class',
  'http_status',
  'input_tokens',
  'output_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'reasoning_tokens',
  'tokens_estimated',
  'cost_usd',
  'cost_reference_usd',
  'latency_ms',
  'ttft_ms',
  'upstream_ms',
  'overhead_ms',
  'local_compute_ms',
  'finish_reason',
  'native_finish_reason',
  'privacy_action',
  'privacy_detectors',
  'cache_status',
] as const;

export type Row = Record<(typeof finishColumns)[number], RowValue>;

/** A whole non-negative number or null: keeps NaN, negatives and fractions out of INTEGER columns. */
export function wholeOrNull(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.round(value) : null;
}

function count(value: number | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.round(value) : 0;
}

function money(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null;
}

export function startRow(record: RequestStart): Pick<Row, (typeof startColumns)[number]> {
  return {
    id: record.id,
    started_at: Math.round(record.startedAt),
    client_token_name: record.clientTokenName,
    client_family: record.clientFamily,
    endpoint: record.endpoint,
    requested_model: record.requestedModel,
    route: record.route,
    provider_id: record.providerId,
    model: record.model,
    stream: record.stream ? 1 : 0,
  };
}

/** The final row's values in `finishColumns` order: positional parameters, no intermediate object. */
export function finishValues(record: RequestFinish): RowValue[] {
  return [
    ...startValues(record),
    Math.round(record.finishedAt),
    record.status,
    record.errorClass,
    wholeOrNull(record.httpStatus),
    count(record.tokens.input),
    count(record.tokens.output),
    count(record.tokens.cacheRead),
    count(record.tokens.cacheWrite),
    count(record.tokens.reasoning),
    record.tokensEstimated ? 1 : 0,
    money(record.costUsd),
    money(record.costReferenceUsd),
    wholeOrNull(record.latencyMs),
    wholeOrNull(record.ttftMs),
    wholeOrNull(record.upstreamMs),
    wholeOrNull(record.overheadMs),
    wholeOrNull(record.localComputeMs),
    record.finishReason,
    record.nativeFinishReason,
    record.privacyAction ?? null,
    record.privacyDetectors && record.privacyDetectors.length > 0 ? record.privacyDetectors.join(',') : null,
    record.cacheStatus ?? null,
  ];
}

/** The stored values as the rollups read them (same indices as finishValues). */
export function finalRowOf(values: readonly RowValue[]): FinalRow {
  const text = (index: number): string | null => values[index] as string | null;
  const number = (index: number): number | null => values[index] as number | null;
  return {
    startedAt: number(1) ?? 0,
    clientTokenName: text(2),
    clientFamily: text(3) ?? 'other',
    route: text(6),
    providerId: text(7),
    model: text(8),
    status: text(11) ?? 'error',
    errorClass: text(12),
    inputTokens: number(14) ?? 0,
    outputTokens: number(15) ?? 0,
    cacheReadTokens: number(16) ?? 0,
    cacheWriteTokens: number(17) ?? 0,
    reasoningTokens: number(18) ?? 0,
    costUsd: number(20),
    costReferenceUsd: number(21),
    latencyMs: number(22),
    ttftMs: number(23),
  };
}

/** The start row's values in `startColumns` order. */
export function startValues(record: RequestStart): RowValue[] {
  return [
    record.id,
    Math.round(record.startedAt),
    record.clientTokenName,
    record.clientFamily,
    record.endpoint,
    record.requestedModel,
    record.route,
    record.providerId,
    record.model,
    record.stream ? 1 : 0,
  ];
}

/**
 * The common trail — one attempt, which answered, on the row's own target, timed as the row's upstream_ms — says
 * nothing the row does not: it is not stored, and requestDetail() gives it back from the row (impliedAttempt). Any
 * other trail is stored whole. Skipping that one row is about a sixth of the ledger's write cost per request.
 */
export function impliedByRow(record: RequestFinish): boolean {
  if (record.attempts.length !== 1 || record.status !== 'ok') return false;
  const attempt = record.attempts[0] as RequestFinish['attempts'][number];
  return (
    attempt.outcome === 'ok' &&
    wholeOrNull(attempt.status) === null &&
    attempt.providerId === record.providerId &&
    attempt.model === record.model &&
    (wholeOrNull(attempt.durationMs) ?? 0) === wholeOrNull(record.upstreamMs)
  );
}
