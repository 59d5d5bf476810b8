// Stored responses, answered from Switchyard's own store: GET /v1/responses/{id}, DELETE /v1/responses/{id} and
// GET /v1/responses/{id}/input_items (a cursor list as OpenAI pages it: after/before, limit 1–100, order). A client
// sees only the responses its own token made; any other id is OpenAI's 404.
import type { StoredResponse } from '../../../../ledger/response-store.js';
import type { AnswerSink, InboundRequest } from '../../../http/answer-sink.js';
import type { RequestContext } from '../../../http/context.js';
import { GatewayError, sendJson } from '../../../http/errors.js';
import { savedNow } from './deferred-saves.js';

export async function handleRetrieveResponse(context: RequestContext, inbound: InboundRequest, sink: AnswerSink): Promise<void> {
  sendJson(sink, 200, (await stored(context, inbound)).response, context.corsHeaders);
}

export async function handleDeleteResponse(context: RequestContext, inbound: InboundRequest, sink: AnswerSink): Promise<void> {
  const id = inbound.params['id'] ?? '';
  savedNow(context.gateway.responses);
  if (!(await context.gateway.responses?.delete(id, context.identity.name))) throw notFound(id);
  sendJson(sink, 200, { id, object: 'response.deleted', deleted: true }, context.corsHeaders);
}

export async function handleListInputItems(context: RequestContext, inbound: InboundRequest, sink: AnswerSink): Promise<void> {
  const items = [...(await stored(context, inbound)).inputItems];
  const { query } = inbound;
  const limit = Number(query.get('limit') ?? 20);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    throw new GatewayError(400, 'limit must be an integer from 1 to 100', 'invalid_request_error', 'invalid_value', 'limit');
  const order = query.get('order') ?? 'desc';
  if (order !== 'asc' && order !== 'desc') throw new GatewayError(400, "order must be 'asc' or 'desc'", 'invalid_request_error', 'invalid_value', 'order');
  if (order === 'desc') items.reverse();
  const after = query.get('after');
  const before = query.get('before');
  let start = 0;
  let end = items.length;
  if (after) start = items.findIndex((item) => item['id'] === after) + 1;
  if (before) {
    const index = items.findIndex((item) => item['id'] === before);
    if (index !== -1) end = index;
  }
  const page = items.slice(start, end).slice(0, limit);
  sendJson(
    sink,
    200,
    { object: 'list', data: page, first_id: page[0]?.['id'] ?? null, last_id: page.at(-1)?.['id'] ?? null, has_more: start + page.length < end },
    context.corsHeaders,
  );
}

async function stored(context: RequestContext, inbound: InboundRequest): Promise<StoredResponse> {
  const id = inbound.params['id'] ?? '';
  savedNow(context.gateway.responses); // a response that ended a moment ago is written first (deferred-saves.ts)
  const found = await context.gateway.responses?.get(id, context.identity.name);
  if (!found) throw notFound(id);
  return found;
}

function notFound(id: string): GatewayError {
  return new GatewayError(404, `Response with id '${id}' not found.`, 'invalid_request_error', null, null);
}
