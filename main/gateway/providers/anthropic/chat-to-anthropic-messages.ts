// OpenAI chat messages → Anthropic's `system` and `messages`. System and developer messages are hoisted to the
// top-level `system`; tool results become tool_result blocks inside a user turn; assistant tool calls become
// tool_use blocks after the thinking blocks the message carries back; and consecutive turns of one role are merged,
// because Anthropic wants user and assistant to alternate.
import type { ChatMessage, ContentPart } from '../../../../shared/openai-types.js';
import type { AnthropicCacheControl, AnthropicContentBlock, AnthropicMessage, AnthropicTextBlock } from './anthropic-api.js';
import { badRequest } from './anthropic-error.js';
import { imageBlock, fileBlock } from './convert-media.js';
import { thinkingBlocksFrom } from './reasoning-details.js';
import { append } from '../../../../shared/append.js';
import { toolArgumentsObject } from '../tool-arguments.js';

export interface ConvertedMessages {
  system: string | AnthropicTextBlock[] | undefined;
  messages: AnthropicMessage[];
}

type TextLike = string | ReadonlyArray<{ type: string; text?: string; refusal?: string }>;

export function toAnthropicMessages(messages: readonly ChatMessage[], providerId: string): ConvertedMessages {
  const system: AnthropicTextBlock[] = [];
  const turns: AnthropicMessage[] = [];
  messages.forEach((message, index) => {
    const param = `messages[${index}]`;
    switch (message.role) {
      case 'system':
      case 'developer':
        append(system, textBlocks(message.content));
        return;
      case 'user':
        return push(turns, 'user', userBlocks(message.content, `${param}.content`, providerId));
      case 'assistant':
        return push(turns, 'assistant', assistantBlocks(message, param, providerId));
      case 'tool':
        return push(turns, 'user', [toolResult(message.tool_call_id, textBlocks(message.content))]);
      case 'function':
        // the legacy function-calling shape: the call it answers has no id, so both sides use one made from the name
        return push(turns, 'user', [{ type: 'tool_result', tool_use_id: legacyCallId(message.name), content: message.content ?? '' }]);
    }
  });
  const single = system.length === 1 ? system[0] : undefined;
  return { system: system.length === 0 ? undefined : single && !single.cache_control ? single.text : system, messages: turns };
}

/** One plain text becomes a string (the common case, and what Anthropic's own examples send); none is omitted. */
function toolResult(toolUseId: string, content: AnthropicTextBlock[]): AnthropicContentBlock {
  const [first] = content;
  if (content.length === 0) return { type: 'tool_result', tool_use_id: toolUseId };
  if (content.length === 1 && first && !first.cache_control) return { type: 'tool_result', tool_use_id: toolUseId, content: first.text };
  return { type: 'tool_result', tool_use_id: toolUseId, content };
}

/** Appends a turn, merging it into the previous one of the same role; tool results stay first in a user turn. */
function push(turns: AnthropicMessage[], role: 'user' | 'assistant', content: AnthropicContentBlock[]): void {
  if (content.length === 0) return; // Anthropic rejects empty turns; dropping one keeps the others alternating
  const previous = turns.at(-1);
  if (previous?.role !== role) {
    turns.push({ role, content });
    return;
  }
  const blocks = [...previous.content, ...content];
  previous.content =
    role === 'user' ? [...blocks.filter((block) => block.type === 'tool_result'), ...blocks.filter((block) => block.type !== 'tool_result')] : blocks;
}

export function textBlocks(content: TextLike): AnthropicTextBlock[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  const blocks: AnthropicTextBlock[] = [];
  for (const part of content) {
    const text = part.type === 'refusal' ? part.refusal : part.text;
    if (typeof text !== 'string' || text === '') continue; // Anthropic rejects empty text blocks
    const cacheControl = cacheControlOf(part);
    blocks.push(cacheControl ? { type: 'text', text, cache_control: cacheControl } : { type: 'text', text });
  }
  return blocks;
}

function userBlocks(content: string | readonly ContentPart[], param: string, providerId: string): AnthropicContentBlock[] {
  if (typeof content === 'string') return textBlocks(content);
  const blocks: AnthropicContentBlock[] = [];
  content.forEach((part, partIndex) => {
    const partParam = `${param}[${partIndex}]`;
    const cacheControl = cacheControlOf(part);
    let block: AnthropicContentBlock | undefined;
    if (part.type === 'text' || part.type === 'refusal') block = textBlocks([part])[0];
    else if (part.type === 'image_url') block = imageBlock(part.image_url.url, `${partParam}.image_url.url`, providerId);
    else if (part.type === 'file') block = fileBlock(part.file, `${partParam}.file`, providerId);
    else throw badRequest(providerId, `Anthropic does not accept '${part.type}' content parts: send text, images and PDF files`, partParam);
    if (block === undefined) return;
    blocks.push(cacheControl && block.type !== 'thinking' && block.type !== 'redacted_thinking' ? { ...block, cache_control: cacheControl } : block);
  });
  return blocks;
}

function assistantBlocks(message: Extract<ChatMessage, { role: 'assistant' }>, param: string, providerId: string): AnthropicContentBlock[] {
  const blocks: AnthropicContentBlock[] = thinkingBlocksFrom(message['reasoning_details'], message.reasoning_content);
  append(blocks, textBlocks(message.content ?? message.refusal ?? ''));
  message.tool_calls?.forEach((call, callIndex) => {
    const input = toolArgumentsObject(call.function.arguments, `${param}.tool_calls[${callIndex}].function.arguments`, providerId, 'Anthropic');
    blocks.push({ type: 'tool_use', id: call.id, name: call.function.name, input });
  });
  const legacyCall = message['function_call'];
  if (typeof legacyCall === 'object' && legacyCall !== null) {
    const { name, arguments: text } = legacyCall as { name?: unknown; arguments?: unknown };
    if (typeof name === 'string') {
      const input = toolArgumentsObject(typeof text === 'string' ? text : '', `${param}.function_call.arguments`, providerId, 'Anthropic');
      blocks.push({ type: 'tool_use', id: legacyCallId(name), name, input });
    }
  }
  return blocks;
}

function legacyCallId(name: string): string {
  return `toolu_function_${name}`;
}

/** A client's `cache_control` on a content part (Anthropic's own field, as OpenRouter passes it) goes through. */
export function cacheControlOf(part: unknown): AnthropicCacheControl | undefined {
  if (typeof part !== 'object' || part === null) return undefined;
  const value = (part as Record<string, unknown>)['cache_control'];
  if (typeof value !== 'object' || value === null || (value as { type?: unknown }).type !== 'ephemeral') return undefined;
  const ttl = (value as { ttl?: unknown }).ttl;
  return ttl === '5m' || ttl === '1h' ? { type: 'ephemeral', ttl } : { type: 'ephemeral' };
}
