// Writes a gated stream to an OpenAI-dialect client as SSE. Upstream chunks go out byte for byte when the
// upstream spoke OpenAI; the usage chunk the gateway asked for on its own is kept back from a client that did not
// ask. After the first byte, an upstream failure becomes one in-band error event and the stream ends without
// [DONE], so the client can never mistake a truncated answer for a complete one.
import type { ServerResponse } from 'node:http';
import type { ChatCompletionChunk, Usage } from '../../../shared/openai-types.js';
import type { ProviderError } from '../providers/errors.js';
import type { StreamPart } from '../providers/types.js';
import { openAIErrorBody } from './errors.js';
import { writeWithBackpressure } from './backpressure.js';

export interface StreamSummary {
  /** 'ok' when the upstream's terminator arrived and was delivered */
  status: 'ok' | 'error' | 'cancelled';
  usage: Usage | undefined;
  finishReason: string | undefined;
  error: ProviderError | undefined;
  chunks: number;
}

const doneFrame = 'data: [DONE]\n\n';

export async function writeOpenAIStream(
  response: ServerResponse,
  head: readonly StreamPart[],
  rest: AsyncIterator<StreamPart>,
  options: { readonly clientWantsUsage: boolean; readonly signal: AbortSignal },
): Promise<StreamSummary> {
  const summary: StreamSummary = { status: 'ok', usage: undefined, finishReason: undefined, error: undefined, chunks: 0 };
  const emit = async (part: StreamPart): Promise<boolean> => {
    if (part.type === 'done') {
      response.end(doneFrame);
      return false;
    }
    if (part.type === 'error') {
      summary.status = 'error';
      summary.error = part.error;
      response.end(`data: ${JSON.stringify(openAIErrorBody(part.error))}\n\n`);
      return false;
    }
    const frame = chunkFrame(part.chunk, part.raw, options.clientWantsUsage, summary);
    if (frame === undefined) return true;
    summary.chunks += 1;
    return writeWithBackpressure(response, frame);
  };
  try {
    for (const part of head) if (!(await emit(part))) return finish(summary, response, options.signal);
    for (;;) {
      const next = await rest.next();
      if (next.done) break;
      if (!(await emit(next.value))) return finish(summary, response, options.signal);
    }
  } finally {
    await rest.return?.();
  }
  return finish(summary, response, options.signal);
}

function finish(summary: StreamSummary, response: ServerResponse, signal: AbortSignal): StreamSummary {
  if (signal.aborted || (!response.writableEnded && response.destroyed)) summary.status = 'cancelled';
  if (!response.writableEnded) response.end();
  return summary;
}

function chunkFrame(chunk: ChatCompletionChunk, raw: string | undefined, clientWantsUsage: boolean, summary: StreamSummary): string | undefined {
  if (chunk.usage) summary.usage = chunk.usage;
  for (const choice of chunk.choices) if (choice.finish_reason) summary.finishReason = choice.finish_reason;
  if (chunk.usage && !clientWantsUsage) {
    if (chunk.choices.length === 0) return undefined; // the usage-only chunk the gateway added
    const { usage: _usage, ...withoutUsage } = chunk;
    return `data: ${JSON.stringify(withoutUsage)}\n\n`;
  }
  return `data: ${raw ?? JSON.stringify(chunk)}\n\n`;
}
