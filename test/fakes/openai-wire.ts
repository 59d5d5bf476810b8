// Exact OpenAI wire shapes for the fake upstream: chat.completion / chat.completion.chunk objects in OpenAI's key
// order, SSE frames, response headers and the error bodies OpenAI (and a few OpenAI-compatible servers) really send.
import type { FinishReason } from '../../shared/openai-types.js';

export interface ToolCallSpec {
  /** default: a deterministic `call_…` id */
  readonly id?: string;
  readonly name: string;
  /** the JSON text of the arguments, exactly as it goes on the wire */
  readonly arguments: string;
}

export interface UsageNumbers {
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly cachedTokens?: number;
  readonly reasoningTokens?: number;
}

/** An HTTP error answer: the `error` scenario of the fake, built by the functions below or by hand. */
export interface ErrorReply {
  readonly kind: 'error';
  readonly status: number;
  /** an object is sent as JSON; a string is sent as it is (plain-text or HTML error pages) */
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

// ---------------------------------------------------------------------------------------------------------
// Identifiers: OpenAI's shapes (chatcmpl- + 29 chars, call_ + 24, req_ + 32 hex), deterministic per process.

const alphanumeric = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const hexDigits = '0123456789abcdef';
let identifierCounter = 0;

function deterministicString(length: number, alphabet: string, seed: number): string {
  let state = (seed * 2654435761) >>> 0 || 1;
  let text = '';
  for (let position = 0; position < length; position += 1) {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    text += alphabet[state % alphabet.length];
  }
  return text;
}

function nextSeed(): number {
  identifierCounter += 1;
  return identifierCounter;
}

export const newCompletionId = (): string => `chatcmpl-${deterministicString(29, alphanumeric, nextSeed())}`;
export const newToolCallId = (): string => `call_${deterministicString(24, alphanumeric, nextSeed())}`;
export const newRequestId = (): string => `req_${deterministicString(32, hexDigits, nextSeed())}`;
export const systemFingerprint = 'fp_de604bd877';

// ---------------------------------------------------------------------------------------------------------
// Bodies and chunks

export function usageObject(usage: UsageNumbers): Record<string, unknown> {
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedTokens ?? 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: usage.reasoningTokens ?? 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

export interface CompletionParts {
  readonly id: string;
  readonly created: number;
  readonly model: string;
  readonly content: string | null;
  readonly toolCalls?: readonly ToolCallSpec[];
  readonly refusal?: string | null;
  readonly finishReason: FinishReason;
  readonly usage: UsageNumbers;
}

/** A non-streamed `chat.completion`, keys in the order OpenAI sends them. */
export function chatCompletion(parts: CompletionParts): Record<string, unknown> {
  const message: Record<string, unknown> = { role: 'assistant', content: parts.content };
  if (parts.toolCalls && parts.toolCalls.length > 0) {
    message['tool_calls'] = parts.toolCalls.map((call) => ({
      id: call.id ?? newToolCallId(),
      type: 'function',
      function: { name: call.name, arguments: call.arguments },
    }));
  }
  message['refusal'] = parts.refusal ?? null;
  message['annotations'] = [];
  return {
    id: parts.id,
    object: 'chat.completion',
    created: parts.created,
    model: parts.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: parts.finishReason }],
    usage: usageObject(parts.usage),
    service_tier: 'default',
    system_fingerprint: systemFingerprint,
  };
}

export interface ChunkContext {
  readonly id: string;
  readonly created: number;
  readonly model: string;
  /** stream_options.include_usage: every chunk then carries `"usage": null` and a final usage chunk follows */
  readonly includeUsage: boolean;
  /** stream_options.include_obfuscation (OpenAI's default is true) */
  readonly includeObfuscation: boolean;
}

/** One `chat.completion.chunk`; `choices` empty for the usage chunk. */
export function chatChunk(
  context: ChunkContext,
  choice: { delta: Record<string, unknown>; finishReason: FinishReason } | undefined,
  usage?: UsageNumbers,
): Record<string, unknown> {
  const chunk: Record<string, unknown> = {
    id: context.id,
    object: 'chat.completion.chunk',
    created: context.created,
    model: context.model,
    service_tier: 'default',
    system_fingerprint: systemFingerprint,
    choices: choice ? [{ index: 0, delta: choice.delta, logprobs: null, finish_reason: choice.finishReason }] : [],
  };
  if (context.includeUsage) chunk['usage'] = usage ? usageObject(usage) : null;
  if (context.includeObfuscation) chunk['obfuscation'] = deterministicString(1 + (JSON.stringify(choice?.delta ?? {}).length % 12), alphanumeric, nextSeed());
  return chunk;
}

