// Writes a gated stream to the client in its dialect: the head the first-chunk gate held back leaves in one write
// with the response headers, then each part as it comes. The dialect's encoder only turns parts into frames; what
// every dialect needs is here once — the summary the ledger reads, backpressure, and the end: a `done` part ends
// the answer with the dialect's terminator, an `error` part with one in-band error frame and nothing after it, so
// a client can never mistake a truncated answer for a complete one.
import type { ChatCompletionChunk, Usage } from '../../../shared/openai-types.js';
import type { AnswerSink } from '../http/answer-sink.js';
import { StreamOutput } from '../http/backpressure.js';
import type { ProviderError } from '../providers/errors.js';
import type { StreamPart, UpstreamMetrics } from '../providers/types.js';

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

/**
 * A dialect's frames for one part. A chunk's frames may be '' (nothing to send for it); a `done` part's are the
 * dialect's terminator and an `error` part's its in-band error, each written as the answer's end.
 */
export type StreamEncoder = (part: StreamPart, summary: StreamSummary) => string;

export async function writeStream(
  sink: AnswerSink,
  head: readonly StreamPart[],
  rest: AsyncIterator<StreamPart>,
  encode: StreamEncoder,
  signal: AbortSignal,
): Promise<StreamSummary> {
  const summary: StreamSummary = { status: 'ok', usage: undefined, finishReason: undefined, error: undefined, chunks: 0 };
  const output = new StreamOutput(sink);
  /** false once the answer has ended or the client has gone */
  const emit = (part: StreamPart): Promise<boolean> | boolean => {
    if (part.type === 'chunk') {
      noteChunk(summary, part.chunk);
      const frames = encode(part, summary);
      if (frames === '') return true;
      summary.chunks += 1;
      return output.write(frames);
    }
    if (part.type === 'error') {
      summary.status = 'error';
      summary.error = part.error;
    } else {
      summary.metrics = part.metrics;
    }
    output.end(encode(part, summary));
    return false;
  };
  try {
    for (const part of head) if (!(await emit(part))) return finish(summary, sink, signal);
    if (!(await output.release())) return finish(summary, sink, signal);
    for (;;) {
      const next = await rest.next();
      if (next.done) break;
      // awaited only when the write has to wait for 'drain': an await of a plain boolean still costs a turn of the
      // microtask queue, once per event
      const written = emit(next.value);
      if (!(written === true || (written !== false && (await written)))) return finish(summary, sink, signal);
    }
  } finally {
    summary.endedAt = await output.done();
    await rest.return?.();
  }
  return finish(summary, sink, signal);
}

function finish(summary: StreamSummary, sink: AnswerSink, signal: AbortSignal): StreamSummary {
  if (signal.aborted || (!sink.writableEnded && sink.destroyed)) summary.status = 'cancelled';
  if (!sink.writableEnded) sink.end();
  return summary;
}

/** What the writer notes about each chunk it passes on, whatever the dialect. */
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
    const calls = delta.tool_calls;
    if (calls) {
      for (const call of calls) {
        if (call.function?.name) pieces.push(call.function.name);
        if (call.function?.arguments) pieces.push(call.function.arguments);
      }
    }
    for (let index = before; index < pieces.length; index += 1)
      summary.deliveredCharacters = (summary.deliveredCharacters ?? 0) + (pieces[index] as string).length;
  }
}
