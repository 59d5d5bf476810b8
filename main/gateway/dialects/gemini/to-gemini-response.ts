// A canonical ChatCompletion → Gemini's GenerateContentResponse, and the pieces the stream encoder shares: parts of
// an answer (thought text, text, functionCall with its signature), finishReason, usageMetadata. Gemini's own
// signatures (a Gemini target's, kept in reasoning_details / extra_content.google) go back on the parts they came
// with; another provider's reasoning details (Claude's signed thinking) have no Gemini field, so they ride in a
// `thoughtSignature` as Switchyard's carrier (`sy1.…`, the Responses dialect's), which Gemini clients keep and send
// back on the same part; convert-contents.ts unpacks it.
import { append } from '../../../../shared/append.js';
import type { ChatCompletion, ToolCall, Usage } from '../../../../shared/openai-types.js';
import { signatureFormat, toolCallSignature } from '../../providers/gemini/thought-signatures.js';
import { encodeReasoningCarrier, mergeReasoningDetails } from '../openai/responses/reasoning-carrier.js';
import { resourceName } from './model-action.js';

export interface GeminiOutPart {
  text?: string;
  thought?: boolean;
  thoughtSignature?: string;
  functionCall?: { id?: string; name: string; args: Record<string, unknown> };
}

export interface GeminiOutCandidate {
  content: { role: 'model'; parts: GeminiOutPart[] };
  finishReason?: string;
  index: number;
}

export interface GeminiUsageMetadata {
  promptTokenCount: number;
  candidatesTokenCount: number;
  totalTokenCount: number;
  cachedContentTokenCount?: number;
  thoughtsTokenCount?: number;
}

export interface GeminiOutResponse {
  candidates?: GeminiOutCandidate[];
  usageMetadata?: GeminiUsageMetadata;
  modelVersion: string;
  responseId?: string;
}

const geminiFinishReasons = new Set([
  'STOP',
  'MAX_TOKENS',
  'SAFETY',
  'RECITATION',
  'LANGUAGE',
  'OTHER',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'MALFORMED_FUNCTION_CALL',
  'IMAGE_SAFETY',
  'UNEXPECTED_TOOL_CALL',
  'TOO_MANY_TOOL_CALLS',
]);

/** Gemini's own reason when a Gemini target gave one (native_finish_reason), else the unified one's equivalent. */
export function toFinishReason(unified: string | null | undefined, native: unknown): string {
  if (typeof native === 'string' && geminiFinishReasons.has(native)) return native;
  if (unified === 'length') return 'MAX_TOKENS';
  if (unified === 'content_filter') return 'SAFETY';
  return 'STOP'; // Gemini says STOP after function calls too
}

export function toUsageMetadata(usage: Usage): GeminiUsageMetadata {
  const reasoning = usage.completion_tokens_details?.reasoning_tokens ?? 0;
  const cached = usage.prompt_tokens_details?.cached_tokens ?? 0;
  // Gemini counts thinking apart from the candidates; the prompt count includes cached tokens, as OpenAI's does
  return {
    promptTokenCount: usage.prompt_tokens,
    candidatesTokenCount: Math.max(0, usage.completion_tokens - reasoning),
    totalTokenCount: usage.total_tokens,
    ...(cached > 0 ? { cachedContentTokenCount: cached } : {}),
    ...(reasoning > 0 ? { thoughtsTokenCount: reasoning } : {}),
  };
}

/** `chatcmpl-abc` → `abc`: the id Gemini clients see as responseId. */
export function responseIdOf(completionId: string | undefined): string | undefined {
  if (!completionId) return undefined;
  return completionId.startsWith('chatcmpl-') ? completionId.slice('chatcmpl-'.length) : completionId;
}

