// The fake OpenAI's Responses API: POST /v1/responses (streamed or not, with the faults of ResponsesScenario), and
// GET / DELETE /v1/responses/{id} for the responses it produced itself with `store` not false. A request whose
// previous_response_id the fake did not store gets OpenAI's 400 previous_response_not_found. FakeOpenAI owns the
// HTTP plumbing and hands this class its writers.
import type { ServerResponse } from 'node:http';
import { sleep } from './fake-server.js';
import { defaultResponsesReply, type ResponsesReplyOptions, type ResponsesScenario } from './openai-responses-scenarios.js';
import {
  answerEvents,
  errorEvent,
  failedEvent,
  newResponseId,
  previousResponseNotFound,
  responseDeleted,
  responseNotFound,
  responseObject,
  sequencedFrames,
  serverFailure,
} from './openai-responses-wire.js';
import { asRecord, type RawScenario, type RecordedRequest } from './openai-scenarios.js';
import { newToolCallId, type ErrorReply } from './openai-wire.js';

/** What FakeOpenAI lends the Responses routes: its writers, so both share one server's bookkeeping. */
export interface FakeResponsesIo {
  write(response: ServerResponse, data: string, signal: AbortSignal): Promise<boolean>;
  startStream(response: ServerResponse, headers: Readonly<Record<string, string>> | undefined): void;
  sendJson(response: ServerResponse, status: number, body: unknown, headers?: Readonly<Record<string, string>>): void;
  sendError(response: ServerResponse, error: ErrorReply): void;
  runRaw(response: ServerResponse, scenario: RawScenario, signal: AbortSignal): Promise<void>;
}

const stallCapMs = 300_000;

export class FakeResponsesApi {
  /** the finished responses the fake stored, by id, as GET /v1/responses/{id} returns them */
  readonly stored = new Map<string, Record<string, unknown>>();
  /** the body each answer of POST /v1/responses wrote (a JSON Response, or the SSE frames), by request index */
  private readonly bodies = new Map<number, string>();

  constructor(private readonly io: FakeResponsesIo) {}

  /** Everything the fake wrote as the body of request #index's Responses answer ('' for errors and raw scenarios). */
  responseText(index: number): string {
    return this.bodies.get(index) ?? '';
  }

  /** Answers a /v1/responses request; false when the path or method is not one of these routes. */
  async route(
    request: RecordedRequest,
    response: ServerResponse,
    path: string,
    signal: AbortSignal,
    scenarioFor: () => ResponsesScenario | Promise<ResponsesScenario>,
  ): Promise<boolean> {
    if (request.method === 'POST' && path === '/v1/responses') {
      const previous = asRecord(request.body)['previous_response_id'];
      if (typeof previous === 'string' && !this.stored.has(previous)) this.io.sendError(response, previousResponseNotFound(previous));
      else await this.run(request, response, await scenarioFor(), signal);
      return true;
    }
    const match = /^\/v1\/responses\/([^/]+)$/.exec(path);
    if (!match || (request.method !== 'GET' && request.method !== 'DELETE')) return false;
    const id = decodeURIComponent(match[1] as string);
    const stored = this.stored.get(id);
    if (!stored) this.io.sendError(response, responseNotFound(id));
    else if (request.method === 'GET') this.io.sendJson(response, 200, stored);
    else {
      this.stored.delete(id);
      this.io.sendJson(response, 200, responseDeleted(id));
    }
    return true;
  }

