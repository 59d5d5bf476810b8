// Exact Anthropic wire shapes for the fake upstream: message bodies and stream events in the key order
// api.anthropic.com sends them (after recorded responses in vercel/ai packages/anthropic/src/__fixtures__ and the
// API reference), SSE framing (`event: <type>` + `data: <json>`), response headers and the error bodies.

export type FakeBlock =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'thinking'; readonly thinking: string; readonly signature: string }
  | { readonly type: 'redacted_thinking'; readonly data: string }
  | { readonly type: 'tool_use'; readonly id?: string; readonly name: string; readonly input: Record<string, unknown> };

export interface UsageNumbers {
  /** input tokens after the last cache breakpoint: Anthropic's count excludes cache reads and writes */
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheCreationInputTokens?: number;
  readonly cacheReadInputTokens?: number;
  readonly serviceTier?: string;
}

export interface ErrorObject {
  readonly type: string;
  readonly message: string;
}

/** An HTTP error answer: the `error` scenario of the fake. A string body is sent as it is (a proxy's page). */
export interface ErrorReply {
  readonly kind: 'error';
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

// ---------------------------------------------------------------------------------------------------------
// Identifiers: msg_/toolu_/req_ + 24 base62 characters, deterministic per process.

const base62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
let identifierCounter = 0;

function deterministicString(length: number, seed: number): string {
  let state = (seed * 2654435761) >>> 0 || 1;
  let text = '';
  for (let position = 0; position < length; position += 1) {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    text += base62[state % base62.length];
  }
  return text;
}

const next = (): number => (identifierCounter += 1);
export const newMessageId = (): string => `msg_01${deterministicString(22, next())}`;
export const newToolUseId = (): string => `toolu_01${deterministicString(22, next())}`;
export const newRequestId = (): string => `req_011C${deterministicString(20, next())}`;
/** Opaque like the real thing (base64 of a protobuf); only its round trip matters. */
export const newSignature = (): string => `Eq${Buffer.from(deterministicString(48, next())).toString('base64')}`;

// ---------------------------------------------------------------------------------------------------------
// Bodies and events

export function usageObject(usage: UsageNumbers): Record<string, unknown> {
  const creation = usage.cacheCreationInputTokens ?? 0;
  return {
    input_tokens: usage.inputTokens,
    cache_creation_input_tokens: creation,
    cache_read_input_tokens: usage.cacheReadInputTokens ?? 0,
    cache_creation: { ephemeral_5m_input_tokens: creation, ephemeral_1h_input_tokens: 0 },
    output_tokens: usage.outputTokens,
    service_tier: usage.serviceTier ?? 'standard',
  };
}

export function blockObject(block: FakeBlock): Record<string, unknown> {
  if (block.type === 'tool_use') return { type: 'tool_use', id: block.id ?? newToolUseId(), name: block.name, input: block.input };
  return { ...block };
}

export interface MessageParts {
  readonly id: string;
  readonly model: string;
  readonly content: readonly FakeBlock[];
  readonly stopReason: string | null;
  readonly stopSequence: string | null;
  readonly usage: UsageNumbers;
}

/** A non-streamed message, keys in Anthropic's order. */
export function messageBody(parts: MessageParts): Record<string, unknown> {
  return {
    model: parts.model,
    id: parts.id,
    type: 'message',
    role: 'assistant',
    content: parts.content.map(blockObject),
    stop_reason: parts.stopReason,
    stop_sequence: parts.stopSequence,
    usage: usageObject(parts.usage),
  };
}

export interface StreamEvent {
  readonly event: string;
  readonly data: Record<string, unknown>;
  /** a content_block_delta: what "after N deltas" counts */
  readonly delta: boolean;
}

export interface StreamOptions {
  /** pieces each text / thinking block is cut into (default: one per word) */
  readonly pieces?: number;
  /** 'output' (default): message_delta.usage carries output_tokens only; 'full': the cumulative input counters too */
  readonly messageDeltaUsage?: 'output' | 'full';
}

/** The events of a streamed message: message_start, per block start / ping (after the first) / deltas / stop,
 *  message_delta, message_stop. Tool input streams as an empty fragment then pieces, as Anthropic does. */
export function streamEvents(parts: MessageParts, options: StreamOptions = {}): StreamEvent[] {
  const events: StreamEvent[] = [];
  const push = (data: Record<string, unknown>, delta = false): void => void events.push({ event: String(data['type']), data, delta });
  const startUsage = { ...usageObject({ ...parts.usage, outputTokens: Math.min(1, parts.usage.outputTokens) }) };
  push({ type: 'message_start', message: { ...messageBody({ ...parts, content: [], stopReason: null, stopSequence: null }), usage: startUsage } });
  parts.content.forEach((block, index) => {
    const full = blockObject(block);
    const opening =
      block.type === 'text'
        ? { type: 'text', text: '' }
        : block.type === 'thinking'
          ? { type: 'thinking', thinking: '', signature: '' }
          : block.type === 'tool_use'
            ? { ...full, input: {} }
            : full;
    push({ type: 'content_block_start', index, content_block: opening });
    if (index === 0) push({ type: 'ping' });
    const delta = (value: Record<string, unknown>): void => push({ type: 'content_block_delta', index, delta: value }, true);
    if (block.type === 'text') for (const piece of splitPieces(block.text, options.pieces)) delta({ type: 'text_delta', text: piece });
    if (block.type === 'thinking') {
      for (const piece of splitPieces(block.thinking, options.pieces)) delta({ type: 'thinking_delta', thinking: piece });
      delta({ type: 'signature_delta', signature: block.signature });
    }
    if (block.type === 'tool_use') {
      delta({ type: 'input_json_delta', partial_json: '' });
      for (const piece of splitPieces(JSON.stringify(block.input), 3)) delta({ type: 'input_json_delta', partial_json: piece });
    }
    push({ type: 'content_block_stop', index });
  });
  const usage =
    options.messageDeltaUsage === 'full'
      ? (({ cache_creation: _creation, service_tier: _tier, ...rest }) => rest)(usageObject(parts.usage))
      : { output_tokens: parts.usage.outputTokens };
  push({ type: 'message_delta', delta: { stop_reason: parts.stopReason, stop_sequence: parts.stopSequence }, usage });
  push({ type: 'message_stop' });
  return events;
}

export const sseFrame = (event: string, data: unknown): string => `event: ${event}\ndata: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;

/** "Hello from x!" → ["Hello", " from", " x!"], or `count` even pieces; empty text → []. */
export function splitPieces(text: string, count?: number): string[] {
  if (count === undefined) return text.match(/\s*\S+|\s+$/g) ?? (text === '' ? [] : [text]);
  const codePoints = Array.from(text);
  if (codePoints.length === 0) return [];
  const pieces = Math.max(1, Math.min(Math.floor(count), codePoints.length));
  return Array.from({ length: pieces }, (_, piece) =>
    codePoints.slice(Math.floor((piece * codePoints.length) / pieces), Math.floor(((piece + 1) * codePoints.length) / pieces)).join(''),
  );
}

// ---------------------------------------------------------------------------------------------------------
// Headers

const resetAt = '2025-11-01T12:00:30Z';

/** What api.anthropic.com sends with an answer, minus Cloudflare's cf-ray. */
export function anthropicHeaders(contentType: string, requestId = newRequestId(), remaining = { requests: '3999', tokens: '399000' }): Record<string, string> {
  return {
    'content-type': contentType,
    'request-id': requestId,
    'anthropic-organization-id': '0a3b2c1d-0000-4000-8000-fa4eorg00000',
    'anthropic-ratelimit-requests-limit': '4000',
    'anthropic-ratelimit-requests-remaining': remaining.requests,
    'anthropic-ratelimit-requests-reset': resetAt,
    'anthropic-ratelimit-input-tokens-limit': '400000',
    'anthropic-ratelimit-input-tokens-remaining': remaining.tokens,
    'anthropic-ratelimit-input-tokens-reset': resetAt,
    'anthropic-ratelimit-output-tokens-limit': '80000',
    'anthropic-ratelimit-output-tokens-remaining': '80000',
    'anthropic-ratelimit-output-tokens-reset': resetAt,
    'anthropic-ratelimit-tokens-limit': '480000',
    'anthropic-ratelimit-tokens-remaining': remaining.tokens,
    'anthropic-ratelimit-tokens-reset': resetAt,
    'cf-cache-status': 'DYNAMIC',
    'x-robots-tag': 'none',
    via: '1.1 google',
    server: 'cloudflare',
  };
}

export const jsonContentType = 'application/json';
export const eventStreamContentType = 'text/event-stream; charset=utf-8';

// ---------------------------------------------------------------------------------------------------------
// Errors, exactly as sent

export function errorBody(type: string, message: string, requestId: string | null = newRequestId()): Record<string, unknown> {
  return requestId === null ? { type: 'error', error: { type, message } } : { type: 'error', error: { type, message }, request_id: requestId };
}

const reply = (status: number, type: string, message: string, headers?: Record<string, string>): ErrorReply => ({
  kind: 'error',
  status,
  body: errorBody(type, message),
  ...(headers ? { headers } : {}),
});

export const invalidApiKey = (): ErrorReply => reply(401, 'authentication_error', 'invalid x-api-key');
export const missingApiKey = (): ErrorReply => reply(401, 'authentication_error', 'x-api-key header is required');
export const missingVersion = (): ErrorReply => reply(400, 'invalid_request_error', 'anthropic-version: header is required');
export const invalidRequest = (message: string): ErrorReply => reply(400, 'invalid_request_error', message);
export const promptTooLong = (tokens = 208_310, maximum = 200_000): ErrorReply => invalidRequest(`prompt is too long: ${tokens} tokens > ${maximum} maximum`);
export const creditBalanceTooLow = (): ErrorReply =>
  invalidRequest('Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.');
export const permissionDenied = (): ErrorReply => reply(403, 'permission_error', 'Your API key does not have permission to use the specified resource.');
export const modelNotFound = (model: string): ErrorReply => reply(404, 'not_found_error', `model: ${model}`);
export const notFound = (): ErrorReply => reply(404, 'not_found_error', 'Not Found');
export const requestTooLarge = (): ErrorReply => reply(413, 'request_too_large', 'Request exceeds the maximum allowed number of bytes.');
export const apiError = (): ErrorReply => reply(500, 'api_error', 'Internal server error');
export const overloaded = (retryAfterSeconds?: number): ErrorReply =>
  reply(529, 'overloaded_error', 'Overloaded', retryAfterSeconds === undefined ? undefined : { 'retry-after': String(retryAfterSeconds) });

export function rateLimited(retryAfterSeconds = 17): ErrorReply {
  const message =
    'Number of request tokens has exceeded your per-minute rate limit (https://docs.anthropic.com/en/api/rate-limits); see the response headers for current usage. Please reduce the prompt length or the maximum tokens requested, or try again later. You may also contact sales at https://www.anthropic.com/contact-sales to discuss your options for a rate limit increase.';
  return reply(429, 'rate_limit_error', message, {
    'retry-after': String(retryAfterSeconds),
    'anthropic-ratelimit-tokens-remaining': '0',
    'anthropic-ratelimit-input-tokens-remaining': '0',
  });
}

/** The status Anthropic sends with each error type (for an in-band error replayed as an HTTP answer). */
export const statusForErrorType: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  overloaded_error: 529,
};
