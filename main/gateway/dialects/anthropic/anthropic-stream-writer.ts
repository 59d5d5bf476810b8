// Writes a gated stream to a Messages-dialect client. When the upstream was Anthropic and the call native, its own
// SSE frames go out as they came (every part carries them); otherwise the OpenAI chunks are translated into
// Anthropic events. Either way, a failure after the first byte is one `event: error` and the end: no message_stop,
// so the client can never mistake a cut-off answer for a complete one.
import type { ServerResponse } from 'node:http';
import { redactSecrets } from '../../../../shared/redact.js';
import type { ProviderError } from '../../providers/errors.js';
import type { StreamPart } from '../../providers/types.js';
import { StreamOutput } from '../../http/backpressure.js';
import { noteChunk, type StreamSummary } from '../openai/chat-stream-writer.js';
import { anthropicErrorFrame } from './anthropic-errors.js';
import { AnthropicEventTranslator, eventFrame } from './stream-events.js';

export interface AnthropicStreamOptions {
  readonly messageId: string;
  /** the model the client asked for, shown in message_start of a translated stream */
  readonly model: string;
  readonly signal: AbortSignal;
}

export async function writeAnthropicStream(response: ServerResponse, head: readonly StreamPart[], rest: AsyncIterator<StreamPart>, options: AnthropicStreamOptions): Promise<StreamSummary> {
  const summary: StreamSummary = { status: 'ok', usage: undefined, finishReason: undefined, error: undefined, chunks: 0 };
  const native = head[0]?.nativeFrames !== undefined;
  const translator = native ? undefined : new AnthropicEventTranslator(options.messageId, options.model);
  let started = false;
  const output = new StreamOutput(response);

  const emit = async (part: StreamPart): Promise<boolean> => {
    let text = '';
    if (translator && !started) text += translator.start().map(eventFrame).join('');
    started = true;
    if (part.type === 'error') {
      summary.status = 'error';
      summary.error = part.error;
      output.end(text + errorFrames(part.nativeFrames, part.error));
      return false;
    }
    if (part.type === 'done') {
      summary.metrics = part.metrics;
      output.end(text + (translator ? translator.finish().map(eventFrame).join('') : (part.nativeFrames ?? []).join('')));
      return false;
    }
    noteChunk(summary, part.chunk);
    summary.chunks += 1;
    text += translator ? translator.chunk(part.chunk).map(eventFrame).join('') : (part.nativeFrames ?? []).join('');
    return text === '' ? true : output.write(text);
  };

  try {
    for (const part of head) if (!(await emit(part))) return finish(summary, response, options.signal);
    if (!(await output.release())) return finish(summary, response, options.signal);
    for (;;) {
      const next = await rest.next();
      if (next.done) break;
      if (!(await emit(next.value))) return finish(summary, response, options.signal);
    }
  } finally {
    summary.endedAt = await output.done();
    await rest.return?.();
  }
  return finish(summary, response, options.signal);
}

/**
 * The upstream's frames up to its own `event: error` (masked, like every upstream error text), or ours when the
 * failure was not the upstream's to report (a timeout, a cut connection, a stream that ended early).
 */
function errorFrames(frames: readonly string[] | undefined, error: ProviderError): string {
  const last = frames?.at(-1);
  if (last?.startsWith('event: error\n')) return (frames ?? []).slice(0, -1).join('') + redactSecrets(last);
  return (frames ?? []).join('') + anthropicErrorFrame(error);
}

function finish(summary: StreamSummary, response: ServerResponse, signal: AbortSignal): StreamSummary {
  if (signal.aborted || (!response.writableEnded && response.destroyed)) summary.status = 'cancelled';
  if (!response.writableEnded) response.end();
  return summary;
}