export interface StreamParts {
  readonly contentPieces: readonly string[];
  readonly toolCalls?: readonly ToolCallSpec[];
  /** pieces each tool call's arguments are split into (default 3) */
  readonly argumentPieces?: number;
  readonly refusal?: string;
  readonly finishReason: FinishReason;
  readonly usage: UsageNumbers;
}

/**
 * The chunks of a stream as OpenAI sends them: the role chunk (`content: ""`, or `content: null` plus the first tool
 * call when the answer starts with one), content deltas, tool-call deltas (the first with index, id, type, name and
 * empty arguments, then argument fragments with only index + arguments), the empty-delta finish chunk, and the
 * usage chunk when asked for. `contentChunkCount` says how many of them carry content or arguments.
 */
export function streamChunks(context: ChunkContext, parts: StreamParts): { chunks: Record<string, unknown>[]; contentChunkCount: number } {
  const chunks: Record<string, unknown>[] = [];
  const toolCalls = parts.toolCalls ?? [];
  const delta = (value: Record<string, unknown>): Record<string, unknown> => chatChunk(context, { delta: value, finishReason: null });
  let contentChunkCount = 0;
  const startsWithTool = parts.contentPieces.length === 0 && toolCalls.length > 0 && parts.refusal === undefined;
  if (!startsWithTool) chunks.push(delta({ role: 'assistant', content: '', refusal: null }));
  for (const piece of parts.contentPieces) {
    chunks.push(delta({ content: piece }));
    contentChunkCount += 1;
  }
  if (parts.refusal !== undefined) {
    chunks.push(delta({ refusal: parts.refusal }));
    contentChunkCount += 1;
  }
  toolCalls.forEach((call, index) => {
    const opening = { index, id: call.id ?? newToolCallId(), type: 'function', function: { name: call.name, arguments: '' } };
    if (startsWithTool && index === 0) chunks.push(delta({ role: 'assistant', content: null, tool_calls: [opening], refusal: null }));
    else chunks.push(delta({ tool_calls: [opening] }));
    for (const fragment of splitText(call.arguments, parts.argumentPieces ?? 3)) {
      chunks.push(delta({ tool_calls: [{ index, function: { arguments: fragment } }] }));
      contentChunkCount += 1;
    }
  });
  chunks.push(chatChunk(context, { delta: {}, finishReason: parts.finishReason }));
  if (context.includeUsage) chunks.push(chatChunk(context, undefined, parts.usage));
  return { chunks, contentChunkCount };
}

/** Splits text into `count` pieces on code-point boundaries (never inside a surrogate pair); empty text → []. */
export function splitText(text: string, count: number): string[] {
  const codePoints = Array.from(text);
  if (codePoints.length === 0) return [];
  const pieces = Math.max(1, Math.min(Math.floor(count), codePoints.length));
  const result: string[] = [];
  for (let piece = 0; piece < pieces; piece += 1) {
    const start = Math.floor((piece * codePoints.length) / pieces);
    const end = Math.floor(((piece + 1) * codePoints.length) / pieces);
    result.push(codePoints.slice(start, end).join(''));
  }
  return result;
}

/** "Hello from gpt-4o!" → ["Hello", " from", " gpt-4o!"]: one piece per word, the space leading. */
export function wordPieces(text: string): string[] {
  return text.match(/\s*\S+|\s+$/g) ?? (text === '' ? [] : [text]);
}

export const sseFrame = (value: unknown): string => `data: ${typeof value === 'string' ? value : JSON.stringify(value)}\n\n`;
export const sseDone = 'data: [DONE]\n\n';

// ---------------------------------------------------------------------------------------------------------
// Headers

let processingMs = 180;

