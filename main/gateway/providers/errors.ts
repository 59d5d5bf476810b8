// Every upstream failure becomes a ProviderError with a stable `kind`, the HTTP status the client should see,
// and `retryable`. Routing decides on these fields, never on message text.
import { redactSecrets } from '../../../shared/redact.js';
import type { ProviderErrorClass } from '../../config/types.js';

export type ProviderErrorKind =
  | 'connect' // could not open a connection (refused, DNS, reset before response)
  | 'timeout' // connect, first-byte, idle or wall-clock timer fired
  | 'http' // the upstream answered with an error status
  | 'in-band' // the upstream reported an error inside a stream
  | 'protocol' // the upstream answered with something we cannot parse, or a stream ended without its terminator
  | 'aborted'; // the client went away

export interface ProviderErrorInit {
  readonly kind: ProviderErrorKind;
  readonly errorClass: ProviderErrorClass;
  readonly status: number;
  readonly message: string;
  readonly providerId: string;
  readonly retryable: boolean;
  readonly code?: string | null;
  readonly type?: string;
  readonly param?: string | null;
  readonly retryAfterMs?: number;
  /** the upstream's error body, already redacted */
  readonly upstreamBody?: string;
}

export class ProviderError extends Error {
  readonly kind: ProviderErrorKind;
  readonly errorClass: ProviderErrorClass;
  readonly status: number;
  readonly providerId: string;
  readonly retryable: boolean;
  readonly code: string | null;
  readonly type: string;
  readonly param: string | null;
  readonly retryAfterMs: number | undefined;
  readonly upstreamBody: string | undefined;

  constructor(init: ProviderErrorInit) {
    super(redactSecrets(init.message));
    this.name = 'ProviderError';
    this.kind = init.kind;
    this.errorClass = init.errorClass;
    this.status = init.status;
    this.providerId = init.providerId;
    this.retryable = init.retryable;
    this.code = init.code ?? null;
    this.type = init.type ?? defaultTypeFor(init.errorClass);
    this.param = init.param ?? null;
    this.retryAfterMs = init.retryAfterMs;
    this.upstreamBody = init.upstreamBody === undefined ? undefined : redactSecrets(init.upstreamBody);
  }
}

function defaultTypeFor(errorClass: ProviderErrorClass): string {
  switch (errorClass) {
    case 'auth':
      return 'authentication_error';
    case 'permission':
      return 'permission_error';
    case 'not_found':
      return 'not_found_error';
    case 'bad_request':
    case 'context_length':
      return 'invalid_request_error';
    case 'rate_limit':
      return 'rate_limit_error';
    case 'quota':
      return 'insufficient_quota';
    case 'overloaded':
      return 'overloaded_error';
    case 'timeout':
      return 'timeout_error';
    case 'cancelled':
      return 'cancelled';
    default:
      return 'api_error';
  }
}

/** The class an HTTP status implies when the body says nothing more specific. */
export function classForStatus(status: number): ProviderErrorClass {
  if (status === 401) return 'auth';
  if (status === 403) return 'permission';
  if (status === 404) return 'not_found';
  if (status === 408) return 'timeout';
  if (status === 409) return 'conflict'; // a transient lock or concurrent-update conflict: worth a retry
  if (status === 413) return 'context_length';
  if (status === 429) return 'rate_limit';
  if (status === 529) return 'overloaded';
  if (status === 503) return 'unavailable';
  if (status >= 500) return 'server';
  return 'bad_request';
}

/** Retryable on the same target: transient conditions only. Quota, auth and request errors never are. */
export function isRetryableClass(errorClass: ProviderErrorClass): boolean {
  return (
    errorClass === 'rate_limit' ||
    errorClass === 'overloaded' ||
    errorClass === 'server' ||
    errorClass === 'conflict' ||
    errorClass === 'unavailable' ||
    errorClass === 'timeout'
  );
}

/** Parses `retry-after-ms`, then `retry-after` (seconds or an HTTP date). */
export function parseRetryAfter(headers: Record<string, string | string[] | undefined>, now = Date.now()): number | undefined {
  const ms = first(headers['retry-after-ms'])?.trim();
  if (ms) {
    const value = Number(ms);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const after = first(headers['retry-after'])?.trim();
  if (!after) return undefined;
  if (/^\d+(\.\d+)?$/.test(after)) return Number(after) * 1000;
  if (!/[a-z]/i.test(after)) return undefined; // "-5" and other junk, not an HTTP date
  const date = Date.parse(after);
  if (Number.isFinite(date)) return Math.max(0, date - now);
  return undefined;
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Turns a network-level failure (undici error codes) into a ProviderError. */
export function networkError(providerId: string, baseUrl: string, error: unknown, signal?: AbortSignal): ProviderError {
  if (signal?.aborted) {
    const reason: unknown = signal.reason;
    if (reason instanceof ProviderError) return reason;
    return new ProviderError({
      kind: 'aborted',
      errorClass: 'cancelled',
      status: 499,
      message: 'request cancelled',
      providerId,
      retryable: false,
    });
  }
  const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
  const timeout = code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT';
  const what = timeout ? 'timed out' : code === 'ECONNREFUSED' ? 'refused the connection' : `failed (${code || 'network error'})`;
  return new ProviderError({
    kind: timeout ? 'timeout' : 'connect',
    errorClass: timeout ? 'timeout' : 'unavailable',
    status: timeout ? 504 : 503,
    message: `provider '${providerId}' at ${baseUrl} ${what}`,
    providerId,
    retryable: true,
    code: code || null,
  });
}
