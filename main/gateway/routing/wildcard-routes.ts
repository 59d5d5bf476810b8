// Routes whose name has `*` catch a family of model names: `claude-haiku-*` (Claude Code's dated background model),
// `gpt-5*`, `anthropic/*`. An exact route name wins; among patterns the most specific one does (the most literal
// characters, then the fewest stars, then the config's order). A target written with `*` gets the part of the name
// the pattern's one `*` matched, so `anthropic/*` → `openrouter/anthropic/*` keeps the model a client asked for.
import type { RouteSettings } from '../../config/routing.js';
import type { Target } from '../../config/types.js';

export interface PatternRoute {
  readonly route: RouteSettings;
  readonly expression: RegExp;
}

/** The config's pattern routes, most specific first. */
export function patternRoutes(routes: readonly RouteSettings[]): PatternRoute[] {
  const literal = (name: string): number => name.replaceAll('*', '').length;
  const stars = (name: string): number => name.length - literal(name);
  return routes
    .filter((route) => route.pattern)
    .map((route, order) => ({ route, order, expression: new RegExp(`^${route.name.split('*').map(escape).join('(.*)')}$`, 's') }))
    .sort((left, right) => literal(right.route.name) - literal(left.route.name) || stars(left.route.name) - stars(right.route.name) || left.order - right.order)
    .map(({ route, expression }) => ({ route, expression }));
}

/** The pattern route a model name falls under, with its targets' `*` filled in; undefined when none matches. */
export function matchPattern(patterns: readonly PatternRoute[], model: string): RouteSettings | undefined {
  for (const { route, expression } of patterns) {
    const match = expression.exec(model);
    if (!match) continue;
    const caught = match[1] ?? '';
    const fill = <T extends Target>(target: T): T => (target.model.includes('*') ? { ...target, model: target.model.replaceAll('*', caught) } : target);
    return {
      ...route,
      tiers: route.tiers.map((tier) => tier.map(fill)),
      fallbacks: route.fallbacks.map(fill),
      contextWindowFallbacks: route.contextWindowFallbacks.map(fill),
    };
  }
  return undefined;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
