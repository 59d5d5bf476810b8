// The ledger side of the request handlers: one RequestMeter per client request, finished the same way whatever
// the dialect — failed before any answer, answered whole, or streamed (ok, failed mid-way, or cancelled). With
// body capture on, the same places hand the answer as delivered to the capture (a stream as its delivered text).
import type { IncomingHttpHeaders } from 'node:http';
import type { EmbeddingsResponse, Usage } from '../../../shared/openai-types.js';
import { clientSignature } from '../../ledger/client-family.js';
import type { Endpoint } from '../../ledger/types.js';
import { RequestMeter, type Priced } from '../metering.js';
import { ProviderError } from '../providers/errors.js';
import type { AttemptRecord, Executed } from '../routing/execute.js';
import type { RequestContext } from '../http/context.js';
import { GatewayError, describeError, openAIErrorBody } from '../http/errors.js';
import { headerValue } from '../http/headers.js';
import type { StreamSummary } from './stream-writer.js';

/** What a handler knows of its request for the meter, before routing. */
export interface MeterDetails {
  readonly endpoint: Endpoint;
  readonly requestedModel: string;
  readonly stream: boolean;
  readonly estimatedInputTokens: () => number;
  readonly requestBody?: Buffer;
}

export function startMeter(
  context: RequestContext,
  request: { readonly headers: IncomingHttpHeaders },
  details: MeterDetails,
  route: string | null,
): RequestMeter {
  // Written out: spreading `details` (whose shape varies with requestBody) cost ~10 µs per request in the profile.
  return new RequestMeter(context.gateway.metering, {
    endpoint: details.endpoint,
    requestedModel: details.requestedModel,
    route,
    stream: details.stream,
    estimatedInputTokens: details.estimatedInputTokens,
    requestBody: details.requestBody,
    clientName: context.identity.name,
    userAgent: clientSignature(request.headers),
    startedAt: context.startedAt,
  });
}

/** No answer was given: a routing error, every target failed, or the client left first. */
export function meterFailure(meter: RequestMeter, error: unknown, attempts: readonly AttemptRecord[] = []): void {
  const cancelled = error instanceof ProviderError && error.kind === 'aborted' && error.status === 499;
  const description = describeError(error);
  const lastTried = attempts.findLast((attempt) => attempt.outcome !== 'skipped');
  meter.finish({
    status: cancelled ? 'cancelled' : 'error',
    errorClass: error instanceof ProviderError ? error.errorClass : (description.code ?? description.type),
    httpStatus: cancelled ? null : description.status,
    attempts,
    ...(lastTried ? { lastTried: { providerId: lastTried.providerId, model: lastTried.model } } : {}),
  });
  if (meter.capturing)
    meter.captureAnswer(
      cancelled ? '[cancelled: the client left before an answer]' : `HTTP ${description.status}\n${JSON.stringify(openAIErrorBody(description))}`,
    );
}

export function meterComplete(meter: RequestMeter, executed: Extract<Executed, { kind: 'complete' | 'embeddings' }>, overheadMs: number): Priced | undefined {
  if (executed.kind === 'embeddings') {
    const { usage } = executed.response;
    return meter.finish({
      status: 'ok',
      httpStatus: 200,
      providerId: executed.target.providerId,
      model: executed.target.model,
      locality: executed.target.locality,
      attempts: executed.attempts,
      usage: { prompt_tokens: usage.prompt_tokens, completion_tokens: 0, total_tokens: usage.total_tokens },
      upstreamMs: executed.upstreamMs,
      overheadMs,
    });
  }
  const choice = executed.response.choices[0];
  const native = choice?.['native_finish_reason'];
  return meter.finish({
    status: 'ok',
    httpStatus: 200,
    providerId: executed.target.providerId,
    model: executed.target.model,
    locality: executed.target.locality,
    attempts: executed.attempts,
    usage: executed.response.usage ?? null,
    deliveredCharacters: (choice?.message.content ?? '').length,
    deliveredText: () =>
      [choice?.message.content ?? '', ...(choice?.message.tool_calls ?? []).flatMap((call) => [call.function.name, call.function.arguments])].join(''),
    ttftMs: performance.now() - meter.startedAt,
    upstreamMs: executed.upstreamMs,
    overheadMs,
    ...(executed.metrics ? { metrics: executed.metrics } : {}),
    finishReason: choice?.finish_reason ?? null,
    nativeFinishReason: typeof native === 'string' ? native : null,
  });
}

