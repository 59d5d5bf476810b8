// POST /api/embed (`input`: one text or many → `embeddings`) and the older POST /api/embeddings (`prompt` →
// `embedding`), routed as embeddings requests like /v1/embeddings and metered under the ledger's 'embeddings'.
import type { EmbeddingsResponse } from '../../../../shared/openai-types.js';
import type { AnswerSink, InboundRequest } from '../../http/answer-sink.js';
import { parseJsonBody } from '../../http/body.js';
import type { RequestContext } from '../../http/context.js';
import { GatewayError } from '../../http/errors.js';
import { embeddingsCaptureText } from '../../pipeline/metered.js';
import { runRouted, type CompleteAnswer } from '../../pipeline/routed.js';
import { estimateTokens } from '../../token-estimate.js';
import { requireSurfaceOn } from './access.js';
import { toSwitchyardModel } from './names.js';
import { sendOllamaError } from './ollama-errors.js';
import { ollamaEmbedSchema, ollamaLegacyEmbeddingsSchema, parseInbound } from './ollama-request-schema.js';
import { finalCounters } from './to-ollama-response.js';

export function handleOllamaEmbed(context: RequestContext, inbound: InboundRequest, sink: AnswerSink): Promise<void> {
  requireSurfaceOn(context.gateway);
  const body = parseInbound(ollamaEmbedSchema, parseJsonBody(inbound.body));
  const texts = typeof body.input === 'string' ? [body.input] : body.input;
  if (texts.length === 0) throw new GatewayError(400, 'input: at least one text is required', 'invalid_request_error', 'invalid_value', 'input');
  return routeEmbeddings(context, inbound, sink, body.model, texts, body.dimensions, (response) => {
    const counters = finalCounters(
      { prompt_tokens: response.usage.prompt_tokens, completion_tokens: 0, total_tokens: response.usage.total_tokens },
      { startedAt: context.startedAt },
    );
    return {
      model: body.model,
      embeddings: vectors(response),
      total_duration: counters['total_duration'],
      load_duration: counters['load_duration'],
      prompt_eval_count: counters['prompt_eval_count'],
    };
  });
}

export function handleOllamaLegacyEmbeddings(context: RequestContext, inbound: InboundRequest, sink: AnswerSink): Promise<void> {
  requireSurfaceOn(context.gateway);
  const body = parseInbound(ollamaLegacyEmbeddingsSchema, parseJsonBody(inbound.body));
  return routeEmbeddings(context, inbound, sink, body.model, [body.prompt], undefined, (response) => ({ embedding: vectors(response)[0] ?? [] }));
}

function routeEmbeddings(
  context: RequestContext,
  inbound: InboundRequest,
  sink: AnswerSink,
  model: string,
  texts: readonly string[],
  dimensions: number | undefined,
  shape: (response: EmbeddingsResponse) => unknown,
): Promise<void> {
  const response = (executed: CompleteAnswer): EmbeddingsResponse => {
    if (executed.kind !== 'embeddings') throw new GatewayError(502, 'the upstream answered an embeddings request with a completion');
    return executed.response;
  };
  return runRouted(
    context,
    inbound,
    sink,
    {
      meter: {
        endpoint: 'embeddings',
        requestedModel: model,
        stream: false,
        estimatedInputTokens: () => estimateTokens(texts.join('\n')),
        requestBody: inbound.body,
      },
      embeddings: { model: toSwitchyardModel(model), input: [...texts], ...(dimensions !== undefined ? { dimensions } : {}) },
    },
    {
      sendError: sendOllamaError,
      complete: (executed) => Buffer.from(JSON.stringify(shape(response(executed)))),
      captureText: (executed) => embeddingsCaptureText(response(executed)),
    },
  );
}

/** In input order; a base64 vector (not asked for, but tolerated) is decoded as little-endian float32. */
function vectors(response: EmbeddingsResponse): number[][] {
  return [...response.data]
    .sort((left, right) => left.index - right.index)
    .map((item) => {
      if (typeof item.embedding !== 'string') return item.embedding;
      const bytes = Buffer.from(item.embedding, 'base64');
      return Array.from({ length: Math.floor(bytes.length / 4) }, (_, index) => bytes.readFloatLE(index * 4));
    });
}