/** What api.openai.com sends with a 2xx (and most 4xx/5xx) answer, minus Cloudflare's cf-ray/alt-svc. */
export function openAIHeaders(contentType: string, requestId = newRequestId()): Record<string, string> {
  processingMs = 120 + ((processingMs * 7) % 400);
  return {
    'content-type': contentType,
    'access-control-expose-headers': 'X-Request-ID',
    'openai-organization': 'user-fake0rg4n1zat10n',
    'openai-processing-ms': String(processingMs),
    'openai-project': 'proj_FakeProject0000000000',
    'openai-version': '2020-10-01',
    'x-envoy-upstream-service-time': String(processingMs + 3),
    'x-ratelimit-limit-requests': '10000',
    'x-ratelimit-limit-tokens': '30000000',
    'x-ratelimit-remaining-requests': '9999',
    'x-ratelimit-remaining-tokens': '29999990',
    'x-ratelimit-reset-requests': '6ms',
    'x-ratelimit-reset-tokens': '0s',
    'x-request-id': requestId,
    'strict-transport-security': 'max-age=31536000; includeSubDomains; preload',
    // Providers set cookies; a gateway must not pass them back to its clients.
    'set-cookie': '__cf_bm=fakeCloudflareBotManagementCookie-1700000000-1.0.1.1; path=/; domain=.api.openai.com; HttpOnly; Secure; SameSite=None',
    server: 'cloudflare',
  };
}

export const jsonContentType = 'application/json';
export const eventStreamContentType = 'text/event-stream; charset=utf-8';

// ---------------------------------------------------------------------------------------------------------
// Errors, exactly as sent

export function openAIErrorBody(
  message: string,
  type: string,
  param: string | null,
  code: string | null,
): { error: { message: string; type: string; param: string | null; code: string | null } } {
  return { error: { message, type, param, code } };
}

/** OpenAI's partial mask of a presented key: the first 8 and last 4 characters kept, `*` between. */
export function maskLikeOpenAI(key: string): string {
  if (key.length <= 12) return key;
  return `${key.slice(0, 8)}${'*'.repeat(key.length - 12)}${key.slice(-4)}`;
}

export function invalidApiKey(presentedKey: string): ErrorReply {
  const message = `Incorrect API key provided: ${maskLikeOpenAI(presentedKey)}. You can find your API key at https://platform.openai.com/account/api-keys.`;
  return {
    kind: 'error',
    status: 401,
    body: openAIErrorBody(message, 'invalid_request_error', null, 'invalid_api_key'),
    headers: { 'www-authenticate': 'Bearer realm="OpenAI API"' },
  };
}

export function missingApiKey(): ErrorReply {
  const message =
    "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.";
  return { kind: 'error', status: 401, body: openAIErrorBody(message, 'invalid_request_error', null, null) };
}

export interface RateLimitOptions {
  readonly model?: string;
  /** `type` of the error: which limit was hit */
  readonly limit?: 'requests' | 'tokens';
  readonly retryAfterSeconds?: number;
  /** also send `retry-after-ms` (OpenAI's SDKs prefer it); default retryAfterSeconds × 1000 */
  readonly retryAfterMs?: number | null;
}

export function rateLimited(options: RateLimitOptions = {}): ErrorReply {
  const model = options.model ?? 'gpt-4o-mini';
  const seconds = options.retryAfterSeconds ?? 20;
  const limit = options.limit ?? 'requests';
  const what = limit === 'requests' ? 'requests per min (RPM): Limit 3, Used 3, Requested 1' : 'tokens per min (TPM): Limit 30000, Used 29937, Requested 385';
  const message = `Rate limit reached for ${model} in organization org-FakeOrganization00000 on ${what}. Please try again in ${seconds}s. Visit https://platform.openai.com/account/rate-limits to learn more.`;
  const headers: Record<string, string> = {
    'retry-after': String(seconds),
    'x-ratelimit-limit-requests': limit === 'requests' ? '3' : '10000',
    'x-ratelimit-remaining-requests': limit === 'requests' ? '0' : '9999',
    'x-ratelimit-reset-requests': limit === 'requests' ? `${seconds}s` : '6ms',
    'x-ratelimit-limit-tokens': '30000',
    'x-ratelimit-remaining-tokens': limit === 'tokens' ? '63' : '29990',
    'x-ratelimit-reset-tokens': limit === 'tokens' ? `${seconds}s` : '20ms',
  };
  const retryAfterMs = options.retryAfterMs === undefined ? seconds * 1000 : options.retryAfterMs;
  if (retryAfterMs !== null) headers['retry-after-ms'] = String(retryAfterMs);
  return { kind: 'error', status: 429, body: openAIErrorBody(message, limit, null, 'rate_limit_exceeded'), headers };
}

