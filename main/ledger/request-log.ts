// The request log: newest first, filtered by status, provider, model or client token, paged by keyset on
// (started_at, id) so page 500 costs what page 1 does; and one request's full row with its attempt trail.
import type { LedgerDatabase } from './database.js';
import type { ClientFamily } from './client-family.js';
import type { Endpoint, RequestStatus, TimeRange } from './types.js';

export interface RequestRow {
  readonly id: string;
  readonly startedAt: number;
  readonly finishedAt: number | null;
  readonly clientTokenName: string | null;
  readonly clientFamily: ClientFamily;
  readonly endpoint: Endpoint;
  readonly requestedModel: string;
  readonly route: string | null;
  readonly providerId: string | null;
  readonly model: string | null;
  readonly status: RequestStatus;
  readonly errorClass: string | null;
  readonly httpStatus: number | null;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheWriteTokens: number;
  readonly reasoningTokens: number;
  readonly tokensEstimated: boolean;
  readonly costUsd: number | null;
  readonly costReferenceUsd: number | null;
  readonly latencyMs: number | null;
  readonly ttftMs: number | null;
  readonly upstreamMs: number | null;
  readonly overheadMs: number | null;
  readonly localComputeMs: number | null;
  readonly finishReason: string | null;
  readonly nativeFinishReason: string | null;
  readonly stream: boolean;
  /** the privacy guard's action and the detectors that fired (names only), when any did */
  readonly privacyAction: string | null;
  readonly privacyDetectors: string[];
  readonly cacheStatus: 'hit' | 'miss' | null;
}

export interface AttemptRow {
  readonly seq: number;
  readonly providerId: string;
  readonly model: string;
  readonly outcome: string;
  readonly httpStatus: number | null;
  readonly durationMs: number;
}

/** Where the next page starts: the last row of this one. */
export interface LogCursor {
  readonly startedAt: number;
  readonly id: string;
}

export interface LogQuery {
  readonly range: TimeRange;
  readonly status?: RequestStatus;
  readonly providerId?: string;
  readonly model?: string;
  readonly clientTokenName?: string;
  /** rows per page, 50 unless set, at most 500 */
  readonly limit?: number;
  readonly cursor?: LogCursor;
}

export interface LogPage {
  readonly rows: readonly RequestRow[];
  readonly nextCursor: LogCursor | null;
}

export interface SqlRow {
  id: string;
  started_at: number;
  finished_at: number | null;
  client_token_name: string | null;
  client_family: ClientFamily;
  endpoint: Endpoint;
  requested_model: string;
  route: string | null;
  provider_id: string | null;
  model: string | null;
  status: RequestStatus;
  error_class: string | null;
  http_status: number | null;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  tokens_estimated: number;
  cost_usd: number | null;
  cost_reference_usd: number | null;
  latency_ms: number | null;
  ttft_ms: number | null;
  upstream_ms: number | null;
  overhead_ms: number | null;
  local_compute_ms: number | null;
  finish_reason: string | null;
  native_finish_reason: string | null;
  stream: number;
  privacy_action?: string | null;
  privacy_detectors?: string | null;
  cache_status?: 'hit' | 'miss' | null;
}

export function toRequestRow(row: SqlRow): RequestRow {
  return {
    id: row.id,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    clientTokenName: row.client_token_name,
    clientFamily: row.client_family,
    endpoint: row.endpoint,
    requestedModel: row.requested_model,
    route: row.route,
    providerId: row.provider_id,
    model: row.model,
    status: row.status,
    errorClass: row.error_class,
    httpStatus: row.http_status,
    inputTokens: row.input_tokens,
    outputTokens: row.output_tokens,
    cacheReadTokens: row.cache_read_tokens,
    cacheWriteTokens: row.cache_write_tokens,
    reasoningTokens: row.reasoning_tokens,
    tokensEstimated: row.tokens_estimated === 1,
    costUsd: row.cost_usd,
    costReferenceUsd: row.cost_reference_usd,
    latencyMs: row.latency_ms,
    ttftMs: row.ttft_ms,
    upstreamMs: row.upstream_ms,
    overheadMs: row.overhead_ms,
    localComputeMs: row.local_compute_ms,
    finishReason: row.finish_reason,
    nativeFinishReason: row.native_finish_reason,
    stream: row.stream === 1,
    privacyAction: row.privacy_action ?? null,
    privacyDetectors: row.privacy_detectors ? row.privacy_detectors.split(',') : [],
    cacheStatus: row.cache_status ?? null,
  };
}

