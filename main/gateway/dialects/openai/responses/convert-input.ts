// Responses input items → chat messages. The items of one assistant turn (its reasoning, text, function, custom and
// local-shell calls) become one assistant message; each tool output becomes a tool message. Developer messages become
// system messages: Anthropic, Gemini and Ollama adapters read both, but many OpenAI-compatible servers (chat
// templates of vLLM and llama.cpp models) fail on a role they do not know, and every one of them knows 'system'.
import type { ChatMessage, ContentPart } from '../../../../../shared/openai-types.js';
import { localShellName, type HostedUse } from './convert-tools.js';
import { decodeReasoningCarrier } from './reasoning-carrier.js';
import {
  isKnownItem,
  ResponsesRequestError,
  type KnownInputItem,
  type MessageInputItem,
  type MessagePart,
  type ResponseInputItem,
  type ToolOutputPart,
} from './schema.js';
import { append } from '../../../../../shared/append.js';

type ReasoningInput = Extract<KnownInputItem, { type: 'reasoning' }>;
type ToolCall = NonNullable<Extract<ChatMessage, { role: 'assistant' }>['tool_calls']>[number];

interface AssistantTurn {
  texts: string[];
  toolCalls: ToolCall[];
  reasoning: string[];
  details: Record<string, unknown>[];
}

export function toChatMessages(items: readonly ResponseInputItem[], hosted: HostedUse[]): ChatMessage[] {
  return textMessages(items) ?? convertItems(items, hosted);
}

/**
 * The items as chat messages when every one is a user, system or developer message whose content is a string — a
 * string input always is — mapped as convertItems maps them, without its per-call state; undefined otherwise.
 */
function textMessages(items: readonly ResponseInputItem[]): ChatMessage[] | undefined {
  const messages: ChatMessage[] = [];
  for (const item of items) {
    const { type, role, content } = item as { type?: unknown; role?: unknown; content?: unknown };
    if ((type !== undefined && type !== 'message') || typeof content !== 'string') return undefined;
    if (role === 'user') messages.push({ role: 'user', content });
    else if (role === 'system' || role === 'developer') messages.push({ role: 'system', content });
    else return undefined;
  }
  return messages;
}

/** Every item, of any type (exported for the property test that holds textMessages to it). */
export function convertItems(items: readonly ResponseInputItem[], hosted: HostedUse[]): ChatMessage[] {
  const messages: ChatMessage[] = [];
  let turn: AssistantTurn | undefined;
  /** images and files from tool outputs: a chat tool message holds text only, so they follow in a user message */
  let attachments: ContentPart[] = [];

  const flushTurn = (): void => {
    if (turn) append(messages, assistantMessage(turn));
    turn = undefined;
  };
  const flushAttachments = (): void => {
    if (attachments.length > 0) messages.push({ role: 'user', content: attachments });
    attachments = [];
  };
  const assistantTurn = (): AssistantTurn => {
    flushAttachments();
    turn ??= { texts: [], toolCalls: [], reasoning: [], details: [] };
    return turn;
  };
  const toolResult = (callId: string, output: string | readonly ToolOutputPart[], param: string): void => {
    flushTurn();
    const { text, media } = splitToolOutput(output, param, hosted);
    const note = media.length > 0 ? `${text === '' ? '' : `${text}\n`}[${media.length} attachment(s) follow in the next message]` : text;
    messages.push({ role: 'tool', tool_call_id: callId, content: note });
    if (media.length > 0) {
      attachments.push({ type: 'text', text: `Attachments from tool call ${callId}:` });
      append(attachments, media);
    }
  };

  items.forEach((item, index) => {
    const param = `input[${index}]`;
    if (!isKnownItem(item)) {
      hosted.push({ param, type: item.type });
      return;
    }
    switch (item.type) {
      case undefined:
      case 'message':
        if (item.role === 'assistant') {
          assistantTurn().texts.push(assistantText(item));
          return;
        }
        flushTurn();
        flushAttachments();
        append(messages, inboundMessage(item, param, hosted));
        return;
      case 'function_call':
        assistantTurn().toolCalls.push(toolCall(item.call_id, item.name, item.arguments));
        return;
      case 'custom_tool_call':
        assistantTurn().toolCalls.push(toolCall(item.call_id, item.name, JSON.stringify({ input: item.input })));
        return;
      case 'local_shell_call': {
        const { command, working_directory: workdir, timeout_ms: timeout } = item.action;
        const args = { command, ...(workdir ? { workdir } : {}), ...(typeof timeout === 'number' ? { timeout_ms: timeout } : {}) };
        // env and user have no parameter in the chat tool, which runs with the client's own environment
        assistantTurn().toolCalls.push(toolCall(item.call_id ?? item.id ?? '', localShellName, JSON.stringify(args)));
        return;
      }
      case 'reasoning':
        addReasoning(assistantTurn(), item);
        return;
      case 'function_call_output':
      case 'custom_tool_call_output':
        toolResult(item.call_id, item.output, `${param}.output`);
        return;
      case 'local_shell_call_output':
        toolResult(item.call_id ?? item.id ?? '', item.output, `${param}.output`);
        return;
      case 'item_reference':
        throw new ResponsesRequestError(`${param}: item_reference '${item.id}' does not name a stored item`, param, 'item_not_found');
    }
  });
  flushTurn();
  flushAttachments();
  return messages;
}

