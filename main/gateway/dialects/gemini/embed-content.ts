// POST /v1beta/models/{model}:embedContent and :batchEmbedContents: Gemini's embedding calls, routed like OpenAI's
// /v1/embeddings (any target that embeds: the model resolves as for chat). Text parts only: a content's texts are
// embedded together, as Gemini does. The answer is Gemini's `{embedding:{values}}` / `{embeddings:[{values}]}`.
import type { EmbeddingsRequest } from '../../../../shared/openai-types.js';
import type { AnswerSink, InboundRequest } from '../../http/answer-sink.js';
import { parseJsonText } from '../../http/body.js';
import type { RequestContext } from '../../http/context.js';
import { GatewayError } from '../../http/errors.js';
import { embeddingsCaptureText } from '../../pipeline/metered.js';
import { runRouted, type CompleteAnswer } from '../../pipeline/routed.js';
import { estimateTokens } from '../../token-estimate.js';
import { validateInbound } from '../anthropic/inbound.js';
import { sendGeminiError } from './gemini-errors.js';
import { batchEmbedContentsRequestSchema, embedContentRequestSchema, type EmbedContentRequest } from './request-schema.js';

export function handleEmbedContent(context: RequestContext, inbound: InboundRequest, sink: AnswerSink, model: string, batch: boolean): Promise<void> {
  const body = parseJsonText(inbound.body.toString('utf8'));
  const requests = batch ? validateInbound(batchEmbedContentsRequestSchema, body).requests : [validateInbound(embedContentRequestSchema, body)];
  const texts = requests.map((request, index) => contentText(request, batch ? `requests[${index}].content.parts` : 'content.parts'));
  const dimensions = requests[0]?.outputDimensionality;
  const embeddings: EmbeddingsRequest = { model, input: texts, encoding_format: 'float', ...(dimensions !== undefined ? { dimensions } : {}) };
  const vectors = (executed: CompleteAnswer): number[][] => {
    if (executed.kind !== 'embeddings') throw new GatewayError(502, 'the upstream answered an embeddings request with a completion');
    return [...executed.response.data]
      .sort((left, right) => left.index - right.index)
      .map((item) => (typeof item.embedding === 'string' ? [] : item.embedding));
  };
  return runRouted(
    context,
    inbound,
    sink,
    {
      // filed under the ledger's `embeddings` endpoint, as /v1/embeddings is (its CHECK constraint knows no other)
      meter: {
        endpoint: 'embeddings',
        requestedModel: model,
        stream: false,
        estimatedInputTokens: () => estimateTokens(texts.join('\n')),
        requestBody: inbound.body,
      },
      embeddings,
    },
    {
      sendError: sendGeminiError,
      complete: (executed) => {
        const values = vectors(executed);
        return Buffer.from(JSON.stringify(batch ? { embeddings: values.map((vector) => ({ values: vector })) } : { embedding: { values: values[0] ?? [] } }));
      },
      captureText: (executed) => (executed.kind === 'embeddings' ? embeddingsCaptureText(executed.response) : ''),
    },
  );
}

function contentText(request: EmbedContentRequest, param: string): string {
  return request.content.parts
    .map((part, index) => {
      if (typeof part.text !== 'string')
        throw new GatewayError(
          400,
          `${param}[${index}]: only text parts can be embedded through Switchyard`,
          'invalid_request_error',
          'invalid_value',
          `${param}[${index}]`,
        );
      return part.text;
    })
    .join('\n');
}
