// POST /api/chat and /api/generate: Ollama's requests translated to the canonical chat request and routed like any
// other (fallback, budgets, ledger), answered as one JSON object or an NDJSON stream (stream is Ollama's default).
// The ledger's endpoint column knows 'chat' | 'messages' | 'embeddings' | 'responses' (a CHECK constraint since
// migration 006): both are metered as 'chat', which is what they are once translated; no migration for a label.
import type { AnswerSink, InboundRequest } from '../../http/answer-sink.js';
import { parseJsonBody } from '../../http/body.js';
import type { RequestContext } from '../../http/context.js';
import { GatewayError, sendJson } from '../../http/errors.js';
import { runRouted } from '../../pipeline/routed.js';
import type { RoutedPlan } from '../../routing/service.js';
import { estimateTokens, requestText } from '../../token-estimate.js';
import { withoutImpossibleThinking } from '../anthropic/inbound.js';
import { requireSurfaceOn } from './access.js';
import { NdjsonSink } from './ndjson-sink.js';
import { sendOllamaError } from './ollama-errors.js';
import { ollamaChatSchema, ollamaGenerateSchema, parseInbound } from './ollama-request-schema.js';
import { writeOllamaStream } from './ollama-stream-writer.js';
import { chatToCanonical, generateToCanonical, type TranslatedChat } from './to-chat-request.js';
import { answerHead, completeAnswer, type AnswerKind } from './to-ollama-response.js';

export function handleOllamaChat(context: RequestContext, inbound: InboundRequest, sink: AnswerSink): Promise<void> {
  requireSurfaceOn(context.gateway);
  const body = parseInbound(ollamaChatSchema, parseJsonBody(inbound.body));
  // no messages: Ollama loads the model and answers at once; there is nothing to load here
  if (!body.messages || body.messages.length === 0) return answerLoaded(context, sink, 'chat', body.model);
  return routeChat(context, inbound, sink, 'chat', body.model, chatToCanonical(body));
}

export function handleOllamaGenerate(context: RequestContext, inbound: InboundRequest, sink: AnswerSink): Promise<void> {
  requireSurfaceOn(context.gateway);
  const body = parseInbound(ollamaGenerateSchema, parseJsonBody(inbound.body));
  if (!body.prompt && !body.images?.length) return answerLoaded(context, sink, 'generate', body.model);
  return routeChat(context, inbound, sink, 'generate', body.model, generateToCanonical(body));
}

function routeChat(
  context: RequestContext,
  inbound: InboundRequest,
  sink: AnswerSink,
  kind: AnswerKind,
  model: string,
  translated: TranslatedChat,
): Promise<void> {
  const { request } = translated;
  const stream = request.stream === true;
  const { registry, routing, catalog } = context.gateway;
  const onlyOllama = (plan: RoutedPlan): boolean =>
    [...plan.candidates, ...plan.contextFallbacks].every((candidate) => registry.get(candidate.providerId)?.type === 'ollama');
  return runRouted(
    context,
    inbound,
    stream ? new NdjsonSink(sink) : sink,
    {
      meter: { endpoint: 'chat', requestedModel: model, stream, estimatedInputTokens: () => estimateTokens(requestText(request)), requestBody: inbound.body },
      request,
      upstream: (plan) => {
        // Ollama targets take Ollama's own options as they were written; others get what has an OpenAI form
        if (onlyOllama(plan)) return { request: { ...request, ...translated.ollamaExtras } };
        return { request: withoutImpossibleThinking(request, plan, (candidate) => routing.details.get(candidate) ?? catalog.details(candidate)) };
      },
    },
    {
      sendError: sendOllamaError,
      complete: (executed) => {
        if (executed.kind !== 'complete') throw new GatewayError(502, 'the upstream answered with embeddings');
        return Buffer.from(JSON.stringify(completeAnswer(kind, model, executed.response, { startedAt: context.startedAt, metrics: executed.metrics })));
      },
      stream: (output, executed, options) =>
        writeOllamaStream(output, executed.head, executed.rest, { kind, model, startedAt: context.startedAt, signal: options.signal }),
    },
  );
}

async function answerLoaded(context: RequestContext, sink: AnswerSink, kind: AnswerKind, model: string): Promise<void> {
  await Promise.resolve();
  sendJson(sink, 200, { ...answerHead(kind, model, '', undefined, []), done_reason: 'load', done: true }, context.corsHeaders);
}
