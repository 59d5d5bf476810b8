// OpenAI chat messages → Gemini `contents` + `systemInstruction`. Roles become user/model; system and developer text
// moves to systemInstruction; tool results become user-role functionResponse parts named after the call they answer
// (OpenAI only carries the call id, so the names of earlier assistant tool calls are remembered); consecutive
// contents of one role are merged, as Gemini wants parallel function responses in one turn.
import type { ChatMessage, ContentPart } from '../../../../shared/openai-types.js';
import type { GeminiContent, GeminiPart } from './gemini-api.js';
import { badRequest } from './gemini-error.js';
import { messageSignatures, skipSignatureValidator, toolCallSignature, validatesSignatures } from './thought-signatures.js';
import { append } from '../../../../shared/append.js';
import { toolArgumentsObject } from '../tool-arguments.js';

export interface GeminiPrompt {
  systemInstruction?: { parts: Array<{ text: string }> };
  contents: GeminiContent[];
}

export function toGeminiPrompt(messages: readonly ChatMessage[], upstreamModel: string, providerId: string): GeminiPrompt {
  const system: Array<{ text: string }> = [];
  const contents: GeminiContent[] = [];
  const toolNames = new Map<string, string>();
  const add = (role: GeminiContent['role'], parts: GeminiPart[]): void => {
    if (parts.length === 0) return;
    const last = contents.at(-1);
    if (last && last.role === role) append(last.parts, parts);
    else contents.push({ role, parts });
  };
  messages.forEach((message, index) => {
    switch (message.role) {
      case 'system':
      case 'developer': {
        const text = joinText(message.content);
        if (text !== '') system.push({ text });
        return;
      }
      case 'user':
        return add('user', userParts(message.content, `messages[${index}].content`, providerId));
      case 'assistant':
        return add('model', assistantParts(message, index, toolNames, providerId));
      case 'tool': {
        const name = toolNames.get(message.tool_call_id) ?? (typeof message['name'] === 'string' ? message['name'] : undefined);
        if (name === undefined) {
          throw badRequest(
            providerId,
            `tool_call_id '${message.tool_call_id}' matches no tool call of an earlier assistant message`,
            `messages[${index}].tool_call_id`,
          );
        }
        const id = geminiCallId(message.tool_call_id);
        return add('user', [{ functionResponse: { ...(id ? { id } : {}), name, response: toolResponse(joinText(message.content)) } }]);
      }
      case 'function':
        return add('user', [{ functionResponse: { name: message.name, response: toolResponse(message.content ?? '') } }]);
    }
  });
  if (validatesSignatures(upstreamModel)) fillMissingSignatures(contents);
  return { ...(system.length > 0 ? { systemInstruction: { parts: system } } : {}), contents };
}

function assistantParts(message: Extract<ChatMessage, { role: 'assistant' }>, index: number, toolNames: Map<string, string>, providerId: string): GeminiPart[] {
  const parts: GeminiPart[] = [];
  const signatures = messageSignatures(message);
  const text = joinText(message.content ?? message.refusal ?? '');
  const textSignature = signatures.text.at(-1); // Gemini signs the last part of a text answer
  if (text !== '') parts.push({ text, ...(textSignature ? { thoughtSignature: textSignature } : {}) });
  (message.tool_calls ?? []).forEach((call, callIndex) => {
    toolNames.set(call.id, call.function.name);
    const args = toolArgumentsObject(call.function.arguments, `messages[${index}].tool_calls[${callIndex}].function.arguments`, providerId, 'Gemini');
    const signature = toolCallSignature(call) ?? signatures.byToolCallId.get(call.id);
    const id = geminiCallId(call.id);
    parts.push({ functionCall: { ...(id ? { id } : {}), name: call.function.name, args }, ...(signature ? { thoughtSignature: signature } : {}) });
  });
  return parts;
}

/**
 * Ids this adapter made up ("call_…", as OpenAI's) mean nothing to Gemini and stay on our side; any other id came
 * from Gemini's own functionCall.id and goes back on the call and its response.
 */
