// Failures a Responses API stream reports in-band: an `error` event, or `response.failed` whose response carries
// `error: {code, message}`. OpenAI documents the error event flat ({type, code, message, param}) but api.openai.com
// sends it nested ({type, error: {type, code, message, param}}), so each field is read from either place. The class
// comes from the code; HTTP errors of /v1/responses have the chat-completions body and go through upstreamHttpError.
import { ProviderError, isRetryableClass } from '../errors.js';
import { classify } from './openai-error.js';

export interface ResponsesErrorFields {
  readonly code: string | null;
  readonly message: string;
  readonly type?: string;
  readonly param?: string | null;
}

/** The fields of an `error` event, flat or nested; the nested value wins where both are present. */
export function errorEventFields(event: Readonly<Record<string, unknown>>): ResponsesErrorFields {
  const nested = asRecord(event['error']);
  const pick = (key: string): unknown => nested[key] ?? event[key];
  const message = pick('message');
  const type = pick('type');
  return {
    code: stringOrNull(pick('code')),
    message: typeof message === 'string' && message !== '' ? message : 'the upstream reported an error in the stream',
    ...(typeof type === 'string' && type !== 'error' ? { type } : {}),
    param: stringOrNull(pick('param')),
  };
}

/** The fields of a failed Response's `error` (null when the upstream sent none). */
export function responseErrorFields(response: Readonly<Record<string, unknown>>): ResponsesErrorFields {
  const error = asRecord(response['error']);
  const message = error['message'];
  return {
    code: stringOrNull(error['code']),
    message: typeof message === 'string' && message !== '' ? message : 'the upstream response failed',
  };
}

/**
 * A ProviderError for an in-band failure. Codes that describe the request (invalid_prompt, invalid_image…, bio_policy)
 * are bad requests another provider would refuse too; unknown codes and null are the upstream's fault (server), so a
 * failure before the first content can fall back.
 */
export function responsesStreamError(providerId: string, fields: ResponsesErrorFields): ProviderError {
  const status = statusForCode(fields.code, fields.type);
  const errorClass = classify(status, {
    message: fields.message,
    ...(fields.code !== null ? { code: fields.code } : {}),
    ...(fields.type !== undefined ? { type: fields.type } : {}),
  });
  return new ProviderError({
    kind: 'in-band',
    errorClass,
    status,
    message: fields.message,
    providerId,
    retryable: isRetryableClass(errorClass),
    code: fields.code,
    ...(fields.type !== undefined ? { type: fields.type } : {}),
    param: fields.param ?? null,
  });
}

const requestCodes = new Set(['bio_policy', 'data_residency_mismatch', 'empty_image_file', 'failed_to_download_image', 'unsupported_image_media_type']);

function statusForCode(code: string | null, type: string | undefined): number {
  switch (code) {
    case 'rate_limit_exceeded':
    case 'too_many_requests':
    case 'insufficient_quota':
      return 429;
    case 'context_length_exceeded':
      return 400;
    case 'server_error':
    case null:
      return type === 'invalid_request_error' ? 400 : 502;
    case 'vector_store_timeout':
      return 504;
    default:
      if (code.startsWith('invalid_') || code.startsWith('image_') || requestCodes.has(code)) return 400;
      return type === 'invalid_request_error' ? 400 : 502;
  }
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
