// Errors in Gemini's dialect: google.rpc.Status as JSON, {"error":{"code","message","status"}}, with the HTTP status,
// or the same object as one stream element once an answer has started. The status name follows from the HTTP status
// (Google's own table); a Gemini upstream's name (RESOURCE_EXHAUSTED, FAILED_PRECONDITION, …) is kept when known.
import { redactSecrets } from '../../../../shared/redact.js';
import type { AnswerSink } from '../../http/answer-sink.js';
import { describeError, sendJson, type ErrorDescription } from '../../http/errors.js';
import type { ProviderError } from '../../providers/errors.js';

export interface GeminiErrorBody {
  error: { code: number; message: string; status: string };
}

const statusNames = new Set([
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
]);

/** google.rpc.Code's HTTP mapping, read backwards. */
export function geminiStatusName(status: number): string {
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'PERMISSION_DENIED';
  if (status === 404 || status === 405) return 'NOT_FOUND';
  if (status === 408 || status === 504) return 'DEADLINE_EXCEEDED';
  if (status === 409) return 'ABORTED';
  if (status === 429) return 'RESOURCE_EXHAUSTED';
  if (status === 499) return 'CANCELLED';
  if (status === 501) return 'UNIMPLEMENTED';
  if (status === 503 || status === 529) return 'UNAVAILABLE';
  if (status >= 500) return 'INTERNAL';
  return 'INVALID_ARGUMENT';
}

export function geminiErrorBody(description: Pick<ErrorDescription, 'status' | 'message' | 'code'>): GeminiErrorBody {
  const upstreamName = description.code !== null && statusNames.has(description.code) ? description.code : undefined;
  return { error: { code: description.status, message: redactSecrets(description.message), status: upstreamName ?? geminiStatusName(description.status) } };
}

/** Sends any thrown error as a Gemini error response. */
export function sendGeminiError(sink: AnswerSink, error: unknown, extraHeaders: Readonly<Record<string, string>> = {}): void {
  const description = describeError(error);
  sendJson(sink, description.status, geminiErrorBody(description), { ...extraHeaders, ...description.headers });
}

/** The in-band form, for a failure after the first byte of a stream: the error object alone. */
export function geminiErrorJson(error: ProviderError): string {
  return JSON.stringify(geminiErrorBody(describeError(error)));
}
