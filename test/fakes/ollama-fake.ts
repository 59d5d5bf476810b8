// A real HTTP server on 127.0.0.1 that answers like `ollama serve`: the wire format of docs/openapi.yaml and
// server/routes.go in github.com/ollama/ollama (NDJSON streams, `{"error":…}` bodies and stream lines, Go's field
// order and omitempty), plus hooks to script failures, a log of what it received, and socket bookkeeping so tests
// can check that an aborted client really closes its upstream connection.
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { listenOnLoopback, trackSockets } from './fake-server.js';

export interface FakeOllamaModel {
  readonly name: string; // with its tag: "qwen3:8b"
  readonly capabilities: readonly string[]; // "completion", "tools", "vision", "thinking", "embedding"
  readonly contextLength: number;
  readonly family: string;
  readonly parameterSize: string;
  readonly embeddingLength?: number;
}

export const defaultFakeModels: readonly FakeOllamaModel[] = [
  { name: 'llama3.2:3b', capabilities: ['completion', 'tools'], contextLength: 131072, family: 'llama', parameterSize: '3.2B' },
  { name: 'qwen3:8b', capabilities: ['completion', 'tools', 'thinking'], contextLength: 40960, family: 'qwen3', parameterSize: '8.2B' },
  { name: 'llava:7b', capabilities: ['completion', 'vision'], contextLength: 32768, family: 'llama', parameterSize: '7B' },
  { name: 'nomic-embed-text:latest', capabilities: ['embedding'], contextLength: 2048, family: 'nomic-bert', parameterSize: '137M', embeddingLength: 16 },
];

export interface FakeReply {
  readonly content?: string; // default "Hello from <model>", streamed one word per line
  readonly thinking?: string; // default: a sentence when the model can think and `think` is not false
  readonly toolCalls?: ReadonlyArray<{ readonly name: string; readonly arguments: Record<string, unknown> }>;
  readonly doneReason?: string; // default "stop"
  readonly promptEvalCount?: number;
  readonly evalCount?: number;
  readonly lineDelayMs?: number; // pause between stream lines
  readonly endDelayMs?: number; // pause between the last line and the end of the response
}

/** What the fake does with one /api/chat request. Streams are the default; `stream: false` gets one JSON body. */
export type FakeChatScenario =
  | ({ readonly kind: 'reply' } & FakeReply)
  | { readonly kind: 'http-error'; readonly status: number; readonly error: string }
  /** `afterLines` reply lines, then `{"error":…}`; with 0 lines (or stream:false) Ollama sends it as HTTP 500 instead */
  | { readonly kind: 'error-line'; readonly error: string; readonly afterLines?: number; readonly reply?: FakeReply }
  /** the reply without its done line (stream:false: half a JSON body) */
  | { readonly kind: 'no-done'; readonly reply?: FakeReply }
  /** TCP reset after `afterLines` lines have been written (stream:false: before the headers) */
  | { readonly kind: 'reset'; readonly afterLines: number; readonly reply?: FakeReply }
  | { readonly kind: 'stall-before-headers' }
  | { readonly kind: 'stall-before-first-line' };

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly rawBody: string;
  /** the parsed JSON body, or undefined when there was none or it was not JSON */
  readonly body: unknown;
  /** numbers the TCP connections: equal numbers mean a kept-alive connection was reused */
  readonly connection: number;
  /** resolves when the TCP connection that carried this request closes */
  readonly socketClosed: Promise<void>;
}

type JsonObject = Record<string, unknown>;

export class OllamaFake {
  readonly requests: RecordedRequest[] = [];
  models: FakeOllamaModel[];
  /** Scripts the next /api/chat answers; undefined (or returning undefined) gives Ollama's normal behaviour. */
  onChat: ((body: JsonObject, request: RecordedRequest) => FakeChatScenario | undefined) | undefined;
  /** "current": `model 'x' not found` (today's /api/chat); "legacy": `model "x" not found, try pulling it first` (older) */
  notFoundWording: 'current' | 'legacy' = 'current';
  private readonly sockets: Set<Socket>;
  private readonly connections = new WeakMap<Socket, { readonly number: number; readonly closed: Promise<void> }>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private requestWaiters: Array<() => void> = [];
  private toolCallCounter = 0;
  private connectionCount = 0;

  private constructor(
    private readonly server: Server,
    models: readonly FakeOllamaModel[],
  ) {
    this.models = [...models];
    this.sockets = trackSockets(server, { noDelay: false });
  }

