// Gemini's finishReason → OpenAI's finish_reason, keeping Gemini's own value beside it (OpenRouter's
// `native_finish_reason`). Gemini says STOP even when it called functions, so calls decide "tool_calls" themselves.
import type { FinishReason } from '../../../../shared/openai-types.js';

export interface MappedFinishReason {
  readonly unified: Exclude<FinishReason, null>;
  readonly raw: string | null;
  /** why a "stop" is not a clean stop, for the client to read beside the choice */
  readonly note?: string;
}

const filtered = new Set(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY', 'IMAGE_PROHIBITED_CONTENT', 'IMAGE_RECITATION']);

const brokenToolCall = new Set(['MALFORMED_FUNCTION_CALL', 'UNEXPECTED_TOOL_CALL', 'TOO_MANY_TOOL_CALLS']);

export function mapFinishReason(finishReason: string | undefined, hasToolCalls: boolean): MappedFinishReason {
  const raw = finishReason ?? null;
  if (finishReason !== undefined && filtered.has(finishReason)) return { unified: 'content_filter', raw };
  if (hasToolCalls) return { unified: 'tool_calls', raw };
  if (finishReason === 'MAX_TOKENS') return { unified: 'length', raw };
  if (finishReason !== undefined && brokenToolCall.has(finishReason)) {
    return { unified: 'stop', raw, note: `Gemini stopped with ${finishReason}: the model produced a tool call it could not complete, so none is returned` };
  }
  return { unified: 'stop', raw };
}

/** A prompt Gemini refused to answer at all (promptFeedback.blockReason, no candidates). */
export function blockedPrompt(blockReason: string): MappedFinishReason {
  return { unified: 'content_filter', raw: blockReason };
}
