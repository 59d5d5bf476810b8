// Gemini's failures as ProviderErrors. Google sends google.rpc.Status as JSON ({"error":{code,message,status,details}})
// with the HTTP status, or the same object as a stream frame. The class comes from the status string, the code and
// the typed details (ErrorInfo.reason, QuotaFailure, RetryInfo); message text only where Google gives nothing else.
// Every text that leaves here has the caller's key cut out: Google's DebugInfo can echo it.
import { ProviderError, classForStatus, isRetryableClass, parseRetryAfter, type ProviderErrorKind } from '../errors.js';
import { googleStatusSchema, type GoogleStatus } from './gemini-api.js';
import type { ProviderErrorClass } from '../../../config/types.js';

const errorInfoType = 'type.googleapis.com/google.rpc.ErrorInfo';
const retryInfoType = 'type.googleapis.com/google.rpc.RetryInfo';
const quotaFailureType = 'type.googleapis.com/google.rpc.QuotaFailure';

// "The input token count exceeds the maximum number of tokens allowed 1048576."
const contextLengthText = /exceeds the maximum number of tokens|input token count.*exceeds|token count.*exceeds the maximum/i;
const unregisteredCallerText = /unregistered callers/i;

/** The google.rpc.Status in an error body; `[{error:…}]` (the non-SSE stream's array form) is accepted too. */
export function parseGoogleStatus(text: string): GoogleStatus | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (Array.isArray(value)) value = value[0];
  if (typeof value !== 'object' || value === null) return undefined;
  const parsed = googleStatusSchema.safeParse((value as { error?: unknown }).error);
  return parsed.success ? parsed.data : undefined;
}

interface Classified {
  readonly errorClass: ProviderErrorClass;
  /** what the client should see */
  readonly status: number;
  readonly code: string | null;
}

export function classifyGoogleStatus(httpStatus: number, error: GoogleStatus | undefined): Classified {
  const statusName = error?.status ?? '';
  const code = error?.code ?? httpStatus;
  const message = error?.message ?? '';
  const reason = errorInfoReason(error?.details);
  const named = reason ?? (statusName || null);
  if (reason === 'API_KEY_INVALID' || statusName === 'UNAUTHENTICATED' || code === 401) return { errorClass: 'auth', status: 401, code: named };
  // no key at all: Google answers 403 PERMISSION_DENIED "Method doesn't allow unregistered callers"
  if (code === 403 && unregisteredCallerText.test(message)) return { errorClass: 'auth', status: 401, code: named };
  if (statusName === 'RESOURCE_EXHAUSTED' || code === 429) {
    return { errorClass: isQuotaExhausted(error) ? 'quota' : 'rate_limit', status: 429, code: named };
  }
  if (statusName === 'UNAVAILABLE' || code === 503) return { errorClass: 'overloaded', status: 503, code: named };
  if (statusName === 'DEADLINE_EXCEEDED' || code === 504) return { errorClass: 'timeout', status: 504, code: named };
  if (statusName === 'INTERNAL' || code === 500) return { errorClass: 'server', status: 500, code: named };
  if (statusName === 'PERMISSION_DENIED' || code === 403) return { errorClass: 'permission', status: 403, code: named };
  if (statusName === 'NOT_FOUND' || code === 404) return { errorClass: 'not_found', status: 404, code: named };
  if (statusName === 'INVALID_ARGUMENT' || statusName === 'FAILED_PRECONDITION' || statusName === 'OUT_OF_RANGE' || code === 400) {
    return { errorClass: contextLengthText.test(message) ? 'context_length' : 'bad_request', status: 400, code: named };
  }
  const status = httpStatus >= 400 ? httpStatus : code >= 400 && code < 600 ? code : 502;
  return { errorClass: classForStatus(status), status, code: named };
}

/**
 * RESOURCE_EXHAUSTED is both "too many requests this minute" (wait and retry) and "nothing left today / no quota on
 * this tier" (retrying only burns time). QuotaFailure names the quota that ran out; a per-day one, or a limit of 0,
 * is the second kind. Without details, Google's billing wording is the only hint.
 */
