// A real HTTP server on 127.0.0.1 that answers like generativelanguage.googleapis.com/v1beta: generateContent,
// streamGenerateContent (SSE with alt=sse, a JSON array without), models.list/get and batchEmbedContents, Google's
// error bodies, its request checks and the Gemini 3 thought-signature rule. It checks x-goog-api-key and refuses a
// key in the URL, records every request, scripts failures (errors, in-band error frames, missing finishReason,
// resets, stalls, slow frames) and keeps socket bookkeeping so tests can prove an aborted client closes its upstream.
import type { ServerResponse } from 'node:http';
import { FakeServer, sleep } from './fake-server.js';
import { RequestCheckError, checkGenerateRequest, checkThoughtSignatures } from './gemini-request-checks.js';
import {
  asRecord,
  blockedBody,
  embeddingVector,
  replyBody,
  replyFrames,
  resolveReply,
  type EmbedScenario,
  type GeminiScenario,
  type RawScenario,
  type RecordedRequest,
  type ReplyOptions,
} from './gemini-scenarios.js';
import {
  apiKeyInvalid,
  defaultGeminiModels,
  errorReply,
  eventStreamContentType,
  googleHeaders,
  googleStatus,
  jsonContentType,
  keyInUrlRefused,
  missingApiKey,
  modelNotFound,
  modelResource,
  sseFrame,
  unknownUrl,
  type FakeGeminiModel,
  type GoogleErrorReply,
  type SseLineEnding,
} from './gemini-wire.js';

export * from './gemini-scenarios.js';
export * from './gemini-wire.js';
export type { RequestState } from './fake-server.js';

export interface GeminiFakeOptions {
  /** the key every call must carry in x-goog-api-key (default "fake-gemini-key") */
  readonly apiKey?: string;
  readonly models?: readonly FakeGeminiModel[];
  /** line ends of SSE frames: Google writes CRLF (default) */
  readonly lineEnding?: SseLineEnding;
}

/** The context a scripted answer gets besides the request. */
export interface GenerateContext {
  readonly model: FakeGeminiModel;
  readonly stream: boolean;
}

const stallCapMs = 300_000;
const defaultPageSize = 50;

export class GeminiFake extends FakeServer {
  apiKey: string;
  models: FakeGeminiModel[];
  lineEnding: SseLineEnding;
  /** models.list pages hold at most this many models whatever pageSize asks for (to exercise paging) */
  listPageSize = defaultPageSize;
  /** API_KEY_INVALID bodies carry Google's DebugInfo detail, which repeats the wrong key */
  echoKeyInErrors = true;
  /** Scripts generate calls; undefined (or returning undefined) gives the default reply. */
  onGenerate: ((request: RecordedRequest, context: GenerateContext) => GeminiScenario | undefined | Promise<GeminiScenario | undefined>) | undefined;
  onEmbed: ((request: RecordedRequest) => EmbedScenario | undefined) | undefined;
  /** signatures this fake has handed out: Gemini 3 models only accept those back */
  readonly issuedSignatures = new Set<string>();

  private constructor(options: GeminiFakeOptions) {
    super({ name: 'fake Gemini' });
    this.apiKey = options.apiKey ?? 'fake-gemini-key';
    this.models = [...(options.models ?? defaultGeminiModels)];
    this.lineEnding = options.lineEnding ?? '\r\n';
  }

  static async start(options: GeminiFakeOptions = {}): Promise<GeminiFake> {
    const fake = new GeminiFake(options);
    await fake.listen();
    return fake;
  }

