// The adapter for Google's Gemini API (generativelanguage.googleapis.com/v1beta): generateContent,
// streamGenerateContent?alt=sse, models and batchEmbedContents, translated to and from OpenAI's shapes. A request a
// Gemini-dialect client wrote (`gemini-generate-content`) goes as written, with only the model in the path replaced,
// and its answer comes back unchanged (nativeRaw, nativeFrames). The key travels only in the x-goog-api-key header,
// never in a URL (URLs end up in logs), and never in an error text.
import type { z } from 'zod';
import type { EmbeddingsRequest, EmbeddingsResponse } from '../../../../shared/openai-types.js';
import { ProviderError } from '../errors.js';
import { isEventStream, upstreamClientFor, type AdapterOptions, type UpstreamClient, type UpstreamResponse } from '../http.js';
import type { ChatCall, ChatOutcome, ModelDetails, ProbeResult, ProviderAdapter, ProviderModel, RequestBody, RequestFormat } from '../types.js';
import { embeddingInputs, toBatchEmbedRequests, toEmbeddingsResponse } from './convert-embeddings.js';
import { toGeminiRequest } from './convert-request.js';
import { toChatCompletion } from './convert-response.js';
import { geminiBatchEmbedResponseSchema, geminiModelListSchema, geminiModelSchema, geminiResponseSchema, googleStatusSchema } from './gemini-api.js';
import { geminiHttpError, geminiInBandError, geminiProtocolError, parseGoogleStatus } from './gemini-error.js';
import { readGeminiStream } from './gemini-stream.js';
import { isUsable, toModelDetails, toProviderModel } from './model-details.js';
import { modelPathSegment } from './model-path.js';
import type { Locality } from '../../../config/types.js';

export type GeminiAdapterOptions = AdapterOptions;

/** Google's page size cap for models.list is 1000; the listing stops after this many pages whatever it is told. */
const modelPageSize = 1000;
const maxModelPages = 20;

export class GeminiAdapter implements ProviderAdapter {
  readonly type = 'gemini';
  /** a Gemini-dialect request goes as written; every other through the canonical shape */
  readonly forwards: ReadonlySet<RequestFormat> = new Set<RequestFormat>(['gemini-generate-content']);
  readonly id: string;
  readonly locality: Locality;
  readonly baseUrl: string;
  private readonly client: UpstreamClient;

  constructor(private readonly options: GeminiAdapterOptions) {
    this.id = options.id;
    this.baseUrl = options.baseUrl;
    this.locality = options.locality ?? 'cloud';
    this.client = upstreamClientFor(options, this.locality);
  }

  async chat(call: ChatCall): Promise<ChatOutcome> {
    const model = modelPathSegment(call.upstreamModel, this.id);
    const native = call.native?.dialect === 'gemini-generate-content' ? call.native : undefined;
    // the client's own bytes when it spoke Gemini (the model is in the path, never in the body)
    const body: object | RequestBody = native ? (native.raw ?? JSON.stringify(native.body)) : toGeminiRequest(call.request, call.upstreamModel, this.id);
    const stream = call.request.stream === true;
    const apiKey = this.options.apiKey();
    const path = stream ? `/models/${model}:streamGenerateContent?alt=sse` : `/models/${model}:generateContent`;
    const response = await this.send('POST', path, call.signal, apiKey, stream ? 'text/event-stream' : 'application/json', body);
    if (response.status >= 300) throw await this.httpError(response, call.signal, apiKey);
    if (stream && !isEventStream(response)) {
      // a JSON body to a stream request: an error object, or something this adapter cannot read as a stream
      const text = (await this.client.readBody(response, call.signal)).toString('utf8');
      const error = parseGoogleStatus(text);
      throw error ? geminiInBandError(this.id, error, apiKey, 'http') : geminiProtocolError(this.id, 'a non-stream body to a stream request');
    }
    if (stream) {
      const context = {
        providerId: this.id,
        baseUrl: this.baseUrl,
        upstreamModel: call.upstreamModel,
        expectedCandidates: call.request.n ?? 1,
        apiKey,
        signal: call.signal,
        native: native !== undefined,
      };
      return { kind: 'stream', parts: readGeminiStream(context, response) };
    }
    const { parsed, raw } = await this.readJsonAndBytes(response, call.signal, apiKey, geminiResponseSchema, 'a generateContent response');
    if ((parsed.candidates ?? []).length === 0 && !parsed.promptFeedback?.blockReason) {
      throw geminiProtocolError(this.id, 'a response with neither candidates nor a block reason', true);
    }
    return { kind: 'complete', response: toChatCompletion(parsed, call.upstreamModel), ...(native ? { nativeRaw: raw } : {}) };
  }

