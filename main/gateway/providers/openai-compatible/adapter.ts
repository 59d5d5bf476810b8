// One adapter for every server that speaks OpenAI's chat-completions dialect: OpenAI, OpenRouter, Groq, Mistral,
// DeepSeek, Together, Fireworks, xAI, LM Studio, llama.cpp, vLLM and any custom base URL. The client's bytes go
// upstream with only `model` changed; the upstream's bytes come back unchanged.
import type { ChatCompletion, EmbeddingsRequest, EmbeddingsResponse } from '../../../../shared/openai-types.js';
import { ProviderError } from '../errors.js';
import { isEventStream, upstreamClientFor, type AdapterOptions, type UpstreamClient, type UpstreamResponse } from '../http.js';
import { buildUpstreamBody, spliceModel } from '../request-body.js';
import type { ChatCall, ChatOutcome, NativeRequest, ProbeResult, ProviderAdapter, ProviderModel, RequestFormat } from '../types.js';
import { inBandError, upstreamHttpError } from './openai-error.js';
import { readOpenAIStream } from './openai-stream.js';
import { responseFailure, responseToChatCompletion } from './responses-response.js';
import { readResponsesStream } from './responses-stream.js';
import type { Locality } from '../../../config/types.js';

export interface OpenAICompatibleOptions extends AdapterOptions {
  /** the server serves the Responses API itself (OpenAI; others opt in with `responses_api: true`) */
  readonly responsesApi?: boolean;
}

export class OpenAICompatibleAdapter implements ProviderAdapter {
  readonly type = 'openai-compatible';
  readonly id: string;
  readonly locality: Locality;
  readonly baseUrl: string;
  readonly forwards: ReadonlySet<RequestFormat>;
  private readonly client: UpstreamClient;

  constructor(private readonly options: OpenAICompatibleOptions) {
    this.forwards = new Set<RequestFormat>(options.responsesApi ? ['openai-chat', 'openai-responses'] : ['openai-chat']);
    this.id = options.id;
    this.locality = options.locality ?? 'cloud';
    this.baseUrl = options.baseUrl;
    this.client = upstreamClientFor(options, this.locality);
  }

  async chat(call: ChatCall): Promise<ChatOutcome> {
    if (call.native?.dialect === 'openai-responses' && this.forwards.has('openai-responses')) return this.responses(call, call.native);
    const stream = call.request.stream === true;
    const body = buildUpstreamBody({
      raw: call.rawBody,
      request: call.request,
      upstreamModel: call.upstreamModel,
      addStreamUsage: stream && call.forceStreamUsage && call.request.stream_options?.include_usage !== true,
    });
    const response = await this.client.request({
      method: 'POST',
      path: '/chat/completions',
      headers: this.headers(stream ? 'text/event-stream' : 'application/json'),
      body,
      signal: call.signal,
    });
    if (response.status >= 300) throw await this.httpError(response, call.signal);
    if (stream && !isEventStream(response)) {
      // Some servers answer a stream request with a JSON error and status 200.
      const text = (await this.client.readBody(response, call.signal)).toString('utf8');
      throw this.unexpectedJson(text);
    }
    const upstreamRequestId = response.header('x-request-id');
    const identified = upstreamRequestId ? { upstreamRequestId } : {};
    if (stream) return { kind: 'stream', parts: readOpenAIStream(this.id, this.baseUrl, response, call.signal), ...identified };
    const raw = await this.client.readBody(response, call.signal);
    const parsed = this.parseJson(raw);
    if (!Array.isArray(parsed['choices'])) {
      if (parsed['error'] !== undefined) throw inBandError(this.id, parsed, 'http');
      throw this.protocolError('a completion without choices');
    }
    return { kind: 'complete', response: parsed as unknown as ChatCompletion, raw, ...identified };
  }

  /**
   * A Responses request forwarded as the client wrote it (only `model` replaced); the upstream's bytes come back as
   * nativeRaw / nativeFrames beside the chat-shaped view the gateway meters and gates on.
   */
  private async responses(call: ChatCall, native: NativeRequest): Promise<ChatOutcome> {
    const stream = native.body['stream'] === true;
    const model = native.body['model'];
    const body =
      (native.raw !== undefined && typeof model === 'string' ? spliceModel(native.raw, model, call.upstreamModel) : undefined) ??
      JSON.stringify({ ...native.body, model: call.upstreamModel });
    const response = await this.client.request({
      method: 'POST',
      path: '/responses',
      headers: this.headers(stream ? 'text/event-stream' : 'application/json'),
      body,
      signal: call.signal,
    });
    if (response.status >= 300) throw await this.httpError(response, call.signal);
    if (stream && !isEventStream(response)) throw this.unexpectedJson((await this.client.readBody(response, call.signal)).toString('utf8'));
    const upstreamRequestId = response.header('x-request-id');
    const identified = upstreamRequestId ? { upstreamRequestId } : {};
    if (stream) return { kind: 'stream', parts: readResponsesStream(this.id, this.baseUrl, response, call.signal, call.upstreamModel), ...identified };
    const raw = await this.client.readBody(response, call.signal);
    const parsed = this.parseJson(raw);
    const failure = responseFailure(this.id, parsed);
    if (failure) throw failure;
    if (parsed['object'] !== 'response') throw this.protocolError('a Responses answer that is not a response object');
    return { kind: 'complete', response: responseToChatCompletion(parsed), nativeRaw: raw, ...identified };
  }

