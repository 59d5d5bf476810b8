// A programmable OpenAI-compatible upstream for tests: a real node:http server on 127.0.0.1 that speaks OpenAI's
// exact wire format, records every request, and injects faults (errors, stalls, resets, in-band errors, raw bytes).
import type { ServerResponse } from 'node:http';
import { FakeServer, sleep } from './fake-server.js';
import { FakeResponsesApi } from './openai-responses-fake.js';
import { defaultResponsesScenario, type ResponsesScenario } from './openai-responses-scenarios.js';
import {
  bearerToken,
  defaultReply,
  defaultScenario,
  embeddingsResponse,
  streamArgumentPieces,
  type EmbeddingsScenario,
  type RawScenario,
  type RecordedRequest,
  type Scenario,
} from './openai-scenarios.js';
import {
  chatCompletion,
  eventStreamContentType,
  invalidApiKey,
  jsonContentType,
  missingApiKey,
  modelNotFound,
  newCompletionId,
  openAIHeaders,
  openAIStreamError,
  sseDone,
  sseFrame,
  streamChunks,
  unknownUrl,
  type ErrorReply,
} from './openai-wire.js';

export * from './openai-scenarios.js';
export * from './openai-wire.js';
export * from './openai-responses-scenarios.js';
export * from './openai-responses-wire.js';
export type { RequestState } from './fake-server.js';

export interface FakeOpenAIOptions {
  /** ids listed by GET /v1/models (default: gpt-4o-mini, gpt-4.1, text-embedding-3-small) */
  readonly models?: readonly string[];
  /** when set, every /v1 call must carry `Authorization: Bearer <apiKey>`, else OpenAI's 401 echoing the masked key */
  readonly apiKey?: string;
}

const defaultStallCapMs = 300_000;
const created = 1_700_000_000;

export class FakeOpenAI extends FakeServer {
  models: string[];
  apiKey: string | undefined;
  onChat: (request: RecordedRequest) => Scenario | Promise<Scenario> = defaultScenario;
  onEmbeddings: (request: RecordedRequest) => EmbeddingsScenario | Promise<EmbeddingsScenario> = () => ({ kind: 'reply' });
  onResponses: (request: RecordedRequest) => ResponsesScenario | Promise<ResponsesScenario> = defaultResponsesScenario;
  /** POST /v1/responses and GET / DELETE /v1/responses/{id}; `responses.stored` holds what it stored */
  readonly responses = new FakeResponsesApi({
    write: (response, data, signal) => this.write(response, data, signal),
    startStream: (response, headers) => this.startStream(response, headers),
    sendJson: (response, status, body, headers) => this.sendJson(response, status, body, headers),
    sendError: (response, error) => this.sendError(response, error),
    runRaw: (response, scenario, signal) => this.runRaw(response, scenario, signal),
  });

  private constructor(options: FakeOpenAIOptions) {
    super({ name: 'fake OpenAI' });
    this.models = [...(options.models ?? ['gpt-4o-mini', 'gpt-4.1', 'text-embedding-3-small'])];
    this.apiKey = options.apiKey;
  }

  static async start(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
    const fake = new FakeOpenAI(options);
    await fake.listen();
    return fake;
  }

