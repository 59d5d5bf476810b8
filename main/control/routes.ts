// routes.*: route aliases as the UI shows them (targets with tier, weight, locality, health, context window and
// price) and save / delete as edits of the config file's `routes` section, applied live.
import { isMap } from 'yaml';
import type { CallResponse, RouteDto } from '../../shared/control/contract.js';
import type { RouteSettings } from '../config/routing.js';
import type { ControlContext, ServiceRequest } from './context.js';
import { ensureMap } from './config-editor.js';
import { notFound } from './errors.js';
import { perMillion } from './prices.js';
import { routeLimitsDto, writeRouteLimits } from './limits-settings.js';

type RouteInput = ServiceRequest<'routes.save'>;

export function listRoutes(context: ControlContext): RouteDto[] {
  return context.gateway.config.routes.map((route) => routeDto(context, route));
}

/** Creates or replaces a route. Keys the contract does not cover (timeouts, context-window fallbacks) are kept; `limits` only when sent. */
export async function saveRoute(context: ControlContext, input: RouteInput): Promise<RouteDto> {
  await context.editor.edit((document) => {
    const routes = ensureMap(document, ['routes']);
    const existing = routes.get(input.name, true);
    const route = isMap(existing) ? existing : ensureMap(document, ['routes', input.name]);
    const set = (key: string, value: unknown): void => route.set(key, document.createNode(value));
    const remove = (key: string): void => void route.delete(key);
    if (input.description !== undefined) set('description', input.description);
    else remove('description');
    set('targets', targetTiers(input.targets));
    if (input.fallbacks.length > 0) set('fallbacks', input.fallbacks);
    else remove('fallbacks');
    if (input.prefer !== 'order') set('prefer', input.prefer);
    else remove('prefer');
    if (input.numRetries !== undefined) set('num_retries', input.numRetries);
    else remove('num_retries');
    if (input.limits !== undefined) writeRouteLimits(document, route, input.limits);
  });
  const saved = context.gateway.config.routes.find((route) => route.name === input.name);
  if (!saved) throw notFound(`route '${input.name}' did not take effect`, 'name');
  return routeDto(context, saved);
}

export async function deleteRoute(context: ControlContext, name: string): Promise<CallResponse<'routes.delete'>> {
  await context.editor.edit((document) => {
    const routes = document.get('routes', true);
    if (!isMap(routes) || !routes.has(name)) throw notFound(`the config file has no route '${name}'`, 'name');
    routes.delete(name);
  });
  return { deleted: true };
}

/**
 * The file's shape for targets: one entry per tier in tier order; a tier of one target is that target, several
 * targets are a list sharing the load; a weight other than 1 is written out.
 */
function targetTiers(targets: RouteInput['targets']): unknown[] {
  const written = (target: RouteInput['targets'][number]): unknown => (target.weight === 1 ? target.model : { model: target.model, weight: target.weight });
  const tiers = [...new Set(targets.map((target) => target.tier))].sort((left, right) => left - right);
  return tiers.map((tier) => {
    const members = targets.filter((target) => target.tier === tier);
    return members.length === 1 && members[0] ? written(members[0]) : members.map(written);
  });
}

function routeDto(context: ControlContext, route: RouteSettings): RouteDto {
  const status = context.gateway.status();
  const reachable = new Map(status.providers.map((provider) => [provider.id, provider.reachable]));
  const cooling = new Set(status.cooldowns.filter((circuit) => circuit.phase === 'open').map((circuit) => circuit.target));
  const locality = new Map(context.gateway.config.providers.map((provider) => [provider.id, provider.locality]));
  const catalog = context.prices();
  return {
    name: route.name,
    description: route.description ?? null,
    targets: route.tiers.flatMap((tier, index) =>
      tier.map((target) => {
        const model = `${target.providerId}/${target.model}`;
        const price = catalog.lookup(target.providerId, target.model);
        const up = reachable.get(target.providerId);
        return {
          model,
          weight: target.weight,
          tier: index,
          locality: locality.get(target.providerId) ?? 'cloud',
          health: cooling.has(model) ? 'cooling' : up === undefined ? 'unknown' : up ? 'up' : 'down',
          contextWindow: price?.contextWindow ?? null,
          priceInputPerMillion: price ? perMillion(price.price.input) : null,
          priceOutputPerMillion: price ? perMillion(price.price.output) : null,
        } as const;
      }),
    ),
    fallbacks: route.fallbacks.map((target) => `${target.providerId}/${target.model}`),
    prefer: route.prefer,
    numRetries: route.numRetries ?? null,
    limits: routeLimitsDto(route.limits),
  };
}
