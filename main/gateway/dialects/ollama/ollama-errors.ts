// Errors in Ollama's dialect: `{"error": "<string>"}` with the HTTP status, or the same object as one last NDJSON
// line once a stream has started. Every message is redacted like the other dialects'.
import { redactSecrets } from '../../../../shared/redact.js';
import type { AnswerSink } from '../../http/answer-sink.js';
import { describeError, sendJson } from '../../http/errors.js';

export interface OllamaErrorBody {
  readonly error: string;
}

export function ollamaErrorBody(error: unknown): OllamaErrorBody {
  return { error: redactSecrets(describeError(error).message) };
}

export function sendOllamaError(response: AnswerSink, error: unknown, extraHeaders: Readonly<Record<string, string>> = {}): void {
  const description = describeError(error);
  sendJson(response, description.status, { error: redactSecrets(description.message) } satisfies OllamaErrorBody, { ...extraHeaders, ...description.headers });
}

/** The in-band form, for a failure after the first line of a stream: the stream's last line. */
export function ollamaErrorLine(error: unknown): string {
  return `${JSON.stringify(ollamaErrorBody(error))}\n`;
}
