// Error bodies in the client's dialect. Every error the gateway sends goes through here, so none is an HTML page
// or a stack trace and every upstream message is redacted.
import type { AnswerSink } from './answer-sink.js';
import type { OpenAIErrorBody } from '../../../shared/openai-types.js';
import { redactSecrets } from '../../../shared/redact.js';
import { ProviderError } from '../providers/errors.js';

/** An error the gateway itself raises while handling a request (validation, auth, routing). */
export class GatewayError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: string = typeForStatus(status),
    readonly code: string | null = null,
    readonly param: string | null = null,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'GatewayError';
  }
}

export function typeForStatus(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 413) return 'request_too_large';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'api_error';
  return 'invalid_request_error';
}

export interface ErrorDescription {
  readonly status: number;
  readonly message: string;
  readonly type: string;
  readonly code: string | null;
  readonly param: string | null;
  readonly headers: Readonly<Record<string, string>>;
}

/** Whatever was thrown, what the client may be told about it. */
export function describeError(error: unknown): ErrorDescription {
  if (error instanceof GatewayError) {
    return { status: error.status, message: error.message, type: error.type, code: error.code, param: error.param, headers: error.headers };
  }
  if (error instanceof ProviderError) {
    const headers: Record<string, string> = {};
    if (error.retryAfterMs !== undefined) headers['retry-after'] = String(Math.ceil(error.retryAfterMs / 1000));
    // A status the client can act on: upstream 4xx/5xx pass through; a client-abort status never goes out.
    const status = error.status >= 400 && error.status < 600 && error.status !== 499 ? error.status : 502;
    return { status, message: error.message, type: error.type, code: error.code, param: error.param, headers };
  }
  return { status: 500, message: 'internal error in Switchyard (see its log)', type: 'api_error', code: null, param: null, headers: {} };
}

export function openAIErrorBody(description: Pick<ErrorDescription, 'message' | 'type' | 'code' | 'param'>): OpenAIErrorBody {
  return {
    error: {
      message: redactSecrets(description.message),
      type: description.type,
      param: description.param,
      code: description.code,
    },
  };
}

export function sendJson(response: AnswerSink, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  if (response.headersSent) {
    response.end();
    return;
  }
  const text = JSON.stringify(body);
  response.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

export function sendOpenAIError(response: AnswerSink, error: unknown, extraHeaders: Readonly<Record<string, string>> = {}): void {
  const description = describeError(error);
  sendJson(response, description.status, openAIErrorBody(description), { ...extraHeaders, ...description.headers });
}

/** Errors whose request already has its ledger row (the pipeline wrote it), so the dispatcher does not add one. */
const recorded = new WeakSet<object>();

export function markRecorded(error: unknown): void {
  if (typeof error === 'object' && error !== null) recorded.add(error);
}

export function isRecorded(error: unknown): boolean {
  return typeof error === 'object' && error !== null && recorded.has(error);
}
