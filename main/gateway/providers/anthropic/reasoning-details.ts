// Claude's thinking blocks ↔ OpenRouter's `reasoning_details`. A thinking block must go back to Anthropic unchanged
// (text and signature) in the next request, or Anthropic rejects the turn when tools are used; OpenAI's message
// shape has no place for it, so the signed blocks ride in `reasoning_details` ({type:'reasoning.text', text,
// signature} and {type:'reasoning.encrypted', data} for redacted thinking) and the readable text in
// `reasoning_content`.
import type { AnthropicContentBlock } from './anthropic-api.js';

export const reasoningFormat = 'anthropic-claude-v1';

export type ReasoningDetail =
  | { type: 'reasoning.text'; text?: string; signature?: string; format: string; index: number }
  | { type: 'reasoning.encrypted'; data: string; format: string; index: number };

export function textDetail(index: number, text: string, signature: string | null | undefined): ReasoningDetail {
  return { type: 'reasoning.text', text, ...(signature ? { signature } : {}), format: reasoningFormat, index };
}

export function encryptedDetail(index: number, data: string): ReasoningDetail {
  return { type: 'reasoning.encrypted', data, format: reasoningFormat, index };
}

interface Accumulated {
  text: string;
  signature: string | undefined;
  data: string | undefined;
}

/**
 * The thinking blocks an assistant message carries back. Streamed details arrive as fragments sharing an index
 * (text pieces, then the signature), so fragments are merged by index first. Details from other providers (another
 * `format`), summaries and unsigned text (Anthropic rejects a thinking block without its signature) are dropped.
 */
export function thinkingBlocksFrom(details: unknown, reasoningContent: string | undefined): AnthropicContentBlock[] {
  if (!Array.isArray(details)) return [];
  const merged = new Map<number, Accumulated>();
  let position = 0;
  for (const entry of details as unknown[]) {
    if (typeof entry !== 'object' || entry === null) continue;
    const detail = entry as Record<string, unknown>;
    const format = detail['format'];
    if (typeof format === 'string' && !format.startsWith('anthropic-claude')) continue;
    const index = typeof detail['index'] === 'number' ? detail['index'] : 1_000_000 + position++;
    const slot = merged.get(index) ?? { text: '', signature: undefined, data: undefined };
    if (detail['type'] === 'reasoning.text') {
      if (typeof detail['text'] === 'string') slot.text += detail['text'];
      if (typeof detail['signature'] === 'string' && detail['signature'] !== '') slot.signature = detail['signature'];
    } else if (detail['type'] === 'reasoning.encrypted' && typeof detail['data'] === 'string') {
      slot.data = detail['data'];
    } else {
      continue;
    }
    merged.set(index, slot);
  }
  const slots = [...merged.entries()].sort(([left], [right]) => left - right).map(([, slot]) => slot);
  const signedTexts = slots.filter((slot) => slot.data === undefined && slot.signature !== undefined);
  const blocks: AnthropicContentBlock[] = [];
  for (const slot of slots) {
    if (slot.data !== undefined) {
      blocks.push({ type: 'redacted_thinking', data: slot.data });
    } else if (slot.signature !== undefined) {
      // A client that kept only the signatures from a stream still has the text in reasoning_content.
      const text = slot.text === '' && signedTexts.length === 1 && reasoningContent ? reasoningContent : slot.text;
      blocks.push({ type: 'thinking', thinking: text, signature: slot.signature });
    }
  }
  return blocks;
}
