// What the fake OpenAI upstream can be told to do (the Scenario union), and its deterministic default answers:
// text, tool calls built from the request's tool schema, JSON for response_format, and embeddings.
import type { IncomingHttpHeaders } from 'node:http';
import type { RecordedRequest } from './fake-server.js';
import type { FinishReason } from '../../shared/openai-types.js';
import { newToolCallId, splitText, wordPieces, type ErrorReply, type ToolCallSpec, type UsageNumbers } from './openai-wire.js';

export type { RecordedRequest };

export interface ReplyOptions {
  /** answer text; default: the deterministic answer (see `defaultReply`); null: no text */
  readonly content?: string | null;
  readonly toolCalls?: readonly ToolCallSpec[];
  readonly refusal?: string;
  /** default: 'tool_calls' with tool calls, 'length' when max_tokens cut the default text, else 'stop' */
  readonly finishReason?: FinishReason;
  /** default: prompt = 10 + message count, completion = number of content/argument chunks */
  readonly usage?: Partial<UsageNumbers>;
  /** stream: the text is split into this many chunks (default: one per word) */
  readonly chunks?: number;
  /** stream: pause before every frame after the first */
  readonly chunkDelayMs?: number;
  /** pause before the response headers (time to first byte) */
  readonly headersDelayMs?: number;
  /** the model name in the response (default: the request's) */
  readonly model?: string;
  /** extra response headers (override the OpenAI-like defaults) */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Raw response bytes, written one `write()` each; a `{ delayMs }` entry pauses between writes. */
export type RawWrite = string | Uint8Array | { readonly delayMs: number };

export interface RawScenario {
  readonly kind: 'raw';
  readonly status?: number;
  /** default: OpenAI's headers with `content-type: text/event-stream; charset=utf-8` */
  readonly headers?: Readonly<Record<string, string>>;
  readonly writes: readonly RawWrite[];
  /** after the writes: finish the response (default), destroy the socket, or hold it open until the client leaves */
  readonly end?: 'end' | 'destroy' | 'hold';
}

export type Scenario =
  /** a normal answer; stream or not as the request's `stream` says */
  | ({ readonly kind: 'reply' } & ReplyOptions)
  | ErrorReply
  /** reads the request, then never answers until the client closes the socket */
  | { readonly kind: 'stall-before-headers' }
  /** 200 + SSE headers, then nothing but optional `: comment` lines every keepAliveEveryMs (up to maxMs, default 300 s) */
  | {
      readonly kind: 'stall-after-headers';
      readonly keepAliveEveryMs?: number;
      readonly keepAliveComment?: string;
      readonly maxMs?: number;
      readonly headers?: Readonly<Record<string, string>>;
    }
  /** 200 SSE whose first event is an error object (default: OpenAI's server_error); `errorData` is the event's JSON text */
  | { readonly kind: 'in-band-error-first'; readonly errorData?: string; readonly headers?: Readonly<Record<string, string>> }
  /** the role chunk and `contentChunks` content chunks, then an error event and a clean end without [DONE] */
  | ({ readonly kind: 'in-band-error-after'; readonly contentChunks: number; readonly errorData?: string } & ReplyOptions)
  /** the role chunk and `contentChunks` content chunks, then the socket is destroyed */
  | ({ readonly kind: 'reset-after'; readonly contentChunks: number } & ReplyOptions)
  /** every chunk including finish and usage, then a clean end without `data: [DONE]` */
  | ({ readonly kind: 'end-without-done' } & ReplyOptions)
  /**
   * `chunks` content chunks of `chunkText`, chunkDelayMs apart, honouring backpressure (the fake waits for
   * 'drain'). A non-stream request gets its JSON body trickled in `chunks` writes instead.
   */
  | {
      readonly kind: 'slow';
      readonly chunks: number;
      readonly chunkDelayMs: number;
      readonly chunkText?: string;
      readonly headers?: Readonly<Record<string, string>>;
      readonly usage?: Partial<UsageNumbers>;
    }
  | RawScenario;

export type EmbeddingsScenario =
  { readonly kind: 'reply'; readonly headersDelayMs?: number } | ErrorReply | { readonly kind: 'stall-before-headers' } | RawScenario;

export const defaultScenario = (_request: RecordedRequest): Scenario => ({ kind: 'reply' });

// ---------------------------------------------------------------------------------------------------------
// Resolving a reply against the request

export interface ResolvedReply {
  readonly model: string;
  readonly stream: boolean;
  readonly includeUsage: boolean;
  readonly includeObfuscation: boolean;
  /** the whole text (null when there is none) and its stream pieces */
  readonly content: string | null;
  readonly contentPieces: readonly string[];
  readonly toolCalls: readonly ToolCallSpec[];
  readonly refusal: string | undefined;
  readonly finishReason: FinishReason;
  readonly usage: UsageNumbers;
}

const argumentPieces = 3;

/** The answer the fake gives to `request` under `options` (the default scenario is `options = {}`). */
export function defaultReply(request: RecordedRequest, options: ReplyOptions = {}): ResolvedReply {
  const body = asRecord(request.body);
  const model = options.model ?? (typeof body['model'] === 'string' ? body['model'] : 'unknown-model');
  const streamOptions = asRecord(body['stream_options']);
  const messages = Array.isArray(body['messages']) ? body['messages'] : [];
  let toolCalls: ToolCallSpec[] = (options.toolCalls ?? []).map((call) => ({ ...call, id: call.id ?? newToolCallId() }));
  let content: string | null;
  let pieces: string[];
  let truncated = false;
  if (options.content !== undefined || options.toolCalls !== undefined || options.refusal !== undefined) {
    content = options.content ?? null;
    pieces = content === null ? [] : options.chunks !== undefined ? splitText(content, options.chunks) : wordPieces(content);
  } else {
    const toolCall = toolCallFor(body);
    if (toolCall) {
      toolCalls = [toolCall];
      content = null;
      pieces = [];
    } else {
      const text = answerText(body, model);
      pieces = options.chunks !== undefined ? splitText(text, options.chunks) : wordPieces(text);
      const limit = body['max_completion_tokens'] ?? body['max_tokens'];
      if (typeof limit === 'number' && limit >= 0 && limit < pieces.length) {
        pieces = pieces.slice(0, limit);
        truncated = true;
      }
      content = pieces.join('');
    }
  }
  const argumentChunks = toolCalls.reduce((total, call) => total + splitText(call.arguments, argumentPieces).length, 0);
  const completionTokens = pieces.length + argumentChunks + (options.refusal !== undefined ? 1 : 0);
  const finishReason = options.finishReason !== undefined ? options.finishReason : toolCalls.length > 0 ? 'tool_calls' : truncated ? 'length' : 'stop';
  return {
    model,
    stream: body['stream'] === true,
    includeUsage: streamOptions['include_usage'] === true,
    includeObfuscation: streamOptions['include_obfuscation'] !== false,
    content,
    contentPieces: pieces,
    toolCalls,
    refusal: options.refusal,
    finishReason,
    usage: {
      promptTokens: options.usage?.promptTokens ?? 10 + messages.length,
      completionTokens: options.usage?.completionTokens ?? completionTokens,
      ...(options.usage?.cachedTokens !== undefined ? { cachedTokens: options.usage.cachedTokens } : {}),
      ...(options.usage?.reasoningTokens !== undefined ? { reasoningTokens: options.usage.reasoningTokens } : {}),
    },
  };
}

export const streamArgumentPieces = argumentPieces;

function answerText(body: Record<string, unknown>, model: string): string {
  const hello = `Hello from ${model}!`;
  const format = asRecord(body['response_format']);
  if (format['type'] === 'json_object') return JSON.stringify({ message: hello });
  if (format['type'] === 'json_schema') {
    const schema = asRecord(asRecord(format['json_schema'])['schema']);
    return JSON.stringify(valueForSchema(schema, 0));
  }
  return hello;
}

/** A tool call when the request offers tools and tool_choice is not "none": the chosen tool, else the first. */
function toolCallFor(body: Record<string, unknown>): ToolCallSpec | undefined {
  const tools = Array.isArray(body['tools']) ? (body['tools'] as unknown[]).map(asRecord) : [];
  const choice = body['tool_choice'];
  if (tools.length === 0 || choice === 'none') return undefined;
  const chosenName = asRecord(asRecord(choice)['function'])['name'];
  const tool = tools.find((candidate) => asRecord(candidate['function'])['name'] === chosenName) ?? tools[0];
  const definition = asRecord(tool?.['function']);
  const name = typeof definition['name'] === 'string' ? definition['name'] : 'tool';
  return { id: newToolCallId(), name, arguments: JSON.stringify(valueForSchema(asRecord(definition['parameters']), 0)) };
}

/** {"location": "Paris", "days": 42, …}: one deterministic value per property, nested objects to depth 3. */
function valueForSchema(schema: Record<string, unknown>, depth: number): unknown {
  const enumValues = schema['enum'];
  if (Array.isArray(enumValues) && enumValues.length > 0) return enumValues[0];
  const type = Array.isArray(schema['type']) ? schema['type'][0] : schema['type'];
  switch (type) {
    case 'string':
      return 'Paris';
    case 'number':
    case 'integer':
      return 42;
    case 'boolean':
      return true;
    case 'array':
      return [];
    case 'null':
      return null;
    default: {
      const properties = asRecord(schema['properties']);
      const value: Record<string, unknown> = {};
      if (depth >= 3) return value;
      for (const [key, property] of Object.entries(properties)) value[key] = valueForSchema(asRecord(property), depth + 1);
      return value;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Embeddings

/** OpenAI's embeddings list for the request: deterministic unit vectors, `dimensions` honoured, base64 on request. */
export function embeddingsResponse(request: RecordedRequest): { status: number; body: unknown } {
  const body = asRecord(request.body);
  const model = typeof body['model'] === 'string' ? body['model'] : 'text-embedding-3-small';
  const input = body['input'];
  const items: string[] =
    typeof input === 'string'
      ? [input]
      : Array.isArray(input)
        ? (input as unknown[]).map((item) => (typeof item === 'string' ? item : JSON.stringify(item)))
        : [];
  if (items.length === 0 || items.length > 2048) {
    return {
      status: 400,
      body: {
        error: {
          message: "'input' : input must be a non-empty string or array of at most 2048 items",
          type: 'invalid_request_error',
          param: 'input',
          code: null,
        },
      },
    };
  }
  const requested = body['dimensions'];
  const dimensions =
    typeof requested === 'number' && Number.isInteger(requested) && requested > 0 && requested <= 8192 ? requested : model.includes('large') ? 3072 : 1536;
  const base64 = body['encoding_format'] === 'base64';
  let promptTokens = 0;
  const data = items.map((text, index) => {
    promptTokens += Math.max(1, Math.ceil(text.length / 4));
    const vector = embeddingVector(text, dimensions);
    return { object: 'embedding', index, embedding: base64 ? Buffer.from(Float32Array.from(vector).buffer).toString('base64') : vector };
  });
  return { status: 200, body: { object: 'list', data, model, usage: { prompt_tokens: promptTokens, total_tokens: promptTokens } } };
}

/** A unit vector seeded by the text (FNV-1a, then xorshift): the same text always gives the same vector. */
export function embeddingVector(text: string, dimensions: number): number[] {
  let state = 0x811c9dc5;
  for (let position = 0; position < text.length; position += 1) {
    state ^= text.charCodeAt(position);
    state = Math.imul(state, 0x01000193) >>> 0;
  }
  const values: number[] = [];
  let norm = 0;
  for (let dimension = 0; dimension < dimensions; dimension += 1) {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    const value = state / 0xffffffff - 0.5;
    values.push(value);
    norm += value * value;
  }
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  return values.map((value) => Math.fround(value * scale));
}

/** The bearer token the request carried, if any. */
export function bearerToken(request: { readonly headers: IncomingHttpHeaders }): string | undefined {
  const header = request.headers['authorization'];
  const match = typeof header === 'string' ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
  return match?.[1];
}

export function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
