// POST /v1/messages: the Anthropic Messages dialect in, routed to any target. An Anthropic target gets the client's
// request as it was written and its answer goes back byte for byte (passthrough); any other target gets the
// request translated to the canonical OpenAI shape, and its answer is translated back. Errors in Anthropic's shape.
import type { AnswerSink, InboundRequest } from '../../http/answer-sink.js';
import { parseJsonText } from '../../http/body.js';
import type { RequestContext } from '../../http/context.js';
import { GatewayError } from '../../http/errors.js';
import { runRouted } from '../../pipeline/routed.js';
import { forwardedBody } from '../../providers/request-body.js';
import { estimateTokens, requestText } from '../../token-estimate.js';
import { sendAnthropicError } from './anthropic-errors.js';
import { writeAnthropicStream } from './anthropic-stream-writer.js';
import { nativeRequest, restrictToCapable, validateInbound, withoutImpossibleThinking } from './inbound.js';
import { messagesRequestSchema } from './messages-schema.js';
import { messageId, toAnthropicMessage } from './to-anthropic-message.js';
import { toChatRequest } from './to-chat-request.js';

export function handleMessages(context: RequestContext, inbound: InboundRequest, sink: AnswerSink): Promise<void> {
  const text = inbound.body.toString('utf8');
  const body = parseJsonText(text);
  const messages = validateInbound(messagesRequestSchema, body);
  const translated = toChatRequest(messages);
  const { routing, registry, catalog } = context.gateway;
  const stream = messages.stream === true;
  return runRouted(
    context,
    inbound,
    sink,
    {
      meter: {
        endpoint: 'messages',
        requestedModel: messages.model,
        stream,
        estimatedInputTokens: () => estimateTokens(requestText(translated.request)),
        requestBody: inbound.body,
      },
      request: translated.request,
      restrict: (plan) => restrictToCapable(plan, translated.unsupported, registry),
      upstream: (plan) => ({
        request: withoutImpossibleThinking(translated.request, plan, (candidate) => routing.details.get(candidate) ?? catalog.details(candidate)),
        native: nativeRequest(body as Record<string, unknown>, forwardedBody(inbound.body, text), inbound.headers),
      }),
    },
    {
      sendError: sendAnthropicError,
      format: { name: 'anthropic-messages', requestIdHeader: 'request-id' },
      complete: (executed) => {
        if (executed.kind !== 'complete') throw new GatewayError(502, 'the upstream answered with embeddings');
        return executed.nativeRaw ?? Buffer.from(JSON.stringify(toAnthropicMessage(executed.response, messages.model)));
      },
      stream: (output, executed, options) => {
        const first = executed.head[0];
        const id = messageId(first?.type === 'chunk' ? first.chunk.id : undefined);
        return writeAnthropicStream(output, executed.head, executed.rest, { messageId: id, model: messages.model, signal: options.signal });
      },
    },
  );
}