  async embeddings(request: EmbeddingsRequest, upstreamModel: string, signal: AbortSignal): Promise<EmbeddingsResponse> {
    const response = await this.client.request({
      method: 'POST',
      path: '/embeddings',
      headers: this.headers('application/json'),
      body: JSON.stringify({ ...request, model: upstreamModel }),
      signal,
    });
    if (response.status >= 300) throw await this.httpError(response, signal);
    const parsed = this.parseJson(await this.client.readBody(response, signal));
    if (!Array.isArray(parsed['data'])) throw this.protocolError('an embeddings response without data');
    return parsed as unknown as EmbeddingsResponse;
  }

  async listModels(signal: AbortSignal): Promise<ProviderModel[]> {
    const response = await this.client.request({ method: 'GET', path: '/models', headers: this.headers('application/json'), signal });
    if (response.status >= 300) throw await this.httpError(response, signal);
    const parsed = this.parseJson(await this.client.readBody(response, signal, 16 * 1024 * 1024));
    const data = parsed['data'];
    if (!Array.isArray(data)) throw this.protocolError('a model list without data');
    const models: ProviderModel[] = [];
    for (const entry of data as unknown[]) {
      if (typeof entry !== 'object' || entry === null) continue;
      const record = entry as Record<string, unknown>;
      if (typeof record['id'] !== 'string') continue;
      const contextWindow = record['context_length'] ?? record['context_window'] ?? record['max_model_len'];
      models.push({
        id: record['id'],
        ...(typeof record['created'] === 'number' ? { created: record['created'] } : {}),
        ...(typeof contextWindow === 'number' ? { contextWindow } : {}),
      });
    }
    return models;
  }

  async probe(signal: AbortSignal): Promise<ProbeResult> {
    const started = performance.now();
    try {
      const models = await this.listModels(signal);
      return { reachable: true, detail: `${models.length} models`, latencyMs: performance.now() - started };
    } catch (error) {
      const message = error instanceof ProviderError ? error.message : String(error);
      // An HTTP answer (even 401) means the server is there; the detail says what is wrong.
      const reachable = error instanceof ProviderError && error.kind === 'http';
      return { reachable, detail: message, latencyMs: performance.now() - started };
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private headers(accept: string): Record<string, string> {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept, ...this.options.headers };
    const key = this.options.apiKey();
    if (key) headers['authorization'] = `Bearer ${key}`;
    return headers;
  }

  private async httpError(response: UpstreamResponse, signal: AbortSignal): Promise<ProviderError> {
    const text = (await this.client.readBody(response, signal, 1024 * 1024)).toString('utf8');
    if (response.status >= 300 && response.status < 400) {
      return new ProviderError({
        kind: 'http',
        errorClass: 'protocol',
        status: 502,
        message: `provider '${this.id}' answered with a redirect (HTTP ${response.status}); redirects are not followed`,
        providerId: this.id,
        retryable: false,
      });
    }
    return upstreamHttpError(this.id, response.status, response.headers, text);
  }

  private parseJson(raw: Buffer): Record<string, unknown> {
    try {
      const value: unknown = JSON.parse(raw.toString('utf8'));
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      // fall through
    }
    throw this.protocolError('a body that is not a JSON object');
  }

  private unexpectedJson(text: string): ProviderError {
    try {
      const value: unknown = JSON.parse(text);
      if (typeof value === 'object' && value !== null && 'error' in value) return inBandError(this.id, value as Record<string, unknown>, 'http');
    } catch {
      // fall through
    }
    return this.protocolError('a non-stream body to a stream request');
  }

  private protocolError(what: string): ProviderError {
    return new ProviderError({
      kind: 'protocol',
      errorClass: 'protocol',
      status: 502,
      message: `provider '${this.id}' sent ${what}`,
      providerId: this.id,
      retryable: false,
    });
  }
}