/** Gemini's text signatures among reasoning_details, and the rest (another provider's), merged. */
export function splitDetails(details: readonly Record<string, unknown>[]): { readonly gemini: string[]; readonly other: Record<string, unknown>[] } {
  const gemini: string[] = [];
  const other: Record<string, unknown>[] = [];
  for (const detail of details) {
    if (detail['type'] === 'reasoning.encrypted' && detail['format'] === signatureFormat && typeof detail['data'] === 'string' && detail['id'] === undefined)
      gemini.push(detail['data']);
    else other.push(detail);
  }
  return { gemini, other: mergeReasoningDetails(other) };
}

export function functionCallPart(call: ToolCall & { extra_content?: unknown }): GeminiOutPart {
  const args = parseArgs(call.function.arguments);
  const signature = toolCallSignature(call as unknown as Record<string, unknown>);
  return { functionCall: { ...(call.id ? { id: call.id } : {}), name: call.function.name, args }, ...(signature ? { thoughtSignature: signature } : {}) };
}

/**
 * An assistant message's parts in Gemini's order: thought, text, function calls. Gemini signs the last part of a text
 * answer; a carrier of another provider's reasoning goes on the first function call (the part Gemini clients are
 * surest to send back in a tool loop), else on the thought part.
 */
export function messageParts(message: {
  content?: unknown;
  reasoning_content?: unknown;
  tool_calls?: readonly ToolCall[] | undefined;
  [key: string]: unknown;
}): GeminiOutPart[] {
  const parts: GeminiOutPart[] = [];
  const details = Array.isArray(message['reasoning_details']) ? (message['reasoning_details'] as unknown[]).filter(isObject) : [];
  const { gemini, other } = splitDetails(details);
  const reasoning = typeof message.reasoning_content === 'string' ? message.reasoning_content : '';
  const carrier = other.length > 0 ? encodeReasoningCarrier({ details: other, ...(reasoning !== '' ? { text: reasoning } : {}) }) : undefined;
  const calls = (message.tool_calls ?? []).map(functionCallPart);
  const thought: GeminiOutPart | undefined = reasoning !== '' || (carrier && calls.length === 0) ? { text: reasoning, thought: true } : undefined;
  if (thought) parts.push(thought);
  const text = typeof message.content === 'string' ? message.content : '';
  if (text !== '') parts.push({ text });
  const [firstCall] = calls;
  if (carrier && firstCall && firstCall.thoughtSignature === undefined) firstCall.thoughtSignature = carrier;
  else if (carrier && thought) thought.thoughtSignature = carrier;
  append(parts, calls);
  // Gemini's text signatures: the last on the last text-or-thought part, any earlier one on a bare part before it
  const signed = [...parts].reverse().find((part) => part.functionCall === undefined && part.thoughtSignature === undefined);
  const lastSignature = gemini.pop();
  for (const signature of gemini) parts.unshift({ thoughtSignature: signature });
  if (lastSignature !== undefined) {
    if (signed) signed.thoughtSignature = lastSignature;
    else parts.push({ text: '', thoughtSignature: lastSignature });
  }
  return parts;
}

export function toGeminiResponse(completion: ChatCompletion, model: string): GeminiOutResponse {
  const candidates = completion.choices.map((choice) => ({
    content: { role: 'model' as const, parts: messageParts(choice.message) },
    finishReason: toFinishReason(choice.finish_reason, choice['native_finish_reason']),
    index: choice.index,
  }));
  const responseId = responseIdOf(completion.id);
  return {
    candidates,
    ...(completion.usage ? { usageMetadata: toUsageMetadata(completion.usage) } : {}),
    modelVersion: modelVersion(model),
    ...(responseId ? { responseId } : {}),
  };
}

/** What the client asked for, without `models/` (Gemini's modelVersion reads "gemini-2.5-flash"). */
export function modelVersion(model: string): string {
  return resourceName(model).slice('models/'.length);
}

function parseArgs(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : { value };
  } catch {
    // a model that wrote broken JSON: the client still sees what it wrote
    return { arguments: text };
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
