// Reads an OpenAI-style SSE body into StreamParts. Each chunk keeps its exact upstream JSON so the gateway can
// forward it byte for byte. `data: [DONE]` is the terminator; a body that ends without it is an error.
import type { ChatCompletionChunk } from '../../../../shared/openai-types.js';
import { SseParser } from '../../../../shared/sse-parser.js';
import { ProviderError, networkError } from '../errors.js';
import type { UpstreamResponse } from '../http.js';
import type { StreamPart } from '../types.js';
import { inBandError } from './openai-error.js';

export async function* readOpenAIStream(providerId: string, baseUrl: string, response: UpstreamResponse, signal: AbortSignal): AsyncGenerator<StreamPart> {
  const parser = new SseParser();
  let ended = false; // a done or error part has been yielded
  // set before [DONE] is handed out: a consumer that stops there still lets the rest of the body drain
  let sawDone = false;
  // Not destroyed on an early return: after [DONE] the rest of the body (usually just the chunked encoding's end)
  // is drained so the connection is reused; destroying it cost a new connection (and TLS handshake) per stream
  // whenever [DONE] and the end came in separate reads.
  const body = response.body.iterator({ destroyOnReturn: false });
  try {
    while (!ended) {
      const next = await body.next();
      const events = next.done ? parser.end() : parser.push(next.value);
      for (const event of events) {
        const part = toPart(providerId, event.data);
        if (part === undefined) continue;
        ended = part.type !== 'chunk';
        sawDone ||= part.type === 'done';
        yield part;
        if (ended) break;
      }
      if (next.done && !ended) {
        ended = true;
        yield {
          type: 'error',
          error: new ProviderError({
            kind: 'protocol',
            errorClass: 'protocol',
            status: 502,
            message: `provider '${providerId}' ended the stream without [DONE]`,
            providerId,
            retryable: true,
          }),
        };
      }
    }
  } catch (error) {
    if (!ended) {
      ended = true;
      yield { type: 'error', error: error instanceof ProviderError ? error : streamFailure(providerId, baseUrl, error, signal) };
    }
  } finally {
    response.body.release(sawDone);
  }
}

function toPart(providerId: string, data: string): StreamPart | undefined {
  if (data === '[DONE]') return { type: 'done' };
  if (data === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return {
      type: 'error',
      error: new ProviderError({
        kind: 'protocol',
        errorClass: 'protocol',
        status: 502,
        message: `provider '${providerId}' sent a stream event that is not JSON`,
        providerId,
        retryable: false,
      }),
    };
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  // OpenRouter's mid-stream error chunk carries both `error` and `choices` (finish_reason "error").
  if (typeof record['error'] === 'object' && record['error'] !== null) return { type: 'error', error: inBandError(providerId, record) };
  if (!Array.isArray(record['choices'])) record['choices'] = [];
  return { type: 'chunk', chunk: record as unknown as ChatCompletionChunk, raw: data };
}

function streamFailure(providerId: string, baseUrl: string, error: unknown, signal: AbortSignal): ProviderError {
  if (error instanceof Error && error.name.startsWith('SseLineTooLong')) {
    return new ProviderError({ kind: 'protocol', errorClass: 'protocol', status: 502, message: error.message, providerId, retryable: false });
  }
  return networkError(providerId, baseUrl, error, signal);
}
