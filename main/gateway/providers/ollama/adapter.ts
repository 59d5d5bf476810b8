// The adapter for Ollama's native API (/api/chat, /api/embed, /api/tags, /api/show, GET /), not its /v1 shim:
// the native API reports thinking, load and eval timings, and model capabilities that the shim drops.
import type { EmbeddingsRequest, EmbeddingsResponse } from '../../../../shared/openai-types.js';
import type { z } from 'zod';
import { ProviderError } from '../errors.js';
import { upstreamClientFor, type AdapterOptions, type UpstreamClient, type UpstreamResponse } from '../http.js';
import type { ChatCall, ChatOutcome, ProbeResult, ProviderAdapter, ProviderModel, RequestFormat } from '../types.js';
import { toEmbeddingsResponse, toOllamaEmbedRequest } from './convert-embeddings.js';
import { toOllamaChatRequest } from './convert-request.js';
import { toChatCompletion, toMetrics } from './convert-response.js';
import { toModelDetails, type OllamaModelDetails } from './model-details.js';
import { ollamaChatResponseSchema, ollamaEmbedResponseSchema, ollamaShowSchema, ollamaTagsSchema } from './ollama-api.js';
import { notRunningError, ollamaHttpError, ollamaInBandError, ollamaProtocolError } from './ollama-error.js';
import { readOllamaStream } from './ollama-stream.js';
import type { Locality } from '../../../config/types.js';

export type OllamaAdapterOptions = AdapterOptions;

export class OllamaAdapter implements ProviderAdapter {
  readonly type = 'ollama';
  /** every request goes through the canonical shape */
  readonly forwards: ReadonlySet<RequestFormat> = new Set<RequestFormat>([]);
  /** num_ctx is set per request from what the request needs (convert-request.ts) */
  readonly sizesContext = true;
  readonly id: string;
  readonly locality: Locality;
  readonly baseUrl: string;
  private readonly client: UpstreamClient;

  constructor(private readonly options: OllamaAdapterOptions) {
    this.id = options.id;
    this.baseUrl = options.baseUrl;
    this.locality = options.locality ?? 'local';
    this.client = upstreamClientFor(options, this.locality);
  }

  async chat(call: ChatCall): Promise<ChatOutcome> {
    const body = toOllamaChatRequest(call.request, call.upstreamModel, this.id, call.context);
    const response = await this.send('POST', '/api/chat', call.signal, body.stream ? 'application/x-ndjson' : 'application/json', body);
    if (response.status >= 300) throw await this.httpError(response, call.signal, call.upstreamModel);
    if (body.stream) {
      const context = { providerId: this.id, baseUrl: this.baseUrl, upstreamModel: call.upstreamModel, signal: call.signal };
      return { kind: 'stream', parts: readOllamaStream(context, response) };
    }
    const parsed = await this.readJson(response, call.signal, ollamaChatResponseSchema, 'a chat response');
    return { kind: 'complete', response: toChatCompletion(parsed, call.upstreamModel), metrics: toMetrics(parsed) };
  }

  async embeddings(request: EmbeddingsRequest, upstreamModel: string, signal: AbortSignal): Promise<EmbeddingsResponse> {
    const body = toOllamaEmbedRequest(request, upstreamModel, this.id);
    const response = await this.send('POST', '/api/embed', signal, 'application/json', body);
    if (response.status >= 300) throw await this.httpError(response, signal, upstreamModel);
    const parsed = await this.readJson(response, signal, ollamaEmbedResponseSchema, 'an embeddings response');
    return toEmbeddingsResponse(parsed, upstreamModel, request.encoding_format);
  }

  async listModels(signal: AbortSignal): Promise<ProviderModel[]> {
    const response = await this.send('GET', '/api/tags', signal, 'application/json');
    if (response.status >= 300) throw await this.httpError(response, signal, undefined);
    const parsed = await this.readJson(response, signal, ollamaTagsSchema, 'a model list');
    return parsed.models.map((model) => {
      const modified = model.modified_at ? Date.parse(model.modified_at) : Number.NaN;
      return { id: model.name, ...(Number.isFinite(modified) ? { created: Math.floor(modified / 1000) } : {}) };
    });
  }

  /** Capabilities and context length of one pulled model (POST /api/show), for capability-aware routing. */
  async modelDetails(name: string, signal: AbortSignal): Promise<OllamaModelDetails> {
    const response = await this.send('POST', '/api/show', signal, 'application/json', { model: name });
    if (response.status >= 300) throw await this.httpError(response, signal, name);
    return toModelDetails(await this.readJson(response, signal, ollamaShowSchema, 'model details'));
  }

  async probe(signal: AbortSignal): Promise<ProbeResult> {
    const started = performance.now();
    try {
      const response = await this.send('GET', '/', signal, 'text/plain');
      const text = (await this.client.readBody(response, signal, 4096)).toString('utf8').trim();
      const detail = response.status === 200 ? text || 'Ollama is running' : `HTTP ${response.status}: ${text.slice(0, 200)}`;
      // any HTTP answer means something listens there; the detail says what is wrong
      return { reachable: true, detail, latencyMs: performance.now() - started };
    } catch (error) {
      const detail = error instanceof ProviderError ? error.message : String(error);
      return { reachable: false, detail, latencyMs: performance.now() - started };
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private async send(method: 'GET' | 'POST', path: string, signal: AbortSignal, accept: string, body?: object): Promise<UpstreamResponse> {
    const headers: Record<string, string> = { accept, ...this.options.headers };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const key = this.options.apiKey();
    if (key) headers['authorization'] = `Bearer ${key}`;
    try {
      return await this.client.request({ method, path, headers, signal, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    } catch (error) {
      if (error instanceof ProviderError && error.kind === 'connect' && error.code === 'ECONNREFUSED') throw notRunningError(this.id, this.baseUrl);
      throw error;
    }
  }

  private async httpError(response: UpstreamResponse, signal: AbortSignal, upstreamModel: string | undefined): Promise<ProviderError> {
    const text = (await this.client.readBody(response, signal, 1024 * 1024)).toString('utf8');
    if (response.status < 400) {
      return ollamaProtocolError(this.id, `a redirect (HTTP ${response.status}); redirects are not followed`);
    }
    return ollamaHttpError({ providerId: this.id, upstreamModel, status: response.status, headers: response.headers, text });
  }

  private async readJson<Schema extends z.ZodType>(response: UpstreamResponse, signal: AbortSignal, schema: Schema, what: string): Promise<z.infer<Schema>> {
    const raw = await this.client.readBody(response, signal);
    let value: unknown;
    try {
      value = JSON.parse(raw.toString('utf8'));
    } catch {
      throw ollamaProtocolError(this.id, `${what} that is not JSON`);
    }
    // Ollama reports a failure after the 200 status as an error object in the body
    if (typeof value === 'object' && value !== null && typeof (value as { error?: unknown }).error === 'string') {
      throw ollamaInBandError(this.id, (value as { error: string }).error, 'http');
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw ollamaProtocolError(this.id, `${what} in an unexpected shape`);
    return parsed.data;
  }
}
