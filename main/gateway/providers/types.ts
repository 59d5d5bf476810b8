// The contract between the gateway and one wire dialect. The server never looks inside a provider: it hands
// an adapter a ChatCall and gets back a complete response or a stream of OpenAI-shaped chunks, whatever the
// upstream speaks. OpenAI chat-completions is the canonical shape because most clients and most upstreams use it.
import type { ChatCompletion, ChatCompletionChunk, ChatRequest, EmbeddingsRequest, EmbeddingsResponse } from '../../../shared/openai-types.js';
import type { ProviderError } from './errors.js';

import type { Locality } from '../../config/types.js';

/**
 * A request format as clients write it. An adapter declares the formats it can forward as written (`forwards`):
 * a request in one of those goes upstream with only `model` replaced and its answer comes back byte for byte.
 */
export type RequestFormat = 'openai-chat' | 'openai-responses' | 'anthropic-messages' | 'gemini-generate-content';

/** A client's request body as the handlers forward it: its text when small, its bytes when large (see
 *  request-body.ts for why). */
export type RequestBody = string | Buffer;

export interface ChatCall {
  /** The validated client request. `model` still holds what the client sent. */
  readonly request: ChatRequest;
  /**
   * The client's request body, so an OpenAI-compatible upstream gets it without re-serialising: its text (as
   * JSON.parse read it) when small, its bytes when large (request-body.ts says why).
   */
  readonly rawBody: RequestBody | undefined;
  /** The model name as the provider knows it (the part after `provider/`). */
  readonly upstreamModel: string;
  /** Ask the upstream for a usage chunk even when the client did not (the ledger needs token counts). */
  readonly forceStreamUsage: boolean;
  readonly signal: AbortSignal;
  /** The client's request in its own dialect, for an adapter of that dialect to forward losslessly (passthrough). */
  readonly native?: NativeRequest;
  /** for adapters that size the model's context themselves (`sizesContext`): the window routing knows, and the
   *  tokens the request needs (its input and room for an answer), computed on demand */
  readonly context?: { readonly window: number | undefined; readonly needed: () => number };
}

/**
 * A request as the client wrote it, in a dialect some adapter speaks natively. That adapter forwards it with only
 * `model` replaced and hands the upstream bytes back (nativeRaw, nativeFrames) beside the OpenAI-shaped outcome
 * it still produces for metering and the first-chunk gate. Every other adapter ignores it and uses `request`.
 */
export interface NativeRequest {
  readonly dialect: RequestFormat;
  /** the client's body, parsed */
  readonly body: Readonly<Record<string, unknown>>;
  /** the client's exact bytes, so the model can be spliced in without re-serialising */
  readonly raw?: RequestBody;
  /** dialect headers the client sent (anthropic-beta, anthropic-version); never credentials */
  readonly headers: Readonly<Record<string, string>>;
}

/** In a native (passthrough) stream: the upstream's exact SSE frames read since the previous part. */
interface NativeFrames {
  readonly nativeFrames?: readonly string[];
}

/** One element of a translated stream: a chunk in OpenAI's shape, the upstream's own end marker, or an error. */
export type StreamPart =
  | ({
      readonly type: 'chunk';
      readonly chunk: ChatCompletionChunk;
      /** exact upstream JSON when it already is OpenAI's shape */ readonly raw?: string;
    } & NativeFrames)
  | ({ readonly type: 'done'; /** provider-reported compute timings (Ollama), for the ledger */ readonly metrics?: UpstreamMetrics } & NativeFrames)
  | ({ readonly type: 'error'; readonly error: ProviderError } & NativeFrames);

export type ChatOutcome =
  | {
      readonly kind: 'complete';
      readonly response: ChatCompletion;
      /** exact upstream bytes when the upstream speaks OpenAI's shape */
      readonly raw?: Buffer;
      /** timing and provider-specific counters (Ollama's durations), kept for the ledger */
      readonly metrics?: UpstreamMetrics;
      /** the upstream's exact body when the call was native (passthrough) */
      readonly nativeRaw?: Buffer;
      /** the provider's own id for this call (OpenAI's x-request-id, Anthropic's request-id), for its support */
      readonly upstreamRequestId?: string;
    }
  | {
      readonly kind: 'stream';
      /** Ends after a `done` or an `error` part; a stream that just stops yields an `error` part. */
      readonly parts: AsyncIterable<StreamPart>;
      readonly upstreamRequestId?: string;
    };

export interface UpstreamMetrics {
  /** Local compute reported by the provider (Ollama's total/load/eval durations), in milliseconds. */
  readonly totalMs?: number;
  readonly loadMs?: number;
  readonly promptEvalMs?: number;
  readonly evalMs?: number;
}

export interface ProviderModel {
  readonly id: string;
  readonly created?: number;
  readonly contextWindow?: number;
  /** when the list itself says (Gemini's does), in Ollama's vocabulary like ModelDetails */
  readonly capabilities?: readonly string[];
}

/** What routing needs to know about one model to decide whether it can serve a request. */
export interface ModelDetails {
  readonly contextWindow?: number;
  /** Ollama's vocabulary: "completion", "tools", "vision", "thinking", "embedding" */
  readonly capabilities?: readonly string[];
}

export interface ProbeResult {
  readonly reachable: boolean;
  readonly detail: string;
  readonly latencyMs?: number;
}

export interface ProviderAdapter {
  readonly id: string;
  readonly type: string;
  readonly locality: Locality;
  readonly baseUrl: string;
  /** the request formats this provider takes as written (passthrough); every other goes through the canonical shape */
  readonly forwards: ReadonlySet<RequestFormat>;
  /** the provider sets the context size per request (Ollama's num_ctx), so its calls carry `context` */
  readonly sizesContext?: boolean;
  chat(call: ChatCall): Promise<ChatOutcome>;
  listModels(signal: AbortSignal): Promise<ProviderModel[]>;
  /** A cheap reachability check used at start-up and by status calls. */
  probe(signal: AbortSignal): Promise<ProbeResult>;
  embeddings?(request: EmbeddingsRequest, upstreamModel: string, signal: AbortSignal): Promise<EmbeddingsResponse>;
  /** Exact input-token count where the provider offers one (Anthropic's count_tokens); `native` as in ChatCall. */
  countTokens?(request: ChatRequest, upstreamModel: string, signal: AbortSignal, native?: NativeRequest): Promise<number>;
  /** Context window and capabilities of one model, where the provider can say (Ollama's /api/show). */
  modelDetails?(model: string, signal: AbortSignal): Promise<ModelDetails>;
  close(): Promise<void>;
}
