// Reads Gemini's streamGenerateContent?alt=sse body into StreamParts. Frames are `data: {GenerateContentResponse}`
// with no [DONE]: the frame that finishes the last candidate is the terminator. A body that ends before it, an
// `{"error":…}` frame, a frame that is not JSON and a network failure each become one `error` part; nothing is
// thrown out of the iterator. In a native (passthrough) call each part also carries the frames' JSON read since the
// previous part (nativeFrames), so a Gemini-dialect client gets the upstream's elements unchanged.
import { SseLineTooLongError, SseParser, type SseEvent } from '../../../../shared/sse-parser.js';
import { ProviderError, networkError } from '../errors.js';
import type { UpstreamResponse } from '../http.js';
import type { StreamPart } from '../types.js';
import { GeminiStreamConverter } from './convert-stream.js';
import { geminiResponseSchema, googleStatusSchema } from './gemini-api.js';
import { geminiInBandError, geminiProtocolError } from './gemini-error.js';

export interface GeminiStreamContext {
  readonly providerId: string;
  readonly baseUrl: string;
  readonly upstreamModel: string;
  readonly expectedCandidates: number;
  readonly apiKey: string | undefined;
  readonly signal: AbortSignal;
  /** keep each frame's JSON text on the parts (passthrough) */
  readonly native?: boolean;
}

export async function* readGeminiStream(context: GeminiStreamContext, response: UpstreamResponse): AsyncGenerator<StreamPart> {
  const parser = new SseParser();
  const converter = new GeminiStreamConverter(context.upstreamModel, context.expectedCandidates);
  const pending: string[] = [];
  const withFrames = (part: StreamPart): StreamPart => (context.native ? { ...part, nativeFrames: pending.splice(0) } : part);
  let ended = false; // an error or done part has been yielded
  let sawDone = false;
  // Not destroyed on an early return: after the terminator the rest of the body is drained so the socket is reused.
  const body = response.body.iterator({ destroyOnReturn: false }) as AsyncIterableIterator<Buffer>;
  try {
    while (!ended) {
      const next = await body.next();
      const events = next.done ? parser.end() : parser.push(next.value);
      for (const part of toParts(context, converter, events, context.native ? pending : undefined)) {
        ended = part.type !== 'chunk';
        if (part.type === 'done') sawDone = true;
        yield withFrames(part);
        if (ended) break;
      }
      if (next.done && !ended) {
        ended = true;
        const late = converter.finishAtEnd();
        if (late) {
          for (const chunk of late) yield withFrames({ type: 'chunk', chunk });
          yield withFrames({ type: 'done' });
        } else {
          yield withFrames({
            type: 'error',
            error: geminiProtocolError(context.providerId, 'a stream that ended before every candidate had a finishReason', true),
          });
        }
      }
    }
  } catch (error) {
    if (!ended) {
      ended = true;
      yield withFrames({ type: 'error', error: streamFailure(context, error) });
    }
  } finally {
    response.body.release(sawDone);
  }
}

function* toParts(context: GeminiStreamContext, converter: GeminiStreamConverter, events: SseEvent[], frames: string[] | undefined): Generator<StreamPart> {
  for (const event of events) {
    if (event.data.trim() === '') continue;
    frames?.push(event.data);
    let value: unknown;
    try {
      value = JSON.parse(event.data);
    } catch {
      yield { type: 'error', error: geminiProtocolError(context.providerId, 'a stream frame that is not JSON') };
      return;
    }
    const record = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
    if (record['error'] !== undefined) {
      const error = googleStatusSchema.safeParse(record['error']);
      yield {
        type: 'error',
        error: geminiInBandError(context.providerId, error.success ? error.data : { message: 'Gemini reported an error' }, context.apiKey),
      };
      return;
    }
    const frame = geminiResponseSchema.safeParse(value);
    if (!frame.success) {
      yield { type: 'error', error: geminiProtocolError(context.providerId, 'a stream frame that is not a GenerateContentResponse') };
      return;
    }
    const converted = converter.convert(frame.data);
    for (const chunk of converted.chunks) yield { type: 'chunk', chunk };
    if (converted.done) {
      yield { type: 'done' };
      return;
    }
  }
}

function streamFailure(context: GeminiStreamContext, error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  if (error instanceof SseLineTooLongError) return geminiProtocolError(context.providerId, `a stream line longer than the limit (${error.message})`);
  return networkError(context.providerId, context.baseUrl, error, context.signal);
}
