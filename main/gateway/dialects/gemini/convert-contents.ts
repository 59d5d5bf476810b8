// Gemini `contents` → OpenAI chat messages. A user turn's functionResponse parts become one `tool` message each,
// ahead of the rest of the turn; a model turn becomes one assistant message (text, thought text → reasoning_content,
// functionCall → tool_calls). Thought signatures ride where the outbound Gemini adapter reads them back
// (providers/gemini/thought-signatures.ts): a function call's on the tool call (`extra_content.google`), the others
// in `reasoning_details`. A signature Switchyard made to carry another provider's reasoning (`sy1.…`, see
// to-gemini-response.ts) is unpacked back into the reasoning_details that target gave.
import { append } from '../../../../shared/append.js';
import type { ChatMessage, ContentPart } from '../../../../shared/openai-types.js';
import { encryptedDetail, skipSignatureValidator, toolCallExtraContent } from '../../providers/gemini/thought-signatures.js';
import { decodeReasoningCarrier, isReasoningCarrier } from '../openai/responses/reasoning-carrier.js';
import type { InboundContent, InboundPart } from './request-schema.js';

export interface Unsupported {
  /** where in the request, e.g. contents[3].parts[1] */
  readonly param: string;
  readonly what: string;
}

type AssistantMessage = Extract<ChatMessage, { role: 'assistant' }>;
type ToolCall = NonNullable<AssistantMessage['tool_calls']>[number];

/** Function calls without Gemini's own id get one made here, so their responses can name them. */
interface CallIds {
  /** call name → ids of its calls not yet answered, oldest first */
  readonly pending: Map<string, string[]>;
}

export function toChatMessages(contents: readonly InboundContent[], unsupported: Unsupported[]): ChatMessage[] {
  const ids: CallIds = { pending: new Map() };
  return contents.flatMap((content, index) => {
    const param = `contents[${index}].parts`;
    return content.role === 'model' ? assistantMessages(content.parts, param, index, ids, unsupported) : userMessages(content.parts, param, ids, unsupported);
  });
}

function userMessages(parts: readonly InboundPart[], param: string, ids: CallIds, unsupported: Unsupported[]): ChatMessage[] {
  const toolMessages: ChatMessage[] = [];
  const content: ContentPart[] = [];
  parts.forEach((part, index) => {
    const partParam = `${param}[${index}]`;
    const response = part.functionResponse;
    if (response) {
      const id = takePending(ids, response.name, response.id);
      const text = responseText(response.response ?? {});
      // a response to a call this request never made: the model still reads it, as text
      if (id === undefined) content.push({ type: 'text', text: `Result of ${response.name}: ${text}` });
      else toolMessages.push({ role: 'tool', tool_call_id: id, content: text });
      for (const [mediaIndex, media] of (response.parts ?? []).entries()) {
        if (media.inlineData) append(content, mediaPart(media.inlineData, `${partParam}.functionResponse.parts[${mediaIndex}]`, unsupported));
      }
      return;
    }
    append(content, userPart(part, partParam, unsupported));
  });
  if (content.length === 0) return toolMessages;
  const [first] = content;
  const collapsed = content.length === 1 && first?.type === 'text' ? first.text : content;
  return [...toolMessages, { role: 'user', content: collapsed }];
}