  /** http://127.0.0.1:PORT/v1 — what a provider's base URL is set to */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}/v1`;
  }

  chatRequests(): RecordedRequest[] {
    return this.requests.filter((request) => request.method === 'POST' && request.path.split('?')[0] === '/v1/chat/completions');
  }

  responsesRequests(): RecordedRequest[] {
    return this.requests.filter((request) => request.method === 'POST' && request.path.split('?')[0] === '/v1/responses');
  }

  protected override sendBodyTooLarge(response: ServerResponse): void {
    this.sendError(response, {
      kind: 'error',
      status: 413,
      body: { error: { message: 'Request body too large', type: 'invalid_request_error', param: null, code: null } },
    });
  }

  protected override sendHandlerFailed(response: ServerResponse, error: unknown): void {
    this.sendError(response, {
      kind: 'error',
      status: 500,
      body: { error: { message: `fake OpenAI handler failed: ${String(error)}`, type: 'fake_error', param: null, code: null } },
    });
  }

  protected override async route(request: RecordedRequest, response: ServerResponse, signal: AbortSignal): Promise<void> {
    const path = request.path.split('?')[0] ?? '/';
    if (!path.startsWith('/v1/')) return this.sendError(response, unknownUrl(request.method, path));
    if (this.apiKey !== undefined) {
      const token = bearerToken(request);
      if (token === undefined) return this.sendError(response, missingApiKey());
      if (token !== this.apiKey) return this.sendError(response, invalidApiKey(token));
    }
    if (request.method === 'POST' && path === '/v1/chat/completions') return this.runChat(request, response, await this.onChat(request), signal);
    if (request.method === 'POST' && path === '/v1/embeddings') return this.runEmbeddings(request, response, await this.onEmbeddings(request), signal);
    if (request.method === 'GET' && path === '/v1/models') {
      const data = this.models.map((id) => ({ id, object: 'model', created, owned_by: 'system' }));
      return this.sendJson(response, 200, { object: 'list', data });
    }
    if (request.method === 'GET' && path.startsWith('/v1/models/')) {
      const id = decodeURIComponent(path.slice('/v1/models/'.length));
      if (!this.models.includes(id)) return this.sendError(response, modelNotFound(id));
      return this.sendJson(response, 200, { id, object: 'model', created, owned_by: 'system' });
    }
    if (path.startsWith('/v1/responses') && (await this.responses.route(request, response, path, signal, () => this.onResponses(request)))) return;
    return this.sendError(response, unknownUrl(request.method, path));
  }

  private async runChat(request: RecordedRequest, response: ServerResponse, scenario: Scenario, signal: AbortSignal): Promise<void> {
    switch (scenario.kind) {
      case 'error':
        return this.sendError(response, scenario);
      case 'stall-before-headers':
        return waitForAbort(signal);
      case 'raw':
        return this.runRaw(response, scenario, signal);
      case 'stall-after-headers': {
        this.startStream(response, scenario.headers);
        const interval = scenario.keepAliveEveryMs;
        const deadline = performance.now() + (scenario.maxMs ?? defaultStallCapMs);
        if (interval === undefined || interval <= 0) return waitForAbort(signal, scenario.maxMs ?? defaultStallCapMs);
        while (performance.now() < deadline && (await sleep(interval, signal))) {
          if (!(await this.write(response, `: ${scenario.keepAliveComment ?? 'keep-alive'}\n\n`, signal))) return;
        }
        return waitForAbort(signal);
      }
      case 'in-band-error-first':
        this.startStream(response, scenario.headers);
        if (await this.write(response, sseFrame(scenario.errorData ?? openAIStreamError()), signal)) response.end();
        return;
      case 'slow':
        return this.runSlow(request, response, scenario, signal);
      default:
        return this.runReply(request, response, scenario, signal);
    }
  }

  private async runReply(
    request: RecordedRequest,
    response: ServerResponse,
    scenario: Extract<Scenario, { kind: 'reply' | 'in-band-error-after' | 'reset-after' | 'end-without-done' }>,
    signal: AbortSignal,
  ): Promise<void> {
    const reply = defaultReply(request, scenario);
    if (scenario.headersDelayMs !== undefined && !(await sleep(scenario.headersDelayMs, signal))) return;
    const id = newCompletionId();
    if (scenario.kind === 'reply' && !reply.stream) {
      const completion = chatCompletion({
        id,
        created,
        model: reply.model,
        content: reply.content,
        toolCalls: reply.toolCalls,
        refusal: reply.refusal ?? null,
        finishReason: reply.finishReason,
        usage: reply.usage,
      });
      return this.sendJson(response, 200, completion, scenario.headers);
    }
    const context = { id, created, model: reply.model, includeUsage: reply.includeUsage, includeObfuscation: reply.includeObfuscation };
    const { chunks } = streamChunks(context, {
      contentPieces: reply.contentPieces,
      toolCalls: reply.toolCalls,
      argumentPieces: streamArgumentPieces,
      ...(reply.refusal !== undefined ? { refusal: reply.refusal } : {}),
      finishReason: reply.finishReason,
      usage: reply.usage,
    });
    const frames = chunks.map(sseFrame);
    let ending: 'done' | 'error' | 'reset' | 'end' = 'done';
    let sent = frames;
    if (scenario.kind === 'in-band-error-after' || scenario.kind === 'reset-after') {
      sent = frames.slice(0, 1 + Math.max(0, scenario.contentChunks));
      ending = scenario.kind === 'reset-after' ? 'reset' : 'error';
    } else if (scenario.kind === 'end-without-done') {
      ending = 'end';
    }
    this.startStream(response, scenario.headers);
    for (const [position, frame] of sent.entries()) {
      if (position > 0 && scenario.chunkDelayMs !== undefined && !(await sleep(scenario.chunkDelayMs, signal))) return;
      if (!(await this.write(response, frame, signal))) return;
    }
    if (ending === 'reset') {
      response.socket?.destroy();
      return;
    }
    if (ending === 'error') {
      const errorData = scenario.kind === 'in-band-error-after' ? scenario.errorData : undefined;
      if (!(await this.write(response, sseFrame(errorData ?? openAIStreamError()), signal))) return;
    }
    if (ending === 'done' && !(await this.write(response, sseDone, signal))) return;
    response.end();
  }

  private async runSlow(request: RecordedRequest, response: ServerResponse, scenario: Extract<Scenario, { kind: 'slow' }>, signal: AbortSignal): Promise<void> {
    const count = Math.max(1, Math.floor(scenario.chunks));
    const text = scenario.chunkText ?? 'slow chunk of text for a slow reader. ';
    const reply = defaultReply(request, { content: text.repeat(count), chunks: count, ...(scenario.usage ? { usage: scenario.usage } : {}) });
    const id = newCompletionId();
    if (!reply.stream) {
      const body = JSON.stringify(chatCompletion({ id, created, model: reply.model, content: reply.content, finishReason: 'stop', usage: reply.usage }));
      response.writeHead(200, { ...openAIHeaders(jsonContentType), ...scenario.headers });
      for (const [position, piece] of splitBytes(body, count).entries()) {
        if (position > 0 && !(await sleep(scenario.chunkDelayMs, signal))) return;
        if (!(await this.write(response, piece, signal))) return;
      }
      response.end();
      return;
    }
    const context = { id, created, model: reply.model, includeUsage: reply.includeUsage, includeObfuscation: reply.includeObfuscation };
    const { chunks } = streamChunks(context, { contentPieces: Array.from({ length: count }, () => text), finishReason: 'stop', usage: reply.usage });
    this.startStream(response, scenario.headers);
    for (const [position, chunk] of chunks.entries()) {
      if (position > 0 && scenario.chunkDelayMs > 0 && !(await sleep(scenario.chunkDelayMs, signal))) return;
      if (!(await this.write(response, sseFrame(chunk), signal))) return;
    }
    if (await this.write(response, sseDone, signal)) response.end();
  }

  private async runRaw(response: ServerResponse, scenario: RawScenario, signal: AbortSignal): Promise<void> {
    response.writeHead(scenario.status ?? 200, { ...openAIHeaders(eventStreamContentType), ...scenario.headers });
    response.flushHeaders();
    for (const write of scenario.writes) {
      if (typeof write === 'object' && !(write instanceof Uint8Array)) {
        if (!(await sleep(write.delayMs, signal))) return;
      } else if (!(await this.write(response, write, signal))) {
        return;
      }
    }
    if (scenario.end === 'destroy') response.socket?.destroy();
    else if (scenario.end === 'hold') await waitForAbort(signal, defaultStallCapMs);
    else response.end();
  }

  private async runEmbeddings(request: RecordedRequest, response: ServerResponse, scenario: EmbeddingsScenario, signal: AbortSignal): Promise<void> {
    switch (scenario.kind) {
      case 'error':
        return this.sendError(response, scenario);
      case 'stall-before-headers':
        return waitForAbort(signal);
      case 'raw':
        return this.runRaw(response, scenario, signal);
      default: {
        if (scenario.headersDelayMs !== undefined && !(await sleep(scenario.headersDelayMs, signal))) return;
        const { status, body } = embeddingsResponse(request);
        return this.sendJson(response, status, body);
      }
    }
  }

  private startStream(response: ServerResponse, extraHeaders: Readonly<Record<string, string>> | undefined): void {
    response.writeHead(200, { ...openAIHeaders(eventStreamContentType), ...extraHeaders });
    response.flushHeaders();
  }

  private sendJson(response: ServerResponse, status: number, body: unknown, extraHeaders?: Readonly<Record<string, string>>): void {
    const text = JSON.stringify(body);
    response.writeHead(status, { ...openAIHeaders(jsonContentType), 'content-length': String(Buffer.byteLength(text)), ...extraHeaders });
    response.end(text);
  }

  private sendError(response: ServerResponse, error: ErrorReply): void {
    const text = typeof error.body === 'string' ? error.body : JSON.stringify(error.body);
    const contentType = typeof error.body === 'string' ? 'text/plain; charset=utf-8' : jsonContentType;
    response.writeHead(error.status, { ...openAIHeaders(contentType), 'content-length': String(Buffer.byteLength(text)), ...error.headers });
    response.end(text);
  }
}

/** Waits until the response closes (or `capMs` passes: no wait is unbounded). */
async function waitForAbort(signal: AbortSignal, capMs = defaultStallCapMs): Promise<void> {
  await sleep(capMs, signal);
}

function splitBytes(text: string, count: number): Buffer[] {
  const bytes = Buffer.from(text);
  const pieces: Buffer[] = [];
  const size = Math.max(1, Math.ceil(bytes.length / count));
  for (let start = 0; start < bytes.length; start += size) pieces.push(bytes.subarray(start, start + size));
  return pieces;
}
