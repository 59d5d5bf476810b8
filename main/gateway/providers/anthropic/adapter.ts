// The adapter for Anthropic's Messages API: OpenAI chat requests go out as POST /v1/messages and come back as
// OpenAI completions or chunks; models come from GET /v1/models; token counts from /v1/messages/count_tokens.
// The key travels only in `x-api-key`. The base URL may be given with or without its trailing /v1. A native
// (Messages-dialect) call is forwarded as the client wrote it and its upstream bytes come back beside the chunks.
import type { ChatRequest } from '../../../../shared/openai-types.js';
import type { z } from 'zod';
import { ProviderError } from '../errors.js';
import { isEventStream, upstreamClientFor, type AdapterOptions, type UpstreamClient, type UpstreamResponse } from '../http.js';
import type { ChatCall, ChatOutcome, ModelDetails, NativeRequest, ProbeResult, ProviderAdapter, ProviderModel, RequestFormat } from '../types.js';
import {
  anthropicErrorBodySchema,
  anthropicMessageSchema,
  anthropicModelListSchema,
  anthropicTokenCountSchema,
  anthropicVersion,
  type AnthropicCountTokensRequest,
} from './anthropic-api.js';
import { anthropicHttpError, anthropicInBandError, anthropicProtocolError } from './anthropic-error.js';
import { readAnthropicStream } from './anthropic-stream.js';
import { toAnthropicRequest } from './convert-request.js';
import { toChatCompletion } from './convert-response.js';
import { claudeModelFacts } from './model-catalog.js';
import { mergeNativeHeaders, nativeBody } from './native-request.js';
import type { Locality } from '../../../config/types.js';

export type AnthropicAdapterOptions = AdapterOptions;

/** GET /v1/models pages followed at most; 1000 models a page is far more than Anthropic lists. */
const maxModelPages = 10;

export class AnthropicAdapter implements ProviderAdapter {
  readonly type = 'anthropic';
  /** Messages requests go to Anthropic as written */
  readonly forwards: ReadonlySet<RequestFormat> = new Set<RequestFormat>(['anthropic-messages']);
  readonly id: string;
  readonly locality: Locality;
  readonly baseUrl: string;
  private readonly client: UpstreamClient;

