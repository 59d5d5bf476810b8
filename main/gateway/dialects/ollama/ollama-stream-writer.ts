// Ollama's streamed answer: NDJSON, one object a line, `done: false` while content comes, then one final object
// with `done: true`, done_reason, token counts and durations. OpenAI streams a tool call in pieces; Ollama sends
// each call whole with its arguments as an object, so pieces are gathered and sent when the choice finishes.
// After the first line a failure is one `{"error": "..."}` line and nothing after it.
import type { ChatCompletionChunk } from '../../../../shared/openai-types.js';
import type { AnswerSink } from '../../http/answer-sink.js';
import { writeStream, type StreamEncoder, type StreamSummary } from '../../pipeline/stream-writer.js';
import type { StreamPart } from '../../providers/types.js';
import { ollamaErrorLine } from './ollama-errors.js';
import { answerHead, doneReason, finalCounters, parseArguments, type AnswerKind, type OllamaToolCallOut } from './to-ollama-response.js';

export interface OllamaStreamOptions {
  readonly kind: AnswerKind;
  /** the model name as the client sent it */
  readonly model: string;
  readonly startedAt: number;
  readonly signal: AbortSignal;
}

export function writeOllamaStream(
  sink: AnswerSink,
  head: readonly StreamPart[],
  rest: AsyncIterator<StreamPart>,
  options: OllamaStreamOptions,
): Promise<StreamSummary> {
  return writeStream(sink, head, rest, ollamaLines(options), options.signal);
}

export function ollamaLines(options: Omit<OllamaStreamOptions, 'signal'>): StreamEncoder {
  const calls = new Map<number, { id: string | undefined; name: string; arguments: string }>();
  let sent = 0;
  let firstTokenAt: number | undefined;
  const line = (value: unknown): string => `${JSON.stringify(value)}\n`;
  const flushCalls = (): OllamaToolCallOut[] => {
    const out = [...calls.entries()]
      .sort(([left], [right]) => left - right)
      .map(([, call]) => ({ ...(call.id ? { id: call.id } : {}), function: { index: sent++, name: call.name, arguments: parseArguments(call.arguments) } }));
    calls.clear();
    return out;
  };
  return (part, summary) => {
    if (part.type === 'error') return ollamaErrorLine(part.error);
    if (part.type === 'done') {
      const pending = calls.size > 0 ? line({ ...answerHead(options.kind, options.model, '', undefined, flushCalls()), done: false }) : '';
      const counters = finalCounters(summary.usage, { startedAt: options.startedAt, firstTokenAt, metrics: part.metrics });
      return `${pending}${line({ ...answerHead(options.kind, options.model, '', undefined, []), done: true, done_reason: doneReason(summary.finishReason), ...counters })}`;
    }
    const { content, thinking, finished } = gather(part.chunk, calls);
    const toolCalls = finished && calls.size > 0 ? flushCalls() : [];
    if (content === '' && thinking === '' && toolCalls.length === 0) return '';
    firstTokenAt ??= performance.now();
    return line({ ...answerHead(options.kind, options.model, content, thinking || undefined, toolCalls), done: false });
  };
}

function gather(
  chunk: ChatCompletionChunk,
  calls: Map<number, { id: string | undefined; name: string; arguments: string }>,
): { content: string; thinking: string; finished: boolean } {
  let content = '';
  let thinking = '';
  let finished = false;
  for (const choice of chunk.choices) {
    if (choice.index !== 0) continue; // Ollama has one answer per request
    const delta = choice.delta;
    if (typeof delta.content === 'string') content += delta.content;
    if (typeof delta.reasoning_content === 'string') thinking += delta.reasoning_content;
    for (const piece of delta.tool_calls ?? []) {
      const call = calls.get(piece.index) ?? { id: undefined, name: '', arguments: '' };
      if (piece.id) call.id = piece.id;
      if (piece.function?.name) call.name += piece.function.name;
      if (piece.function?.arguments) call.arguments += piece.function.arguments;
      calls.set(piece.index, call);
    }
    if (choice.finish_reason) finished = true;
  }
  return { content, thinking, finished };
}
