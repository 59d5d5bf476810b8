// Resolves the `routes` and `routing` sections: every target must name a configured provider, defaults fill
// what the file leaves out. LiteLLM's vocabulary (num_retries, fallbacks, context_window_fallbacks,
// allowed_fails, cooldown_time, default_fallbacks) means the same thing here.
import { defaultBackoff, defaultCircuit, splitModelName } from './defaults.js';
import type { BackoffSettings, CircuitSettings, Target } from './types.js';
import { resolveRouteCache, type PrivacyAction, type RouteCacheSettings } from './privacy.js';
import { resolveRouteLimits, type RouteLimits } from './limits.js';
import type { ConfigFile } from './schema.js';

export interface TimeoutSettings {
  readonly connectMs: number;
  /** request sent → first content event (a cold local model load can take minutes) */
  readonly firstTokenMs: number;
  /** between parsed stream events; keep-alive comments do not count */
  readonly idleMs: number;
  /** wall-clock cap on one attempt */
  readonly totalMs: number;
}

export const defaultLocalTimeouts: TimeoutSettings = { connectMs: 2_000, firstTokenMs: 300_000, idleMs: 120_000, totalMs: 900_000 };
export const defaultCloudTimeouts: TimeoutSettings = { connectMs: 5_000, firstTokenMs: 120_000, idleMs: 60_000, totalMs: 600_000 };

export interface WeightedTarget extends Target {
  readonly weight: number;
}

export type RoutePreference = 'order' | 'local' | 'cloud';

export interface RouteSettings {
  readonly name: string;
  /** the name has `*`: the route catches every model name that matches it (see wildcard-routes.ts) */
  readonly pattern: boolean;
  readonly description: string | undefined;
  /** tried in order; targets inside a tier share the load by weight */
  readonly tiers: readonly (readonly WeightedTarget[])[];
  readonly fallbacks: readonly Target[];
  readonly contextWindowFallbacks: readonly Target[];
  readonly prefer: RoutePreference;
  readonly numRetries: number | undefined;
  readonly timeouts: Partial<Omit<TimeoutSettings, 'connectMs'>>;
  /** the privacy guard's action on this route, when it sets one (else privacy.action) */
  readonly privacy?: PrivacyAction | undefined;
  /** the response cache, when this route turns it on */
  readonly cache?: RouteCacheSettings | undefined;
  /** the route's rate limits (limits.ts), when it sets any */
  readonly limits?: RouteLimits | undefined;
}

export interface RoutingSettings {
  readonly numRetries: number;
  readonly maxAttempts: number;
  readonly backoff: BackoffSettings;
  readonly circuit: CircuitSettings;
  readonly defaultFallbacks: readonly Target[];
  readonly offline: boolean;
  readonly autoOffline: boolean;
  readonly timeouts: { readonly local: TimeoutSettings; readonly cloud: TimeoutSettings };
  readonly recoveryCheckMs: number;
}

export function resolveRouting(file: ConfigFile, providerIds: ReadonlySet<string>, problems: string[]): { routes: RouteSettings[]; routing: RoutingSettings } {
  const target = (reference: string, field: string): Target | undefined => {
    const split = splitModelName(reference);
    if (split && providerIds.has(split.providerId)) return split;
    problems.push(`${field}: '${reference}' names no configured provider (providers: ${[...providerIds].join(', ') || 'none'})`);
    return undefined;
  };
  const targets = (references: readonly string[] | undefined, field: string): Target[] =>
    (references ?? []).flatMap((reference, index) => target(reference, `${field}[${index}]`) ?? []);

  const routes: RouteSettings[] = Object.entries(file.routes ?? {}).map(([name, route]) => ({
    name,
    pattern: name.includes('*'),
    description: route.description,
    tiers: route.targets.map((tier, tierIndex) =>
      (Array.isArray(tier) ? tier : [tier]).flatMap((entry, entryIndex) => {
        const reference = typeof entry === 'string' ? entry : entry.model;
        const field = Array.isArray(tier) ? `routes.${name}.targets[${tierIndex}][${entryIndex}]` : `routes.${name}.targets[${tierIndex}]`;
        const resolved = target(reference, field);
        return resolved ? [{ ...resolved, weight: typeof entry === 'string' ? 1 : (entry.weight ?? 1) }] : [];
      }),
    ),
    fallbacks: targets(route.fallbacks, `routes.${name}.fallbacks`),
    contextWindowFallbacks: targets(route.context_window_fallbacks, `routes.${name}.context_window_fallbacks`),
    prefer: route.prefer ?? 'order',
    numRetries: route.num_retries,
    timeouts: {
      ...(route.timeouts?.first_token_ms !== undefined ? { firstTokenMs: route.timeouts.first_token_ms } : {}),
      ...(route.timeouts?.idle_ms !== undefined ? { idleMs: route.timeouts.idle_ms } : {}),
      ...(route.timeouts?.total_ms !== undefined ? { totalMs: route.timeouts.total_ms } : {}),
    },
    privacy: route.privacy?.action,
    cache: resolveRouteCache(route.cache, file),
    limits: resolveRouteLimits(route.limits),
  }));

  for (const route of routes) {
    const starred = [...route.tiers.flat(), ...route.fallbacks, ...route.contextWindowFallbacks].filter((entry) => entry.model.includes('*'));
    const stars = route.name.split('*').length - 1;
    if (starred.length > 0 && stars !== 1) {
      problems.push(
        `routes.${route.name}: a target with "*" takes the part of the model name the route's own "*" matched, so only a route whose name has exactly one "*" may have one ('${starred[0]?.providerId}/${starred[0]?.model}')`,
      );
    }
  }

  const input = file.routing ?? {};
  const timeouts = (base: TimeoutSettings, given: NonNullable<NonNullable<typeof input.timeouts>['local']> | undefined): TimeoutSettings => ({
    connectMs: given?.connect_ms ?? base.connectMs,
    firstTokenMs: given?.first_token_ms ?? base.firstTokenMs,
    idleMs: given?.idle_ms ?? base.idleMs,
    totalMs: given?.total_ms ?? base.totalMs,
  });
  const routing: RoutingSettings = {
    numRetries: input.num_retries ?? 1,
    maxAttempts: input.max_attempts ?? 4,
    backoff: {
      initialMs: input.backoff_initial_ms ?? defaultBackoff.initialMs,
      maxMs: input.backoff_max_ms ?? defaultBackoff.maxMs,
      retryAfterCapMs: input.retry_after_cap_ms ?? defaultBackoff.retryAfterCapMs,
    },
    circuit: {
      ...defaultCircuit,
      allowedFails: input.allowed_fails ?? defaultCircuit.allowedFails,
      cooldownMs: input.cooldown_time !== undefined ? input.cooldown_time * 1000 : defaultCircuit.cooldownMs,
    },
    defaultFallbacks: targets(input.default_fallbacks, 'routing.default_fallbacks'),
    offline: input.offline ?? false,
    autoOffline: input.auto_offline ?? true,
    timeouts: { local: timeouts(defaultLocalTimeouts, input.timeouts?.local), cloud: timeouts(defaultCloudTimeouts, input.timeouts?.cloud) },
    recoveryCheckMs: input.recovery_check_ms ?? 15_000,
  };
  return { routes, routing };
}
