// Classifies an error from an OpenAI-compatible upstream. Bodies differ by vendor: OpenAI and Groq send
// {"error":{"message","type","code","param"}}, OpenRouter a numeric code, vLLM and Mistral {"object":"error",…},
// FastAPI servers {"detail":…}. The class comes from codes and statuses; message text is only a last resort
// for servers that send no code at all.
import { ProviderError, classForStatus, isRetryableClass, parseRetryAfter, type ProviderErrorKind } from '../errors.js';
import type { ProviderErrorClass } from '../../../config/types.js';

interface ParsedError {
  message: string;
  type?: string;
  code?: string;
  param?: string | null;
}

export function parseErrorBody(text: string): ParsedError | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as Record<string, unknown>;
  const inner = record['error'];
  if (typeof inner === 'string') return { message: inner };
  const source = typeof inner === 'object' && inner !== null ? (inner as Record<string, unknown>) : record;
  const message = source['message'] ?? source['detail'] ?? record['detail'];
  if (message === undefined && inner === undefined) return undefined;
  const code = source['code'];
  return {
    message: typeof message === 'string' ? message : JSON.stringify(message ?? inner),
    ...(typeof source['type'] === 'string' ? { type: source['type'] } : {}),
    ...(code !== undefined && code !== null ? { code: String(code) } : {}),
    ...(typeof source['param'] === 'string' ? { param: source['param'] } : {}),
  };
}

const contextLengthText = /context[ _-]?(length|window)|maximum context|too many tokens|prompt is too long|reduce the length/i;

export function classify(status: number, parsed: ParsedError | undefined): ProviderErrorClass {
  const code = parsed?.code ?? '';
  const type = parsed?.type ?? '';
  if (code === 'insufficient_quota' || type === 'insufficient_quota' || status === 402 || code === '402') return 'quota';
  if (code === 'context_length_exceeded' || code === 'string_above_max_length') return 'context_length';
  if (status === 400 && parsed && contextLengthText.test(parsed.message)) return 'context_length';
  if (code === 'rate_limit_exceeded' || type === 'rate_limit_error' || type === 'tokens') return status === 429 ? 'rate_limit' : classForStatus(status);
  if (type === 'overloaded_error') return 'overloaded';
  return classForStatus(status);
}

export function upstreamHttpError(providerId: string, status: number, headers: Record<string, string | string[] | undefined>, text: string): ProviderError {
  const parsed = parseErrorBody(text);
  const errorClass = classify(status, parsed);
  const retryAfterMs = parseRetryAfter(headers);
  return new ProviderError({
    kind: 'http',
    errorClass,
    status,
    message: parsed?.message ?? (text.trim().slice(0, 500) || `provider '${providerId}' answered HTTP ${status}`),
    providerId,
    retryable: isRetryableClass(errorClass),
    code: parsed?.code ?? null,
    ...(parsed?.type ? { type: parsed.type } : {}),
    param: parsed?.param ?? null,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    upstreamBody: text.slice(0, 4096),
  });
}

/** An `{"error":…}` object that arrived inside a stream, or as a 200 body. */
export function inBandError(providerId: string, payload: Record<string, unknown>, kind: ProviderErrorKind = 'in-band'): ProviderError {
  const parsed = parseErrorBody(JSON.stringify(payload)) ?? { message: 'upstream reported an error' };
  const numeric = Number(parsed.code);
  // OpenAI's own in-band rate limit is {type:'requests'|'tokens', code:'rate_limit_exceeded'}: the code says it
  const byType = statusForType(parsed.type);
  const status = Number.isInteger(numeric) && numeric >= 400 && numeric < 600 ? numeric : byType !== 502 ? byType : statusForType(parsed.code ?? undefined);
  const errorClass = classify(status, parsed);
  return new ProviderError({
    kind,
    errorClass,
    status,
    message: parsed.message,
    providerId,
    retryable: isRetryableClass(errorClass),
    code: parsed.code ?? null,
    ...(parsed.type ? { type: parsed.type } : {}),
  });
}

function statusForType(type: string | undefined): number {
  switch (type) {
    case 'rate_limit_error':
    case 'rate_limit_exceeded':
      return 429;
    case 'overloaded_error':
      return 529;
    case 'invalid_request_error':
      return 400;
    case 'authentication_error':
      return 401;
    default:
      return 502;
  }
}
