// Reads Ollama's NDJSON chat stream into StreamParts. The line with `done: true` is the terminator, and its timing
// counters ride on the `done` part; a stream that ends without it, an `{"error":…}` line, a line that is not JSON
// and a network failure each become one `error` part. Nothing is thrown out of the iterator.
import { NdjsonLineTooLongError, NdjsonParser, type NdjsonItem } from '../../streaming/ndjson-parser.js';
import { ProviderError, networkError } from '../errors.js';
import type { UpstreamResponse } from '../http.js';
import type { StreamPart } from '../types.js';
import { toMetrics } from './convert-response.js';
import { OllamaStreamConverter } from './convert-stream.js';
import { ollamaChatResponseSchema } from './ollama-api.js';
import { ollamaInBandError, ollamaProtocolError } from './ollama-error.js';

export interface OllamaStreamContext {
  readonly providerId: string;
  readonly baseUrl: string;
  readonly upstreamModel: string;
  readonly signal: AbortSignal;
}

export async function* readOllamaStream(context: OllamaStreamContext, response: UpstreamResponse): AsyncGenerator<StreamPart> {
  const parser = new NdjsonParser();
  const converter = new OllamaStreamConverter(context.upstreamModel);
  let ended = false; // an error or done part has been yielded
  let sawDone = false;
  // Not destroyed on an early return: after the done line the rest of the body is drained so the socket is reused.
  const body = response.body.iterator({ destroyOnReturn: false }) as AsyncIterableIterator<Buffer>;
  try {
    while (!ended) {
      const next = await body.next();
      const items = next.done ? parser.end() : parser.push(next.value);
      for (const part of toParts(context, converter, items)) {
        ended = part.type !== 'chunk';
        if (part.type === 'done') sawDone = true;
        yield part;
      }
      if (next.done && !ended) {
        ended = true;
        yield { type: 'error', error: ollamaProtocolError(context.providerId, 'a stream that ended before its final (done) line', true) };
      }
    }
  } catch (error) {
    if (!ended) {
      ended = true;
      yield { type: 'error', error: streamFailure(context, error) };
    }
  } finally {
    response.body.release(sawDone);
  }
}

function* toParts(context: OllamaStreamContext, converter: OllamaStreamConverter, items: NdjsonItem[]): Generator<StreamPart> {
  for (const item of items) {
    if (!item.ok) {
      yield { type: 'error', error: ollamaProtocolError(context.providerId, 'a stream line that is not JSON') };
      return;
    }
    const record = item.value;
    if (typeof record === 'object' && record !== null && typeof (record as { error?: unknown }).error === 'string') {
      yield { type: 'error', error: ollamaInBandError(context.providerId, (record as { error: string }).error) };
      return;
    }
    const line = ollamaChatResponseSchema.safeParse(record);
    if (!line.success) {
      yield { type: 'error', error: ollamaProtocolError(context.providerId, 'a stream line that is not a chat response') };
      return;
    }
    for (const chunk of converter.convert(line.data)) yield { type: 'chunk', chunk };
    if (line.data.done) {
      // the done line carries the load/eval durations; the ledger keeps them as local compute time
      yield { type: 'done', metrics: toMetrics(line.data) };
      return;
    }
  }
}

function streamFailure(context: OllamaStreamContext, error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  if (error instanceof NdjsonLineTooLongError) return ollamaProtocolError(context.providerId, `a stream line longer than the limit (${error.message})`);
  return networkError(context.providerId, context.baseUrl, error, context.signal);
}