  constructor(private readonly options: AnthropicAdapterOptions) {
    this.id = options.id;
    this.baseUrl = options.baseUrl;
    this.locality = options.locality ?? 'cloud';
    const origin = options.baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '');
    this.client = upstreamClientFor(options, this.locality, origin);
  }

  async chat(call: ChatCall): Promise<ChatOutcome> {
    const native = call.native?.dialect === 'anthropic-messages' ? call.native : undefined;
    const converted = native ? undefined : toAnthropicRequest(call.request, call.upstreamModel, this.id);
    const body = converted ? converted.body : nativeBody(native as NativeRequest, call.upstreamModel);
    const jsonTool = converted?.jsonTool ?? false;
    const stream = converted ? converted.body.stream === true : native?.body['stream'] === true;
    const response = await this.send('POST', '/v1/messages', call.signal, stream ? 'text/event-stream' : 'application/json', body, native);
    if (response.status >= 300) throw await this.httpError(response, call.signal);
    const upstreamRequestId = response.header('request-id');
    const identified = upstreamRequestId ? { upstreamRequestId } : {};
    if (stream) {
      if (!isEventStream(response)) {
        // an error object (or anything else) where a stream was expected
        await this.readJson(response, call.signal, anthropicMessageSchema, 'a stream');
        throw anthropicProtocolError(this.id, 'a JSON body to a stream request');
      }
      const context = {
        providerId: this.id,
        baseUrl: this.baseUrl,
        upstreamModel: call.upstreamModel,
        jsonTool,
        signal: call.signal,
        native: native !== undefined,
      };
      return { kind: 'stream', parts: readAnthropicStream(context, response), ...identified };
    }
    const raw = await this.client.readBody(response, call.signal);
    const message = this.parseJson(raw, anthropicMessageSchema, 'a message');
    return { kind: 'complete', response: toChatCompletion(message, jsonTool), ...(native ? { nativeRaw: raw } : {}), ...identified };
  }

  /** Input tokens of a request as Anthropic counts them (POST /v1/messages/count_tokens). */
  async countTokens(request: ChatRequest, upstreamModel: string, signal: AbortSignal, native?: NativeRequest): Promise<number> {
    if (native?.dialect === 'anthropic-messages') {
      const response = await this.send('POST', '/v1/messages/count_tokens', signal, 'application/json', nativeBody(native, upstreamModel), native);
      if (response.status >= 300) throw await this.httpError(response, signal);
      return (await this.readJson(response, signal, anthropicTokenCountSchema, 'a token count')).input_tokens;
    }
    const { body } = toAnthropicRequest(request, upstreamModel, this.id);
    const countBody: AnthropicCountTokensRequest = { model: body.model, messages: body.messages };
    if (body.system !== undefined) countBody.system = body.system;
    if (body.tools) countBody.tools = body.tools;
    if (body.tool_choice) countBody.tool_choice = body.tool_choice;
    if (body.thinking) countBody.thinking = body.thinking;
    const response = await this.send('POST', '/v1/messages/count_tokens', signal, 'application/json', countBody);
    if (response.status >= 300) throw await this.httpError(response, signal);
    return (await this.readJson(response, signal, anthropicTokenCountSchema, 'a token count')).input_tokens;
  }

  async listModels(signal: AbortSignal): Promise<ProviderModel[]> {
    const models: ProviderModel[] = [];
    let afterId: string | undefined;
    for (let page = 0; page < maxModelPages; page += 1) {
      const query = new URLSearchParams({ limit: '1000', ...(afterId ? { after_id: afterId } : {}) });
      const response = await this.send('GET', `/v1/models?${query.toString()}`, signal, 'application/json');
      if (response.status >= 300) throw await this.httpError(response, signal);
      const list = await this.readJson(response, signal, anthropicModelListSchema, 'a model list');
      for (const model of list.data) {
        const created = model.created_at ? Date.parse(model.created_at) : Number.NaN;
        models.push({
          id: model.id,
          ...(Number.isFinite(created) ? { created: Math.floor(created / 1000) } : {}),
          contextWindow: model.max_input_tokens ?? claudeModelFacts(model.id).contextWindow,
        });
      }
      const lastId = list.last_id ?? list.data.at(-1)?.id;
      if (list.has_more !== true || !lastId || lastId === afterId) break;
      afterId = lastId;
    }
    return models;
  }

  /** From the built-in table (model-catalog.ts): Anthropic's model list says nothing the router needs reliably. */
  async modelDetails(model: string): Promise<ModelDetails> {
    const facts = claudeModelFacts(model);
    return { contextWindow: facts.contextWindow, capabilities: ['completion', 'tools', 'vision', ...(facts.thinking === 'none' ? [] : ['thinking'])] };
  }

  async probe(signal: AbortSignal): Promise<ProbeResult> {
    const started = performance.now();
    try {
      const models = await this.listModels(signal);
      return { reachable: true, detail: `${models.length} models`, latencyMs: performance.now() - started };
    } catch (error) {
      const message = error instanceof ProviderError ? error.message : String(error);
      // an HTTP answer (even 401) means the server is there; the detail says what is wrong
      return { reachable: error instanceof ProviderError && error.kind === 'http', detail: message, latencyMs: performance.now() - started };
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private async send(
    method: 'GET' | 'POST',
    path: string,
    signal: AbortSignal,
    accept: string,
    body?: object | string | Buffer,
    native?: NativeRequest,
  ): Promise<UpstreamResponse> {
    let headers: Record<string, string> = { accept, 'anthropic-version': anthropicVersion };
    for (const [name, value] of Object.entries(this.options.headers ?? {})) {
      const lower = name.toLowerCase();
      // credentials come from the key store only, never from configured headers
      if (lower !== 'authorization' && lower !== 'x-api-key') headers[lower] = value;
    }
    headers = mergeNativeHeaders(headers, native);
    if (body !== undefined) headers['content-type'] = 'application/json';
    const key = this.options.apiKey();
    if (key) headers['x-api-key'] = key;
    const payload = body === undefined ? undefined : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
    return this.client.request({ method, path, headers, signal, ...(payload !== undefined ? { body: payload } : {}) });
  }

  private async httpError(response: UpstreamResponse, signal: AbortSignal): Promise<ProviderError> {
    const text = (await this.client.readBody(response, signal, 1024 * 1024)).toString('utf8');
    if (response.status < 400) return anthropicProtocolError(this.id, `a redirect (HTTP ${response.status}); redirects are not followed`);
    return anthropicHttpError(this.id, response.status, response.headers, text);
  }

  private async readJson<Schema extends z.ZodType>(response: UpstreamResponse, signal: AbortSignal, schema: Schema, what: string): Promise<z.infer<Schema>> {
    return this.parseJson(await this.client.readBody(response, signal), schema, what);
  }

  private parseJson<Schema extends z.ZodType>(raw: Buffer, schema: Schema, what: string): z.infer<Schema> {
    let value: unknown;
    try {
      value = JSON.parse(raw.toString('utf8'));
    } catch {
      throw anthropicProtocolError(this.id, `${what} that is not JSON`);
    }
    const error = anthropicErrorBodySchema.safeParse(value);
    if (error.success) throw anthropicInBandError(this.id, error.data, 'http');
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw anthropicProtocolError(this.id, `${what} in an unexpected shape`);
    return parsed.data;
  }
}
