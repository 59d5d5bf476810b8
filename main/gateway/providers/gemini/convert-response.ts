// A Gemini GenerateContentResponse → an OpenAI ChatCompletion, plus the pieces the stream converter shares: what
// each part means (text, thought, function call, a bare signature), deterministic tool-call ids, and usage, where
// thinking is billed as output and the prompt count already includes cached tokens.
import { createHash, randomBytes } from 'node:crypto';
import type { AssistantMessage, ChatCompletion, ToolCall, Usage } from '../../../../shared/openai-types.js';
import type { GeminiCandidate, GeminiResponse, GeminiResponsePart, GeminiUsage } from './gemini-api.js';
import { blockedPrompt, mapFinishReason, type MappedFinishReason } from './map-finish-reason.js';
import { encryptedDetail, toolCallExtraContent, type EncryptedReasoningDetail, type ToolCallExtraContent } from './thought-signatures.js';

/** `chatcmpl-<Gemini's responseId>` when Gemini sent one, so a completion can be traced to Google's logs. */
export function newCompletionId(responseId?: string): string {
  return responseId ? `chatcmpl-${responseId}` : `chatcmpl-${randomBytes(12).toString('base64url')}`;
}

/** Gemini's function calls have no id (older models): one is derived from the completion, so it is stable per response. */
export function toolCallId(completionId: string, candidateIndex: number, callIndex: number): string {
  const digest = createHash('sha256').update(`${completionId}:${candidateIndex}:${callIndex}`).digest('base64url');
  return `call_${digest.slice(0, 24)}`;
}

export type ToolCallWithSignature = ToolCall & { extra_content?: ToolCallExtraContent };

export type PartMeaning =
  | { readonly kind: 'text'; readonly text: string; readonly signature?: string }
  | { readonly kind: 'reasoning'; readonly text: string; readonly signature?: string }
  | { readonly kind: 'call'; readonly call: NonNullable<GeminiResponsePart['functionCall']>; readonly signature?: string }
  | { readonly kind: 'signature'; readonly signature: string }
  | { readonly kind: 'other' };

export function partMeaning(part: GeminiResponsePart): PartMeaning {
  const signature = part.thoughtSignature ? { signature: part.thoughtSignature } : {};
  if (part.functionCall) return { kind: 'call', call: part.functionCall, ...signature };
  if (typeof part.text === 'string' && part.text !== '') return { kind: part.thought === true ? 'reasoning' : 'text', text: part.text, ...signature };
  if (part.thoughtSignature) return { kind: 'signature', signature: part.thoughtSignature };
  return { kind: 'other' }; // inline images, executable code and other parts this gateway does not translate
}

export function toToolCall(call: NonNullable<GeminiResponsePart['functionCall']>, id: string, signature: string | undefined): ToolCallWithSignature {
  return {
    // a newer model's own id wins: it is what the model expects back on the functionResponse
    id: call.id || id,
    type: 'function',
    function: { name: call.name, arguments: JSON.stringify(call.args ?? {}) },
    ...(signature ? { extra_content: toolCallExtraContent(signature) } : {}),
  };
}

export function toUsage(usage: GeminiUsage): Usage {
  // promptTokenCount already includes cachedContentTokenCount; built-in tool results are billed as input too
  const promptTokens = (usage.promptTokenCount ?? 0) + (usage.toolUsePromptTokenCount ?? 0);
  const reasoningTokens = usage.thoughtsTokenCount ?? 0;
  const completionTokens = (usage.candidatesTokenCount ?? 0) + reasoningTokens;
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: usage.totalTokenCount ?? promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedContentTokenCount ?? 0 },
    completion_tokens_details: { reasoning_tokens: reasoningTokens },
  };
}

/** The extra fields of a choice: Gemini's own finish reason (OpenRouter's name for it) and a note when one helps. */
export function finishExtras(mapped: MappedFinishReason, finishMessage?: string): Record<string, unknown> {
  const note = finishMessage ?? mapped.note;
  return { native_finish_reason: mapped.raw, ...(note ? { finish_note: note } : {}) };
}

export function toChatCompletion(response: GeminiResponse, upstreamModel: string): ChatCompletion {
  const id = newCompletionId(response.responseId);
  const candidates = response.candidates ?? [];
  const completion: ChatCompletion = { id, object: 'chat.completion', created: Math.floor(Date.now() / 1000), model: upstreamModel, choices: [] };
  if (candidates.length === 0) {
    // a blocked prompt is an answer (an empty, filtered one), not an exception
    const mapped = blockedPrompt(response.promptFeedback?.blockReason ?? 'BLOCKED_REASON_UNSPECIFIED');
    completion.choices.push({
      index: 0,
      message: { role: 'assistant', content: '' },
      finish_reason: mapped.unified,
      logprobs: null,
      ...finishExtras(mapped, response.promptFeedback?.blockReasonMessage),
    });
  } else {
    candidates.forEach((candidate, position) => completion.choices.push(toChoice(candidate, candidate.index ?? position, id)));
  }
  if (response.usageMetadata) completion.usage = toUsage(response.usageMetadata);
  return completion;
}

function toChoice(candidate: GeminiCandidate, index: number, completionId: string): ChatCompletion['choices'][number] {
  let text = '';
  let reasoning = '';
  const toolCalls: ToolCallWithSignature[] = [];
  const details: EncryptedReasoningDetail[] = [];
  for (const part of candidate.content?.parts ?? []) {
    const meaning = partMeaning(part);
    if (meaning.kind === 'call') {
      toolCalls.push(toToolCall(meaning.call, toolCallId(completionId, index, toolCalls.length), meaning.signature));
      continue;
    }
    if (meaning.kind === 'text') text += meaning.text;
    if (meaning.kind === 'reasoning') reasoning += meaning.text;
    if ((meaning.kind === 'text' || meaning.kind === 'reasoning' || meaning.kind === 'signature') && meaning.signature) {
      details.push(encryptedDetail(meaning.signature, details.length));
    }
  }
  const message: AssistantMessage = { role: 'assistant', content: text === '' && toolCalls.length > 0 ? null : text };
  if (reasoning !== '') message.reasoning_content = reasoning;
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (details.length > 0) message['reasoning_details'] = details;
  const mapped = mapFinishReason(candidate.finishReason, toolCalls.length > 0);
  return { index, message, finish_reason: mapped.unified, logprobs: null, ...finishExtras(mapped, candidate.finishMessage) };
}