  private async run(request: RecordedRequest, response: ServerResponse, scenario: ResponsesScenario, signal: AbortSignal): Promise<void> {
    switch (scenario.kind) {
      case 'error':
        return this.io.sendError(response, scenario);
      case 'stall-before-headers':
        await sleep(stallCapMs, signal);
        return;
      case 'raw':
        return this.io.runRaw(response, scenario, signal);
      case 'failed-first': {
        const base = baseOf(request, undefined);
        const inProgress = responseObject({ ...base, status: 'in_progress', output: [] });
        const error = scenario.error ?? serverFailure;
        const events: Record<string, unknown>[] = [
          { type: 'response.created', response: inProgress },
          { type: 'response.in_progress', response: inProgress },
        ];
        if (scenario.errorEvent) events.push(errorEvent(error, scenario.errorEvent));
        events.push(failedEvent(base, error));
        return this.stream(request, response, sequencedFrames(events), scenario.headers, undefined, 'end', signal);
      }
      default:
        return this.runReply(request, response, scenario, signal);
    }
  }

  private async runReply(
    request: RecordedRequest,
    response: ServerResponse,
    scenario: Extract<ResponsesScenario, { kind: 'reply' | 'failed-after' | 'reset-after' | 'end-without-completed' }>,
    signal: AbortSignal,
  ): Promise<void> {
    const reply = defaultResponsesReply(request, scenario as ResponsesReplyOptions);
    if (scenario.headersDelayMs !== undefined && !(await sleep(scenario.headersDelayMs, signal))) return;
    const base = baseOf(request, reply.model);
    const answer = answerEvents(base, {
      reasoningPieces: reply.reasoningPieces,
      textPieces: reply.contentPieces,
      ...(reply.refusal !== undefined ? { refusal: reply.refusal } : {}),
      toolCalls: reply.toolCalls.map((call) => ({ ...call, id: call.id ?? newToolCallId() })),
      usage: reply.usage,
      ...(reply.incompleteReason ? { incompleteReason: reply.incompleteReason } : {}),
    });
    const id = base.id;
    if (scenario.kind === 'reply' && !reply.stream) {
      if (reply.store) this.stored.set(id, answer.response);
      this.bodies.set(request.index, JSON.stringify(answer.response));
      return this.io.sendJson(response, 200, answer.response, scenario.headers);
    }
    let events = answer.events;
    if (scenario.kind === 'failed-after' || scenario.kind === 'reset-after') {
      const cut = scenario.contentDeltas <= 0 ? 1 : (answer.deltaPositions[scenario.contentDeltas - 1] ?? events.length - 2);
      events = events.slice(0, cut + 1);
      if (scenario.kind === 'failed-after') {
        const error = scenario.error ?? serverFailure;
        if (scenario.errorEvent) events.push(errorEvent(error, scenario.errorEvent));
        events.push(failedEvent(base, error));
      }
    } else if (scenario.kind === 'end-without-completed') {
      events = events.slice(0, -1);
    } else if (reply.store) {
      this.stored.set(id, answer.response);
    }
    return this.stream(
      request,
      response,
      sequencedFrames(events),
      scenario.headers,
      scenario.chunkDelayMs,
      scenario.kind === 'reset-after' ? 'reset' : 'end',
      signal,
    );
  }

  private async stream(
    request: RecordedRequest,
    response: ServerResponse,
    frames: readonly string[],
    headers: Readonly<Record<string, string>> | undefined,
    delayMs: number | undefined,
    ending: 'end' | 'reset',
    signal: AbortSignal,
  ): Promise<void> {
    this.io.startStream(response, headers);
    this.bodies.set(request.index, '');
    for (const [position, frame] of frames.entries()) {
      if (position > 0 && delayMs !== undefined && !(await sleep(delayMs, signal))) return;
      if (!(await this.io.write(response, frame, signal))) return;
      this.bodies.set(request.index, (this.bodies.get(request.index) ?? '') + frame);
    }
    if (ending === 'reset') response.socket?.destroy();
    else response.end();
  }
}

function baseOf(request: RecordedRequest, model: string | undefined): { id: string; createdAt: number; model: string; request: Record<string, unknown> } {
  const body = asRecord(request.body);
  return {
    id: newResponseId(),
    createdAt: Math.floor(Date.now() / 1000),
    model: model ?? (typeof body['model'] === 'string' ? body['model'] : 'unknown-model'),
    request: body,
  };
}
