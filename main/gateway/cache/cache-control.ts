// What a client may ask of the response cache: `Cache-Control: no-cache` (do not answer from the cache), `no-store`
// (do not keep this answer), and LiteLLM's body object `"cache": {"no-cache": true, "no-store": true, "ttl": 600}`.
// The body object is Switchyard's to consume: it is taken out before the request goes upstream.
import type { IncomingHttpHeaders } from 'node:http';

export interface CacheDirectives {
  readonly noCache: boolean;
  readonly noStore: boolean;
  /** seconds this answer is kept, instead of the route's TTL */
  readonly ttlSeconds: number | undefined;
}

const none: CacheDirectives = { noCache: false, noStore: false, ttlSeconds: undefined };

/** The longest TTL a request may ask for (a year), whatever it sends. */
const maxTtlSeconds = 365 * 86_400;

export function cacheDirectives(headers: IncomingHttpHeaders, bodyCache: unknown): CacheDirectives {
  const header = headers['cache-control'];
  let noCache = false;
  let noStore = false;
  let ttlSeconds: number | undefined;
  if (typeof header === 'string' && header.length > 0) {
    for (const directive of header.toLowerCase().split(',')) {
      const name = directive.trim().split('=')[0];
      if (name === 'no-cache') noCache = true;
      else if (name === 'no-store') noStore = true;
    }
  }
  if (typeof bodyCache === 'object' && bodyCache !== null && !Array.isArray(bodyCache)) {
    const record = bodyCache as Record<string, unknown>;
    if (record['no-cache'] === true) noCache = true;
    if (record['no-store'] === true) noStore = true;
    const ttl = record['ttl'];
    if (typeof ttl === 'number' && Number.isFinite(ttl) && ttl > 0) ttlSeconds = Math.min(Math.round(ttl), maxTtlSeconds);
  }
  if (!noCache && !noStore && ttlSeconds === undefined) return none;
  return { noCache, noStore, ttlSeconds };
}

/** The body's `cache` object, when it has one. */
export function bodyCacheObject(body: Readonly<Record<string, unknown>> | undefined): unknown {
  return body !== undefined && Object.hasOwn(body, 'cache') ? body['cache'] : undefined;
}

/** The body without its `cache` key. */
export function withoutCacheKey<T extends object>(body: T): T {
  if (!Object.hasOwn(body, 'cache')) return body;
  const { cache: _cache, ...rest } = body as T & { cache?: unknown };
  return rest as T;
}
