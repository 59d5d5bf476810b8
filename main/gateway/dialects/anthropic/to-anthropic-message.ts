// An OpenAI ChatCompletion → the Anthropic message a Messages-dialect client expects: thinking blocks first (signed
// ones from reasoning_details, else the reasoning text unsigned), then text, then tool_use; finish_reason mapped to
// stop_reason; usage split the Anthropic way (input_tokens excludes cache reads and writes).
import { randomBytes } from 'node:crypto';
import type { ChatCompletion, FinishReason, Usage } from '../../../../shared/openai-types.js';
import { thinkingBlocksFrom } from '../../providers/anthropic/reasoning-details.js';
import { append } from '../../../../shared/append.js';

export type OutboundBlock =
  | { type: 'text'; text: string }
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'redacted_thinking'; data: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

export interface AnthropicUsageOut {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

export interface AnthropicMessageOut {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: OutboundBlock[];
  stop_reason: string;
  stop_sequence: string | null;
  usage: AnthropicUsageOut;
}

/** `model` is what the client asked for, so a client never sees a name it did not choose. */
export function toAnthropicMessage(completion: ChatCompletion, model: string): AnthropicMessageOut {
  const choice = completion.choices[0];
  const message = choice?.message;
  const content: OutboundBlock[] = [];
  if (message) {
    append(content, thinkingOf(message['reasoning_details'], reasoningText(message)));
    const text = typeof message.content === 'string' ? message.content : textOfParts(message.content);
    if (text !== '') content.push({ type: 'text', text });
    else if (typeof message.refusal === 'string' && message.refusal !== '') content.push({ type: 'text', text: message.refusal });
    for (const call of message.tool_calls ?? [])
      content.push({ type: 'tool_use', id: call.id, name: call.function.name, input: parseInput(call.function.arguments) });
  }
  return {
    id: messageId(completion.id),
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: stopReasonFor(
      choice?.finish_reason ?? null,
      content.some((block) => block.type === 'tool_use'),
    ),
    stop_sequence: null,
    usage: toAnthropicUsage(completion.usage),
  };
}

/** Anthropic ids look like msg_…; an upstream id is kept inside it so logs on both sides can be matched. */
export function messageId(upstreamId: string | undefined): string {
  if (upstreamId?.startsWith('msg_')) return upstreamId;
  const safe = (upstreamId ?? '').replace(/[^A-Za-z0-9_-]/g, '');
  return `msg_${safe || randomBytes(12).toString('hex')}`;
}

/** OpenAI's finish_reason → Anthropic's stop_reason. A tool call is tool_use whatever a lenient server said. */
export function stopReasonFor(finishReason: FinishReason | string, hasToolUse: boolean): string {
  if (hasToolUse && finishReason !== 'length') return 'tool_use';
  switch (finishReason) {
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
    case 'function_call':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    default:
      return 'end_turn';
  }
}

export function toAnthropicUsage(usage: Usage | null | undefined): AnthropicUsageOut {
  const cacheRead = usage?.prompt_tokens_details?.cached_tokens ?? 0;
  const cacheWrite = usage?.prompt_tokens_details?.cache_write_tokens ?? 0;
  return {
    input_tokens: Math.max(0, (usage?.prompt_tokens ?? 0) - cacheRead - cacheWrite),
    output_tokens: usage?.completion_tokens ?? 0,
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: cacheRead,
  };
}

/** Signed Claude thinking comes back as it was; other providers' reasoning is unsigned text (signature ""). */
export function thinkingOf(details: unknown, reasoning: string | undefined): OutboundBlock[] {
  const signed = thinkingBlocksFrom(details, reasoning).flatMap((block): OutboundBlock[] =>
    block.type === 'thinking' || block.type === 'redacted_thinking' ? [block] : [],
  );
  if (signed.length > 0) return signed;
  return reasoning ? [{ type: 'thinking', thinking: reasoning, signature: '' }] : [];
}

function reasoningText(message: Record<string, unknown>): string | undefined {
  const text = message['reasoning_content'] ?? message['reasoning'];
  return typeof text === 'string' && text !== '' ? text : undefined;
}

function textOfParts(content: unknown): string {
  if (!Array.isArray(content)) return '';
  return content
    .map((part: unknown) =>
      typeof part === 'object' && part !== null && typeof (part as { text?: unknown }).text === 'string' ? (part as { text: string }).text : '',
    )
    .join('');
}

/** Tool input must be an object for Anthropic clients; arguments that are not one (a model's slip) become {}. */
function parseInput(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text === '' ? '{}' : text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
