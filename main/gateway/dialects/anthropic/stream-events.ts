// OpenAI chat.completion.chunk objects → Anthropic stream events, for a Messages-dialect client served by a
// non-Anthropic target. Stateful: one content block is open at a time (thinking, text or one tool call); a change of
// kind closes it and opens the next. Usage arrives last in OpenAI streams, so message_start says 0 input tokens and
// message_delta carries the real counts (the Anthropic SDK overwrites them from there).
import type { ChatCompletionChunk, Usage } from '../../../../shared/openai-types.js';
import { reasoningFormat } from '../../providers/anthropic/reasoning-details.js';
import { stopReasonFor, toAnthropicUsage } from './to-anthropic-message.js';
import { append } from '../../../../shared/append.js';

export interface AnthropicEvent {
  readonly type: string;
  readonly [field: string]: unknown;
}

interface OpenBlock {
  readonly kind: 'text' | 'thinking' | 'tool';
  readonly index: number;
}

export class AnthropicEventTranslator {
  private blocks = 0;
  private open: OpenBlock | undefined;
  /** content-block index of each OpenAI tool-call index */
  private readonly tools = new Map<number, number>();
  private finishReason: string | null = null;
  private usage: Usage | undefined;

  constructor(
    private readonly messageId: string,
    private readonly model: string,
  ) {}

  start(): AnthropicEvent[] {
    const message = {
      id: this.messageId,
      type: 'message',
      role: 'assistant',
      model: this.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 0, output_tokens: 0 },
    };
    return [{ type: 'message_start', message }];
  }

  chunk(chunk: ChatCompletionChunk): AnthropicEvent[] {
    if (chunk.usage) this.usage = chunk.usage;
    const choice = chunk.choices[0];
    if (!choice) return [];
    if (choice.finish_reason) this.finishReason = choice.finish_reason;
    const delta = choice.delta ?? {};
    const events: AnthropicEvent[] = [];
    const reasoning = delta.reasoning_content ?? delta['reasoning'];
    if (typeof reasoning === 'string' && reasoning !== '')
      append(events, this.into('thinking', { type: 'thinking', thinking: '', signature: '' }, { type: 'thinking_delta', thinking: reasoning }));
    for (const detail of claudeDetails(delta['reasoning_details'])) {
      if (detail['type'] === 'reasoning.encrypted' && typeof detail['data'] === 'string') {
        append(events, this.closeOpen());
        append(events, this.standalone({ type: 'redacted_thinking', data: detail['data'] }));
      } else if (typeof detail['signature'] === 'string' && detail['signature'] !== '') {
        append(events, this.into('thinking', { type: 'thinking', thinking: '', signature: '' }, { type: 'signature_delta', signature: detail['signature'] }));
      }
    }
    const text = typeof delta.content === 'string' && delta.content !== '' ? delta.content : typeof delta.refusal === 'string' ? delta.refusal : '';
    if (text !== '') append(events, this.into('text', { type: 'text', text: '' }, { type: 'text_delta', text }));
    for (const call of delta.tool_calls ?? []) append(events, this.toolCall(call.index, call.id, call.function?.name, call.function?.arguments));
    return events;
  }

  /** The end of a successful stream: close the open block, then message_delta and message_stop. */
  finish(): AnthropicEvent[] {
    const usage = toAnthropicUsage(this.usage);
    const stopReason = stopReasonFor(this.finishReason, this.tools.size > 0);
    return [...this.closeOpen(), { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage }, { type: 'message_stop' }];
  }

  private toolCall(toolIndex: number, id: string | undefined, name: string | undefined, fragment: string | undefined): AnthropicEvent[] {
    const events: AnthropicEvent[] = [];
    let index = this.tools.get(toolIndex);
    if (index === undefined) {
      append(events, this.closeOpen());
      index = this.blocks++;
      this.tools.set(toolIndex, index);
      this.open = { kind: 'tool', index };
      const toolUseId = id ?? `toolu_${this.messageId}_${toolIndex}`;
      events.push({ type: 'content_block_start', index, content_block: { type: 'tool_use', id: toolUseId, name: name ?? '', input: {} } });
    }
    // a late fragment for an earlier call still goes to that call's block (clients accumulate by index)
    if (fragment) events.push({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: fragment } });
    return events;
  }

  private into(kind: 'text' | 'thinking', opening: Record<string, unknown>, delta: Record<string, unknown>): AnthropicEvent[] {
    const events: AnthropicEvent[] = [];
    if (this.open?.kind !== kind) {
      append(events, this.closeOpen());
      const index = this.blocks++;
      this.open = { kind, index };
      events.push({ type: 'content_block_start', index, content_block: opening });
    }
    events.push({ type: 'content_block_delta', index: this.open?.index ?? 0, delta });
    return events;
  }

  private standalone(block: Record<string, unknown>): AnthropicEvent[] {
    const index = this.blocks++;
    return [
      { type: 'content_block_start', index, content_block: block },
      { type: 'content_block_stop', index },
    ];
  }

  private closeOpen(): AnthropicEvent[] {
    if (!this.open) return [];
    const { index } = this.open;
    this.open = undefined;
    return [{ type: 'content_block_stop', index }];
  }
}

/** Claude's own reasoning details (signatures, redacted blocks); other providers' formats mean nothing here. */
function claudeDetails(value: unknown): Record<string, unknown>[] {
  if (!Array.isArray(value)) return [];
  return value.filter((entry: unknown): entry is Record<string, unknown> => {
    if (typeof entry !== 'object' || entry === null) return false;
    const format = (entry as Record<string, unknown>)['format'];
    return format === undefined || format === reasoningFormat || (typeof format === 'string' && format.startsWith('anthropic-claude'));
  });
}

export function eventFrame(event: AnthropicEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}