  /** http://127.0.0.1:PORT/v1beta — what a provider's base URL is set to */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}/v1beta`;
  }

  /** The generateContent and streamGenerateContent requests, in order. */
  generateRequests(): RecordedRequest[] {
    return this.requests.filter((request) => /:(stream)?[gG]enerateContent(\?|$)/.test(request.path));
  }

  /** The parsed body of the latest generate request. */
  lastGenerateBody(): Record<string, unknown> {
    const last = this.generateRequests().at(-1);
    if (!last) throw new Error('fake Gemini: no generate request yet');
    return asRecord(last.body);
  }

  protected override sendBodyTooLarge(response: ServerResponse): void {
    this.sendError(response, errorReply(400, 'Request payload size exceeds the limit: 67108864 bytes.', 'INVALID_ARGUMENT'));
  }

  protected override sendHandlerFailed(response: ServerResponse, error: unknown): void {
    this.sendError(response, errorReply(500, `fake Gemini handler failed: ${String(error)}`, 'INTERNAL'));
  }

  protected override async route(request: RecordedRequest, response: ServerResponse, signal: AbortSignal): Promise<void> {
    const url = new URL(request.path, 'http://fake.invalid');
    const path = url.pathname;
    if (!path.startsWith('/v1beta/')) return this.sendError(response, unknownUrl(request.method, path));
    if (url.searchParams.has('key')) return this.sendError(response, keyInUrlRefused());
    const key = request.headers['x-goog-api-key'];
    if (key === undefined || key === '') return this.sendError(response, missingApiKey());
    if (key !== this.apiKey) return this.sendError(response, apiKeyInvalid(this.echoKeyInErrors ? String(key) : undefined));
    if (request.method === 'GET' && path === '/v1beta/models') return this.listModels(url, response);
    const match = /^\/v1beta\/models\/([^/:]+)(?::([A-Za-z]+))?$/.exec(path);
    if (!match) return this.sendError(response, unknownUrl(request.method, path));
    const name = decodeURIComponent(match[1] ?? '');
    const action = match[2];
    const model = this.models.find((candidate) => candidate.name === name);
    if (action === undefined) {
      if (request.method !== 'GET') return this.sendError(response, unknownUrl(request.method, path));
      return model ? this.sendJson(response, 200, modelResource(model)) : this.sendError(response, modelNotFound(name, 'get'));
    }
    if (request.method !== 'POST') return this.sendError(response, unknownUrl(request.method, path));
    if (action === 'generateContent' || action === 'streamGenerateContent') {
      if (!model?.methods.includes('generateContent')) return this.sendError(response, modelNotFound(name, action));
      const stream = action === 'streamGenerateContent';
      return this.generate(request, response, signal, model, stream, stream && url.searchParams.get('alt') === 'sse');
    }
    if (action === 'batchEmbedContents') {
      if (!model?.methods.includes('embedContent')) return this.sendError(response, modelNotFound(name, action));
      return this.embed(request, response, signal, model);
    }
    return this.sendError(response, unknownUrl(request.method, path));
  }

  private listModels(url: URL, response: ServerResponse): void {
    const asked = Number(url.searchParams.get('pageSize') ?? defaultPageSize);
    const size = Math.max(1, Math.min(Number.isFinite(asked) && asked > 0 ? asked : defaultPageSize, this.listPageSize, 1000));
    const token = url.searchParams.get('pageToken');
    const start = token
      ? Number(
          Buffer.from(token, 'base64url')
            .toString('utf8')
            .replace(/^offset:/, ''),
        )
      : 0;
    if (!Number.isInteger(start) || start < 0) return this.sendError(response, errorReply(400, 'Invalid page token.', 'INVALID_ARGUMENT'));
    const page = this.models.slice(start, start + size);
    const next = start + size < this.models.length ? Buffer.from(`offset:${start + size}`).toString('base64url') : undefined;
    this.sendJson(response, 200, { models: page.map(modelResource), ...(next ? { nextPageToken: next } : {}) });
  }

  private async generate(
    request: RecordedRequest,
    response: ServerResponse,
    signal: AbortSignal,
    model: FakeGeminiModel,
    stream: boolean,
    sse: boolean,
  ): Promise<void> {
    try {
      checkGenerateRequest(request.body);
      if (/^gemini-([3-9]|\d{2,})/.test(model.name)) checkThoughtSignatures(request.body, this.issuedSignatures);
    } catch (error) {
      if (!(error instanceof RequestCheckError)) throw error;
      return this.sendError(response, errorReply(400, error.message, 'INVALID_ARGUMENT'));
    }
    const scenario: GeminiScenario = (await this.onGenerate?.(request, { model, stream })) ?? { kind: 'reply' };
    switch (scenario.kind) {
      case 'error':
        return this.sendError(response, scenario);
      case 'stall-before-headers':
        return void (await sleep(stallCapMs, signal));
      case 'raw':
        return this.runRaw(response, scenario, signal);
      case 'blocked': {
        const body = blockedBody(scenario.blockReason, scenario.blockReasonMessage, scenario.usage, model.name);
        if (!stream) return this.sendJson(response, 200, body);
        this.startStream(response, sse, undefined);
        if (await this.write(response, this.frameText(body, sse, true), signal)) response.end(sse ? undefined : ']');
        return;
      }
      default:
        return this.reply(request, response, signal, model, stream, sse, scenario);
    }
  }

  private async reply(
    request: RecordedRequest,
    response: ServerResponse,
    signal: AbortSignal,
    model: FakeGeminiModel,
    stream: boolean,
    sse: boolean,
    scenario: Extract<GeminiScenario, { kind: 'reply' | 'stream-error' | 'no-finish' | 'reset-after' }>,
  ): Promise<void> {
    const options: ReplyOptions = scenario;
    const reply = resolveReply(model, request.body, options);
    for (const call of reply.functionCalls) if (call.thoughtSignature) this.issuedSignatures.add(call.thoughtSignature);
    if (reply.textSignature) this.issuedSignatures.add(reply.textSignature);
    if (options.headersDelayMs !== undefined && !(await sleep(options.headersDelayMs, signal))) return;
    if (!stream) {
      if (scenario.kind === 'reset-after') return void response.socket?.destroy();
      return this.sendJson(response, 200, replyBody(reply), options.headers);
    }
    let frames = replyFrames(reply, scenario.kind !== 'no-finish');
    if (scenario.kind === 'stream-error' || scenario.kind === 'reset-after') frames = frames.slice(0, Math.max(0, scenario.afterFrames));
    this.startStream(response, sse, options.headers);
    for (const [position, frame] of frames.entries()) {
      if (position > 0 && options.frameDelayMs !== undefined && !(await sleep(options.frameDelayMs, signal))) return;
      if (!(await this.write(response, this.frameText(frame, sse, position === 0), signal))) return;
    }
    if (scenario.kind === 'reset-after') return void response.socket?.destroy();
    if (scenario.kind === 'stream-error') {
      const error =
        scenario.error ??
        googleStatus(500, 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting', 'INTERNAL');
      if (!(await this.write(response, this.frameText({ error }, sse, frames.length === 0), signal))) return;
    }
    response.end(sse ? undefined : ']');
  }

  /** An SSE event, or (without alt=sse) the next element of the JSON array Google streams instead. */
  private frameText(value: unknown, sse: boolean, first: boolean): string {
    if (sse) return sseFrame(value, this.lineEnding);
    return `${first ? '[' : ',\r\n'}${JSON.stringify(value)}`;
  }

  private async embed(request: RecordedRequest, response: ServerResponse, signal: AbortSignal, model: FakeGeminiModel): Promise<void> {
    const scenario = this.onEmbed?.(request) ?? { kind: 'reply' };
    if (scenario.kind === 'error') return this.sendError(response, scenario);
    if (scenario.kind === 'stall-before-headers') return void (await sleep(stallCapMs, signal));
    const requests = asRecord(request.body)['requests'];
    if (!Array.isArray(requests) || requests.length === 0)
      return this.sendError(response, errorReply(400, '* BatchEmbedContentsRequest.requests: requests is not specified\n', 'INVALID_ARGUMENT'));
    if (requests.length > 100)
      return this.sendError(response, errorReply(400, '* BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch\n', 'INVALID_ARGUMENT'));
    const embeddings: Array<{ values: number[] }> = [];
    for (const [index, entry] of (requests as unknown[]).entries()) {
      const item = asRecord(entry);
      if (item['model'] !== `models/${model.name}`) {
        return this.sendError(
          response,
          errorReply(
            400,
            `* BatchEmbedContentsRequest.requests[${index}].model: Model names should start with \`models/\` and match the model in the URL.\n`,
            'INVALID_ARGUMENT',
          ),
        );
      }
      const parts = asRecord(item['content'])['parts'];
      const text = (Array.isArray(parts) ? (parts as unknown[]) : [])
        .map((part) => asRecord(part)['text'])
        .filter((value): value is string => typeof value === 'string')
        .join(' ');
      const dimensions = typeof item['outputDimensionality'] === 'number' ? item['outputDimensionality'] : (model.embeddingDimensions ?? 768);
      embeddings.push({ values: embeddingVector(text, dimensions) });
    }
    this.sendJson(response, 200, { embeddings });
  }

  private async runRaw(response: ServerResponse, scenario: RawScenario, signal: AbortSignal): Promise<void> {
    response.writeHead(scenario.status ?? 200, { ...googleHeaders(eventStreamContentType), ...scenario.headers });
    response.flushHeaders();
    for (const write of scenario.writes) {
      if (typeof write === 'object' && !(write instanceof Uint8Array)) {
        if (!(await sleep(write.delayMs, signal))) return;
      } else if (!(await this.write(response, write, signal))) {
        return;
      }
    }
    if (scenario.end === 'destroy') response.socket?.destroy();
    else if (scenario.end === 'hold') await sleep(stallCapMs, signal);
    else response.end();
  }

  private startStream(response: ServerResponse, sse: boolean, extraHeaders: Readonly<Record<string, string>> | undefined): void {
    response.writeHead(200, { ...googleHeaders(sse ? eventStreamContentType : jsonContentType), ...extraHeaders });
    response.flushHeaders();
  }

  private sendJson(response: ServerResponse, status: number, body: unknown, extraHeaders?: Readonly<Record<string, string>>): void {
    const text = JSON.stringify(body);
    response.writeHead(status, { ...googleHeaders(jsonContentType), 'content-length': String(Buffer.byteLength(text)), ...extraHeaders });
    response.end(text);
  }

  private sendError(response: ServerResponse, error: GoogleErrorReply): void {
    const text = typeof error.body === 'string' ? error.body : JSON.stringify(error.body, null, 2);
    const contentType = typeof error.body === 'string' ? 'text/plain; charset=utf-8' : jsonContentType;
    response.writeHead(error.status, { ...googleHeaders(contentType), 'content-length': String(Buffer.byteLength(text)), ...error.headers });
    response.end(text);
  }
}
