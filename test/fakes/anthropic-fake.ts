// A programmable Anthropic upstream for tests: a real node:http server on 127.0.0.1 that speaks the Messages API's
// exact wire format (bodies, SSE events with ping, error bodies, rate-limit headers), checks x-api-key and
// anthropic-version, records every request, and injects faults (errors, in-band errors, truncation, resets, stalls).
import type { ServerResponse } from 'node:http';
import { FakeServer, sleep } from './fake-server.js';
import {
  asRecord,
  defaultFakeModels,
  defaultReply,
  defaultScenario,
  estimateInputTokens,
  overloadedEvent,
  type FakeModelInfo,
  type RecordedRequest,
  type Scenario,
} from './anthropic-scenarios.js';
import {
  anthropicHeaders,
  errorBody,
  eventStreamContentType,
  invalidApiKey,
  invalidRequest,
  jsonContentType,
  messageBody,
  missingApiKey,
  missingVersion,
  modelNotFound,
  newMessageId,
  notFound,
  sseFrame,
  statusForErrorType,
  streamEvents,
  type ErrorObject,
  type ErrorReply,
  type StreamEvent,
} from './anthropic-wire.js';

export * from './anthropic-scenarios.js';
export * from './anthropic-wire.js';
export type { RequestState } from './fake-server.js';

export const fakeAnthropicKey = 'sk-ant-api03-FAKEfakeFAKEfake0123456789-abcdefAA';

export interface FakeAnthropicOptions {
  /** the key every /v1 call must carry in x-api-key (default fakeAnthropicKey) */
  readonly apiKey?: string;
  readonly models?: readonly FakeModelInfo[];
}

const stallCapMs = 300_000;
/** Opus 4.7 and later: no sampling settings, adaptive thinking only */
const newestModel = /claude-opus-4-[7-9]|claude-[a-z]+-5/;
/** Claude 4.5 and later: temperature or top_p, not both */
const oneSamplingSettingModel = /claude-[a-z]+-4-[5-9]|claude-[a-z]+-5/;

export class FakeAnthropic extends FakeServer {
  apiKey: string;
  models: FakeModelInfo[];
  /** 404 not_found_error for a model missing from `models` (off: any model answers) */
  rejectUnknownModels = false;
  /** GET /v1/models returns at most this many per page whatever `limit` asks (to exercise pagination) */
  maxPageSize = 1000;
  onMessages: (request: RecordedRequest) => Scenario | Promise<Scenario> = defaultScenario;
  onCountTokens: ((request: RecordedRequest) => number | ErrorReply) | undefined;

  private constructor(options: FakeAnthropicOptions) {
    super({ name: 'fake Anthropic', keepResponseBodies: true });
    this.apiKey = options.apiKey ?? fakeAnthropicKey;
    this.models = [...(options.models ?? defaultFakeModels)];
  }

  static async start(options: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
    const fake = new FakeAnthropic(options);
    await fake.listen();
    return fake;
  }

  /** http://127.0.0.1:PORT — what the provider's base URL is set to (paths start with /v1, as with api.anthropic.com) */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  messageRequests(): RecordedRequest[] {
    return this.requests.filter((request) => request.method === 'POST' && pathOf(request) === '/v1/messages');
  }

  /** The parsed body of the latest POST /v1/messages. */
  lastMessagesBody(): Record<string, unknown> {
    const last = this.messageRequests().at(-1);
    if (!last) throw new Error('fake Anthropic: no /v1/messages request yet');
    return asRecord(last.body);
  }

  /** Everything the fake wrote as the body of request #index's response. */
  override responseText(index: number): string {
    return super.responseText(index);
  }

  protected override sendHandlerFailed(response: ServerResponse, error: unknown): void {
    this.sendError(response, { kind: 'error', status: 500, body: errorBody('api_error', `fake Anthropic handler failed: ${String(error)}`) });
  }

  protected override async route(request: RecordedRequest, response: ServerResponse, signal: AbortSignal): Promise<void> {
    const path = pathOf(request);
    if (!path.startsWith('/v1/')) return this.sendError(response, notFound());
    const key = request.headers['x-api-key'];
    if (typeof key !== 'string' || key === '') return this.sendError(response, missingApiKey());
    if (key !== this.apiKey) return this.sendError(response, invalidApiKey());
    if (typeof request.headers['anthropic-version'] !== 'string') return this.sendError(response, missingVersion());
    if (request.method === 'GET' && path === '/v1/models') return this.listModels(request, response);
    if (request.method === 'GET' && path.startsWith('/v1/models/')) {
      const model = this.models.find((candidate) => candidate.id === decodeURIComponent(path.slice('/v1/models/'.length)));
      if (!model) return this.sendError(response, notFound());
      return this.sendJson(response, 200, modelObject(model));
    }
    if (request.method !== 'POST' || (path !== '/v1/messages' && path !== '/v1/messages/count_tokens')) return this.sendError(response, notFound());
    const invalid = this.validate(request, path === '/v1/messages');
    if (invalid) return this.sendError(response, invalid);
    if (path === '/v1/messages/count_tokens') {
      const counted = this.onCountTokens?.(request) ?? estimateInputTokens(asRecord(request.body));
      return typeof counted === 'number' ? this.sendJson(response, 200, { input_tokens: counted }) : this.sendError(response, counted);
    }
    return this.runMessages(request, response, await this.onMessages(request), signal);
  }

