// GET /v1beta/models and GET /v1beta/models/{model}: the routes and every provider's models (as `provider/model`),
// as Gemini model resources (`models/<name>`), paged the way Google pages them (pageSize, pageToken).
import type { AnswerSink, InboundRequest } from '../../http/answer-sink.js';
import type { RequestContext } from '../../http/context.js';
import { GatewayError, sendJson } from '../../http/errors.js';
import { resourceName } from './model-action.js';

interface ModelResource {
  name: string;
  displayName: string;
  description?: string;
  inputTokenLimit?: number;
  supportedGenerationMethods: string[];
}

const methods = ['generateContent', 'streamGenerateContent', 'countTokens', 'embedContent', 'batchEmbedContents'];
const defaultPageSize = 50;
const maxPageSize = 1000;

async function resources(context: RequestContext): Promise<ModelResource[]> {
  const routes = context.gateway.config.routes
    .filter((route) => !route.pattern)
    .map((route): ModelResource => ({
      name: resourceName(route.name),
      displayName: route.name,
      ...(route.description ? { description: route.description } : {}),
      supportedGenerationMethods: methods,
    }));
  const models = (await context.gateway.catalog.list()).map((entry): ModelResource => ({
    name: resourceName(entry.id),
    displayName: entry.id,
    ...(entry.context_window !== undefined ? { inputTokenLimit: entry.context_window } : {}),
    supportedGenerationMethods: methods,
  }));
  return [...routes, ...models];
}

export async function handleListModels(context: RequestContext, inbound: InboundRequest, sink: AnswerSink): Promise<void> {
  const all = await resources(context);
  const asked = Number(inbound.query.get('pageSize') ?? defaultPageSize);
  const size = Number.isInteger(asked) && asked > 0 ? Math.min(asked, maxPageSize) : defaultPageSize;
  const token = inbound.query.get('pageToken');
  const start = token
    ? Number(
        Buffer.from(token, 'base64url')
          .toString('utf8')
          .replace(/^offset:/, ''),
      )
    : 0;
  if (!Number.isInteger(start) || start < 0)
    throw new GatewayError(400, 'pageToken is not one this server gave', 'invalid_request_error', 'invalid_value', 'pageToken');
  const next = start + size < all.length ? Buffer.from(`offset:${start + size}`).toString('base64url') : undefined;
  sendJson(sink, 200, { models: all.slice(start, start + size), ...(next ? { nextPageToken: next } : {}) }, context.corsHeaders);
}

export async function handleGetModel(context: RequestContext, sink: AnswerSink, model: string): Promise<void> {
  const name = resourceName(model);
  const found = (await resources(context)).find((resource) => resource.name === name);
  if (!found) throw new GatewayError(404, `model '${model}' is not in the model list (GET /v1beta/models)`, 'not_found_error', 'model_not_found', 'model');
  sendJson(sink, 200, found, context.corsHeaders);
}
