// Ollama's failures as ProviderErrors. Ollama sends `{"error":"…"}` with an HTTP status, or the same object as a
// stream line once the status is out. Its bodies carry no codes, so the few cases routing must tell apart
// (model not pulled, context too long) are recognised from the status plus Ollama's fixed wording.
import { ProviderError, classForStatus, isRetryableClass, parseRetryAfter, type ProviderErrorKind } from '../errors.js';
import type { ProviderErrorClass } from '../../../config/types.js';

// "model 'x' not found" (/api/chat, /api/show today) and "model \"x\" not found, try pulling it first" (the scheduler's
// wording: /api/embed today, /api/chat in older versions)
const modelNotFoundText = /\bmodel\b.*\bnot found\b/i;
const contextLengthText = /context (length|window)|exceeds? (the )?(maximum )?context|num_ctx|too many tokens/i;

export function ollamaErrorMessage(text: string): string | undefined {
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body === 'object' && body !== null && typeof (body as { error?: unknown }).error === 'string') {
      return (body as { error: string }).error;
    }
  } catch {
    // not JSON: a proxy's HTML page or plain text
  }
  return undefined;
}

export function notPulledError(providerId: string, upstreamModel: string, upstreamBody?: string): ProviderError {
  return new ProviderError({
    kind: 'http',
    errorClass: 'not_found',
    status: 404,
    message: `model '${upstreamModel}' is not pulled in Ollama: run \`ollama pull ${upstreamModel}\``,
    providerId,
    retryable: false,
    code: 'model_not_found',
    param: 'model',
    ...(upstreamBody !== undefined ? { upstreamBody } : {}),
  });
}

export function ollamaHttpError(options: {
  readonly providerId: string;
  readonly upstreamModel: string | undefined;
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
}): ProviderError {
  const { providerId, upstreamModel, status, headers, text } = options;
  const message = ollamaErrorMessage(text);
  const upstreamBody = text.slice(0, 4096);
  if (status === 404 && upstreamModel !== undefined && message !== undefined && modelNotFoundText.test(message)) {
    return notPulledError(providerId, upstreamModel, upstreamBody);
  }
  const errorClass: ProviderErrorClass = message !== undefined && contextLengthText.test(message) ? 'context_length' : classForStatus(status);
  const retryAfterMs = parseRetryAfter(headers);
  return new ProviderError({
    kind: 'http',
    errorClass,
    status,
    message: message ?? (text.trim().slice(0, 500) || `provider '${providerId}' answered HTTP ${status}`),
    providerId,
    retryable: isRetryableClass(errorClass),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    upstreamBody,
  });
}

/** An error line inside a stream, or an error object in a 200 body: the runner failed after the status was sent. */
export function ollamaInBandError(providerId: string, message: string, kind: ProviderErrorKind = 'in-band'): ProviderError {
  const errorClass: ProviderErrorClass = contextLengthText.test(message) ? 'context_length' : 'server';
  return new ProviderError({
    kind,
    errorClass,
    status: errorClass === 'context_length' ? 400 : 502,
    message,
    providerId,
    retryable: isRetryableClass(errorClass),
  });
}

/** Connection refused: nothing listens at the address, which for Ollama almost always means it is not started. */
export function notRunningError(providerId: string, baseUrl: string): ProviderError {
  const address = baseUrl.replace(/\/+$/, '');
  return new ProviderError({
    kind: 'connect',
    errorClass: 'unavailable',
    status: 503,
    message: `Ollama is not running at ${address} (connection refused): start it with \`ollama serve\``,
    providerId,
    retryable: true,
    code: 'ECONNREFUSED',
  });
}

export function ollamaProtocolError(providerId: string, what: string, retryable = false): ProviderError {
  return new ProviderError({
    kind: 'protocol',
    errorClass: 'protocol',
    status: 502,
    message: `provider '${providerId}' (Ollama) sent ${what}`,
    providerId,
    retryable,
  });
}