export function meterStream(
  meter: RequestMeter,
  executed: Extract<Executed, { kind: 'stream' }>,
  summary: StreamSummary,
  timings: { ttftMs: number; overheadMs: number },
): Priced | undefined {
  const priced = meter.finish({
    status: summary.status,
    errorClass: summary.status === 'error' ? (summary.error?.errorClass ?? 'protocol') : summary.status === 'cancelled' ? 'cancelled' : null,
    httpStatus: 200,
    providerId: executed.target.providerId,
    model: executed.target.model,
    locality: executed.target.locality,
    attempts: executed.attempts,
    usage: summary.usage ?? null,
    deliveredCharacters: summary.deliveredCharacters ?? 0,
    deliveredText: () => (summary.deliveredText ?? []).join(''),
    ttftMs: timings.ttftMs,
    upstreamMs: executed.upstreamMs,
    overheadMs: timings.overheadMs,
    ...(summary.metrics ? { metrics: summary.metrics } : {}),
    finishReason: summary.finishReason ?? null,
    nativeFinishReason: summary.nativeFinishReason ?? null,
    endedAt: summary.endedAt,
  });
  if (meter.capturing) meter.captureAnswer(streamCaptureText(summary));
  return priced;
}

/** A stream as captured: the delivered text (content, reasoning and tool calls run together), then usage and how it ended. */
export function streamCaptureText(summary: StreamSummary): string {
  const parts = [(summary.deliveredText ?? []).join('')];
  if (summary.usage) parts.push(`[usage] ${JSON.stringify(summary.usage)}`);
  if (summary.status === 'cancelled') parts.push('[cancelled by the client]');
  if (summary.status === 'error') parts.push(`[stream failed: ${summary.error?.message ?? 'protocol error'}]`);
  return parts.join('\n\n');
}

/** Embeddings as captured: the answer with each vector shown by its size, not its numbers. */
export function embeddingsCaptureText(result: EmbeddingsResponse): string {
  const data = result.data.map((item) => ({
    ...item,
    embedding: typeof item.embedding === 'string' ? `[base64, ${item.embedding.length} characters]` : `[${item.embedding.length} numbers]`,
  }));
  return JSON.stringify({ ...result, data });
}

/** OpenRouter's convention: `usage.cost` in USD. */
export function withCost(usage: Usage, meter: RequestMeter, executed: Executed): Usage {
  const { costUsd } = meter.price({ usage, providerId: executed.target.providerId, model: executed.target.model, locality: executed.target.locality });
  return costUsd === null ? usage : { ...usage, cost: costUsd };
}

/**
 * A request's meter, made late: chat and messages make it once the upstream request is on its way, so its
 * bookkeeping runs while the upstream works rather than between the client and its first token; a request that ends
 * before that (a routing or budget error) makes it then.
 */
export class LateMeter {
  private made: RequestMeter | undefined;
  private finished: ((priced: Priced | undefined) => void) | undefined;

  constructor(
    private readonly context: RequestContext,
    private readonly request: { readonly headers: IncomingHttpHeaders },
    private readonly details: MeterDetails,
  ) {}

  /** The meter, made now with `route` unless it already was. */
  with(route: string | null): RequestMeter {
    if (this.made) return this.made;
    this.made = startMeter(this.context, this.request, this.details, route);
    if (this.finished) this.made.onFinish = this.finished;
    return this.made;
  }

  /** `listener` runs once when the request's meter finishes, whether it is made yet or not. */
  onFinish(listener: (priced: Priced | undefined) => void): void {
    this.finished = listener;
    if (this.made) this.made.onFinish = listener;
  }
}

/**
 * The bookkeeping a handler does after starting an execution and before awaiting it (the meter, the answer's
 * headers): it runs while the upstream works on the request. Should it throw, the execution's own outcome is still
 * taken (else it would be an unhandled rejection) and the error goes on to the handler's catch.
 */
export function afterDispatch<T>(execution: Promise<unknown>, work: () => T): T {
  try {
    return work();
  } catch (error) {
    execution.catch(() => undefined);
    throw error;
  }
}

export interface BudgetGate {
  /** x-switchyard-budget when a limit is near or past */
  readonly headers: Record<string, string>;
  /** set when the budget sends this request to local targets only */
  readonly localOnly: string | undefined;
}

/**
 * Applies the client's budgets before any upstream call: past a `block` limit the request ends here with a 429
 * naming the budget (never retried by SDKs: x-should-retry false); past a `downgrade-local` limit it may only use
 * local targets; near a limit it goes ahead with a warning header.
 */
export function budgetGate(context: RequestContext, meter: () => RequestMeter): BudgetGate {
  const decision = context.gateway.budgets?.decide(context.identity.name);
  if (!decision || decision.state === 'ok' || !decision.message) return { headers: {}, localOnly: undefined };
  if (decision.action === 'block') {
    const error = new GatewayError(
      429,
      `${decision.message}: requests are refused until it resets (budgets in the config)`,
      'insufficient_quota',
      'budget_exceeded',
      null,
      {
        'x-should-retry': 'false',
      },
    );
    meterFailure(meter(), error);
    throw error;
  }
  const headers = {
    'x-switchyard-budget': headerValue(decision.action === 'downgrade-local' ? `${decision.message}: local targets only` : `warning: ${decision.message}`),
  };
  return { headers, localOnly: decision.action === 'downgrade-local' ? `${decision.message}: local targets only` : undefined };
}