export function insufficientQuota(): ErrorReply {
  const message =
    'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.';
  return { kind: 'error', status: 429, body: openAIErrorBody(message, 'insufficient_quota', null, 'insufficient_quota') };
}

export function contextLengthExceeded(options: { maxTokens?: number; requestedTokens?: number } = {}): ErrorReply {
  const message = `This model's maximum context length is ${options.maxTokens ?? 128000} tokens. However, your messages resulted in ${options.requestedTokens ?? 204308} tokens. Please reduce the length of the messages.`;
  return { kind: 'error', status: 400, body: openAIErrorBody(message, 'invalid_request_error', 'messages', 'context_length_exceeded') };
}

export function invalidRequest(message: string, param: string | null = null, code: string | null = null): ErrorReply {
  return { kind: 'error', status: 400, body: openAIErrorBody(message, 'invalid_request_error', param, code) };
}

export function modelNotFound(model: string): ErrorReply {
  return {
    kind: 'error',
    status: 404,
    body: openAIErrorBody(`The model \`${model}\` does not exist or you do not have access to it.`, 'invalid_request_error', null, 'model_not_found'),
  };
}

export function unknownUrl(method: string, path: string): ErrorReply {
  return { kind: 'error', status: 404, body: openAIErrorBody(`Invalid URL (${method} ${path})`, 'invalid_request_error', null, null) };
}

export const serverErrorMessage = 'The server had an error while processing your request. Sorry about that!';

export function serverError(): ErrorReply {
  return { kind: 'error', status: 500, body: openAIErrorBody(serverErrorMessage, 'server_error', null, null) };
}

export function overloaded(requestId = newRequestId()): ErrorReply {
  const message = `That model is currently overloaded with other requests. You can retry your request, or contact us through our help center at help.openai.com if the error persists. (Please include the request ID ${requestId} in your message.)`;
  return { kind: 'error', status: 503, body: openAIErrorBody(message, 'server_error', null, null), headers: { 'x-request-id': requestId } };
}

/** 529 with Anthropic's overloaded body, as OpenAI-compatible proxies in front of Anthropic pass it through. */
export function overloaded529(): ErrorReply {
  return { kind: 'error', status: 529, body: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } };
}

/** OpenRouter: numeric `code` equal to the HTTP status, optional `metadata`. */
export function openRouterError(status: number, message: string, metadata?: Record<string, unknown>): ErrorReply {
  return { kind: 'error', status, body: { error: { code: status, message, ...(metadata ? { metadata } : {}) } } };
}

export const openRouterInsufficientCredits = (): ErrorReply => openRouterError(402, 'Insufficient credits. Add more using https://openrouter.ai/credits');

/** vLLM's and Mistral's shape: a top-level object with `"object": "error"`. */
export function vllmError(status: number, message: string, type = 'BadRequestError'): ErrorReply {
  return { kind: 'error', status, body: { object: 'error', message, type, param: null, code: status } };
}

/** FastAPI's default error shape (llama.cpp front-ends, small local servers). */
export function fastApiError(status: number, detail: unknown): ErrorReply {
  return { kind: 'error', status, body: { detail } };
}

/** A proxy's plain-text or HTML error page. */
export function plainTextError(status: number, text: string, contentType = 'text/plain; charset=utf-8'): ErrorReply {
  return { kind: 'error', status, body: text, headers: { 'content-type': contentType } };
}

// In-band stream errors: the JSON text of one `data:` event (no `data: ` prefix, no blank line).

/** What api.openai.com sends mid-stream (note the Python-style spacing: it is not the same serialiser). */
export const openAIStreamError = (message = serverErrorMessage, type = 'server_error'): string =>
  `{"error": {"message": ${JSON.stringify(message)}, "type": ${JSON.stringify(type)}}}`;

/** OpenRouter's mid-stream error: a chunk with a top-level `error` and `finish_reason: "error"`. */
export function openRouterStreamError(
  context: { id: string; created: number; model: string },
  message = 'Provider disconnected unexpectedly',
  code: string | number = 'server_error',
): string {
  return JSON.stringify({
    id: context.id,
    object: 'chat.completion.chunk',
    created: context.created,
    model: context.model,
    provider: 'openai',
    error: { code, message },
    choices: [{ index: 0, delta: { content: '' }, finish_reason: 'error' }],
  });
}

/** Anthropic's overloaded error as an OpenAI-dialect proxy forwards it inside a stream. */
export const overloadedStreamError = (): string => JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
