// Switchyard's own `encrypted_content` for a reasoning item. A translated target's reasoning comes with
// `reasoning_details` (Claude's signed thinking blocks, Gemini's thought signatures) that must go back to it
// unchanged in the next turn, or a tool loop breaks; a Responses client keeps only items, and sends a reasoning item
// back with its encrypted_content (Codex does, every turn, as it runs with store:false). So the details and the
// reasoning text ride there: 'sy1.' + base64url(JSON). It is not encrypted: the client already saw the text, and the
// signatures are opaque to it. OpenAI's own encrypted_content is ciphertext in base64 ('gAAAA…'), never 'sy1.'.

export interface ReasoningCarrier {
  /** OpenRouter-style reasoning_details, as the target produced them */
  readonly details: readonly Record<string, unknown>[];
  /** the reasoning text, when the target exposed it */
  readonly text?: string;
}

const prefix = 'sy1.';

export function encodeReasoningCarrier(carrier: ReasoningCarrier): string {
  const payload = carrier.text === undefined || carrier.text === '' ? { details: carrier.details } : { details: carrier.details, text: carrier.text };
  return prefix + Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

/** Whether `encrypted_content` is one Switchyard made: a native OpenAI target must not receive it. */
export function isReasoningCarrier(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(prefix);
}

/** The carrier inside `value`, or undefined when it is not one of ours (OpenAI's) or is damaged. */
export function decodeReasoningCarrier(value: string): ReasoningCarrier | undefined {
  if (!isReasoningCarrier(value)) return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(value.slice(prefix.length), 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof payload !== 'object' || payload === null) return undefined;
  const { details, text } = payload as { details?: unknown; text?: unknown };
  if (!Array.isArray(details)) return undefined;
  const records = details.filter((entry: unknown): entry is Record<string, unknown> => typeof entry === 'object' && entry !== null && !Array.isArray(entry));
  return typeof text === 'string' && text !== '' ? { details: records, text } : { details: records };
}

/**
 * Streamed details arrive as fragments: Claude's thinking text comes in pieces that share an `index`, then its
 * signature. They are joined here (text concatenated, the signature kept) so that a carrier holds each block once.
 * Other kinds of detail (Gemini's signatures, redacted thinking) are kept as they are, in order.
 */
export function mergeReasoningDetails(fragments: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  if (fragments.length === 0) return []; // the usual answer, which did not reason: no map to make
  const merged: Record<string, unknown>[] = [];
  const textBlocks = new Map<string, Record<string, unknown>>();
  for (const fragment of fragments) {
    const index = fragment['index'];
    if (fragment['type'] !== 'reasoning.text' || typeof index !== 'number') {
      merged.push({ ...fragment });
      continue;
    }
    const key = `${String(fragment['format'])}|${index}`;
    const block = textBlocks.get(key);
    if (!block) {
      const copy = { ...fragment };
      textBlocks.set(key, copy);
      merged.push(copy);
      continue;
    }
    if (typeof fragment['text'] === 'string') block['text'] = (typeof block['text'] === 'string' ? block['text'] : '') + fragment['text'];
    if (typeof fragment['signature'] === 'string' && fragment['signature'] !== '') block['signature'] = fragment['signature'];
  }
  return merged;
}