function userPart(part: InboundPart, param: string, unsupported: Unsupported[]): ContentPart[] {
  if (typeof part.text === 'string') return part.text === '' || part.thought === true ? [] : [{ type: 'text', text: part.text }];
  if (part.inlineData) return mediaPart(part.inlineData, `${param}.inlineData`, unsupported);
  if (part.fileData) {
    const { fileUri, mimeType } = part.fileData;
    if (/^https:\/\//i.test(fileUri) && (mimeType === undefined || mimeType.startsWith('image/'))) return [{ type: 'image_url', image_url: { url: fileUri } }];
    unsupported.push({ param: `${param}.fileData`, what: `a file by URI (${mimeType ?? 'unknown type'}), which only Gemini can fetch` });
    return [];
  }
  if (part.functionCall) unsupported.push({ param: `${param}.functionCall`, what: 'a functionCall in a user turn' });
  else if (part.thoughtSignature === undefined) unsupported.push({ param, what: `a '${Object.keys(part)[0] ?? 'empty'}' part` });
  return [];
}

const audioFormats: Record<string, string> = { 'audio/wav': 'wav', 'audio/x-wav': 'wav', 'audio/mp3': 'mp3', 'audio/mpeg': 'mp3' };

function mediaPart(data: { mimeType: string; data: string }, param: string, unsupported: Unsupported[]): ContentPart[] {
  const mimeType = data.mimeType.toLowerCase();
  if (mimeType.startsWith('image/')) return [{ type: 'image_url', image_url: { url: `data:${mimeType};base64,${data.data}` } }];
  if (mimeType === 'application/pdf') return [{ type: 'file', file: { filename: 'document.pdf', file_data: `data:application/pdf;base64,${data.data}` } }];
  if (mimeType.startsWith('text/')) return [{ type: 'text', text: Buffer.from(data.data, 'base64').toString('utf8') }];
  const format = audioFormats[mimeType];
  if (format) return [{ type: 'input_audio', input_audio: { data: data.data, format } }];
  unsupported.push({ param, what: `inline ${mimeType} data` });
  return [];
}

/** {"output": text} (how Gemini CLI and the outbound adapter wrap a plain result) is the text; anything else JSON. */
function responseText(response: Record<string, unknown>): string {
  const keys = Object.keys(response);
  const output = response['output'];
  if (keys.length === 1 && typeof output === 'string') return output;
  return JSON.stringify(response);
}

function assistantMessages(parts: readonly InboundPart[], param: string, contentIndex: number, ids: CallIds, unsupported: Unsupported[]): ChatMessage[] {
  let text = '';
  let reasoning = '';
  const toolCalls: ToolCall[] = [];
  const details: Record<string, unknown>[] = [];
  const signature = (value: string | undefined): void => {
    // Gemini CLI stamps Google's "no signature" placeholder on calls it has none for; it is not reasoning to keep
    if (value === undefined || value === '' || value === skipSignatureValidator) return;
    const carried = isReasoningCarrier(value) ? decodeReasoningCarrier(value) : undefined;
    if (carried) append(details, carried.details);
    else details.push({ ...encryptedDetail(value, details.length) });
  };
  parts.forEach((part, index) => {
    const call = part.functionCall;
    if (call) {
      const id = call.id ?? `call_g${contentIndex}_${index}`;
      const pending = ids.pending.get(call.name);
      if (pending) pending.push(id);
      else ids.pending.set(call.name, [id]);
      const given = part.thoughtSignature === skipSignatureValidator ? undefined : part.thoughtSignature;
      const own = given !== undefined && !isReasoningCarrier(given) ? given : undefined;
      if (own === undefined) signature(given);
      toolCalls.push({
        id,
        type: 'function',
        function: { name: call.name, arguments: JSON.stringify(call.args ?? {}) },
        ...(own ? { extra_content: toolCallExtraContent(own) } : {}),
      });
      return;
    }
    if (typeof part.text === 'string') {
      if (part.thought === true) reasoning += part.text;
      else text += part.text;
      signature(part.thoughtSignature);
      return;
    }
    if (part.thoughtSignature !== undefined && Object.keys(part).length === 1) return signature(part.thoughtSignature);
    unsupported.push({ param: `${param}[${index}]`, what: `a '${Object.keys(part)[0] ?? 'empty'}' part in a model turn` });
  });
  if (text === '' && reasoning === '' && toolCalls.length === 0 && details.length === 0) return [];
  const message: AssistantMessage = { role: 'assistant', content: text === '' && toolCalls.length > 0 ? null : text };
  if (reasoning !== '') message.reasoning_content = reasoning;
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (details.length > 0) message['reasoning_details'] = details;
  return [message];
}

/** The id of the call a response answers: its own, else the oldest unanswered call of that name. */
function takePending(ids: CallIds, name: string, own: string | undefined): string | undefined {
  const pending = ids.pending.get(name) ?? [];
  if (own === undefined) return pending.shift();
  const position = pending.indexOf(own);
  if (position !== -1) pending.splice(position, 1);
  return own;
}
