// A non-streamed Ollama chat response → an OpenAI ChatCompletion, plus the pieces the stream converter shares:
// usage from the eval counters, timing metrics from the nanosecond durations, and tool calls with string arguments.
import { randomBytes } from 'node:crypto';
import type { AssistantMessage, ChatCompletion, ToolCall, Usage } from '../../../../shared/openai-types.js';
import type { UpstreamMetrics } from '../types.js';
import { mapFinishReason } from './map-finish-reason.js';
import type { OllamaChatResponse, OllamaResponseToolCall } from './ollama-api.js';

export function newCompletionId(): string {
  return `chatcmpl-${randomBytes(12).toString('base64url')}`;
}

export function newToolCallId(): string {
  return `call_${randomBytes(12).toString('base64url')}`;
}

export function toChatCompletion(response: OllamaChatResponse, upstreamModel: string, id = newCompletionId()): ChatCompletion {
  const toolCalls = toToolCalls(response.message?.tool_calls ?? []);
  const message: AssistantMessage = { role: 'assistant', content: response.message?.content ?? '' };
  const thinking = response.message?.thinking;
  if (thinking) message.reasoning_content = thinking;
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return {
    id,
    object: 'chat.completion',
    created: createdSeconds(response.created_at),
    model: upstreamModel,
    choices: [{ index: 0, message, finish_reason: mapFinishReason(response.done_reason, toolCalls.length > 0).unified, logprobs: null }],
    usage: toUsage(response),
  };
}

export function toToolCalls(calls: readonly OllamaResponseToolCall[]): ToolCall[] {
  return calls.map((call) => ({
    // recent Ollama sends its own "call_…" id; older versions send none
    id: call.id || newToolCallId(),
    type: 'function',
    function: { name: call.function.name, arguments: argumentsText(call.function.arguments) },
  }));
}

function argumentsText(value: Record<string, unknown> | string | null | undefined): string {
  if (typeof value === 'string') return value;
  return JSON.stringify(value ?? {});
}

export function toUsage(response: OllamaChatResponse): Usage {
  const promptTokens = response.prompt_eval_count ?? 0;
  const completionTokens = response.eval_count ?? 0;
  return { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
}

export function toMetrics(response: OllamaChatResponse): UpstreamMetrics {
  const metrics: { -readonly [K in keyof UpstreamMetrics]: number } = {};
  const set = (key: keyof UpstreamMetrics, nanoseconds: number | undefined): void => {
    if (nanoseconds !== undefined) metrics[key] = nanoseconds / 1e6;
  };
  set('totalMs', response.total_duration);
  set('loadMs', response.load_duration);
  set('promptEvalMs', response.prompt_eval_duration);
  set('evalMs', response.eval_duration);
  return metrics;
}

/** Ollama's RFC 3339 timestamp (nanosecond precision) → Unix seconds, as OpenAI's `created`. */
export function createdSeconds(createdAt: string | undefined): number {
  const parsed = createdAt ? Date.parse(createdAt) : Number.NaN;
  return Math.floor((Number.isFinite(parsed) ? parsed : Date.now()) / 1000);
}