function toolCall(id: string, name: string, args: string): ToolCall {
  return { id, type: 'function', function: { name, arguments: args } };
}

/**
 * Reasoning from a Switchyard carrier gives back its reasoning_details, renumbered after the turn's earlier ones so
 * that blocks of two items never merge. OpenAI's own encrypted_content is dropped: only OpenAI can read it, and this
 * request goes to a translated target. The readable text becomes reasoning_content.
 */
function addReasoning(turn: AssistantTurn, item: ReasoningInput): void {
  const carrier = item.encrypted_content ? decodeReasoningCarrier(item.encrypted_content) : undefined;
  if (carrier) {
    const offset = turn.details.reduce((highest, detail) => (typeof detail['index'] === 'number' ? Math.max(highest, detail['index'] + 1) : highest), 0);
    append(
      turn.details,
      carrier.details.map((detail) => (typeof detail['index'] === 'number' ? { ...detail, index: detail['index'] + offset } : { ...detail })),
    );
  }
  const content = (item.content ?? []).map((part) => part.text).join('');
  const summary = (item.summary ?? []).map((part) => part.text).join('\n\n');
  const text = carrier?.text ?? (content !== '' ? content : summary);
  if (text !== '') turn.reasoning.push(text);
}

/**
 * A turn with neither text nor calls is dropped: it tells the model nothing, and several servers reject an empty
 * assistant message. A refusal is what the assistant said, so it is kept as text.
 */
function assistantMessage(turn: AssistantTurn): ChatMessage[] {
  const text = turn.texts.filter((part) => part !== '').join('\n\n');
  if (text === '' && turn.toolCalls.length === 0) return [];
  const message: ChatMessage = { role: 'assistant', content: text === '' ? null : text };
  if (turn.toolCalls.length > 0) message.tool_calls = turn.toolCalls;
  if (turn.reasoning.length > 0) message.reasoning_content = turn.reasoning.join('\n\n');
  if (turn.details.length > 0) message['reasoning_details'] = turn.details;
  return [message];
}

function assistantText(item: MessageInputItem): string {
  if (typeof item.content === 'string') return item.content;
  return item.content.map((part) => (part.type === 'refusal' ? part.refusal : 'text' in part ? part.text : '')).join('');
}

function inboundMessage(item: MessageInputItem, param: string, hosted: HostedUse[]): ChatMessage[] {
  if (item.role === 'system' || item.role === 'developer') {
    // chat's system message holds text only
    const text =
      typeof item.content === 'string'
        ? item.content
        : item.content.flatMap((part) => ('text' in part && typeof part.text === 'string' ? [part.text] : [])).join('\n');
    return [{ role: 'system', content: text }];
  }
  if (typeof item.content === 'string') return [{ role: 'user', content: item.content }];
  const parts = item.content.flatMap((part, index) => userPart(part, `${param}.content[${index}]`, hosted));
  return parts.length === 0 ? [] : [{ role: 'user', content: parts }];
}

function userPart(part: MessagePart, param: string, hosted: HostedUse[]): ContentPart[] {
  switch (part.type) {
    case 'input_text':
    case 'output_text':
      return [{ type: 'text', text: part.text }];
    case 'refusal':
      return [{ type: 'text', text: part.refusal }];
    case 'input_image':
    case 'input_file':
      return mediaPart(part, param, hosted);
  }
}

/** Uploaded files (file_id) and file URLs live at OpenAI; only a native target can read them. */
function mediaPart(part: Extract<MessagePart, { type: 'input_image' | 'input_file' }>, param: string, hosted: HostedUse[]): ContentPart[] {
  if (part.type === 'input_image') {
    if (!part.image_url) {
      hosted.push({ param, type: 'input_image.file_id (OpenAI Files)' });
      return [];
    }
    const detail = part.detail;
    // 'original' and other newer levels have no chat equivalent; the target's default applies
    if (detail === 'low' || detail === 'high' || detail === 'auto') return [{ type: 'image_url', image_url: { url: part.image_url, detail } }];
    return [{ type: 'image_url', image_url: { url: part.image_url } }];
  }
  if (part.file_data) {
    const filename = part.filename ?? undefined;
    return [{ type: 'file', file: { file_data: asDataUrl(part.file_data, filename), ...(filename ? { filename } : {}) } }];
  }
  hosted.push({ param, type: part.file_url ? 'input_file.file_url' : 'input_file.file_id (OpenAI Files)' });
  return [];
}

/** Responses accepts bare base64 in file_data; chat adapters read a data: URL. */
function asDataUrl(data: string, filename: string | undefined): string {
  if (data.startsWith('data:')) return data;
  const mediaType = filename?.toLowerCase().endsWith('.pdf') ? 'application/pdf' : 'application/octet-stream';
  return `data:${mediaType};base64,${data}`;
}

function splitToolOutput(output: string | readonly ToolOutputPart[], param: string, hosted: HostedUse[]): { text: string; media: ContentPart[] } {
  if (typeof output === 'string') return { text: output, media: [] };
  const texts: string[] = [];
  const media: ContentPart[] = [];
  output.forEach((part, index) => {
    if (part.type === 'input_text') texts.push(part.text);
    else append(media, mediaPart(part, `${param}[${index}]`, hosted));
  });
  return { text: texts.join('\n'), media };
}
