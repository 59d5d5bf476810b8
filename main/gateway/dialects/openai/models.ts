// GET /v1/models and GET /v1/models/{id} in OpenAI's list shape.
import type { AnswerSink, InboundRequest } from '../../http/answer-sink.js';
import type { RequestContext } from '../../http/context.js';
import { GatewayError, sendJson } from '../../http/errors.js';

export async function handleListModels(context: RequestContext, _inbound: InboundRequest, sink: AnswerSink): Promise<void> {
  const data = await context.gateway.catalog.list();
  sendJson(sink, 200, { object: 'list', data }, context.corsHeaders);
}

export async function handleRetrieveModel(context: RequestContext, inbound: InboundRequest, sink: AnswerSink): Promise<void> {
  const id = inbound.params['id'] ?? '';
  const found = (await context.gateway.catalog.list()).find((entry) => entry.id === id);
  if (!found) throw new GatewayError(404, `model '${id}' is not in the model list (GET /v1/models)`, 'invalid_request_error', 'model_not_found', 'model');
  sendJson(sink, 200, found, context.corsHeaders);
}
