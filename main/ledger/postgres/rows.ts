// Request rows as the PostgreSQL writer stores them: the same normalization as the SQLite store (request-store.ts)
// — whole non-negative numbers or NULL in integer columns, non-negative money or NULL, 0/1 flags — and the same
// rule for the attempt trail: one attempt that answered on the row's own target, lasting its upstream time, is
// not stored (requestDetail gives it back from the row).
import type { FinalRow } from '../rollup-deltas.js';
import type { RequestFinish, RequestStart } from '../types.js';

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

type Column = (typeof finishColumns)[number];

/** The PostgreSQL array type each column's values are sent as (one array per column, expanded by unnest). */
export const columnTypes: Record<Column | 'instance_id', string> = {
  id: 'text',
  started_at: 'int8',
  client_token_name: 'text',
  client_family: 'text',
  endpoint: 'text',
  requested_model: 'text',
  route: 'text',
  provider_id: 'text',
  model: 'text',
  stream: 'int2',
  finished_at: 'int8',
  status: 'text',
  error_class: 'text',
  http_status: 'int4',
  input_tokens: 'int8',
  output_tokens: 'int8',
  cache_read_tokens: 'int8',
  cache_write_tokens: 'int8',
  reasoning_tokens: 'int8',
  tokens_estimated: 'int2',
  cost_usd: 'float8',
  cost_reference_usd: 'float8',
  latency_ms: 'int8',
  ttft_ms: 'int8',
  upstream_ms: 'int8',
  overhead_ms: 'int8',
  local_compute_ms: 'int8',
  finish_reason: 'text',
  native_finish_reason: 'text',
  privacy_action: 'text',
  privacy_detectors: 'text',
  cache_status: 'text',
  instance_id: 'text',
};

export type Value = string | number | null;

/** A whole non-negative number or null: keeps NaN, negatives and fractions out of integer columns. */
export function wholeOrNull(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.round(value) : null;
}

function count(value: number | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.round(value) : 0;
}

function money(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null;
}

export function startValues(record: RequestStart): Value[] {
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

/** The final row's values in `finishColumns` order. */
export function finishValues(record: RequestFinish): Value[] {
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

/** The stored values (finishColumns order) as the rollups read them. */
export function finalRowOf(values: readonly Value[]): FinalRow {
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

/** The columns a stored row is read back with to take back its rollup contribution (an interrupted row). */
export const rollupSourceColumns =
  'id, status, started_at, client_token_name, client_family, route, provider_id, model, error_class, input_tokens, output_tokens, ' +
  'cache_read_tokens, cache_write_tokens, reasoning_tokens, cost_usd, cost_reference_usd, latency_ms, ttft_ms';

export interface StoredRollupSource {
  id: string;
  status: string;
  started_at: number;
  client_token_name: string | null;
  client_family: string;
  route: string | null;
  provider_id: string | null;
  model: string | null;
  error_class: string | null;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  cost_usd: number | null;
  cost_reference_usd: number | null;
  latency_ms: number | null;
  ttft_ms: number | null;
}

export function finalRowOfStored(row: StoredRollupSource): FinalRow {
  return {
    startedAt: row.started_at,
    clientTokenName: row.client_token_name,
    clientFamily: row.client_family,
    route: row.route,
    providerId: row.provider_id,
    model: row.model,
    status: row.status,
    errorClass: row.error_class,
    inputTokens: row.input_tokens,
    outputTokens: row.output_tokens,
    cacheReadTokens: row.cache_read_tokens,
    cacheWriteTokens: row.cache_write_tokens,
    reasoningTokens: row.reasoning_tokens,
    costUsd: row.cost_usd,
    costReferenceUsd: row.cost_reference_usd,
    latencyMs: row.latency_ms,
    ttftMs: row.ttft_ms,
  };
}

/** The common trail (see request-store.ts): not stored, given back from the row. */
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

/** `SELECT * FROM unnest($1::text[], $2::int8[], …)` over `columns`, parameters numbered from `first`. */
export function unnestSelect(columns: readonly (Column | 'instance_id')[], first = 1): string {
  return `SELECT * FROM unnest(${columns.map((column, index) => `$${first + index}::${columnTypes[column]}[]`).join(', ')})`;
}

/** Rows (each in `columns` order) turned into one array per column. */
export function toColumns(rows: readonly (readonly Value[])[], width: number): Value[][] {
  const arrays: Value[][] = Array.from({ length: width }, () => []);
  for (const row of rows) for (let index = 0; index < width; index += 1) (arrays[index] as Value[]).push(row[index] ?? null);
  return arrays;
}
