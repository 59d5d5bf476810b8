// Canonical answers → Ollama's answer objects: a whole /api/chat or /api/generate body, and the pieces a stream is
// made of. Ollama ends every answer with `done: true`, its done_reason, token counts and durations in nanoseconds;
// where the provider reported compute timings (an Ollama upstream) they are passed on, otherwise they are measured
// here (total: since the request arrived; prompt eval: until the first token; eval: the rest).
import type { AssistantMessage, ChatCompletion, ToolCall, Usage } from '../../../../shared/openai-types.js';
import type { UpstreamMetrics } from '../../providers/types.js';

export type AnswerKind = 'chat' | 'generate';

export interface OllamaToolCallOut {
  readonly id?: string;
  readonly function: { readonly index: number; readonly name: string; readonly arguments: unknown };
}

export interface Timings {
  /** performance.now() when the request arrived */
  readonly startedAt: number;
  /** performance.now() when the first token was there, when known */
  readonly firstTokenAt?: number | undefined;
  readonly metrics?: UpstreamMetrics | undefined;
}

export function doneReason(finishReason: string | null | undefined): 'stop' | 'length' {
  return finishReason === 'length' ? 'length' : 'stop';
}

/** The counters and durations of the final object, in Ollama's field order. */
export function finalCounters(usage: Usage | undefined | null, timings: Timings, now = performance.now()): Record<string, number> {
  const { metrics, startedAt } = timings;
  const firstTokenAt = timings.firstTokenAt ?? now;
  return {
    total_duration: nanoseconds(metrics?.totalMs ?? now - startedAt),
    load_duration: nanoseconds(metrics?.loadMs ?? 0),
    prompt_eval_count: usage?.prompt_tokens ?? 0,
    prompt_eval_duration: nanoseconds(metrics?.promptEvalMs ?? firstTokenAt - startedAt),
    eval_count: usage?.completion_tokens ?? 0,
    eval_duration: nanoseconds(metrics?.evalMs ?? now - firstTokenAt),
  };
}

function nanoseconds(milliseconds: number): number {
  return Math.max(0, Math.round(milliseconds * 1_000_000));
}

/** OpenAI tool calls (arguments as JSON text) → Ollama's (arguments as an object). */
export function toOllamaToolCalls(calls: readonly ToolCall[]): OllamaToolCallOut[] {
  return calls.map((call, index) => ({ id: call.id, function: { index, name: call.function.name, arguments: parseArguments(call.function.arguments) } }));
}

export function parseArguments(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // not JSON: passed on as the model wrote it rather than dropped
    return text;
  }
}

export function createdAt(): string {
  return new Date().toISOString();
}

/** A whole non-streamed answer. */
export function completeAnswer(kind: AnswerKind, model: string, completion: ChatCompletion, timings: Timings): Record<string, unknown> {
  const choice = completion.choices[0];
  const message: AssistantMessage = choice?.message ?? { role: 'assistant', content: '' };
  const head = answerHead(kind, model, message.content ?? '', message.reasoning_content, toOllamaToolCalls(message.tool_calls ?? []));
  return { ...head, done: true, done_reason: doneReason(choice?.finish_reason), ...finalCounters(completion.usage, timings) };
}

/** model, created_at and the answer's content in the endpoint's shape (chat: `message`; generate: `response`). */
export function answerHead(
  kind: AnswerKind,
  model: string,
  content: string,
  thinking: string | undefined,
  toolCalls: readonly OllamaToolCallOut[],
): Record<string, unknown> {
  if (kind === 'generate') return { model, created_at: createdAt(), response: content, ...(thinking ? { thinking } : {}) };
  const message: Record<string, unknown> = { role: 'assistant', content };
  if (thinking) message['thinking'] = thinking;
  if (toolCalls.length > 0) message['tool_calls'] = toolCalls;
  return { model, created_at: createdAt(), message };
}
