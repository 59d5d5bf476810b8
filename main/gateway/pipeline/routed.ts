// The routed-request skeleton, written once for every inbound dialect: meter, budget, plan, execute, the answer's
// headers, then a complete or a streamed answer in the client's dialect, a late failure reported to routing, and
// the final meter. A dialect supplies what differs (dialects/<family>/<endpoint>.ts): how its request is planned
// and executed (a RoutedCall) and how its answers and errors are written (a DialectAnswer).
import type { ChatRequest, EmbeddingsRequest, Usage } from '../../../shared/openai-types.js';
import type { AnswerSink, InboundRequest } from '../http/answer-sink.js';
import type { RequestContext } from '../http/context.js';
import { GatewayError, markRecorded } from '../http/errors.js';
import { addAnswerHeaders, eventStreamHeaders, headerValue, jsonAnswerHeaders, routedHeaders, type ResponseHeaders } from '../http/headers.js';
import { ExecutionError, formatAttempts, type Executed } from '../routing/execute.js';
import type { RoutedPlan } from '../routing/service.js';
import type { NativeRequest, RequestBody, RequestFormat, StreamPart } from '../providers/types.js';
import { LateMeter, afterDispatch, budgetGate, meterComplete, meterFailure, meterStream, withCost, type MeterDetails } from './metered.js';
import type { StreamSummary } from './stream-writer.js';
import { admitLimits } from '../limits/admit.js';
import type { CachedAnswer } from '../../ledger/response-cache.js';
import type { RequestMeter } from '../metering.js';
import { bodyCacheObject, cacheDirectives, withoutCacheKey } from '../cache/cache-control.js';
import { keep, lookUp, planCache, recorder, replay, type CacheUse } from './cache-step.js';
import type { RecordingSink } from '../cache/recording-sink.js';
import { inspectPrivacy, localOnlyReason, privacyRefusal, redactEmbeddingsRequest, redactUpstream, type PrivacyVerdict } from './privacy-step.js';

/** One request of a dialect, ready to route: what the meter needs and what routing plans and runs. */
export type RoutedCall = ChatCall | EmbeddingsCall;

interface ChatCall {
  readonly meter: MeterDetails;
  /** the canonical request the plan judges (capabilities, context window) */
  readonly request: ChatRequest;
  /** the request's own fallback models (chat's `models`, as on OpenRouter) */
  readonly requestFallbacks?: readonly string[] | undefined;
  /** the plan as this request may use it (targets that cannot carry a dialect-only part skipped); may throw a 400 */
  restrict?(plan: RoutedPlan): RoutedPlan;
  /** what goes upstream once the plan is known: the request as sent, the client's bytes, its own dialect's form */
  upstream?(plan: RoutedPlan): Upstream;
}

interface EmbeddingsCall {
  readonly meter: MeterDetails;
  /** planned without chat's capability checks and default fallbacks; each target embeds it */
  readonly embeddings: EmbeddingsRequest;
}

export interface Upstream {
  readonly request?: ChatRequest;
  readonly rawBody?: RequestBody | undefined;
  readonly native?: NativeRequest | undefined;
}

export type CompleteAnswer = Extract<Executed, { kind: 'complete' | 'embeddings' }>;
export type StreamedAnswer = Extract<Executed, { kind: 'stream' }>;

/** How a dialect writes what routing produced. */
export interface DialectAnswer {
  /** an error in the dialect's shape (before any byte of an answer was sent) */
  sendError(sink: AnswerSink, error: unknown, headers: Readonly<Record<string, string>>): void;
  /**
   * The client's request format, and the header under which a provider that takes that format names its request id
   * (the official SDKs show it as `_request_id`): when the answering provider forwards this format, its id goes
   * back under that name too.
   */
  readonly format?: { readonly name: RequestFormat; readonly requestIdHeader: 'x-request-id' | 'request-id' };
  /** the whole answer's bytes; `costUsd` when the price is known */
  complete(executed: CompleteAnswer, costUsd: number | undefined): Buffer;
  /** what body capture keeps of a whole answer, when not its bytes (embeddings: each vector by its size) */
  captureText?(executed: CompleteAnswer): string;
  /** writes a gated stream (the response head is already written) */
  stream?(
    sink: AnswerSink,
    executed: StreamedAnswer,
    options: { readonly signal: AbortSignal; readonly decorateUsage: ((usage: Usage) => Usage) | undefined },
  ): Promise<StreamSummary>;
}

