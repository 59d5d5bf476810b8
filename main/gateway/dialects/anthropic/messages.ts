// POST /v1/messages: the Anthropic Messages dialect in, routed to any target. An Anthropic target gets the client's
// request as it was written and its answer goes back byte for byte (passthrough); any other target gets the
// request translated to the canonical OpenAI shape, and its answer is translated back. Errors in Anthropic's shape.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ExecutionError, formatAttempts, type Executed } from '../../routing/execute.js';
import { sendAnthropicError } from './anthropic-errors.js';
import { writeAnthropicStream } from './anthropic-stream-writer.js';
import { nativeRequest, restrictToCapable, validateInbound, withoutImpossibleThinking } from './inbound.js';
import { messagesRequestSchema } from './messages-schema.js';
import { toAnthropicMessage, messageId } from './to-anthropic-message.js';
import { toChatRequest } from './to-chat-request.js';
import { forwardedBody } from '../../providers/openai-compatible/request-body.js';
import { parseJsonText, readBody } from '../../http/body.js';
import type { RequestContext } from '../../http/context.js';
import { GatewayError } from '../../http/errors.js';
import { estimateTokens, requestText } from '../../token-estimate.js';
import { addAnswerHeaders, eventStreamHeaders, headerValue, jsonAnswerHeaders, routedHeaders } from '../../http/headers.js';
import { LateMeter, afterDispatch, budgetGate, meterComplete, meterFailure, meterStream } from '../../pipeline/metered.js';

export async function handleMessages(context: RequestContext, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const raw = await readBody(request, context.gateway.config.server.maxBodyBytes);
  const text = raw.toString('utf8');
  const body = parseJsonText(text);
  const inbound = validateInbound(messagesRequestSchema, body);
  const translated = toChatRequest(inbound);
  const { routing, registry, catalog } = context.gateway;
  const stream = inbound.stream === true;
  const meter = new LateMeter(context, request, {
    endpoint: 'messages',
    requestedModel: inbound.model,
    stream,
    estimatedInputTokens: () => estimateTokens(requestText(translated.request)),
    requestBody: raw,
  });
  try {
    const budget = budgetGate(context, () => meter.with(null));
    const planned = await routing.plan(translated.request, undefined, { localOnly: budget.localOnly });
    if (!planned.ok) throw new GatewayError(planned.status, planned.message, 'invalid_request_error', planned.code, 'model');
    const plan = restrictToCapable(planned.plan, translated.unsupported, registry);
    const chatRequest = withoutImpossibleThinking(translated.request, plan, (candidate) => routing.details.get(candidate) ?? catalog.details(candidate));

    const native = nativeRequest(body as Record<string, unknown>, forwardedBody(raw, text), request);
    const execution = routing.execute(plan, chatRequest, undefined, stream, context.signal, native);
    const { metered, headers } = afterDispatch(execution, () => ({
      metered: meter.with(planned.plan.route?.name ?? null),
      headers: routedHeaders(context.corsHeaders, undefined, budget.headers, plan.offline),
    }));
    let executed: Executed;
    try {
      executed = await execution;
    } catch (error) {
      if (error instanceof ExecutionError) {
        meterFailure(metered, error.error, error.attempts);
        sendAnthropicError(response, error.error, { ...headers, 'x-switchyard-attempts': headerValue(formatAttempts(error.attempts)) });
        return;
      }
      throw error;
    }

    const overheadMs = performance.now() - context.startedAt - executed.upstreamMs;
    const { target } = executed;
    addAnswerHeaders(
      headers,
      { providerId: target.providerId, model: target.model, attempts: formatAttempts(executed.attempts), upstreamRequestId: executed.upstreamRequestId, overheadMs },
      context.gateway.registry.get(target.providerId)?.type === 'anthropic' ? 'request-id' : undefined,
    );
    if (executed.kind === 'complete') {
      const priced = meterComplete(metered, executed, overheadMs);
      if (priced?.costUsd != null) headers['x-switchyard-cost-usd'] = priced.costUsd.toFixed(8);
      const answer = executed.nativeRaw ?? Buffer.from(JSON.stringify(toAnthropicMessage(executed.response, inbound.model)));
      response.writeHead(200, jsonAnswerHeaders(headers, answer.length));
      metered.captureAnswer(answer);
      response.end(answer);
      return;
    }
    if (!stream) throw new GatewayError(502, 'upstream streamed a response to a non-stream request');
    response.writeHead(200, eventStreamHeaders(headers));
    const ttftMs = performance.now() - context.startedAt;
    const first = executed.head[0];
    const id = messageId(first?.type === 'chunk' ? first.chunk.id : undefined);
    const summary = await writeAnthropicStream(response, executed.head, executed.rest, { messageId: id, model: inbound.model, signal: context.signal });
    if (summary.status === 'error' && summary.error) executed.reportLateFailure(summary.error);
    meterStream(metered, executed, summary, { ttftMs, overheadMs });
  } catch (error) {
    // whatever ends the request here still settles its ledger row (finish is idempotent)
    meterFailure(meter.with(null), error);
    throw error;
  }
}
