// POST /v1/embeddings in OpenAI's dialect: the model resolves as for chat (a route or provider/model), and the
// pipeline runs the targets that can embed through the same attempt loop as chat (retries, fallback, circuits).
import { describeIssue, embeddingsRequestSchema, type EmbeddingsRequest } from '../../../../shared/openai-schema.js';
import type { EmbeddingsResponse } from '../../../../shared/openai-types.js';
import type { AnswerSink, InboundRequest } from '../../http/answer-sink.js';
import { parseJsonBody } from '../../http/body.js';
import type { RequestContext } from '../../http/context.js';
import { GatewayError, sendOpenAIError } from '../../http/errors.js';
import { embeddingsCaptureText } from '../../pipeline/metered.js';
import { runRouted, type CompleteAnswer, type DialectAnswer } from '../../pipeline/routed.js';
import { estimateTokens } from '../../token-estimate.js';

export function handleEmbeddings(context: RequestContext, inbound: InboundRequest, sink: AnswerSink): Promise<void> {
  const embeddingsRequest = validateEmbeddingsRequest(parseJsonBody(inbound.body));
  const input = embeddingsRequest.input;
  return runRouted(
    context,
    inbound,
    sink,
    {
      meter: {
        endpoint: 'embeddings',
        requestedModel: embeddingsRequest.model,
        stream: false,
        estimatedInputTokens: () =>
          estimateTokens(typeof input === 'string' ? input : input.every((item) => typeof item === 'string') ? input.join('\n') : JSON.stringify(input)),
        requestBody: inbound.body,
      },
      embeddings: embeddingsRequest,
    },
    embeddingsAnswer,
  );
}

function embeddings(executed: CompleteAnswer): EmbeddingsResponse {
  if (executed.kind !== 'embeddings') throw new GatewayError(502, 'the upstream answered an embeddings request with a completion');
  return executed.response;
}

/** How embeddings answers are written: nothing in it depends on the request, so it is made once. */
const embeddingsAnswer: DialectAnswer = {
  sendError: sendOpenAIError,
  complete: (executed) => Buffer.from(JSON.stringify(embeddings(executed))),
  captureText: (executed) => embeddingsCaptureText(embeddings(executed)),
};

export function validateEmbeddingsRequest(value: unknown): EmbeddingsRequest {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new GatewayError(400, 'request body must be a JSON object', 'invalid_request_error', 'invalid_type');
  }
  const result = embeddingsRequestSchema.safeParse(value);
  if (!result.success) {
    const { param, message } = describeIssue(result.error);
    throw new GatewayError(400, message, 'invalid_request_error', 'invalid_value', param);
  }
  return result.data;
}