export async function runRouted(context: RequestContext, inbound: InboundRequest, sink: AnswerSink, call: RoutedCall, answer: DialectAnswer): Promise<void> {
  const meter = new LateMeter(context, inbound, call.meter);
  if (context.trace) context.trace.model = call.meter.requestedModel;
  try {
    // the privacy guard reads the request before anything else is decided (privacy-step.ts)
    const privacy = inspectPrivacy(context, call);
    const made = (route: string | null): RequestMeter => {
      const request = meter.with(route);
      if (privacy) request.privacy = { action: privacy.action, detectors: privacy.detectors };
      return request;
    };
    if (privacy?.action === 'block') throw refuse(made(null), privacyRefusal(privacy, call.meter.requestedModel));
    const budget = budgetGate(context, () => made(null));
    const { routing } = context.gateway;
    const localOnly = budget.localOnly ?? (privacy?.action === 'local-only' ? localOnlyReason(privacy) : undefined);
    const planned =
      'embeddings' in call
        ? await routing.planEmbeddings(call.embeddings.model, { localOnly })
        : await routing.plan(call.request, call.requestFallbacks, { localOnly });
    if (privacy?.action === 'local-only' && (!planned.ok || planned.plan.candidates.length === 0))
      throw refuse(made(null), privacyRefusal(privacy, call.meter.requestedModel));
    if (!planned.ok) throw new GatewayError(planned.status, planned.message, 'invalid_request_error', planned.code, 'model');
    const plan = 'restrict' in call && call.restrict ? call.restrict(planned.plan) : planned.plan;
    // rate limits (limits/admit.ts): a 429 in the client's dialect, or a wait in the route's queue
    const limited = context.gateway.limiter ? await admitLimits(context, plan, call, meter) : undefined;
    const outbound = prepareOutbound(context, inbound, call, plan, privacy);
    const cached = lookUp(outbound.cache);
    if (cached && outbound.cache)
      return await answerFromCache(context, sink, plan, cached, made(plan.route?.name ?? null), { ...budget.headers, ...limited }, privacy);
    const execution = execute(context, call, plan, outbound);
    const { metered, headers } = afterDispatch(execution, () => {
      const request = made(plan.route?.name ?? null);
      if (outbound.cache) request.cacheStatus = 'miss';
      // the ledger row's id: the playground reads its exact cost and final status with usage.detail
      const headers = routedHeaders(context.corsHeaders, request.id, budget.headers, plan.offline);
      if (limited) Object.assign(headers, limited);
      // the route that caught the name (a wildcard route's pattern, too)
      if (plan.route) headers['x-switchyard-route'] = headerValue(plan.route.name);
      if (privacy) headers['x-switchyard-privacy'] = privacyHeader(privacy);
      if (outbound.cache) headers['x-switchyard-cache'] = 'MISS';
      return { metered: request, headers };
    });
    let executed: Executed;
    try {
      executed = await execution;
    } catch (error) {
      if (error instanceof ExecutionError) {
        meterFailure(metered, error.error, error.attempts);
        answer.sendError(sink, error.error, { ...headers, 'x-switchyard-attempts': headerValue(formatAttempts(error.attempts)) });
        return;
      }
      throw error;
    }

    const overheadMs = performance.now() - context.startedAt - executed.upstreamMs;
    const { target } = executed;
    addAnswerHeaders(
      headers,
      {
        providerId: target.providerId,
        model: target.model,
        attempts: formatAttempts(executed.attempts),
        upstreamRequestId: executed.upstreamRequestId,
        overheadMs,
      },
      answer.format && context.gateway.registry.get(target.providerId)?.forwards.has(answer.format.name) ? answer.format.requestIdHeader : undefined,
    );
    // a miss that may be kept: what is written is recorded as it goes (cache-step.ts)
    const recording = recorder(outbound.cache, sink);
    const output = recording ?? sink;
    if (executed.kind !== 'stream') {
      const priced = meterComplete(metered, executed, overheadMs);
      const costUsd = priced?.costUsd ?? undefined;
      if (costUsd !== undefined) headers['x-switchyard-cost-usd'] = costUsd.toFixed(8);
      const body = answer.complete(executed, costUsd);
      output.writeHead(200, jsonAnswerHeaders(headers, body.length));
      const { captureText } = answer;
      metered.captureAnswer(captureText ? () => captureText(executed) : body);
      output.end(body);
      if (recording && outbound.cache) keep(outbound.cache, recording, { stream: false, ...answered(executed), usage: executed.response.usage }, priced);
      return;
    }
    if (!call.meter.stream || !answer.stream) throw new GatewayError(502, 'upstream streamed a response to a non-stream request');
    output.writeHead(200, eventStreamHeaders(headers as ResponseHeaders));
    const ttftMs = performance.now() - context.startedAt;
    const decorateUsage = context.gateway.metering ? (usage: Usage): Usage => withCost(usage, metered, executed) : undefined;
    // a stream that may be kept is kept as its end is written, before the client can send the same request again
    const streamed = recording && outbound.cache ? keepWhenDone(executed, recording, outbound.cache, metered) : executed;
    const summary = await answer.stream(output, streamed, { signal: context.signal, decorateUsage });
    if (summary.status === 'error' && summary.error) executed.reportLateFailure(summary.error);
    meterStream(metered, executed, summary, { ttftMs, overheadMs });
  } catch (error) {
    // whatever ends the request here still settles its ledger row (finish is idempotent)
    meterFailure(meter.with(null), error);
    markRecorded(error);
    throw error;
  }
}

