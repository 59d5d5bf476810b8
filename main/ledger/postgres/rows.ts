// Request rows as the PostgreSQL writer sends them: the columns' array types for unnest(), and reading a stored row
// back for the rollups. The columns, values and normalization are the SQLite store's (../request-row.ts).
import type { FinalRow } from '../rollup-deltas.js';
import type { finishColumns, RowValue } from '../request-row.js';

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

export type Value = RowValue;

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
