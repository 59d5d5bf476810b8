// Reads Anthropic's SSE body into StreamParts. `message_stop` is the terminator: after it comes a `done` part; an
// `event: error`, an event that is not JSON, a stream that ends before message_stop and a network failure each
// become one `error` part. `ping` events are liveness only and never become chunks. Nothing is thrown. In a native
// (passthrough) call every part also carries the SSE frames read since the previous part, so a Messages-dialect
// client can be sent the upstream's events as they came (pings and stops included).
import { SseLineTooLongError, SseParser, type SseEvent } from '../../../../shared/sse-parser.js';
import { ProviderError, networkError } from '../errors.js';
import type { UpstreamResponse } from '../http.js';
import type { StreamPart } from '../types.js';
import { anthropicErrorBodySchema, anthropicStreamEventSchema } from './anthropic-api.js';
import { anthropicInBandError, anthropicProtocolError } from './anthropic-error.js';
import { AnthropicStreamConverter } from './convert-stream.js';

export interface AnthropicStreamContext {
  readonly providerId: string;
  readonly baseUrl: string;
  readonly upstreamModel: string;
  readonly jsonTool: boolean;
  readonly signal: AbortSignal;
  /** attach each event's frame to the parts (passthrough) */
  readonly native?: boolean;
}

/** Frames read but not yet handed out with a part. */
interface PendingFrames {
  frames: string[];
}

export async function* readAnthropicStream(context: AnthropicStreamContext, response: UpstreamResponse): AsyncGenerator<StreamPart> {
  const parser = new SseParser();
  const converter = new AnthropicStreamConverter(context.upstreamModel, context.jsonTool);
  const pending: PendingFrames = { frames: [] };
  const withFrames = (part: StreamPart): StreamPart => {
    if (!context.native) return part;
    const nativeFrames = pending.frames;
    pending.frames = [];
    return { ...part, nativeFrames };
  };
  let ended = false; // a done or error part has been yielded
  let finished = false; // message_stop arrived, so the rest of the body may be drained for reuse
  const body = response.body.iterator({ destroyOnReturn: false }) as AsyncIterableIterator<Buffer>;
  try {
    while (!ended) {
      const next = await body.next();
      const events = next.done ? parser.end() : parser.push(next.value);
      for (const part of toParts(context, converter, events, pending)) {
        ended = part.type !== 'chunk';
        finished ||= part.type === 'done';
        yield withFrames(part);
        if (ended) break;
      }
      if (next.done && !ended) {
        ended = true;
        yield withFrames({ type: 'error', error: anthropicProtocolError(context.providerId, 'a stream that ended before message_stop', true) });
      }
    }
  } catch (error) {
    if (!ended) {
      ended = true;
      yield withFrames({ type: 'error', error: streamFailure(context, error) });
    }
  } finally {
    response.body.release(finished);
  }
}

function* toParts(context: AnthropicStreamContext, converter: AnthropicStreamConverter, events: SseEvent[], pending: PendingFrames): Generator<StreamPart> {
  for (const event of events) {
    if (context.native) pending.frames.push(sseFrameOf(event));
    let value: unknown;
    try {
      value = JSON.parse(event.data);
    } catch {
      yield { type: 'error', error: anthropicProtocolError(context.providerId, `a stream event (${event.event}) that is not JSON`) };
      return;
    }
    const errorBody = anthropicErrorBodySchema.safeParse(value);
    if (errorBody.success) {
      yield { type: 'error', error: anthropicInBandError(context.providerId, errorBody.data) };
      return;
    }
    const parsed = anthropicStreamEventSchema.safeParse(value);
    if (!parsed.success) {
      // event types newer than this adapter are skipped; a known type in the wrong shape is a protocol error
      const type = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
      if (typeof type === 'string' && !knownEventTypes.has(type)) continue;
      if (type === 'content_block_delta' && isNewerDelta(value)) continue;
      yield { type: 'error', error: anthropicProtocolError(context.providerId, `a malformed ${String(type ?? event.event)} event`) };
      return;
    }
    for (const chunk of converter.convert(parsed.data)) yield { type: 'chunk', chunk };
    if (parsed.data.type === 'message_stop') {
      yield { type: 'done' };
      return;
    }
  }
}

const knownEventTypes = new Set([
  'message_start',
  'content_block_start',
  'content_block_delta',
  'content_block_stop',
  'message_delta',
  'message_stop',
  'ping',
  'error',
]);

const knownDeltaTypes = new Set(['text_delta', 'input_json_delta', 'thinking_delta', 'signature_delta', 'citations_delta']);

function isNewerDelta(value: unknown): boolean {
  const delta = (value as { delta?: unknown }).delta;
  const type = typeof delta === 'object' && delta !== null ? (delta as { type?: unknown }).type : undefined;
  return typeof type === 'string' && !knownDeltaTypes.has(type);
}

/** The event as Anthropic frames it (`event:` then `data:` lines); the parser has already dropped comments. */
export function sseFrameOf(event: SseEvent): string {
  const name = event.event === 'message' ? '' : `event: ${event.event}\n`;
  return `${name}${event.data
    .split('\n')
    .map((line) => `data: ${line}\n`)
    .join('')}\n`;
}

function streamFailure(context: AnthropicStreamContext, error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  if (error instanceof SseLineTooLongError) return anthropicProtocolError(context.providerId, `a stream line longer than the limit (${error.message})`);
  return networkError(context.providerId, context.baseUrl, error, context.signal);
}