/** What leaves for upstream, decided once the plan is known: the cache's directives honoured and its body key taken out, the privacy guard's redaction applied. */
interface Outbound {
  readonly upstream: Upstream | undefined;
  readonly embeddings: EmbeddingsRequest | undefined;
  readonly cache: CacheUse | undefined;
}

function prepareOutbound(context: RequestContext, inbound: InboundRequest, call: RoutedCall, plan: RoutedPlan, privacy: PrivacyVerdict | undefined): Outbound {
  if ('embeddings' in call) {
    const directives = cacheDirectives(inbound.headers, bodyCacheObject(call.embeddings as Record<string, unknown>));
    const plain = withoutCacheKey(call.embeddings);
    const embeddings = privacy?.action === 'redact' ? redactEmbeddingsRequest(privacy, plain) : plain;
    return {
      upstream: undefined,
      embeddings: embeddings === call.embeddings ? undefined : embeddings,
      cache: planCache(context, inbound, plan, plain, undefined, directives),
    };
  }
  let upstream = call.upstream?.(plan);
  const native = upstream?.native;
  const bodyCache = bodyCacheObject(call.request as Record<string, unknown>) ?? bodyCacheObject(native?.body);
  const directives = cacheDirectives(inbound.headers, bodyCache);
  const canonical = withoutCacheKey(call.request);
  if (bodyCache !== undefined || canonical !== call.request) {
    // the `cache` object is Switchyard's: the client's bytes (which hold it) do not travel
    upstream = {
      request: withoutCacheKey(upstream?.request ?? call.request),
      rawBody: undefined,
      native: native ? { dialect: native.dialect, headers: native.headers, body: withoutCacheKey(native.body) } : undefined,
    };
  }
  const cache = planCache(context, inbound, plan, canonical, upstream?.native, directives);
  if (privacy?.action === 'redact') upstream = redactUpstream(privacy, upstream ?? {}, canonical);
  return { upstream, embeddings: undefined, cache };
}

