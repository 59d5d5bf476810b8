// POST /v1/chat/completions: validate, plan the route, execute it, answer in OpenAI's dialect, meter it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { plainChatRequest } from '../../../../shared/chat-request-fast.js';
import { chatRequestSchema, describeIssue, type ChatRequest } from '../../../../shared/openai-schema.js';
import { estimateTokens, requestText } from '../../token-estimate.js';
import { ExecutionError, formatAttempts, type Executed } from '../../routing/execute.js';
import { forwardedBody, insertUsageCost } from '../../providers/openai-compatible/request-body.js';
import { parseJsonText, readBody } from '../../http/body.js';
import type { RequestContext } from '../../http/context.js';
import { GatewayError, sendOpenAIError } from '../../http/errors.js';
import { addAnswerHeaders, eventStreamHeaders, headerValue, jsonAnswerHeaders, routedHeaders } from '../../http/headers.js';
import { LateMeter, afterDispatch, budgetGate, meterComplete, meterFailure, meterStream, withCost } from '../../pipeline/metered.js';
import { writeOpenAIStream } from './chat-stream-writer.js';

export async function handleChatCompletions(context: RequestContext, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const raw = await readBody(request, context.gateway.config.server.maxBodyBytes);
  const text = raw.toString('utf8');
  const chatRequest = validateChatRequest(parseJsonText(text));
  const { routing } = context.gateway;
  const stream = chatRequest.stream === true;
  const meter = new LateMeter(context, request, {
    endpoint: 'chat',
    requestedModel: chatRequest.model,
    stream,
    estimatedInputTokens: () => estimateTokens(requestText(chatRequest)),
    requestBody: raw,
  });
  try {
    const budget = budgetGate(context, () => meter.with(null));
    const planned = await routing.plan(chatRequest, chatRequest.models, { localOnly: budget.localOnly });
    if (!planned.ok) throw new GatewayError(planned.status, planned.message, 'invalid_request_error', planned.code, 'model');

    // `models` is Switchyard's to consume; upstreams get the request without it (so the bytes must be re-made).
    const requestFallbacks = chatRequest.models;
    const forwarded = requestFallbacks === undefined ? chatRequest : withoutModels(chatRequest);
    const clientWantsUsage = chatRequest.stream_options?.include_usage === true;
    // sends the first attempt's request before it returns (undici writes it at once)
    const execution = routing.execute(planned.plan, forwarded, requestFallbacks ? undefined : forwardedBody(raw, text), stream, context.signal);
    const { metered, headers } = afterDispatch(execution, () => {
      const made = meter.with(planned.plan.route?.name ?? null);
      // the ledger row's id: the playground reads its exact cost and final status with usage.detail
      return { metered: made, headers: routedHeaders(context.corsHeaders, made.id, budget.headers, planned.plan.offline) };
    });
    let executed: Executed;
    try {
      executed = await execution;
    } catch (error) {
      if (error instanceof ExecutionError) {
        meterFailure(metered, error.error, error.attempts);
        sendOpenAIError(response, error.error, { ...headers, 'x-switchyard-attempts': headerValue(formatAttempts(error.attempts)) });
        return;
      }
      throw error;
    }

    const overheadMs = performance.now() - context.startedAt - executed.upstreamMs;
    const { target } = executed;
    addAnswerHeaders(
      headers,
      { providerId: target.providerId, model: target.model, attempts: formatAttempts(executed.attempts), upstreamRequestId: executed.upstreamRequestId, overheadMs },
      context.gateway.registry.get(target.providerId)?.type === 'openai-compatible' ? 'x-request-id' : undefined,
    );
    if (executed.kind === 'complete') {
      const priced = meterComplete(metered, executed, overheadMs);
      const usage = executed.response.usage;
      // With a known cost the body gains usage.cost (OpenRouter's field); otherwise the upstream's bytes go out as they came.
      const costUsd = priced?.costUsd;
      const body =
        costUsd != null && usage
          ? ((executed.raw && insertUsageCost(executed.raw, costUsd)) ?? Buffer.from(JSON.stringify({ ...executed.response, usage: { ...usage, cost: costUsd } })))
          : (executed.raw ?? Buffer.from(JSON.stringify(executed.response)));
      if (costUsd != null) headers['x-switchyard-cost-usd'] = costUsd.toFixed(8);
      response.writeHead(200, jsonAnswerHeaders(headers, body.length));
      metered.captureAnswer(body);
      response.end(body);
      return;
    }
    if (!stream) throw new GatewayError(502, 'upstream streamed a response to a non-stream request');
    response.writeHead(200, eventStreamHeaders(headers));
    const ttftMs = performance.now() - context.startedAt;
    const summary = await writeOpenAIStream(response, executed.head, executed.rest, {
      clientWantsUsage,
      signal: context.signal,
      ...(context.gateway.metering ? { decorateUsage: (usage) => withCost(usage, metered, executed) } : {}),
    });
    if (summary.status === 'error' && summary.error) executed.reportLateFailure(summary.error);
    meterStream(metered, executed, summary, { ttftMs, overheadMs });
  } catch (error) {
    // whatever ends the request here still settles its ledger row (finish is idempotent)
    meterFailure(meter.with(null), error);
    throw error;
  }
}

export function validateChatRequest(value: unknown): ChatRequest {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new GatewayError(400, 'request body must be a JSON object', 'invalid_request_error', 'invalid_type');
  }
  // the common request (text messages, the usual fields) is judged in place; everything else by the schema
  const plain = plainChatRequest(value);
  if (plain) return plain;
  const result = chatRequestSchema.safeParse(value);
  if (!result.success) {
    const { param, message } = describeIssue(result.error);
    throw new GatewayError(400, message, 'invalid_request_error', 'invalid_value', param);
  }
  return result.data;
}

function withoutModels(request: ChatRequest): ChatRequest {
  const { models: _models, ...rest } = request;
  return rest as ChatRequest;
}
