// Anthropic's failures as ProviderErrors. The body is {"type":"error","error":{"type","message"},"request_id"},
// with an HTTP status, or the same object as an `event: error` once a stream has started. The class comes from
// error.type; message text decides only the two cases Anthropic reports under invalid_request_error (prompt too
// long, credit balance too low), which routing must tell apart from a bad request.
import { ProviderError, classForStatus, isRetryableClass, parseRetryAfter, type ProviderErrorKind } from '../errors.js';
import { anthropicErrorBodySchema, type AnthropicErrorBody } from './anthropic-api.js';
import type { ProviderErrorClass } from '../../../config/types.js';

const contextLengthText = /prompt is too long|exceeds? (the )?(model's )?context (window|limit)|input length and `max_tokens` exceed/i;
const creditText = /credit balance is too low|billing|spend limit|purchase credits/i;

/** The HTTP status each error type comes with, for in-band errors that carry no status of their own. */
const statusByType: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  conflict_error: 409,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

export function parseAnthropicError(text: string): AnthropicErrorBody | undefined {
  try {
    const parsed = anthropicErrorBodySchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined; // a proxy's HTML page or plain text
  }
}

export function classifyAnthropicError(status: number, body: AnthropicErrorBody | undefined): ProviderErrorClass {
  const type = body?.error.type ?? '';
  const message = body?.error.message ?? '';
  const detailCode = body?.error.details?.error_code ?? '';
  if (type === 'billing_error' || detailCode.includes('spend_limit') || (type === 'invalid_request_error' && creditText.test(message))) return 'quota';
  if (type === 'invalid_request_error' && contextLengthText.test(message)) return 'context_length';
  switch (type) {
    case 'overloaded_error':
      return 'overloaded';
    case 'rate_limit_error':
      return 'rate_limit';
    case 'api_error':
      return 'server';
    case 'authentication_error':
      return 'auth';
    case 'permission_error':
      return 'permission';
    case 'not_found_error':
      return 'not_found';
    case 'invalid_request_error':
      return 'bad_request';
    case 'timeout_error':
      return 'timeout';
    case 'conflict_error':
      return 'conflict';
    default:
      return classForStatus(status); // request_too_large → context_length, as for any 413
  }
}

function codeFor(errorClass: ProviderErrorClass, body: AnthropicErrorBody | undefined): string | null {
  // OpenAI's codes, which OpenAI-dialect clients already recognise
  if (errorClass === 'context_length') return 'context_length_exceeded';
  if (errorClass === 'quota') return 'insufficient_quota';
  return body?.error.details?.error_code ?? null;
}

export function anthropicHttpError(providerId: string, status: number, headers: Record<string, string | string[] | undefined>, text: string): ProviderError {
  const body = parseAnthropicError(text);
  const errorClass = classifyAnthropicError(status, body);
  const retryAfterMs = parseRetryAfter(headers);
  return new ProviderError({
    kind: 'http',
    errorClass,
    status,
    message: body?.error.message ?? (text.trim().slice(0, 500) || `provider '${providerId}' answered HTTP ${status}`),
    providerId,
    retryable: isRetryableClass(errorClass),
    code: codeFor(errorClass, body),
    ...(body ? { type: body.error.type } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    upstreamBody: text.slice(0, 4096),
  });
}

/** An `event: error` inside a stream (or an error object where a message was expected). */
export function anthropicInBandError(providerId: string, body: AnthropicErrorBody, kind: ProviderErrorKind = 'in-band'): ProviderError {
  const status = statusByType[body.error.type] ?? 502;
  const errorClass = classifyAnthropicError(status, body);
  return new ProviderError({
    kind,
    errorClass,
    status,
    message: body.error.message,
    providerId,
    retryable: isRetryableClass(errorClass),
    code: codeFor(errorClass, body),
    type: body.error.type,
  });
}

export function anthropicProtocolError(providerId: string, what: string, retryable = false): ProviderError {
  return new ProviderError({
    kind: 'protocol',
    errorClass: 'protocol',
    status: 502,
    message: `provider '${providerId}' (Anthropic) sent ${what}`,
    providerId,
    retryable,
  });
}

export function badRequest(providerId: string, message: string, param: string | null): ProviderError {
  return new ProviderError({ kind: 'http', errorClass: 'bad_request', status: 400, message, providerId, retryable: false, param });
}