async function answerFromCache(
  context: RequestContext,
  sink: AnswerSink,
  plan: RoutedPlan,
  cached: CachedAnswer,
  metered: RequestMeter,
  budgetHeaders: Readonly<Record<string, string>>,
  privacy: PrivacyVerdict | undefined,
): Promise<void> {
  metered.cacheStatus = 'hit';
  const headers = routedHeaders(context.corsHeaders, metered.id, budgetHeaders, plan.offline);
  if (plan.route) headers['x-switchyard-route'] = headerValue(plan.route.name);
  if (privacy) headers['x-switchyard-privacy'] = privacyHeader(privacy);
  headers['x-switchyard-cache'] = 'HIT';
  headers['x-switchyard-provider'] = headerValue(cached.providerId);
  headers['x-switchyard-model'] = headerValue(cached.model);
  headers['x-switchyard-cost-usd'] = (0).toFixed(8);
  if (cached.savedUsd !== null) headers['x-switchyard-saved-usd'] = cached.savedUsd.toFixed(8);
  const ttftMs = performance.now() - context.startedAt;
  await replay(sink, cached, headers);
  metered.finish({
    status: sink.destroyed && !sink.writableFinished ? 'cancelled' : 'ok',
    httpStatus: 200,
    providerId: cached.providerId,
    model: cached.model,
    locality: cached.locality,
    attempts: [],
    usage: (cached.usage as Usage | null) ?? null,
    ttftMs,
    upstreamMs: 0,
    overheadMs: performance.now() - context.startedAt,
    cacheHit: { savedUsd: cached.savedUsd },
  });
}

/**
 * The stream with its parts watched: once the upstream's end marker has come through (a `done` part, never an
 * `error`), the recording keeps the answer as the writer ends it — in the same turn as the last write, so the entry
 * is there before the client has read the end. The usage chunk, seen on the way, prices the saving.
 */
function keepWhenDone(executed: StreamedAnswer, recording: RecordingSink, use: CacheUse, metered: RequestMeter): StreamedAnswer {
  let usage: Usage | undefined;
  const note = (part: StreamPart): void => {
    if (part.type === 'chunk' && part.chunk.usage) usage = part.chunk.usage;
    else if (part.type === 'done')
      recording.onEnd = () => keep(use, recording, { stream: true, ...answered(executed), usage }, metered.price({ usage, ...answered(executed) }));
    else if (part.type === 'error') recording.onEnd = undefined;
  };
  for (const part of executed.head) note(part);
  const rest = executed.rest;
  return {
    ...executed,
    rest: {
      next: async () => {
        const next = await rest.next();
        if (!next.done) note(next.value);
        return next;
      },
      return: async (value?: unknown) => (rest.return ? rest.return(value) : { done: true as const, value: undefined }),
    },
  };
}

function answered(executed: Executed): { providerId: string; model: string; locality: 'local' | 'cloud' } {
  return { providerId: executed.target.providerId, model: executed.target.model, locality: executed.target.locality };
}

function privacyHeader(privacy: PrivacyVerdict): string {
  return headerValue(privacy.detectors.join(','));
}

/** Settles the ledger row of a request refused before routing, and hands the error on (to the dialect's error). */
function refuse(meter: RequestMeter, error: GatewayError): GatewayError {
  meterFailure(meter, error);
  markRecorded(error);
  return error;
}

/** Starts the first attempt before it returns (undici writes the upstream request at once). */
function execute(context: RequestContext, call: RoutedCall, plan: RoutedPlan, outbound: Outbound): Promise<Executed> {
  const { routing } = context.gateway;
  if ('embeddings' in call) return routing.executeEmbeddings(plan, outbound.embeddings ?? call.embeddings, context.signal);
  const upstream = outbound.upstream;
  return routing.execute(plan, upstream?.request ?? call.request, upstream?.rawBody, call.meter.stream, context.signal, upstream?.native);
}
