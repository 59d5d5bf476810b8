// The contract between the provider conformance suite and one adapter + its fake: how to build the adapter against
// the fake, how to script the fake's next answer in its own wire format, and where the provider's own body keeps things.
import type { IncomingHttpHeaders } from 'node:http';
import type { UpstreamTimeouts } from '../../main/gateway/providers/http.js';
import type { ProviderAdapter } from '../../main/gateway/providers/types.js';

/** The upstream failures every adapter must classify; each harness scripts them with its provider's real bodies. */
export type ScriptedFailure = 'auth' | 'rate_limit' | 'overloaded' | 'context_length' | 'bad_request' | 'server';

export interface TokenUsage {
  readonly input: number;
  readonly output: number;
}

/** One request as the fake received it. */
export interface UpstreamRequest {
  /** path and query, e.g. `/v1/chat/completions` */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** the parsed JSON body (undefined when there was none) */
  readonly body: unknown;
}

/** A tool result as the provider's own body carries it: bound to its call by id, by tool name, or both. */
export interface ToolResultSeen {
  readonly callId?: string;
  readonly toolName?: string;
  readonly content: string;
}

/** An input part (image, audio) the adapter must carry into the provider's own field. */
export interface InputCase {
  readonly name: string;
  /** a model of the fake that takes this input, when the harness default does not */
  readonly model?: string;
  /** pulls the provider's field for the part out of the upstream body */
  readonly extract: (upstreamBody: unknown) => unknown;
  readonly expected: unknown;
}

/** A response_format the adapter must turn into the provider's JSON mode, getting parseable JSON back. */
export interface JsonCase {
  readonly name: string;
  readonly model?: string;
  /** which OpenAI response_format the client sends */
  readonly format: 'json_schema' | 'json_object';
  /** scripts the answer when the fake does not derive one from the request's JSON mode */
  readonly prepare?: () => void;
  /** pulls the provider's JSON-mode fields out of the upstream body */
  readonly extract: (upstreamBody: unknown) => unknown;
  readonly expected: unknown;
  /** the parsed JSON answer */
  readonly answer: unknown;
}

/**
 * Explicit case lists. A capability the provider lacks is an empty list with a comment saying why; the suite then
 * checks that the adapter refuses such input itself (bad_request, no upstream call) instead of dropping it.
 */
export interface Capabilities {
  /** `image_url` with a data: URL */
  readonly images: readonly InputCase[];
  /** `image_url` with an https URL the provider fetches itself */
  readonly remoteImages: readonly InputCase[];
  /** `input_audio` (base64 WAV) */
  readonly audio: readonly InputCase[];
  readonly json: readonly JsonCase[];
}

export interface AdapterOverrides {
  readonly apiKey?: string | undefined;
  readonly timeouts?: UpstreamTimeouts;
}

export interface ProviderHarness {
  readonly name: string;
  /** a chat model the fake knows (and that takes tools) */
  readonly model: string;
  /** the key the fake expects and the default adapter sends */
  readonly apiKey: string;
  /** how the key travels: the one header that carries it, and its exact value */
  readonly keyHeader: { readonly name: string; readonly value: (key: string) => string };
  /** the class of the provider's overload signal: 'unavailable' where it has no distinct one (say why in the harness) */
  readonly overloadedClass: 'overloaded' | 'unavailable';
  /** where a rate limit's retry delay travels; 'unscriptable' when the fake cannot send one (say why in the harness) */
  readonly retryAfter: 'header' | 'body' | 'unscriptable';
  readonly capabilities: Capabilities;

  start(): Promise<void>;
  stop(): Promise<void>;
  /** a new adapter pointed at the fake, sending the fake's key unless told otherwise; the caller closes it */
  adapter(overrides?: AdapterOverrides): ProviderAdapter;
  /** back to the fake's default answers */
  reset(): void;

  replyText(text: string, usage: TokenUsage): void;
  replyToolCall(name: string, args: Record<string, unknown>): void;
  failWith(kind: ScriptedFailure, retryAfterSeconds?: number): void;
  /** an auth failure whose body repeats `key` verbatim, as some upstreams and proxies do */
  failEchoingKey(key: string): void;
  /** a stream of text with `chunks` content deltas, then the provider's in-band error (class 'server') */
  inBandErrorAfter(chunks: number): void;
  /** a whole stream except its terminator, then a clean end of the body */
  endWithoutTerminator(): void;
  /** reads the request and never answers */
  stallBeforeHeaders(): void;
  /** 200 and stream headers, then silence */
  stallAfterHeaders(): void;
  /** `chunks` content deltas `delayMs` apart */
  slowStream(chunks: number, delayMs: number): void;

  /** chat requests the fake has received */
  requestCount(): number;
  lastUpstream(): UpstreamRequest;
  /** performance.now() when the latest chat request's upstream response (or socket) closed */
  lastUpstreamClosed(timeoutMs: number): Promise<number>;
  /** the tool results in an upstream body, in the provider's own format */
  toolResults(upstreamBody: unknown): ToolResultSeen[];
}

// Shared inputs the harnesses' cases refer to.

/** A 1×1 transparent PNG. */
export const pngBase64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
export const pngDataUrl = `data:image/png;base64,${pngBase64}`;
export const remoteImageUrl = 'https://images.example.com/cat.png';
/** A 44-byte WAV header with no samples. */
export const wavBase64 = 'UklGRiQAAABXQVZFZm10IBAAAAABAAEAQB8AAIA+AAACABAAZGF0YQAAAAA=';

export const jsonSchema = {
  type: 'object',
  properties: { city: { type: 'string' }, days: { type: 'integer' } },
  required: ['city', 'days'],
  additionalProperties: false,
} as const satisfies Record<string, unknown>;
/** The response_format the suite sends for the json_schema cases. */
export const jsonSchemaFormat = { type: 'json_schema', json_schema: { name: 'trip', schema: jsonSchema, strict: true } } as const;
/** What every fake builds for `jsonSchema` (strings → "Paris", integers → 42). */
export const jsonSchemaAnswer = { city: 'Paris', days: 42 };

export function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? (value as unknown[]) : [];
}
