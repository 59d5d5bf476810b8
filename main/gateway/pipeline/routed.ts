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
import type { NativeRequest, RequestBody, RequestFormat } from '../providers/types.js';
import { LateMeter, afterDispatch, budgetGate, meterComplete, meterFailure, meterStream, withCost, type MeterDetails } from './metered.js';
import type { StreamSummary } from './stream-writer.js';

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
  stream?(sink: AnswerSink, executed: StreamedAnswer, options: { readonly signal: AbortSignal; readonly decorateUsage: ((usage: Usage) => Usage) | undefined }): Promise<StreamSummary>;
}

export async function runRouted(context: RequestContext, inbound: InboundRequest, sink: AnswerSink, call: RoutedCall, answer: DialectAnswer): Promise<void> {
  const meter = new LateMeter(context, inbound, call.meter);
  if (context.trace) context.trace.model = call.meter.requestedModel;
  try {
    const budget = budgetGate(context, () => meter.with(null));
    const { routing } = context.gateway;
    const localOnly = budget.localOnly;
    const planned = 'embeddings' in call ? await routing.planEmbeddings(call.embeddings.model, { localOnly }) : await routing.plan(call.request, call.requestFallbacks, { localOnly });
    if (!planned.ok) throw new GatewayError(planned.status, planned.message, 'invalid_request_error', planned.code, 'model');
    const plan = 'restrict' in call && call.restrict ? call.restrict(planned.plan) : planned.plan;
    const execution = execute(context, call, plan);
    const { metered, headers } = afterDispatch(execution, () => {
      const made = meter.with(plan.route?.name ?? null);
      // the ledger row's id: the playground reads its exact cost and final status with usage.detail
      const headers = routedHeaders(context.corsHeaders, made.id, budget.headers, plan.offline);
      // the route that caught the name (a wildcard route's pattern, too)
      if (plan.route) headers['x-switchyard-route'] = headerValue(plan.route.name);
      return { metered: made, headers };
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
      { providerId: target.providerId, model: target.model, attempts: formatAttempts(executed.attempts), upstreamRequestId: executed.upstreamRequestId, overheadMs },
      answer.format && context.gateway.registry.get(target.providerId)?.forwards.has(answer.format.name) ? answer.format.requestIdHeader : undefined,
    );
    if (executed.kind !== 'stream') {
      const costUsd = meterComplete(metered, executed, overheadMs)?.costUsd ?? undefined;
      if (costUsd !== undefined) headers['x-switchyard-cost-usd'] = costUsd.toFixed(8);
      const body = answer.complete(executed, costUsd);
      sink.writeHead(200, jsonAnswerHeaders(headers, body.length));
      const { captureText } = answer;
      metered.captureAnswer(captureText ? () => captureText(executed) : body);
      sink.end(body);
      return;
    }
    if (!call.meter.stream || !answer.stream) throw new GatewayError(502, 'upstream streamed a response to a non-stream request');
    sink.writeHead(200, eventStreamHeaders(headers as ResponseHeaders));
    const ttftMs = performance.now() - context.startedAt;
    const decorateUsage = context.gateway.metering ? (usage: Usage): Usage => withCost(usage, metered, executed) : undefined;
    const summary = await answer.stream(sink, executed, { signal: context.signal, decorateUsage });
    if (summary.status === 'error' && summary.error) executed.reportLateFailure(summary.error);
    meterStream(metered, executed, summary, { ttftMs, overheadMs });
  } catch (error) {
    // whatever ends the request here still settles its ledger row (finish is idempotent)
    meterFailure(meter.with(null), error);
    markRecorded(error);
    throw error;
  }
}

/** Starts the first attempt before it returns (undici writes the upstream request at once). */
function execute(context: RequestContext, call: RoutedCall, plan: RoutedPlan): Promise<Executed> {
  const { routing } = context.gateway;
  if ('embeddings' in call) return routing.executeEmbeddings(plan, call.embeddings, context.signal);
  const upstream = call.upstream?.(plan);
  return routing.execute(plan, upstream?.request ?? call.request, upstream?.rawBody, call.meter.stream, context.signal, upstream?.native);
}
