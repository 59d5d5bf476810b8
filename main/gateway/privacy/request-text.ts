// The parts of a canonical request the privacy guard reads and, when it redacts, rewrites: the text of every message
// (system and developer included), tool results, tool-call arguments, reasoning carried back, and the names of
// attached files (for path globs). Images, audio and file contents stay as they are: their bytes are not text.
import type { ChatRequest, EmbeddingsRequest } from '../../../shared/openai-types.js';
import type { PrivacyScanner } from './scanner.js';
import { filePathDetector } from './scanner.js';
import { maxJsonDepth } from '../http/json-depth.js';

type Message = ChatRequest['messages'][number];

/** The names of the detectors that fire anywhere in the request. */
export function detectInChat(scanner: PrivacyScanner, request: ChatRequest): Set<string> {
  const fired = new Set<string>();
  for (const message of request.messages) {
    const content = (message as { content?: unknown }).content;
    if (typeof content === 'string') scanner.detect(content, fired);
    else if (Array.isArray(content)) {
      for (const part of content as ReadonlyArray<Record<string, unknown>>) {
        if (typeof part['text'] === 'string') scanner.detect(part['text'], fired);
        else if (typeof part['refusal'] === 'string') scanner.detect(part['refusal'], fired);
        else if (part['type'] === 'file' && fileNameMatches(scanner, part['file'])) fired.add(filePathDetector);
      }
    }
    if (message.role === 'assistant') {
      if (typeof message.reasoning_content === 'string') scanner.detect(message.reasoning_content, fired);
      for (const call of message.tool_calls ?? []) if (typeof call.function?.arguments === 'string') scanner.detect(call.function.arguments, fired);
    }
  }
  return fired;
}

export function detectInEmbeddings(scanner: PrivacyScanner, request: EmbeddingsRequest): Set<string> {
  const fired = new Set<string>();
  const input: unknown = request.input;
  if (typeof input === 'string') scanner.detect(input, fired);
  else if (Array.isArray(input)) for (const item of input) if (typeof item === 'string') scanner.detect(item, fired);
  return fired;
}

function fileNameMatches(scanner: PrivacyScanner, file: unknown): boolean {
  if (typeof file !== 'object' || file === null) return false;
  const name = (file as Record<string, unknown>)['filename'];
  return typeof name === 'string' && scanner.matchesPath(name);
}

/** The request with the same parts redacted (a file whose name matched a glob is left out, with a note). */
export function redactChat(scanner: PrivacyScanner, request: ChatRequest): ChatRequest {
  return { ...request, messages: request.messages.map((message) => redactMessage(scanner, message)) };
}

function redactMessage(scanner: PrivacyScanner, message: Message): Message {
  const record = message as Record<string, unknown>;
  const out: Record<string, unknown> = { ...record };
  const content = record['content'];
  if (typeof content === 'string') out['content'] = scanner.redact(content);
  else if (Array.isArray(content)) {
    out['content'] = (content as ReadonlyArray<Record<string, unknown>>).map((part) => {
      if (typeof part['text'] === 'string') return { ...part, text: scanner.redact(part['text']) };
      if (typeof part['refusal'] === 'string') return { ...part, refusal: scanner.redact(part['refusal']) };
      if (part['type'] === 'file' && fileNameMatches(scanner, part['file'])) return { type: 'text', text: `[REDACTED:${filePathDetector}]` };
      return part;
    });
  }
  if (message.role === 'assistant') {
    if (typeof message.reasoning_content === 'string') out['reasoning_content'] = scanner.redact(message.reasoning_content);
    if (message.tool_calls) {
      out['tool_calls'] = message.tool_calls.map((call) =>
        typeof call.function?.arguments === 'string' ? { ...call, function: { ...call.function, arguments: scanner.redact(call.function.arguments) } } : call,
      );
    }
  }
  return out as Message;
}

export function redactEmbeddings(scanner: PrivacyScanner, request: EmbeddingsRequest): EmbeddingsRequest {
  const input: unknown = request.input;
  if (typeof input === 'string') return { ...request, input: scanner.redact(input) };
  if (Array.isArray(input))
    return { ...request, input: input.map((item: unknown) => (typeof item === 'string' ? scanner.redact(item) : item)) as EmbeddingsRequest['input'] };
  return request;
}

/** Bounds the walk over a client's JSON (RELIABILITY.md): bodies deeper than http/json-depth's limit never get here. */
const maxDepth = maxJsonDepth + 2;

/**
 * A native (passthrough) body with every string redacted, whatever field holds it: a dialect's own body may carry
 * text the canonical request does not (a Responses item, an Anthropic document), and none of it may leave unredacted.
 */
export function redactJson(scanner: PrivacyScanner, value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scanner.redact(value);
  if (typeof value !== 'object' || value === null) return value;
  // deeper than any body the gateway admits: dropped rather than sent unread
  if (depth >= maxDepth) return null;
  if (Array.isArray(value)) return value.map((item: unknown) => redactJson(scanner, item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    out[key] =
      key === 'filename' && typeof item === 'string' && scanner.matchesPath(item) ? `[REDACTED:${filePathDetector}]` : redactJson(scanner, item, depth + 1);
  }
  return out;
}
