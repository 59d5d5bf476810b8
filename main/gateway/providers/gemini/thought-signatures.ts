// Where Gemini's thought signatures live on the OpenAI side, so that a client that echoes the assistant message
// back also echoes them. Google's own OpenAI-compatible endpoint puts a function call's signature on the tool call
// (`extra_content.google.thought_signature`); a text part's signature goes into OpenRouter-style `reasoning_details`
// entries ({type:'reasoning.encrypted', data, format:'google-gemini-v1'}). Both come back to the matching parts.

export const signatureFormat = 'google-gemini-v1';

/**
 * The value Google documents for function calls whose signature is lost (history written by another model or
 * provider): Gemini 3 rejects a current-turn function call without a signature, and accepts this one instead.
 */
export const skipSignatureValidator = 'skip_thought_signature_validator';

export interface EncryptedReasoningDetail {
  type: 'reasoning.encrypted';
  data: string;
  format: typeof signatureFormat;
  index: number;
}

export interface ToolCallExtraContent {
  google: { thought_signature: string };
}

export function encryptedDetail(data: string, index: number): EncryptedReasoningDetail {
  return { type: 'reasoning.encrypted', data, format: signatureFormat, index };
}

export function toolCallExtraContent(signature: string): ToolCallExtraContent {
  return { google: { thought_signature: signature } };
}

/** `extra_content.google.thought_signature` of a tool call the client sent back. */
export function toolCallSignature(call: Readonly<Record<string, unknown>>): string | undefined {
  const extra = asRecord(call['extra_content']);
  const signature = asRecord(extra['google'])['thought_signature'];
  return typeof signature === 'string' && signature !== '' ? signature : undefined;
}

export interface MessageSignatures {
  /** signatures of text parts, in order */
  readonly text: string[];
  /** OpenRouter also files function-call signatures here, with the tool call's id */
  readonly byToolCallId: Map<string, string>;
}

/** The Gemini signatures among an assistant message's `reasoning_details`; other formats are not ours and are skipped. */
export function messageSignatures(message: Readonly<Record<string, unknown>>): MessageSignatures {
  const text: string[] = [];
  const byToolCallId = new Map<string, string>();
  const details = message['reasoning_details'];
  if (!Array.isArray(details)) return { text, byToolCallId };
  for (const entry of details as unknown[]) {
    const detail = asRecord(entry);
    if (detail['type'] !== 'reasoning.encrypted' || typeof detail['data'] !== 'string' || detail['data'] === '') continue;
    if (detail['format'] !== undefined && detail['format'] !== signatureFormat) continue;
    if (typeof detail['id'] === 'string' && detail['id'] !== '') byToolCallId.set(detail['id'], detail['data']);
    else text.push(detail['data']);
  }
  return { text, byToolCallId };
}

/** Gemini 3 and later validate signatures on function calls; 1.x, 2.x and Gemma do not. */
export function validatesSignatures(upstreamModel: string): boolean {
  const match = /^(?:models\/)?gemini-(\d+)/.exec(upstreamModel);
  return match !== null && Number(match[1]) >= 3;
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