  /** The checks Anthropic makes before generating, with its wording. */
  private validate(request: RecordedRequest, generating: boolean): ErrorReply | undefined {
    if (request.body === undefined) return invalidRequest('There was an error parsing the body of your request: expected a JSON object');
    const body = asRecord(request.body);
    if (typeof body['model'] !== 'string') return invalidRequest('model: Field required');
    if (!Array.isArray(body['messages'])) return invalidRequest('messages: Field required');
    for (const [index, message] of (body['messages'] as unknown[]).entries()) {
      const role = asRecord(message)['role'];
      if (role !== 'user' && role !== 'assistant') {
        return invalidRequest(
          `messages.${index}.role: Unexpected role ${JSON.stringify(role)}. The Messages API accepts a top-level \`system\` parameter, not "system" as an input message role.`,
        );
      }
    }
    if (this.rejectUnknownModels && !this.models.some((model) => model.id === body['model'])) return modelNotFound(body['model']);
    if (!generating) return undefined;
    const maxTokens = body['max_tokens'];
    if (typeof maxTokens !== 'number') return invalidRequest('max_tokens: Field required');
    if (typeof body['temperature'] === 'number' && body['temperature'] > 1) return invalidRequest('temperature: Input should be less than or equal to 1');
    const thinking = asRecord(body['thinking']);
    const modelName = String(body['model']);
    // the model-specific rules Anthropic added with Claude 4.5 and Opus 4.7, with their wording
    if (newestModel.test(modelName)) {
      if (body['temperature'] !== undefined) return invalidRequest('`temperature` is deprecated for this model.');
      if (thinking['type'] === 'enabled')
        return invalidRequest(
          '"thinking.type.enabled" is not supported for this model. Use "thinking.type.adaptive" and "output_config.effort" to control thinking behavior.',
        );
    }
    if (oneSamplingSettingModel.test(modelName) && body['temperature'] !== undefined && body['top_p'] !== undefined) {
      return invalidRequest('`temperature` and `top_p` cannot both be specified for this model. Please use only one.');
    }
    if (thinking['type'] === 'enabled') {
      const budget = thinking['budget_tokens'];
      if (typeof budget !== 'number' || budget < 1024) return invalidRequest('thinking.enabled.budget_tokens: Input should be greater than or equal to 1024');
      if (maxTokens <= budget)
        return invalidRequest(
          '`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size',
        );
    }
    return undefined;
  }

  private listModels(request: RecordedRequest, response: ServerResponse): void {
    const query = new URL(request.path, 'http://fake').searchParams;
    const limit = Math.min(this.maxPageSize, 1000, Math.max(1, Number(query.get('limit') ?? '20') || 20));
    const afterId = query.get('after_id');
    const beforeId = query.get('before_id');
    let start = 0;
    let end = this.models.length;
    if (afterId !== null) start = this.models.findIndex((model) => model.id === afterId) + 1;
    if (beforeId !== null)
      end = Math.max(
        0,
        this.models.findIndex((model) => model.id === beforeId),
      );
    const page = beforeId !== null ? this.models.slice(Math.max(start, end - limit), end) : this.models.slice(start, start + limit);
    const hasMore = beforeId !== null ? end - limit > start : start + limit < end;
    this.sendJson(response, 200, { data: page.map(modelObject), has_more: hasMore, first_id: page[0]?.id ?? null, last_id: page.at(-1)?.id ?? null });
  }

  private async runMessages(request: RecordedRequest, response: ServerResponse, scenario: Scenario, signal: AbortSignal): Promise<void> {
    const stream = asRecord(request.body)['stream'] === true;
    switch (scenario.kind) {
      case 'error':
        return this.sendError(response, scenario);
      case 'stall-before-headers':
        return void (await sleep(stallCapMs, signal));
      case 'stall-after-headers': {
        this.startStream(response, stream);
        const deadline = performance.now() + (scenario.maxMs ?? stallCapMs);
        const interval = scenario.pingEveryMs;
        if (interval === undefined || interval <= 0) return void (await sleep(scenario.maxMs ?? stallCapMs, signal));
        while (performance.now() < deadline && (await sleep(interval, signal))) {
          if (!(await this.write(response, sseFrame('ping', { type: 'ping' }), signal))) return;
        }
        return;
      }
      case 'in-band-error-first':
        if (!stream) return this.sendError(response, errorReplyFor(scenario.error ?? overloadedEvent));
        this.startStream(response, true);
        if (await this.write(response, errorFrame(scenario.error ?? overloadedEvent), signal)) response.end();
        return;
      case 'slow':
        return this.runReply(
          request,
          response,
          {
            kind: 'reply',
            content: [{ type: 'text', text: (scenario.chunkText ?? 'slow text for a slow reader. ').repeat(scenario.chunks) }],
            pieces: scenario.chunks,
            eventDelayMs: scenario.chunkDelayMs,
          },
          signal,
        );
      default:
        return this.runReply(request, response, scenario, signal);
    }
  }

