// A ChatCompletion → the Response object a Responses client expects: a reasoning item (when the target reasoned),
// the message, then one item per tool call in the type its tool was declared with; finish_reason becomes the status.
import type { ChatCompletion } from '../../../../../shared/openai-types.js';
import {
  detailsOf,
  messageItem,
  outputText,
  reasoningItem,
  reasoningTextOf,
  toolCallItem,
  toolCallSignatureDetail,
  type MessageItem,
  type ResponseOutputItem,
} from './output-items.js';
import { mergeReasoningDetails } from './reasoning-carrier.js';
import {
  finishStatus,
  newId,
  responseObject,
  toResponsesUsage,
  type ResponseContext,
  type ResponseObject,
  type ResponseState,
  type ResponseUsage,
} from './response-object.js';

export { newResponseId, type ResponseContext, type ResponseObject } from './response-object.js';

export function toResponse(completion: ChatCompletion, context: ResponseContext): ResponseObject {
  return responseObject(context, responseState(completion, context));
}

/** What a complete answer adds to the Response: its status, items and usage (response-text.ts writes it without the object). */
export function responseState(completion: ChatCompletion, context: ResponseContext): ResponseState & { readonly usage: ResponseUsage | null } {
  const choice = completion.choices[0];
  const message = choice?.message;
  const { status, incomplete_details } = finishStatus(choice?.finish_reason ?? null);
  const output: ResponseOutputItem[] = [];
  if (message) {
    const calls = (message.tool_calls ?? []).map((call) => ({ call, callId: call.id || newId('call') }));
    const details = mergeReasoningDetails(detailsOf(message['reasoning_details']));
    for (const { call, callId } of calls) {
      const signature = toolCallSignatureDetail(call as unknown as Record<string, unknown>, callId, details.length);
      if (signature) details.push(signature);
    }
    const reasoning = reasoningTextOf(message);
    if (reasoning !== '' || details.length > 0) output.push(reasoningItem(newId('rs'), reasoning, details, context));

    const content: MessageItem['content'] = [];
    const text = typeof message.content === 'string' ? message.content : textOfParts(message.content);
    if (text !== '') content.push(outputText(text));
    if (typeof message.refusal === 'string' && message.refusal !== '') content.push({ type: 'refusal', refusal: message.refusal });
    if (content.length > 0) output.push(messageItem(newId('msg'), content, 'completed'));

    for (const { call, callId } of calls) {
      output.push(toolCallItem(context.tools.kindOf(call.function.name), callId, call.function.name, call.function.arguments, 'completed'));
    }
  }
  // a cut-off answer ends in its last item: that one is incomplete, the ones before it are whole
  const last = output.at(-1);
  if (status === 'incomplete' && last && 'status' in last) last.status = 'incomplete';
  return { status, incomplete_details, output, usage: toResponsesUsage(completion.usage) };
}

function textOfParts(content: unknown): string {
  if (!Array.isArray(content)) return '';
  return content
    .map((part: unknown) =>
      typeof part === 'object' && part !== null && typeof (part as { text?: unknown }).text === 'string' ? (part as { text: string }).text : '',
    )
    .join('');
}