export function listRequests(database: LedgerDatabase, query: LogQuery): LogPage {
  const limit = Math.max(1, Math.min(500, Math.floor(query.limit ?? 50)));
  const conditions = ['started_at >= ?', 'started_at < ?'];
  const parameters: (string | number)[] = [query.range.from, query.range.to];
  // Each filter has an index ordered (filter, started_at); naming it keeps SQLite from scanning by time for a value
  // that is rare. The most selective filter the log offers comes last and wins. 'ok' is the exception: the status
  // index holds only the other statuses (migration 5), and nearly every row read by time is ok anyway.
  let index = 'requests_by_time';
  const filters: [keyof LogQuery, string, string][] = [
    ['status', 'status', 'requests_by_status'],
    ['clientTokenName', 'client_token_name', 'requests_by_client'],
    ['model', 'model', 'requests_by_model'],
    ['providerId', 'provider_id', 'requests_by_provider'],
  ];
  for (const [field, column, columnIndex] of filters) {
    const value = query[field];
    if (typeof value !== 'string') continue;
    conditions.push(`${column} = ?`);
    parameters.push(value);
    if (field !== 'status') index = columnIndex;
    else if (value !== 'ok') {
      conditions.push(`status <> 'ok'`); // lets SQLite prove the partial index applies
      index = columnIndex;
    }
  }
  if (query.cursor) {
    // the first condition bounds the index range; the row value breaks ties within the cursor's millisecond
    conditions.push('started_at <= ?', '(started_at, id) < (?, ?)');
    parameters.push(query.cursor.startedAt, query.cursor.startedAt, query.cursor.id);
  }
  const rows = database
    .prepare<(string | number)[], SqlRow>(
      `SELECT * FROM requests INDEXED BY ${index} WHERE ${conditions.join(' AND ')} ORDER BY started_at DESC, id DESC LIMIT ${limit + 1}`,
    )
    .all(...parameters);
  const page = rows.slice(0, limit).map(toRequestRow);
  const last = page[page.length - 1];
  return { rows: page, nextCursor: rows.length > limit && last ? { startedAt: last.startedAt, id: last.id } : null };
}

export interface RequestDetail {
  readonly request: RequestRow;
  readonly attempts: readonly AttemptRow[];
}

export function requestDetail(database: LedgerDatabase, id: string): RequestDetail | undefined {
  const row = database.prepare<[string], SqlRow>('SELECT * FROM requests WHERE id = ?').get(id);
  if (!row) return undefined;
  const attempts = database
    .prepare<[string], AttemptRow>(
      'SELECT seq, provider_id AS providerId, model, outcome, http_status AS httpStatus, duration_ms AS durationMs FROM attempts WHERE request_id = ? ORDER BY seq',
    )
    .all(id);
  const request = toRequestRow(row);
  const implied = attempts.length === 0 ? impliedAttempt(request) : undefined;
  return { request, attempts: implied ? [implied] : attempts };
}

/**
 * An answered request stored without attempt rows had exactly one attempt, on its own target, that took its
 * upstream time (request-store.ts leaves that trail out of the attempts table). Every other trail is stored.
 */
export function impliedAttempt(request: RequestRow): AttemptRow | undefined {
  if (request.status !== 'ok' || request.providerId === null || request.model === null) return undefined;
  return { seq: 1, providerId: request.providerId, model: request.model, outcome: 'ok', httpStatus: null, durationMs: request.upstreamMs ?? 0 };
}
