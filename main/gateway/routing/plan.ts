// Turns the `model` a client asked for into the ordered list of candidate targets: a route alias (or the most
// specific wildcard route that matches) expands to its
// tiers (weighted shuffle inside a tier) and fallbacks; `provider/model` names one target; a bare model name is
// looked up in the providers' model lists and must be unambiguous. Per-request fallbacks (`models`, as on
// OpenRouter) and the configured default fallbacks follow. Pure: the random source and lookups are injected.
import type { RouteSettings, WeightedTarget } from '../../config/routing.js';
import { matchPattern, type PatternRoute } from './wildcard-routes.js';
import { append } from '../../../shared/append.js';
import type { Locality, Target } from '../../config/types.js';
import { splitModelName } from '../../config/defaults.js';

export type CandidateOrigin = 'route' | 'direct' | 'fallback' | 'request-fallback' | 'default-fallback';

export interface Candidate extends Target {
  readonly locality: Locality;
  readonly origin: CandidateOrigin;
}

export interface PlanContext {
  readonly providers: ReadonlyMap<string, Locality>;
  readonly routes: ReadonlyMap<string, RouteSettings>;
  /** routes whose name has `*`, most specific first (wildcard-routes.ts); tried after an exact route name */
  readonly patterns?: readonly PatternRoute[];
  readonly defaultFallbacks: readonly Target[];
  /** provider ids whose model list contains this exact model name */
  readonly ownersOf: (model: string) => readonly string[];
  readonly random: () => number;
}

export type PlanResult =
  | { readonly ok: true; readonly route: RouteSettings | undefined; readonly candidates: readonly Candidate[]; readonly contextFallbacks: readonly Candidate[] }
  | { readonly ok: false; readonly status: 400 | 404; readonly code: string; readonly message: string };

type Expansion =
  | { readonly ok: true; readonly route: RouteSettings | undefined; readonly targets: readonly (Target & { origin: CandidateOrigin })[] }
  | Extract<PlanResult, { ok: false }>;

export function planRequest(model: string, requestFallbacks: readonly string[] | undefined, context: PlanContext): PlanResult {
  const primary = expand(model, context, 'direct');
  if (!primary.ok) return primary;
  const targets = [...primary.targets];
  for (const name of requestFallbacks ?? []) {
    const expansion = expand(name, context, 'request-fallback');
    if (!expansion.ok) return { ...expansion, message: `models: ${expansion.message}` };
    append(
      targets,
      expansion.targets.map((target) => ({ ...target, origin: 'request-fallback' as const })),
    );
  }
  for (const target of context.defaultFallbacks) targets.push({ ...target, origin: 'default-fallback' });
  const candidates = dedupe(targets.map((target) => withLocality(target, context)));
  const contextWindowFallbacks = primary.route?.contextWindowFallbacks ?? [];
  const contextFallbacks =
    contextWindowFallbacks.length === 0 ? [] : dedupe(contextWindowFallbacks.map((target) => withLocality({ ...target, origin: 'fallback' }, context)));
  return { ok: true, route: primary.route, candidates, contextFallbacks };
}

function expand(name: string, context: PlanContext, origin: CandidateOrigin): Expansion {
  const route = context.routes.get(name) ?? (context.patterns && context.patterns.length > 0 ? matchPattern(context.patterns, name) : undefined);
  if (route) {
    const tiers = route.tiers.flatMap((tier) => weightedOrder(tier, context.random));
    const targets = [
      ...tiers.map((target) => ({ providerId: target.providerId, model: target.model, origin: 'route' as const })),
      ...route.fallbacks.map((target) => ({ ...target, origin: 'fallback' as const })),
    ];
    return { ok: true, route, targets };
  }
  const split = splitModelName(name);
  if (split && context.providers.has(split.providerId)) return { ok: true, route: undefined, targets: [{ ...split, origin }] };
  const owners = context.ownersOf(name);
  if (owners.length === 1) return { ok: true, route: undefined, targets: [{ providerId: owners[0] as string, model: name, origin }] };
  if (owners.length > 1) {
    return {
      ok: false,
      status: 400,
      code: 'ambiguous_model',
      message: `model '${name}' is offered by several providers; name one: ${owners.map((owner) => `${owner}/${name}`).join(', ')}`,
    };
  }
  const routeNames = [...context.routes.keys()];
  return {
    ok: false,
    status: 404,
    code: 'model_not_found',
    message: `model '${name}' is not known to Switchyard. Use a route (${routeNames.join(', ') || 'none configured'}) or 'provider/model' (providers: ${[...context.providers.keys()].join(', ') || 'none configured'}); GET /v1/models lists every model.`,
  };
}

/** Efraimidis–Spirakis: order a tier so that each target comes first with probability proportional to its weight. */
export function weightedOrder(tier: readonly WeightedTarget[], random: () => number): WeightedTarget[] {
  if (tier.length <= 1) return [...tier];
  return tier
    .map((target) => ({ target, key: Math.pow(random() || Number.MIN_VALUE, 1 / target.weight) }))
    .sort((left, right) => right.key - left.key)
    .map((entry) => entry.target);
}

function withLocality(target: Target & { origin: CandidateOrigin }, context: PlanContext): Candidate {
  return { providerId: target.providerId, model: target.model, origin: target.origin, locality: context.providers.get(target.providerId) ?? 'cloud' };
}

function dedupe(candidates: Candidate[]): Candidate[] {
  if (candidates.length < 2) return candidates;
  const seen = new Set<string>();
  return candidates.filter((candidate) => {
    const key = `${candidate.providerId}/${candidate.model}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
