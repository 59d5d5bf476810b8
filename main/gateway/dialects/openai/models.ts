// GET /v1/models and GET /v1/models/{id} in OpenAI's list shape (HEAD too): every route alias first — with the
// context window and capabilities Switchyard knows of its targets, the smallest window and the capabilities all of
// them share, since any of them may answer — then every provider's models as `provider/model`. Wildcard routes are
// patterns, not models, and are not listed.
import type { RouteSettings } from '../../../config/routing.js';
import type { AnswerSink, InboundRequest } from '../../http/answer-sink.js';
import type { GatewayState, RequestContext } from '../../http/context.js';
import { GatewayError, sendJson } from '../../http/errors.js';
import type { CatalogEntry } from '../../routing/model-catalog.js';

export interface RouteEntry {
  readonly id: string;
  readonly object: 'model';
  readonly created: number;
  readonly owned_by: 'switchyard';
  /** the targets a request to this alias may go to, in order */
  readonly targets: readonly string[];
  readonly description?: string;
  readonly context_window?: number;
  readonly capabilities?: readonly string[];
}

export async function handleListModels(context: RequestContext, inbound: InboundRequest, sink: AnswerSink): Promise<void> {
  // the providers' lists first: a route's context window comes from them
  const models = await context.gateway.catalog.list();
  const data = [...routeEntries(context.gateway), ...models];
  answer(context, inbound, sink, { object: 'list', data });
}

export async function handleRetrieveModel(context: RequestContext, inbound: InboundRequest, sink: AnswerSink): Promise<void> {
  const id = inbound.params['id'] ?? '';
  const models = await context.gateway.catalog.list();
  const found: RouteEntry | CatalogEntry | undefined =
    routeEntries(context.gateway).find((entry) => entry.id === id) ?? models.find((entry) => entry.id === id);
  if (!found) throw new GatewayError(404, `model '${id}' is not in the model list (GET /v1/models)`, 'invalid_request_error', 'model_not_found', 'model');
  answer(context, inbound, sink, found);
}

/** The config's route aliases as model entries, with what is known of their targets (nothing is fetched for it). */
export function routeEntries(state: GatewayState): RouteEntry[] {
  return state.config.routes.filter((route) => !route.pattern).map((route) => routeEntry(state, route));
}

function routeEntry(state: GatewayState, route: RouteSettings): RouteEntry {
  const targets = [...route.tiers.flat(), ...route.fallbacks];
  const details = targets.map((target) => state.routing.details.get(target) ?? state.catalog.details(target));
  const windows = details.map((detail) => detail?.contextWindow);
  const contextWindow =
    windows.length > 0 && windows.every((window) => window !== undefined)
      ? (windows as number[]).reduce((smallest, window) => (window < smallest ? window : smallest))
      : undefined;
  const capabilityLists = details.map((detail) => detail?.capabilities);
  const capabilities =
    capabilityLists.every((list) => list !== undefined && list.length > 0) && capabilityLists.length > 0
      ? (capabilityLists as string[][]).reduce((shared, list) => shared.filter((capability) => list.includes(capability)))
      : undefined;
  return {
    id: route.name,
    object: 'model',
    created: 0,
    owned_by: 'switchyard',
    targets: targets.map((target) => `${target.providerId}/${target.model}`),
    ...(route.description ? { description: route.description } : {}),
    ...(contextWindow !== undefined ? { context_window: contextWindow } : {}),
    ...(capabilities ? { capabilities } : {}),
  };
}

function answer(context: RequestContext, inbound: InboundRequest, sink: AnswerSink, body: unknown): void {
  if (inbound.method !== 'HEAD') {
    sendJson(sink, 200, body, context.corsHeaders);
    return;
  }
  sink.writeHead(200, { ...context.corsHeaders, 'content-type': 'application/json' });
  sink.end();
}