function geminiCallId(id: string): string | undefined {
  return id.startsWith('call_') ? undefined : id;
}

/** Gemini 3 rejects a model turn whose first function call has no signature; history from elsewhere has none. */
function fillMissingSignatures(contents: GeminiContent[]): void {
  for (const content of contents) {
    if (content.role !== 'model') continue;
    const firstCall = content.parts.find((part) => part.functionCall !== undefined);
    if (firstCall && firstCall.thoughtSignature === undefined) firstCall.thoughtSignature = skipSignatureValidator;
  }
}

/** Gemini wants a JSON object: a JSON-object result goes as it is, anything else as {"output": text}. */
function toolResponse(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // plain text
  }
  return { output: text };
}

export function joinText(content: string | ReadonlyArray<{ type: string; text?: string; refusal?: string }>): string {
  if (typeof content === 'string') return content;
  return content
    .map((part) => (part.type === 'text' ? part.text : part.refusal))
    .filter((text): text is string => typeof text === 'string')
    .join('\n');
}

function userParts(content: string | readonly ContentPart[], param: string, providerId: string): GeminiPart[] {
  if (typeof content === 'string') return content === '' ? [] : [{ text: content }];
  const parts: GeminiPart[] = [];
  content.forEach((part, partIndex) => {
    const partParam = `${param}[${partIndex}]`;
    switch (part.type) {
      case 'text':
        if (part.text !== '') parts.push({ text: part.text });
        return;
      case 'refusal':
        if (part.refusal !== '') parts.push({ text: part.refusal });
        return;
      case 'image_url':
        parts.push(imagePart(part.image_url.url, `${partParam}.image_url.url`, providerId));
        return;
      case 'input_audio':
        parts.push({ inlineData: { mimeType: `audio/${part.input_audio.format}`, data: part.input_audio.data } });
        return;
      case 'file': {
        const fileData = part.file['file_data'];
        if (typeof fileData !== 'string')
          throw badRequest(providerId, 'file parts need file_data (a data: URL); uploaded file ids are not supported for Gemini', `${partParam}.file`);
        parts.push({ inlineData: dataUrl(fileData, `${partParam}.file.file_data`, providerId) });
        return;
      }
    }
  });
  return parts;
}

/** data: URLs travel inline; https URLs as fileData, which Gemini fetches itself; nothing else is accepted. */
function imagePart(url: string, param: string, providerId: string): GeminiPart {
  if (/^data:/i.test(url)) return { inlineData: dataUrl(url, param, providerId) };
  if (/^https:\/\//i.test(url)) return { fileData: { mimeType: imageTypeFromUrl(url), fileUri: url } };
  throw badRequest(providerId, `Gemini takes images as data: URLs or https URLs, not '${url.slice(0, 40)}…'`, param);
}

function dataUrl(url: string, param: string, providerId: string): { mimeType: string; data: string } {
  const match = /^data:([^;,]+)((?:;[^;,]*)*),(.*)$/is.exec(url);
  if (!match || !match[1]) throw badRequest(providerId, 'expected a data: URL with a media type (data:image/png;base64,…)', param);
  const payload = match[3] ?? '';
  const base64 = /;base64/i.test(match[2] ?? '');
  // a non-base64 data URL (rare: SVG text) is percent-encoded bytes
  return { mimeType: match[1].toLowerCase(), data: base64 ? payload.replace(/\s+/g, '') : Buffer.from(decodeURIComponent(payload), 'utf8').toString('base64') };
}

const imageTypes: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  heic: 'image/heic',
  heif: 'image/heif',
};

/** Gemini wants a media type beside a fileUri; the extension is all an image URL says (JPEG when it says nothing). */
function imageTypeFromUrl(url: string): string {
  let pathname = '';
  try {
    pathname = new URL(url).pathname;
  } catch {
    // keep the default
  }
  const extension = /\.([a-z0-9]+)$/i.exec(pathname)?.[1]?.toLowerCase() ?? '';
  return imageTypes[extension] ?? 'image/jpeg';
}
