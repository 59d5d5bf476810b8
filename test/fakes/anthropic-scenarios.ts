// What the fake Anthropic upstream can be told to do (the Scenario union), and its deterministic default answers:
// text, a tool_use built from the request's tool schema, JSON for output_config.format, a signed thinking block
// when thinking is on, max_tokens truncation, and a token estimate for count_tokens.
import { newSignature, newToolUseId, splitPieces, type ErrorObject, type ErrorReply, type FakeBlock, type UsageNumbers } from './anthropic-wire.js';
import type { RecordedRequest } from './fake-server.js';

export type { RecordedRequest };

export interface ReplyOptions {
  /** the content blocks (default: the deterministic answer, see `defaultReply`) */
  readonly content?: readonly FakeBlock[];
  /** default: 'tool_use' with a tool_use block, 'max_tokens' when max_tokens cut the default text, else 'end_turn' */
  readonly stopReason?: string;
  readonly stopSequence?: string | null;
  /** default: input = 10 + message count, output = number of text pieces and tool-input fragments */
  readonly usage?: Partial<UsageNumbers>;
  /** stream: text and thinking are cut into this many pieces each (default: one per word) */
  readonly pieces?: number;
  /** stream: 'full' makes message_delta repeat the cumulative input counters, as newer API versions do */
  readonly messageDeltaUsage?: 'output' | 'full';
  /** stream: pause before every event after the first */
  readonly eventDelayMs?: number;
  /** pause before the response headers */
  readonly headersDelayMs?: number;
  /** the model in the response (default: the request's) */
  readonly model?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export type Scenario =
  /** a normal answer; streamed or not as the request's `stream` says */
  | ({ readonly kind: 'reply' } & ReplyOptions)
  | ErrorReply
  /** 200 + SSE headers, then `event: error` as the first event (non-stream: the same error as an HTTP answer) */
  | { readonly kind: 'in-band-error-first'; readonly error?: ErrorObject }
  /** message_start, the first block's start and ping, `deltas` content_block_delta events, then `event: error` */
  | ({ readonly kind: 'in-band-error-after'; readonly deltas: number; readonly error?: ErrorObject } & ReplyOptions)
  /** every event except message_stop, then a clean end (non-stream: half the JSON body) */
  | ({ readonly kind: 'end-without-message-stop' } & ReplyOptions)
  /** `events` events (ping included), then the socket is destroyed (non-stream: before the headers) */
  | ({ readonly kind: 'reset-after'; readonly events: number } & ReplyOptions)
  /** reads the request, then never answers until the client closes the socket */
  | { readonly kind: 'stall-before-headers' }
  /** 200 + SSE headers, then nothing but `event: ping` every pingEveryMs (none when unset), up to maxMs (300 s) */
  | { readonly kind: 'stall-after-headers'; readonly pingEveryMs?: number; readonly maxMs?: number }
  /** `chunks` text deltas of `chunkText`, chunkDelayMs apart, honouring backpressure (non-stream: a trickled body) */
  | { readonly kind: 'slow'; readonly chunks: number; readonly chunkDelayMs: number; readonly chunkText?: string };

export const defaultScenario = (_request: RecordedRequest): Scenario => ({ kind: 'reply' });

export const overloadedEvent: ErrorObject = { type: 'overloaded_error', message: 'Overloaded' };

export interface ResolvedReply {
  readonly model: string;
  readonly stream: boolean;
  readonly content: readonly FakeBlock[];
  readonly stopReason: string;
  readonly stopSequence: string | null;
  readonly usage: UsageNumbers;
}

/** The answer the fake gives to `request` under `options` (the default scenario is `options = {}`). */
export function defaultReply(request: RecordedRequest, options: ReplyOptions = {}): ResolvedReply {
  const body = asRecord(request.body);
  const model = options.model ?? (typeof body['model'] === 'string' ? body['model'] : 'claude-unknown');
  const messages = Array.isArray(body['messages']) ? body['messages'] : [];
  let content: FakeBlock[];
  let truncated = false;
  if (options.content !== undefined) {
    content = [...options.content];
  } else {
    content = [];
    const thinking = asRecord(body['thinking'])['type'];
    if (thinking === 'enabled' || thinking === 'adaptive')
      content.push({ type: 'thinking', thinking: `The user wants a reply from ${model}.`, signature: newSignature() });
    const toolUse = toolUseFor(body);
    if (toolUse) {
      content.push(toolUse);
    } else {
      let pieces = splitPieces(answerText(body, model));
      const limit = body['max_tokens'];
      if (typeof limit === 'number' && limit < pieces.length) {
        pieces = pieces.slice(0, limit);
        truncated = true;
      }
      content.push({ type: 'text', text: pieces.join('') });
    }
  }
  const outputTokens = content.reduce(
    (sum, block) =>
      sum +
      (block.type === 'text'
        ? splitPieces(block.text).length
        : block.type === 'thinking'
          ? splitPieces(block.thinking).length
          : block.type === 'tool_use'
            ? 3
            : 1),
    0,
  );
  const hasToolUse = content.some((block) => block.type === 'tool_use');
  return {
    model,
    stream: body['stream'] === true,
    content,
    stopReason: options.stopReason ?? (hasToolUse ? 'tool_use' : truncated ? 'max_tokens' : 'end_turn'),
    stopSequence: options.stopSequence ?? null,
    usage: {
      inputTokens: options.usage?.inputTokens ?? 10 + messages.length,
      outputTokens: options.usage?.outputTokens ?? Math.max(1, outputTokens),
      ...(options.usage?.cacheCreationInputTokens !== undefined ? { cacheCreationInputTokens: options.usage.cacheCreationInputTokens } : {}),
      ...(options.usage?.cacheReadInputTokens !== undefined ? { cacheReadInputTokens: options.usage.cacheReadInputTokens } : {}),
      ...(options.usage?.serviceTier !== undefined ? { serviceTier: options.usage.serviceTier } : {}),
    },
  };
}

function answerText(body: Record<string, unknown>, model: string): string {
  const format = asRecord(asRecord(body['output_config'])['format']);
  if (format['type'] === 'json_schema') return JSON.stringify(valueForSchema(asRecord(format['schema']), 0));
  return `Hello from ${model}!`;
}

/** A tool_use when the request offers tools and tool_choice is not none: the chosen tool, else the first. */
function toolUseFor(body: Record<string, unknown>): FakeBlock | undefined {
  const tools = Array.isArray(body['tools']) ? (body['tools'] as unknown[]).map(asRecord) : [];
  const choice = asRecord(body['tool_choice']);
  if (tools.length === 0 || choice['type'] === 'none') return undefined;
  const tool = tools.find((candidate) => candidate['name'] === choice['name']) ?? tools[0];
  const name = typeof tool?.['name'] === 'string' ? tool['name'] : 'tool';
  return { type: 'tool_use', id: newToolUseId(), name, input: asRecord(valueForSchema(asRecord(tool?.['input_schema']), 0)) };
}

/** {"location": "Paris", "days": 42, …}: one deterministic value per property, nested objects to depth 3. */
export function valueForSchema(schema: Record<string, unknown>, depth: number): unknown {
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
      const value: Record<string, unknown> = {};
      if (depth >= 3) return value;
      for (const [key, property] of Object.entries(asRecord(schema['properties']))) value[key] = valueForSchema(asRecord(property), depth + 1);
      return value;
    }
  }
}