  private async runReply(
    request: RecordedRequest,
    response: ServerResponse,
    scenario: Extract<Scenario, { kind: 'reply' | 'in-band-error-after' | 'end-without-message-stop' | 'reset-after' }>,
    signal: AbortSignal,
  ): Promise<void> {
    const reply = defaultReply(request, scenario);
    if (scenario.headersDelayMs !== undefined && !(await sleep(scenario.headersDelayMs, signal))) return;
    const parts = {
      id: newMessageId(),
      model: reply.model,
      content: reply.content,
      stopReason: reply.stopReason,
      stopSequence: reply.stopSequence,
      usage: reply.usage,
    };
    if (!reply.stream) {
      if (scenario.kind === 'in-band-error-after') return this.sendError(response, errorReplyFor(scenario.error ?? overloadedEvent));
      if (scenario.kind === 'reset-after') return void response.socket?.destroy();
      const text = JSON.stringify(messageBody(parts));
      if (scenario.kind !== 'end-without-message-stop') return this.sendJson(response, 200, messageBody(parts), scenario.headers);
      response.writeHead(200, { ...anthropicHeaders(jsonContentType), ...scenario.headers });
      return void response.end(text.slice(0, Math.floor(text.length / 2)));
    }
    const events = streamEvents(parts, {
      ...(scenario.pieces !== undefined ? { pieces: scenario.pieces } : {}),
      ...(scenario.messageDeltaUsage ? { messageDeltaUsage: scenario.messageDeltaUsage } : {}),
    });
    const sent = selectEvents(events, scenario);
    this.startStream(response, true, scenario.headers);
    for (const [position, event] of sent.entries()) {
      if (position > 0 && scenario.eventDelayMs !== undefined && !(await sleep(scenario.eventDelayMs, signal))) return;
      if (!(await this.write(response, sseFrame(event.event, event.data), signal))) return;
    }
    if (scenario.kind === 'reset-after') return void response.socket?.destroy();
    if (scenario.kind === 'in-band-error-after' && !(await this.write(response, errorFrame(scenario.error ?? overloadedEvent), signal))) return;
    response.end();
  }

  private startStream(response: ServerResponse, stream: boolean, headers?: Readonly<Record<string, string>>): void {
    response.writeHead(200, {
      ...anthropicHeaders(stream ? eventStreamContentType : jsonContentType),
      ...(stream ? { 'cache-control': 'no-cache' } : {}),
      ...headers,
    });
    response.flushHeaders();
  }

  private sendJson(response: ServerResponse, status: number, body: unknown, extraHeaders?: Readonly<Record<string, string>>): void {
    const text = JSON.stringify(body);
    response.writeHead(status, { ...anthropicHeaders(jsonContentType), 'content-length': String(Buffer.byteLength(text)), ...extraHeaders });
    this.recordBody(response, text);
    response.end(text);
  }

  private sendError(response: ServerResponse, error: ErrorReply): void {
    const text = typeof error.body === 'string' ? error.body : JSON.stringify(error.body);
    const contentType = typeof error.body === 'string' ? 'text/html; charset=utf-8' : jsonContentType;
    const requestId = asRecord(error.body)['request_id'];
    const headers = anthropicHeaders(contentType, typeof requestId === 'string' ? requestId : undefined);
    response.writeHead(error.status, {
      ...headers,
      'x-should-retry': String(error.status === 429 || error.status >= 500),
      'content-length': String(Buffer.byteLength(text)),
      ...error.headers,
    });
    this.recordBody(response, text);
    response.end(text);
  }
}

/** The events a fault scenario sends before its fault (all of them for a plain reply). */
function selectEvents(events: StreamEvent[], scenario: Scenario): StreamEvent[] {
  if (scenario.kind === 'end-without-message-stop') return events.filter((event) => event.event !== 'message_stop');
  if (scenario.kind === 'reset-after') return events.slice(0, Math.max(0, scenario.events));
  if (scenario.kind !== 'in-band-error-after') return events;
  const sent: StreamEvent[] = [];
  let deltas = 0;
  for (const event of events) {
    if ((event.delta && deltas === scenario.deltas) || event.event === 'message_delta') break;
    sent.push(event);
    if (event.delta) deltas += 1;
  }
  return sent;
}

/** As the API reference shows it: Python's spacing, no request_id. */
function errorFrame(error: ErrorObject): string {
  return `event: error\ndata: {"type": "error", "error": {"type": ${JSON.stringify(error.type)}, "message": ${JSON.stringify(error.message)}}}\n\n`;
}

function errorReplyFor(error: ErrorObject): ErrorReply {
  return { kind: 'error', status: statusForErrorType[error.type] ?? 500, body: errorBody(error.type, error.message) };
}

function modelObject(model: FakeModelInfo): Record<string, unknown> {
  return { type: 'model', id: model.id, display_name: model.displayName, created_at: model.createdAt };
}

function pathOf(request: RecordedRequest): string {
  return request.path.split('?')[0] ?? '/';
}