  async embeddings(request: EmbeddingsRequest, upstreamModel: string, signal: AbortSignal): Promise<EmbeddingsResponse> {
    const model = modelPathSegment(upstreamModel, this.id);
    const texts = embeddingInputs(request, this.id);
    const apiKey = this.options.apiKey();
    const batches = [];
    for (const batch of toBatchEmbedRequests(texts, decodeURIComponent(model), request.dimensions)) {
      const response = await this.send('POST', `/models/${model}:batchEmbedContents`, signal, apiKey, 'application/json', batch);
      if (response.status >= 300) throw await this.httpError(response, signal, apiKey);
      const parsed = await this.readJson(response, signal, apiKey, geminiBatchEmbedResponseSchema, 'an embeddings response');
      if (parsed.embeddings.length !== batch.requests.length)
        throw geminiProtocolError(this.id, `${parsed.embeddings.length} embeddings for ${batch.requests.length} inputs`);
      batches.push(parsed);
    }
    return toEmbeddingsResponse(texts, batches, upstreamModel, request.encoding_format);
  }

  async listModels(signal: AbortSignal): Promise<ProviderModel[]> {
    const apiKey = this.options.apiKey();
    const models: ProviderModel[] = [];
    const seenTokens = new Set<string>();
    let pageToken: string | undefined;
    for (let page = 0; page < maxModelPages; page += 1) {
      const query = `pageSize=${modelPageSize}${pageToken ? `&pageToken=${encodeURIComponent(pageToken)}` : ''}`;
      const response = await this.send('GET', `/models?${query}`, signal, apiKey, 'application/json');
      if (response.status >= 300) throw await this.httpError(response, signal, apiKey);
      const parsed = await this.readJson(response, signal, apiKey, geminiModelListSchema, 'a model list', 16 * 1024 * 1024);
      for (const model of parsed.models ?? []) if (isUsable(model)) models.push(toProviderModel(model));
      pageToken = parsed.nextPageToken || undefined;
      if (pageToken === undefined || seenTokens.has(pageToken)) break;
      seenTokens.add(pageToken);
    }
    return models;
  }

  /** Input limit and capabilities of one model (GET models/{model}), for capability-aware routing. */
  async modelDetails(model: string, signal: AbortSignal): Promise<ModelDetails> {
    const apiKey = this.options.apiKey();
    const response = await this.send('GET', `/models/${modelPathSegment(model, this.id)}`, signal, apiKey, 'application/json');
    if (response.status >= 300) throw await this.httpError(response, signal, apiKey);
    return toModelDetails(await this.readJson(response, signal, apiKey, geminiModelSchema, 'model details'));
  }

  async probe(signal: AbortSignal): Promise<ProbeResult> {
    const started = performance.now();
    try {
      const models = await this.listModels(signal);
      return { reachable: true, detail: `${models.length} models`, latencyMs: performance.now() - started };
    } catch (error) {
      const message = error instanceof ProviderError ? error.message : String(error);
      // an HTTP answer (even a bad key) means Google is there; the detail says what is wrong
      const reachable = error instanceof ProviderError && error.kind === 'http';
      return { reachable, detail: message, latencyMs: performance.now() - started };
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private send(
    method: 'GET' | 'POST',
    path: string,
    signal: AbortSignal,
    apiKey: string | undefined,
    accept: string,
    body?: object | RequestBody,
  ): Promise<UpstreamResponse> {
    const headers: Record<string, string> = { accept, ...this.options.headers };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (apiKey) headers['x-goog-api-key'] = apiKey; // the header only: a ?key= query would put it in every URL log
    const text = typeof body === 'string' || Buffer.isBuffer(body) ? body : body === undefined ? undefined : JSON.stringify(body);
    return this.client.request({ method, path, headers, signal, ...(text !== undefined ? { body: text } : {}) });
  }

  private async httpError(response: UpstreamResponse, signal: AbortSignal, apiKey: string | undefined): Promise<ProviderError> {
    const text = (await this.client.readBody(response, signal, 1024 * 1024)).toString('utf8');
    if (response.status < 400) return geminiProtocolError(this.id, `a redirect (HTTP ${response.status}); redirects are not followed`);
    return geminiHttpError({ providerId: this.id, status: response.status, headers: response.headers, text, apiKey });
  }

  private async readJson<Schema extends z.ZodType>(
    response: UpstreamResponse,
    signal: AbortSignal,
    apiKey: string | undefined,
    schema: Schema,
    what: string,
    limit?: number,
  ): Promise<z.infer<Schema>> {
    return (await this.readJsonAndBytes(response, signal, apiKey, schema, what, limit)).parsed;
  }

  private async readJsonAndBytes<Schema extends z.ZodType>(
    response: UpstreamResponse,
    signal: AbortSignal,
    apiKey: string | undefined,
    schema: Schema,
    what: string,
    limit?: number,
  ): Promise<{ readonly parsed: z.infer<Schema>; readonly raw: Buffer }> {
    const raw = await this.client.readBody(response, signal, limit);
    let value: unknown;
    try {
      value = JSON.parse(raw.toString('utf8'));
    } catch {
      throw geminiProtocolError(this.id, `${what} that is not JSON`);
    }
    const error = typeof value === 'object' && value !== null ? googleStatusSchema.safeParse((value as { error?: unknown }).error) : undefined;
    if (error?.success) throw geminiInBandError(this.id, error.data, apiKey, 'http');
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw geminiProtocolError(this.id, `${what} in an unexpected shape`);
    return { parsed: parsed.data, raw };
  }
}
