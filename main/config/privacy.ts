// Resolves the `privacy` and `response_cache` sections and the per-route `privacy`/`cache` keys. The privacy guard
// is on by default with the secret detectors and the `warn` action (a header and the ledger, nothing withheld);
// the response cache is off unless a route turns it on.
import { isBuiltInDetector, personalDetectorNames, secretDetectorNames, userPatternProblem } from './detector-names.js';
import type { ConfigFile } from './schema.js';

export type PrivacyAction = 'off' | 'warn' | 'redact' | 'local-only' | 'block';

/** From the mildest to the strictest; where a route and a client token both set one, the stricter applies. */
export const privacyActions: readonly PrivacyAction[] = ['off', 'warn', 'redact', 'local-only', 'block'];

export interface UserPattern {
  readonly name: string;
  readonly pattern: string;
}

export interface PrivacySettings {
  /** the action for routes that set none */
  readonly action: PrivacyAction;
  /** built-in detectors turned on ('secrets' and 'personal' name the groups) */
  readonly detectors: readonly string[];
  readonly patterns: readonly UserPattern[];
  /** globs over attached files' names, such as `.env` or `*.pem` (`**` crosses folders) */
  readonly pathGlobs: readonly string[];
  /** per client token name: an action that applies on top of the route's (the stricter wins) */
  readonly clients: Readonly<Record<string, PrivacyAction>>;
}

export interface RouteCacheSettings {
  readonly enabled: boolean;
  readonly ttlSeconds: number;
  /** also cache answers to requests that sample (temperature > 0 or unset) */
  readonly sampled: boolean;
}

export interface ResponseCacheSettings {
  /** the cache's size cap in bytes; past it the least recently used answers go */
  readonly maxBytes: number;
  /** the TTL of routes that set none */
  readonly ttlSeconds: number;
}

export const defaultPrivacy: PrivacySettings = { action: 'warn', detectors: ['secrets'], patterns: [], pathGlobs: [], clients: {} };
export const defaultResponseCache: ResponseCacheSettings = { maxBytes: 256 * 1024 * 1024, ttlSeconds: 3_600 };

export function resolvePrivacy(file: ConfigFile, problems: string[]): PrivacySettings {
  const input = file.privacy;
  if (!input) return defaultPrivacy;
  (input.detectors ?? []).forEach((name, index) => {
    if (!isDetectorName(name))
      problems.push(
        `privacy.detectors[${index}]: '${name}' is not a detector (${['secrets', 'personal', ...secretDetectorNames, ...personalDetectorNames].join(', ')})`,
      );
  });
  (input.patterns ?? []).forEach((pattern, index) => {
    const problem = userPatternProblem(pattern.pattern);
    if (problem) problems.push(`privacy.patterns[${index}].pattern: ${problem}`);
  });
  return {
    action: input.action ?? defaultPrivacy.action,
    detectors: input.detectors ?? defaultPrivacy.detectors,
    patterns: (input.patterns ?? []).map((pattern) => ({ name: pattern.name, pattern: pattern.pattern })),
    pathGlobs: input.path_globs ?? [],
    clients: Object.fromEntries(Object.entries(input.clients ?? {}).map(([name, client]) => [name, client.action])),
  };
}

export function resolveResponseCache(file: ConfigFile): ResponseCacheSettings {
  const input = file.response_cache;
  return { maxBytes: input?.max_bytes ?? defaultResponseCache.maxBytes, ttlSeconds: input?.ttl_seconds ?? defaultResponseCache.ttlSeconds };
}

export function resolveRouteCache(
  input: { readonly enabled?: boolean | undefined; readonly ttl_seconds?: number | undefined; readonly sampled?: boolean | undefined } | undefined,
  file: ConfigFile,
): RouteCacheSettings | undefined {
  if (!input || input.enabled === false) return undefined;
  return { enabled: true, ttlSeconds: input.ttl_seconds ?? resolveResponseCache(file).ttlSeconds, sampled: input.sampled ?? false };
}

function isDetectorName(name: string): boolean {
  return name === 'secrets' || name === 'personal' || isBuiltInDetector(name);
}
