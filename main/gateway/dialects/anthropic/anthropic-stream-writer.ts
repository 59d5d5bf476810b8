// Messages-dialect stream frames. When the upstream was Anthropic and the call native, its own SSE frames go out as
// they came (every part carries them); otherwise the OpenAI chunks are translated into Anthropic events. Either
// way, a failure after the first byte is one `event: error` and the end: no message_stop.
import { redactSecrets } from '../../../../shared/redact.js';
import type { AnswerSink } from '../../http/answer-sink.js';
import { writeStream, type StreamEncoder, type StreamSummary } from '../../pipeline/stream-writer.js';
import type { ProviderError } from '../../providers/errors.js';
import type { StreamPart } from '../../providers/types.js';
import { anthropicErrorFrame } from './anthropic-errors.js';
import { AnthropicEventTranslator, eventFrame } from './stream-events.js';

export interface AnthropicStreamOptions {
  readonly messageId: string;
  /** the model the client asked for, shown in message_start of a translated stream */
  readonly model: string;
  readonly signal: AbortSignal;
}

export function writeAnthropicStream(
  sink: AnswerSink,
  head: readonly StreamPart[],
  rest: AsyncIterator<StreamPart>,
  options: AnthropicStreamOptions,
): Promise<StreamSummary> {
  const native = head[0]?.nativeFrames !== undefined;
  return writeStream(sink, head, rest, native ? nativeFrames : translatedFrames(options), options.signal);
}

const nativeFrames: StreamEncoder = (part) => (part.type === 'error' ? errorFrames(part.nativeFrames, part.error) : (part.nativeFrames ?? []).join(''));

function translatedFrames(options: AnthropicStreamOptions): StreamEncoder {
  const translator = new AnthropicEventTranslator(options.messageId, options.model);
  let started = false;
  return (part) => {
    let text = '';
    if (!started) text += translator.start().map(eventFrame).join('');
    started = true;
    if (part.type === 'error') return text + anthropicErrorFrame(part.error);
    if (part.type === 'done') return text + translator.finish().map(eventFrame).join('');
    return text + translator.chunk(part.chunk).map(eventFrame).join('');
  };
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
