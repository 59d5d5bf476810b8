// POST /v1/chat/completions: the canonical dialect. Validated in place for the common request (zod for the rest),
// routed by the pipeline, answered with the upstream's own bytes when it spoke OpenAI (usage.cost added when known).
import { plainChatRequest } from '../../../../shared/chat-request-fast.js';
import { chatRequestSchema, describeIssue, type ChatRequest } from '../../../../shared/openai-schema.js';
import type { AnswerSink, InboundRequest } from '../../http/answer-sink.js';
import { parseJsonText } from '../../http/body.js';
import type { RequestContext } from '../../http/context.js';
import { GatewayError, sendOpenAIError } from '../../http/errors.js';
import { runRouted, type DialectAnswer } from '../../pipeline/routed.js';
import { forwardedBody, insertUsageCost } from '../../providers/request-body.js';
import { estimateTokens, requestText } from '../../token-estimate.js';
import { writeOpenAIStream } from './chat-stream-writer.js';

export function handleChatCompletions(context: RequestContext, inbound: InboundRequest, sink: AnswerSink): Promise<void> {
  const text = inbound.body.toString('utf8');
  const chatRequest = validateChatRequest(parseJsonText(text));
  const stream = chatRequest.stream === true;
  // `models` is Switchyard's to consume; upstreams get the request without it (so the bytes must be re-made).
  const requestFallbacks = chatRequest.models;
  const forwarded = requestFallbacks === undefined ? chatRequest : withoutModels(chatRequest);
  return runRouted(
    context,
    inbound,
    sink,
    {
      meter: {
        endpoint: 'chat',
        requestedModel: chatRequest.model,
        stream,
        estimatedInputTokens: () => estimateTokens(requestText(chatRequest)),
        requestBody: inbound.body,
      },
      request: chatRequest,
      requestFallbacks,
      upstream: () => ({ request: forwarded, rawBody: requestFallbacks ? undefined : forwardedBody(inbound.body, text) }),
    },
    chatRequest.stream_options?.include_usage === true ? answers.withUsage : answers.withoutUsage,
  );
}

/**
 * How chat answers are written. Made once per process, not per request: the one thing a request changes is whether
 * its client asked for the usage chunk.
 */
function chatAnswer(clientWantsUsage: boolean): DialectAnswer {
  return {
    sendError: sendOpenAIError,
    format: { name: 'openai-chat', requestIdHeader: 'x-request-id' },
    complete: (executed, costUsd) => {
      if (executed.kind !== 'complete') throw new GatewayError(502, 'the upstream answered with embeddings');
      const usage = executed.response.usage;
      // With a known cost the body gains usage.cost (OpenRouter's field); otherwise the upstream's bytes go out as they came.
      if (costUsd === undefined || !usage) return executed.raw ?? Buffer.from(JSON.stringify(executed.response));
      return (
        (executed.raw && insertUsageCost(executed.raw, costUsd)) ?? Buffer.from(JSON.stringify({ ...executed.response, usage: { ...usage, cost: costUsd } }))
      );
    },
    stream: (output, executed, options) =>
      writeOpenAIStream(output, executed.head, executed.rest, { clientWantsUsage, signal: options.signal, decorateUsage: options.decorateUsage }),
  };
}

const answers = { withUsage: chatAnswer(true), withoutUsage: chatAnswer(false) };

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
