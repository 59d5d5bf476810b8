// Writes a gated stream to an OpenAI-dialect client as SSE. Upstream chunks go out byte for byte when the
// upstream spoke OpenAI; the usage chunk the gateway asked for on its own is kept back from a client that did not
// ask. After the first byte, an upstream failure becomes one in-band error event and the stream ends without
// [DONE], so the client can never mistake a truncated answer for a complete one.
import type { ServerResponse } from 'node:http';
import type { ChatCompletionChunk, Usage } from '../../../../shared/openai-types.js';
import type { ProviderError } from '../../providers/errors.js';
import type { StreamPart, UpstreamMetrics } from '../../providers/types.js';
import { openAIErrorBody } from '../../http/errors.js';
import { StreamOutput } from '../../http/backpressure.js';

export interface StreamSummary {
  /** 'ok' when the upstream's terminator arrived and was delivered */
  status: 'ok' | 'error' | 'cancelled';
  usage: Usage | undefined;
  finishReason: string | undefined;
  /** the provider's own finish reason, where the adapter kept it (choices[].native_finish_reason) */
  nativeFinishReason?: string | undefined;
  error: ProviderError | undefined;
  chunks: number;
  /** characters of text and reasoning delivered, to estimate tokens when the provider reports none */
  deliveredCharacters?: number;
  /** the delivered text itself, in pieces, for the tokenizer when the provider reports no usage */
  deliveredText?: string[];
  /** compute timings the provider reported with its end marker (Ollama) */
  metrics?: UpstreamMetrics | undefined;
  /** performance.now() when the writer was done with the answer (its end written, or the client gone) */
  endedAt?: number;
}

/** What a stream writer notes about each chunk it passes on; both dialects' writers use it. */
export function noteChunk(summary: StreamSummary, chunk: ChatCompletionChunk): void {
  if (chunk.usage) summary.usage = chunk.usage;
  for (const choice of chunk.choices) {
    if (choice.finish_reason) summary.finishReason = choice.finish_reason;
    const native = choice['native_finish_reason'];
    if (typeof native === 'string') summary.nativeFinishReason = native;
    const delta = choice.delta;
    if (!delta) continue;
    const pieces = (summary.deliveredText ??= []);
    const before = pieces.length;
    if (typeof delta.content === 'string' && delta.content.length > 0) pieces.push(delta.content);
    if (typeof delta.reasoning_content === 'string' && delta.reasoning_content.length > 0) pieces.push(delta.reasoning_content);
    for (const call of delta.tool_calls ?? []) {
      if (call.function?.name) pieces.push(call.function.name);
      if (call.function?.arguments) pieces.push(call.function.arguments);
    }
    for (let index = before; index < pieces.length; index += 1) summary.deliveredCharacters = (summary.deliveredCharacters ?? 0) + (pieces[index] as string).length;
  }
}

const doneFrame = 'data: [DONE]\n\n';

export async function writeOpenAIStream(
  response: ServerResponse,
  head: readonly StreamPart[],
  rest: AsyncIterator<StreamPart>,
  options: {
    readonly clientWantsUsage: boolean;
    readonly signal: AbortSignal;
    /** adds `cost` (and anything else the gateway knows) to the usage chunk a client asked for */
    readonly decorateUsage?: (usage: Usage) => Usage;
  },
): Promise<StreamSummary> {
  const summary: StreamSummary = { status: 'ok', usage: undefined, finishReason: undefined, error: undefined, chunks: 0 };
  const output = new StreamOutput(response);
  const emit = async (part: StreamPart): Promise<boolean> => {
    if (part.type === 'done') {
      summary.metrics = part.metrics;
      output.end(doneFrame);
      return false;
    }
    if (part.type === 'error') {
      summary.status = 'error';
      summary.error = part.error;
      output.end(`data: ${JSON.stringify(openAIErrorBody(part.error))}\n\n`);
      return false;
    }
    const frame = chunkFrame(part.chunk, part.raw, options, summary);
    if (frame === undefined) return true;
    summary.chunks += 1;
    return output.write(frame);
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

function finish(summary: StreamSummary, response: ServerResponse, signal: AbortSignal): StreamSummary {
  if (signal.aborted || (!response.writableEnded && response.destroyed)) summary.status = 'cancelled';
  if (!response.writableEnded) response.end();
  return summary;
}

function chunkFrame(
  chunk: ChatCompletionChunk,
  raw: string | undefined,
  options: { readonly clientWantsUsage: boolean; readonly decorateUsage?: (usage: Usage) => Usage },
  summary: StreamSummary,
): string | undefined {
  noteChunk(summary, chunk);
  if (chunk.usage && !options.clientWantsUsage) {
    if (chunk.choices.length === 0) return undefined; // the usage-only chunk the gateway added
    const { usage: _usage, ...withoutUsage } = chunk;
    return `data: ${JSON.stringify(withoutUsage)}\n\n`;
  }
  if (chunk.usage && options.decorateUsage) return `data: ${JSON.stringify({ ...chunk, usage: options.decorateUsage(chunk.usage) })}\n\n`;
  return `data: ${raw ?? JSON.stringify(chunk)}\n\n`;
}