/** A deterministic count for count_tokens: a template overhead plus about four characters a token. */
export function estimateInputTokens(body: Record<string, unknown>): number {
  const text = JSON.stringify([body['system'] ?? '', body['messages'] ?? [], body['tools'] ?? []]);
  return 8 + Math.ceil(text.length / 4);
}

export interface FakeModelInfo {
  readonly id: string;
  readonly displayName: string;
  readonly createdAt: string;
}

export const defaultFakeModels: readonly FakeModelInfo[] = [
  { id: 'claude-opus-4-6', displayName: 'Claude Opus 4.6', createdAt: '2026-02-05T00:00:00Z' },
  { id: 'claude-haiku-4-5-20251001', displayName: 'Claude Haiku 4.5', createdAt: '2025-10-15T00:00:00Z' },
  { id: 'claude-sonnet-4-5-20250929', displayName: 'Claude Sonnet 4.5', createdAt: '2025-09-29T00:00:00Z' },
  { id: 'claude-opus-4-1-20250805', displayName: 'Claude Opus 4.1', createdAt: '2025-08-05T00:00:00Z' },
  { id: 'claude-3-7-sonnet-20250219', displayName: 'Claude Sonnet 3.7', createdAt: '2025-02-24T00:00:00Z' },
  { id: 'claude-3-5-haiku-20241022', displayName: 'Claude Haiku 3.5', createdAt: '2024-10-22T00:00:00Z' },
];

export function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
