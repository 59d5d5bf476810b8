// Anthropic turns → OpenAI chat messages. A user turn's tool_result blocks become one `tool` message each, in
// order and ahead of the rest of the turn (Anthropic puts them first too); images inside a tool result ride in the
// user message that follows, since OpenAI tool messages carry text only. An assistant turn becomes one assistant
// message: text, tool_use → tool_calls, and thinking blocks → reasoning_details (OpenRouter's convention, which
// the outbound Anthropic adapter reads back), so their signatures survive a round trip.
import type { ChatMessage, ContentPart } from '../../../../shared/openai-types.js';
import { encryptedDetail, textDetail, type ReasoningDetail } from '../../providers/anthropic/reasoning-details.js';
import { documentParts, imagePart, textPart, toolResultContent, type TextPart, type Unsupported } from './convert-content.js';
import type { ContentBlock, InboundMessage, ToolResultBlock } from './messages-schema.js';
import { append } from '../../../../shared/append.js';

export function toChatMessages(messages: readonly InboundMessage[], unsupported: Unsupported[]): ChatMessage[] {
  return messages.flatMap((message, index) => {
    const param = `messages[${index}].content`;
    if (message.role === 'system') return [systemMessage(message.content)];
    if (typeof message.content === 'string') return [{ role: message.role, content: message.content }];
    return message.role === 'user' ? userMessages(message.content, param, unsupported) : [assistantMessage(message.content, param, unsupported)];
  });
}

/** A system entry among the messages (Claude Code's, for names it does not know): its text, as a system message. */
function systemMessage(content: InboundMessage['content']): ChatMessage {
  if (typeof content === 'string') return { role: 'system', content };
  return { role: 'system', content: collapse(content.flatMap((block) => (block.type === 'text' ? [textPart(block)] : []))) };
}

function userMessages(blocks: readonly ContentBlock[], param: string, unsupported: Unsupported[]): ChatMessage[] {
  const toolMessages: ChatMessage[] = [];
  const parts: ContentPart[] = [];
  blocks.forEach((block, index) => {
    const blockParam = `${param}[${index}]`;
    switch (block.type) {
      case 'tool_result': {
        const result = toolResult(block, blockParam, unsupported);
        toolMessages.push(result.message);
        append(parts, result.media);
        return;
      }
      case 'text':
        parts.push(textPart(block));
        return;
      case 'image': {
        const part = imagePart(block, blockParam, unsupported);
        if (part) parts.push(part);
        return;
      }
      case 'document':
        append(parts, documentParts(block, blockParam, unsupported));
        return;
      case 'thinking':
      case 'redacted_thinking':
      case 'tool_use':
        unsupported.push({ param: blockParam, what: `a ${block.type} block in a user turn` });
        return;
      default:
        unsupported.push({ param: blockParam, what: `'${block.originalType}' content blocks` });
    }
  });
  if (parts.length === 0) return toolMessages;
  return [...toolMessages, { role: 'user', content: collapse(parts) }];
}

function toolResult(block: ToolResultBlock, param: string, unsupported: Unsupported[]): { message: ChatMessage; media: ContentPart[] } {
  const { texts, media } = toolResultContent(block.content, `${param}.content`, unsupported);
  // OpenAI has no is_error flag; saying so in the text is how the model still learns the call failed
  const content: TextPart[] = block.is_error === true ? [{ type: 'text', text: 'Error:' }, ...texts] : texts;
  // plain text joins into one string, the form every OpenAI-compatible server takes; cache_control needs the parts
  const text = content.every(isPlain) ? content.map((part) => part.text).join('\n') : content;
  return { message: { role: 'tool', tool_call_id: block.tool_use_id, content: text }, media };
}

type AssistantMessage = Extract<ChatMessage, { role: 'assistant' }>;
type ToolCall = NonNullable<AssistantMessage['tool_calls']>[number];

function assistantMessage(blocks: readonly ContentBlock[], param: string, unsupported: Unsupported[]): ChatMessage {
  const texts: TextPart[] = [];
  const toolCalls: ToolCall[] = [];
  const details: ReasoningDetail[] = [];
  blocks.forEach((block, index) => {
    switch (block.type) {
      case 'text':
        if (block.text !== '') texts.push(textPart(block));
        return;
      case 'tool_use':
        toolCalls.push({ id: block.id, type: 'function', function: { name: block.name, arguments: JSON.stringify(block.input) } });
        return;
      case 'thinking':
        details.push(textDetail(details.length, block.thinking, block.signature));
        return;
      case 'redacted_thinking':
        details.push(encryptedDetail(details.length, block.data));
        return;
      default:
        unsupported.push({
          param: `${param}[${index}]`,
          what: `${block.type === 'unsupported' ? `'${block.originalType}'` : `a ${block.type}`} block in an assistant turn`,
        });
    }
  });
  const message: ChatMessage = { role: 'assistant', content: texts.length === 0 ? (toolCalls.length > 0 ? null : '') : collapse(texts) };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (details.length > 0) message['reasoning_details'] = details;
  return message;
}

/** One plain text part becomes a string (what every OpenAI-compatible server accepts); anything richer stays a list. */
function collapse<Part extends ContentPart>(parts: Part[]): string | Part[] {
  const [first] = parts;
  if (parts.length === 1 && first?.type === 'text' && isPlain(first)) return first.text;
  return parts;
}

function isPlain(part: TextPart): boolean {
  return part.cache_control === undefined;
}