  /** `port` restarts a fake where a stopped one was, to test that the gateway notices it is back. */
  static async start(options: { models?: readonly FakeOllamaModel[]; port?: number } = {}): Promise<OllamaFake> {
    const server = createServer();
    const fake = new OllamaFake(server, options.models ?? defaultFakeModels);
    server.keepAliveTimeout = 60_000; // Go's server keeps idle connections; the client's pool decides
    server.on('connection', (socket: Socket) => fake.track(socket));
    server.on('request', (request: IncomingMessage, response: ServerResponse) => void fake.handle(request, response));
    await listenOnLoopback(server, options.port);
    return fake;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get openSockets(): number {
    return this.sockets.size;
  }

  requestsTo(path: string): RecordedRequest[] {
    return this.requests.filter((request) => request.path === path);
  }

  /** The parsed body of the latest /api/chat request. */
  lastChatBody(): JsonObject {
    const last = this.requestsTo('/api/chat').at(-1);
    if (!last) throw new Error('the fake has received no /api/chat request');
    return last.body as JsonObject;
  }

  /** Resolves once `count` requests to `path` have been received. */
  async waitForRequests(path: string, count = 1): Promise<RecordedRequest[]> {
    while (this.requestsTo(path).length < count) await new Promise<void>((resolve) => this.requestWaiters.push(resolve));
    return this.requestsTo(path);
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private track(socket: Socket): void {
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    this.connections.set(socket, { number: ++this.connectionCount, closed });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    try {
      body = rawBody === '' ? undefined : JSON.parse(rawBody);
    } catch {
      body = undefined;
    }
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const recorded: RecordedRequest = {
      method: request.method ?? 'GET',
      path,
      headers: request.headers,
      rawBody,
      body,
      connection: this.connections.get(request.socket)?.number ?? 0,
      socketClosed: this.connections.get(request.socket)?.closed ?? Promise.resolve(),
    };
    this.requests.push(recorded);
    const waiters = this.requestWaiters;
    this.requestWaiters = [];
    for (const wake of waiters) wake();
    await this.route(recorded, response);
  }

  private async route(request: RecordedRequest, response: ServerResponse): Promise<void> {
    const routes: Record<string, readonly string[]> = {
      '/': ['GET', 'HEAD'],
      '/api/version': ['GET', 'HEAD'],
      '/api/tags': ['GET', 'HEAD'],
      '/api/show': ['POST'],
      '/api/chat': ['POST'],
      '/api/embed': ['POST'],
    };
    const methods = routes[request.path];
    if (!methods) return sendText(response, 404, '404 page not found');
    if (!methods.includes(request.method)) return sendText(response, 405, '405 method not allowed');
    if (request.path === '/') return sendText(response, 200, 'Ollama is running');
    if (request.path === '/api/version') return sendJson(response, 200, { version: '0.12.6' });
    if (request.path === '/api/tags') return sendJson(response, 200, { models: this.models.map((model) => tagEntry(model)) });
    if (request.rawBody === '') return sendJson(response, 400, { error: 'missing request body' });
    if (typeof request.body !== 'object' || request.body === null) {
      return sendJson(response, 400, { error: 'invalid character looking for beginning of value' });
    }
    const body = request.body as JsonObject;
    if (request.path === '/api/show') return this.show(body, response);
    if (request.path === '/api/embed') return this.embed(body, response);
    return this.chat(body, request, response);
  }

  private findModel(name: unknown): FakeOllamaModel | undefined {
    if (typeof name !== 'string') return undefined;
    const wanted = name.includes(':') ? name : `${name}:latest`;
    return this.models.find((model) => model.name === wanted);
  }

  private show(body: JsonObject, response: ServerResponse): void {
    const name = body['model'] ?? body['name'];
    if (typeof name !== 'string' || name === '') return sendJson(response, 400, { error: 'model is required' });
    const model = this.findModel(name);
    if (!model) return sendJson(response, 404, { error: `model '${name}' not found` });
    const details = modelDetails(model);
    sendJson(response, 200, {
      license: 'LICENSE AGREEMENT (fake)',
      modelfile: `# Modelfile generated by "ollama show"\nFROM ${model.name}\n`,
      parameters: 'temperature                    0.6',
      template: '{{ .Prompt }}',
      details,
      model_info: {
        'general.architecture': model.family,
        'general.file_type': 15,
        'general.parameter_count': 8_190_735_360,
        'general.quantization_version': 2,
        [`${model.family}.block_count`]: 36,
        [`${model.family}.context_length`]: model.contextLength,
        [`${model.family}.embedding_length`]: model.embeddingLength ?? 4096,
      },
      tensors: [],
      capabilities: model.capabilities,
      modified_at: '2025-10-03T23:34:03.409490317-07:00',
    });
  }

  private embed(body: JsonObject, response: ServerResponse): void {
    const model = this.findModel(body['model']);
    // /api/embed reaches the scheduler, whose not-found message still has the pull hint
    if (!model) return sendJson(response, 404, { error: `model ${JSON.stringify(body['model'])} not found, try pulling it first` });
    const input = body['input'];
    const texts = typeof input === 'string' ? (input === '' ? [] : [input]) : input;
    if (!Array.isArray(texts) || !texts.every((text) => typeof text === 'string')) return sendJson(response, 400, { error: 'invalid input type' });
    const dimensions = typeof body['dimensions'] === 'number' ? body['dimensions'] : (model.embeddingLength ?? 8);
    sendJson(response, 200, {
      model: body['model'],
      embeddings: texts.map((text) => fakeEmbedding(text, dimensions)),
      total_duration: 14_143_917,
      load_duration: 1_019_500,
      prompt_eval_count: texts.reduce((sum, text) => sum + tokenEstimate(text), 0),
    });
  }

  private async chat(body: JsonObject, request: RecordedRequest, response: ServerResponse): Promise<void> {
    const scripted = this.onChat?.(body, request);
    const requested = typeof body['model'] === 'string' ? body['model'] : '';
    if (!scripted) {
      if (requested === '') return sendJson(response, 400, { error: 'model is required' });
      const model = this.findModel(requested);
      if (!model) return sendJson(response, 404, { error: this.notFoundMessage(requested) });
      const failure = capabilityFailure(model, requested, body);
      if (failure) return sendJson(response, 400, { error: failure });
      const messages = Array.isArray(body['messages']) ? body['messages'] : [];
      if (messages.length === 0) {
        const doneReason = body['keep_alive'] === 0 || body['keep_alive'] === '0' ? 'unload' : 'load';
        return sendJson(response, 200, {
          model: requested,
          created_at: timestamp(),
          message: { role: 'assistant', content: '' },
          done_reason: doneReason,
          done: true,
        });
      }
    }
    const scenario = scripted ?? { kind: 'reply' };
    const stream = body['stream'] !== false;
    switch (scenario.kind) {
      case 'http-error':
        return sendJson(response, scenario.status, { error: scenario.error });
      case 'stall-before-headers':
        return; // the request stays open until the client gives up or the fake closes
      case 'stall-before-first-line':
        response.writeHead(200, { 'content-type': stream ? 'application/x-ndjson' : 'application/json; charset=utf-8' });
        response.flushHeaders();
        return;
      default:
        break;
    }
    const reply: FakeReply = (scenario.kind === 'reply' ? scenario : scenario.reply) ?? {};
    const lines = this.replyLines(requested, body, reply);
    const delayMs = reply.lineDelayMs ?? 0;
    if (!stream) return this.chatWhole(response, lines, scenario);
    if (scenario.kind === 'error-line' && (scenario.afterLines ?? 2) === 0) return sendJson(response, 500, { error: scenario.error });
    response.writeHead(200, { 'content-type': 'application/x-ndjson' });
    const streamed = scenario.kind === 'reply' ? lines : lines.slice(0, -1); // every failure drops the done line
    const count = scenario.kind === 'error-line' ? (scenario.afterLines ?? 2) : scenario.kind === 'reset' ? scenario.afterLines : streamed.length;
    for (const [index, line] of streamed.slice(0, count).entries()) {
      if (index > 0 && delayMs > 0) await this.sleep(delayMs);
      if (response.destroyed) return;
      await new Promise<void>((resolve) => response.write(`${JSON.stringify(line)}\n`, () => resolve()));
    }
    if (scenario.kind === 'reset') return void response.socket?.resetAndDestroy();
    if (scenario.kind === 'error-line') response.write(`${JSON.stringify({ error: scenario.error })}\n`);
    if (reply.endDelayMs) await this.sleep(reply.endDelayMs);
    if (!response.destroyed) response.end();
  }

  private chatWhole(response: ServerResponse, lines: JsonObject[], scenario: FakeChatScenario): void {
    if (scenario.kind === 'error-line') return sendJson(response, 500, { error: scenario.error });
    if (scenario.kind === 'reset') return void response.socket?.resetAndDestroy();
    const done = lines.at(-1) ?? {};
    const parts = lines.map((line) => (line['message'] ?? {}) as JsonObject);
    const message: JsonObject = { role: 'assistant', content: parts.map((part) => part['content'] ?? '').join('') };
    const thinking = parts.map((part) => part['thinking'] ?? '').join('');
    if (thinking !== '') message['thinking'] = thinking;
    const toolCalls = parts.flatMap((part) => (Array.isArray(part['tool_calls']) ? part['tool_calls'] : []));
    if (toolCalls.length > 0) message['tool_calls'] = toolCalls;
    const whole = { ...done, message };
    if (scenario.kind === 'no-done') {
      const text = JSON.stringify(whole);
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      return void response.end(text.slice(0, Math.floor(text.length / 2)));
    }
    sendJson(response, 200, whole);
  }

  /** The NDJSON lines of a reply, the done line last; non-streamed answers are assembled from the same lines. */
  private replyLines(requested: string, body: JsonObject, reply: FakeReply): JsonObject[] {
    const model = this.findModel(requested);
    const thinks = model?.capabilities.includes('thinking') === true && body['think'] !== false;
    const toolCalls = reply.toolCalls ?? [];
    const content = reply.content ?? (toolCalls.length > 0 ? '' : `Hello from ${requested}`);
    const thinking = reply.thinking ?? (thinks ? `The user wants a reply from ${requested}.` : '');
    const line = (message: JsonObject): JsonObject => ({ model: requested, created_at: timestamp(), message: { role: 'assistant', ...message }, done: false });
    const lines = [...words(thinking).map((piece) => line({ content: '', thinking: piece })), ...words(content).map((piece) => line({ content: piece }))];
    if (toolCalls.length > 0) {
      const calls = toolCalls.map((call, index) => ({ id: this.nextToolCallId(), function: { index, name: call.name, arguments: call.arguments } }));
      lines.push(line({ content: '', tool_calls: calls }));
    }
    const promptEvalCount = reply.promptEvalCount ?? promptTokens(body);
    const evalCount = reply.evalCount ?? Math.max(1, lines.length);
    const loadDuration = 12_345_678;
    const promptEvalDuration = promptEvalCount * 1_000_000;
    const evalDuration = evalCount * 25_000_000;
    lines.push({
      model: requested,
      created_at: timestamp(),
      message: { role: 'assistant', content: '' },
      done_reason: reply.doneReason ?? 'stop',
      done: true,
      total_duration: loadDuration + promptEvalDuration + evalDuration + 3_456_789,
      load_duration: loadDuration,
      prompt_eval_count: promptEvalCount,
      prompt_eval_duration: promptEvalDuration,
      eval_count: evalCount,
      eval_duration: evalDuration,
    });
    return lines;
  }

  private notFoundMessage(name: string): string {
    return this.notFoundWording === 'current' ? `model '${name}' not found` : `model ${JSON.stringify(name)} not found, try pulling it first`;
  }

  private nextToolCallId(): string {
    this.toolCallCounter += 1;
    return `call_${this.toolCallCounter.toString(36).padStart(8, '0')}`;
  }

  private async sleep(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }
}

/** Ollama's capability checks in ChatHandler, with its wording. */
function capabilityFailure(model: FakeOllamaModel, requested: string, body: JsonObject): string | undefined {
  const tools = body['tools'];
  if (Array.isArray(tools) && tools.length > 0 && !model.capabilities.includes('tools')) {
    return `registry.ollama.ai/library/${model.name} does not support tools`;
  }
  if (body['think'] === true && !model.capabilities.includes('thinking')) return `${JSON.stringify(requested)} does not support thinking`;
  return undefined;
}

function modelDetails(model: FakeOllamaModel): JsonObject {
  return {
    parent_model: '',
    format: 'gguf',
    family: model.family,
    families: [model.family],
    parameter_size: model.parameterSize,
    quantization_level: 'Q4_K_M',
  };
}

function tagEntry(model: FakeOllamaModel): JsonObject {
  const digest = createHash('sha256').update(model.name).digest('hex');
  return { name: model.name, model: model.name, modified_at: '2025-10-03T23:34:03.409490317-07:00', size: 5_225_376_047, digest, details: modelDetails(model) };
}

/** Words with their leading spaces, so that joining the pieces gives the text back. */
function words(text: string): string[] {
  return text.match(/\s*\S+\s*$|\s*\S+/g) ?? [];
}

function tokenEstimate(text: string): number {
  return Math.ceil(text.length / 4);
}

/** A deterministic prompt size: a template overhead plus about four characters a token. */
function promptTokens(body: JsonObject): number {
  const messages = Array.isArray(body['messages']) ? (body['messages'] as JsonObject[]) : [];
  return 10 + messages.reduce((sum, message) => sum + tokenEstimate(typeof message['content'] === 'string' ? message['content'] : ''), 0);
}

function fakeEmbedding(text: string, dimensions: number): number[] {
  const seed = createHash('sha256').update(text).digest();
  const raw = Array.from({ length: dimensions }, (_, index) => ((seed[index % seed.length] ?? 0) - 127.5) / 127.5);
  const norm = Math.sqrt(raw.reduce((sum, value) => sum + value * value, 0)) || 1;
  return raw.map((value) => Math.fround(value / norm));
}

function timestamp(): string {
  return new Date().toISOString().replace('Z', '000Z'); // Go's RFC 3339 with sub-millisecond digits
}

function sendJson(response: ServerResponse, status: number, value: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(value));
}

function sendText(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  response.end(text);
}
