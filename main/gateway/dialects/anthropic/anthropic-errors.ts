// Errors in Anthropic's dialect: {"type":"error","error":{"type","message"}} with the HTTP status, or the same
// object as one `event: error` once a stream has started. The type follows from the status, as in Anthropic's own
// table, so an Anthropic upstream's error keeps its type and every other provider's gets the matching one.
import type { AnswerSink } from '../../http/answer-sink.js';
import { redactSecrets } from '../../../../shared/redact.js';
import { ProviderError } from '../../providers/errors.js';
import { describeError, sendJson, type ErrorDescription } from '../../http/errors.js';

export interface AnthropicErrorBody {
  type: 'error';
  error: { type: string; message: string };
}

/** Anthropic's table of error types by status; an upstream quota error is billing_error whatever its status. */
export function anthropicErrorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 402) return 'billing_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 413) return 'request_too_large';
  if (status === 429) return 'rate_limit_error';
  if (status === 503 || status === 529) return 'overloaded_error';
  if (status === 504) return 'timeout_error';
  if (status >= 500) return 'api_error';
  return 'invalid_request_error';
}

export function anthropicErrorBody(description: Pick<ErrorDescription, 'status' | 'message'>, quota = false): AnthropicErrorBody {
  return { type: 'error', error: { type: quota ? 'billing_error' : anthropicErrorType(description.status), message: redactSecrets(description.message) } };
}

/** Sends any thrown error as an Anthropic error response; `x-should-retry` tells the Anthropic SDK what routing knew. */
export function sendAnthropicError(response: AnswerSink, error: unknown, extraHeaders: Readonly<Record<string, string>> = {}): void {
  const description = describeError(error);
  const headers: Record<string, string> = { ...extraHeaders, ...description.headers };
  if (error instanceof ProviderError) headers['x-should-retry'] = String(error.retryable);
  sendJson(response, description.status, anthropicErrorBody(description, isQuota(error)), headers);
}

/** The in-band form, for a failure after the first byte of a stream. */
export function anthropicErrorFrame(error: ProviderError): string {
  return `event: error\ndata: ${JSON.stringify(anthropicErrorBody(describeError(error), isQuota(error)))}\n\n`;
}

function isQuota(error: unknown): boolean {
  return error instanceof ProviderError && error.errorClass === 'quota';
}
