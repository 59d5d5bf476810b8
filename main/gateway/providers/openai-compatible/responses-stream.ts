// Reads a Responses API SSE body (POST /v1/responses, stream: true) into StreamParts for a passthrough call. Every
// part carries the upstream's SSE frames read since the previous part (nativeFrames), so the gateway can forward the
// events unchanged, and a chat-shaped chunk for its gate, metering and ledger. Frames of events that mean nothing
// for chat (response.created, content_part.*, *.done) wait for the next part: the first part is always content, a
// terminal event or an error, so `response.created` alone never opens the first-chunk gate. response.completed and
// response.incomplete end with the finish chunk and a `done` part; response.failed, an `error` event, an event that is
// not JSON, a stream that ends before a terminal event and a network failure each become one `error` part.
import { SseLineTooLongError, SseParser, type SseEvent } from '../../../../shared/sse-parser.js';
import { ProviderError, networkError } from '../errors.js';
import type { UpstreamResponse } from '../http.js';
import type { StreamPart } from '../types.js';
import { ResponsesStreamConverter, asRecord } from './responses-convert.js';
import { errorEventFields, responseErrorFields, responsesStreamError } from './responses-error.js';

export async function* readResponsesStream(
  providerId: string,
  baseUrl: string,
  response: UpstreamResponse,
  signal: AbortSignal,
  upstreamModel = '',
): AsyncGenerator<StreamPart> {
  const parser = new SseParser();
  const converter = new ResponsesStreamConverter(upstreamModel);
  let pending: string[] = [];
  const withFrames = (part: StreamPart): StreamPart => {
    const nativeFrames = pending;
    pending = [];
    return { ...part, nativeFrames };
  };
  let ended = false; // a done or error part has been yielded
  let finished = false; // the terminal event arrived, so the rest of the body may be drained for reuse
  const body = response.body.iterator({ destroyOnReturn: false });
  try {
    while (!ended) {
      const next = await body.next();
      const events = next.done ? parser.end() : parser.push(next.value);
      for (const event of events) {
        pending.push(sseFrame(event));
        for (const part of toParts(providerId, converter, event)) {
          ended = part.type !== 'chunk';
          finished ||= part.type === 'done';
          yield withFrames(part);
        }
        if (ended) break;
      }
      if (next.done && !ended) {
        ended = true;
        yield withFrames({ type: 'error', error: protocolError(providerId, 'ended the stream before response.completed', true) });
      }
    }
  } catch (error) {
    if (!ended) {
      ended = true;
      yield withFrames({ type: 'error', error: streamFailure(providerId, baseUrl, error, signal) });
    }
  } finally {
    response.body.release(finished);
  }
}

function toParts(providerId: string, converter: ResponsesStreamConverter, event: SseEvent): StreamPart[] {
  // some OpenAI-compatible servers end a Responses stream with chat's [DONE]; by itself it is no terminal event
  if (event.data === '[DONE]') return [{ type: 'error', error: protocolError(providerId, 'ended the stream before response.completed', true) }];
  let value: unknown;
  try {
    value = JSON.parse(event.data);
  } catch {
    return [{ type: 'error', error: protocolError(providerId, `sent a stream event (${event.event}) that is not JSON`, false) }];
  }
  const record = asRecord(value);
  const converted = converter.convert(record);
  const parts: StreamPart[] = converted.chunks.map((chunk) => ({ type: 'chunk', chunk }));
  switch (converted.terminal) {
    case 'done':
      parts.push({ type: 'done' });
      break;
    case 'failed':
      parts.push({ type: 'error', error: responsesStreamError(providerId, responseErrorFields(asRecord(record['response']))) });
      break;
    case 'error':
      parts.push({ type: 'error', error: responsesStreamError(providerId, errorEventFields(record)) });
      break;
  }
  return parts;
}

/** The event as the upstream framed it (`event:` then `data:` lines, then a blank line); the parser drops comments. */
function sseFrame(event: SseEvent): string {
  const name = event.event === 'message' ? '' : `event: ${event.event}\n`;
  const data = event.data.includes('\n')
    ? event.data
        .split('\n')
        .map((line) => `data: ${line}\n`)
        .join('')
    : `data: ${event.data}\n`;
  return `${name}${data}\n`;
}

function protocolError(providerId: string, what: string, retryable: boolean): ProviderError {
  return new ProviderError({ kind: 'protocol', errorClass: 'protocol', status: 502, message: `provider '${providerId}' ${what}`, providerId, retryable });
}

function streamFailure(providerId: string, baseUrl: string, error: unknown, signal: AbortSignal): ProviderError {
  if (error instanceof ProviderError) return error;
  if (error instanceof SseLineTooLongError) return protocolError(providerId, `sent a stream line longer than the limit (${error.message})`, false);
  return networkError(providerId, baseUrl, error, signal);
}
