// Chat-completions stream frames. Upstream chunks go out byte for byte when the upstream spoke OpenAI; the usage
// chunk the gateway asked for on its own is kept back from a client that did not ask. The end is `data: [DONE]`;
// after the first byte an upstream failure is one in-band error event and no [DONE].
import type { ChatCompletionChunk, Usage } from '../../../../shared/openai-types.js';
import type { AnswerSink } from '../../http/answer-sink.js';
import { openAIErrorBody } from '../../http/errors.js';
import { writeStream, type StreamEncoder, type StreamSummary } from '../../pipeline/stream-writer.js';
import type { StreamPart } from '../../providers/types.js';

export type { StreamSummary } from '../../pipeline/stream-writer.js';

export interface ChatStreamOptions {
  readonly clientWantsUsage: boolean;
  readonly signal: AbortSignal;
  /** adds `cost` (and anything else the gateway knows) to the usage chunk a client asked for */
  readonly decorateUsage?: ((usage: Usage) => Usage) | undefined;
}

const doneFrame = 'data: [DONE]\n\n';

export function writeOpenAIStream(
  sink: AnswerSink,
  head: readonly StreamPart[],
  rest: AsyncIterator<StreamPart>,
  options: ChatStreamOptions,
): Promise<StreamSummary> {
  return writeStream(sink, head, rest, chatFrames(options), options.signal);
}

export function chatFrames(options: Omit<ChatStreamOptions, 'signal'>): StreamEncoder {
  return (part) => {
    if (part.type === 'done') return doneFrame;
    if (part.type === 'error') return `data: ${JSON.stringify(openAIErrorBody(part.error))}\n\n`;
    return chunkFrame(part.chunk, part.raw, options);
  };
}

function chunkFrame(chunk: ChatCompletionChunk, raw: string | undefined, options: Omit<ChatStreamOptions, 'signal'>): string {
  if (chunk.usage && !options.clientWantsUsage) {
    if (chunk.choices.length === 0) return ''; // the usage-only chunk the gateway added
    const { usage: _usage, ...withoutUsage } = chunk;
    return `data: ${JSON.stringify(withoutUsage)}\n\n`;
  }
  if (chunk.usage && options.decorateUsage) return `data: ${JSON.stringify({ ...chunk, usage: options.decorateUsage(chunk.usage) })}\n\n`;
  return `data: ${raw ?? JSON.stringify(chunk)}\n\n`;
}