function isQuotaExhausted(error: GoogleStatus | undefined): boolean {
  const message = error?.message ?? '';
  if (/limit: 0\b/.test(message)) return true;
  const violations = quotaViolations(error?.details);
  if (violations.length > 0) {
    return violations.some((violation) => /per ?day/i.test(violation.quotaId ?? '') || /per_day/i.test(violation.quotaMetric ?? ''));
  }
  return /exceeded your current quota/i.test(message) && /billing/i.test(message);
}

function detailsOfType(details: readonly unknown[] | undefined, type: string): Array<Record<string, unknown>> {
  return (details ?? []).filter(
    (detail): detail is Record<string, unknown> => typeof detail === 'object' && detail !== null && (detail as Record<string, unknown>)['@type'] === type,
  );
}

function errorInfoReason(details: readonly unknown[] | undefined): string | undefined {
  const reason = detailsOfType(details, errorInfoType)[0]?.['reason'];
  return typeof reason === 'string' ? reason : undefined;
}

function quotaViolations(details: readonly unknown[] | undefined): Array<{ quotaId?: string; quotaMetric?: string }> {
  return detailsOfType(details, quotaFailureType).flatMap((detail) => {
    const violations = detail['violations'];
    if (!Array.isArray(violations)) return [];
    return violations.map((violation: unknown) => {
      const record = typeof violation === 'object' && violation !== null ? (violation as Record<string, unknown>) : {};
      return {
        ...(typeof record['quotaId'] === 'string' ? { quotaId: record['quotaId'] } : {}),
        ...(typeof record['quotaMetric'] === 'string' ? { quotaMetric: record['quotaMetric'] } : {}),
      };
    });
  });
}

/** RetryInfo.retryDelay is a protobuf Duration in JSON: "30s", "34.4s", "0.250s". */
export function retryDelayMs(details: readonly unknown[] | undefined): number | undefined {
  const delay = detailsOfType(details, retryInfoType)[0]?.['retryDelay'];
  if (typeof delay !== 'string') return undefined;
  const match = /^(\d+(?:\.\d+)?)s$/.exec(delay.trim());
  return match ? Math.round(Number(match[1]) * 1000) : undefined;
}

/** Cuts the caller's key out of text about to leave the adapter (redactSecrets then masks key-shaped strings too). */
export function withoutKey(text: string, apiKey: string | undefined): string {
  return apiKey && apiKey.length > 0 ? text.split(apiKey).join('***') : text;
}

export function geminiHttpError(options: {
  readonly providerId: string;
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  readonly apiKey: string | undefined;
}): ProviderError {
  const { providerId, status, headers, text, apiKey } = options;
  const error = parseGoogleStatus(text);
  const classified = classifyGoogleStatus(status, error);
  const retryAfterMs = retryDelayMs(error?.details) ?? parseRetryAfter(headers);
  const fallback = text.trim().slice(0, 500) || `provider '${providerId}' answered HTTP ${status}`;
  return new ProviderError({
    kind: 'http',
    errorClass: classified.errorClass,
    status: classified.status,
    message: withoutKey(error?.message ?? fallback, apiKey),
    providerId,
    retryable: isRetryableClass(classified.errorClass),
    code: classified.code,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    upstreamBody: withoutKey(text.slice(0, 4096), apiKey),
  });
}

/** An `{"error":…}` frame inside a stream, or an error object in a 200 body. */
export function geminiInBandError(providerId: string, error: GoogleStatus, apiKey: string | undefined, kind: ProviderErrorKind = 'in-band'): ProviderError {
  const classified = classifyGoogleStatus(error.code ?? 502, error);
  const retryAfterMs = retryDelayMs(error.details);
  return new ProviderError({
    kind,
    errorClass: classified.errorClass,
    status: classified.status,
    message: withoutKey(error.message ?? 'Gemini reported an error', apiKey),
    providerId,
    retryable: isRetryableClass(classified.errorClass),
    code: classified.code,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}

export function geminiProtocolError(providerId: string, what: string, retryable = false): ProviderError {
  return new ProviderError({
    kind: 'protocol',
    errorClass: 'protocol',
    status: 502,
    message: `provider '${providerId}' (Gemini) sent ${what}`,
    providerId,
    retryable,
  });
}

/** A request this adapter cannot express in Gemini's format: the client's mistake, never sent upstream. */
export function badRequest(providerId: string, message: string, param: string | null): ProviderError {
  return new ProviderError({ kind: 'http', errorClass: 'bad_request', status: 400, message, providerId, retryable: false, param });
}
