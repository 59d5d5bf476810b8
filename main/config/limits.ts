// Resolves the rate limits (`limits` per client token, `routes.<name>.limits` per route) and `telemetry` (the
// Prometheus endpoint and the optional OTLP export). A limit left out is no limit; an empty section costs nothing per
// request (the gateway skips the limiter when no limit applies).
import type { ConfigFile, RateLimitsInput, RouteLimitsInput } from './schema.js';

export interface RateLimits {
  readonly requestsPerMinute?: number;
  /** input (estimated before the call) plus max_tokens, reconciled with the real usage after it */
  readonly tokensPerMinute?: number;
  /** requests of this scope being answered at once */
  readonly concurrent?: number;
}

/** Over a route's limit a request may wait here instead of getting a 429 at once. */
export interface LimitQueueSettings {
  readonly maxWaitMs: number;
  readonly maxLength: number;
}

export interface RouteLimits extends RateLimits {
  readonly queue?: LimitQueueSettings;
}

export interface ClientLimitSettings {
  /** per client token name */
  readonly clients: Readonly<Record<string, RateLimits>>;
  /** for every client token not named in `clients` */
  readonly everyClient: RateLimits | undefined;
}

export interface TelemetrySettings {
  /** GET /metrics (admin credential or loopback only) */
  readonly prometheus: boolean;
  /** OTLP/HTTP trace and metric export; undefined when off (the SDK is then never loaded) */
  readonly otlp: OtlpSettings | undefined;
}

export interface OtlpSettings {
  /** the collector's base URL; traces go to <endpoint>/v1/traces, metrics to <endpoint>/v1/metrics */
  readonly endpoint: string;
  readonly serviceName: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly traces: boolean;
  readonly metrics: boolean;
  /** how often the metrics are exported */
  readonly metricsIntervalMs: number;
}

export const defaultMetricsIntervalMs = 60_000;

export const defaultQueue: LimitQueueSettings = { maxWaitMs: 10_000, maxLength: 64 };

export function rateLimits(input: RateLimitsInput | undefined): RateLimits | undefined {
  if (!input) return undefined;
  const limits: RateLimits = {
    ...(input.requests_per_minute !== undefined ? { requestsPerMinute: input.requests_per_minute } : {}),
    ...(input.tokens_per_minute !== undefined ? { tokensPerMinute: input.tokens_per_minute } : {}),
    ...(input.concurrent !== undefined ? { concurrent: input.concurrent } : {}),
  };
  return Object.keys(limits).length > 0 ? limits : undefined;
}

export function resolveRouteLimits(input: RouteLimitsInput | undefined): RouteLimits | undefined {
  const limits = rateLimits(input);
  if (!limits) return undefined;
  const queue = input?.queue;
  if (!queue || queue.enabled === false) return limits;
  return { ...limits, queue: { maxWaitMs: queue.max_wait_ms ?? defaultQueue.maxWaitMs, maxLength: queue.max_length ?? defaultQueue.maxLength } };
}

export function resolveClientLimits(file: ConfigFile): ClientLimitSettings {
  const input = file.limits ?? {};
  const clients: Record<string, RateLimits> = {};
  for (const [name, limits] of Object.entries(input.clients ?? {})) {
    const resolved = rateLimits(limits);
    if (resolved) clients[name] = resolved;
  }
  return { clients, everyClient: rateLimits(input.every_client) };
}

export function resolveTelemetry(file: ConfigFile): TelemetrySettings {
  const input = file.telemetry ?? {};
  const otlp = input.otlp;
  return {
    prometheus: input.prometheus ?? true,
    otlp:
      otlp && otlp.enabled !== false
        ? {
            endpoint: (otlp.endpoint ?? 'http://127.0.0.1:4318').replace(/\/+$/, ''),
            serviceName: otlp.service_name ?? 'switchyard',
            headers: otlp.headers ?? {},
            traces: otlp.traces ?? true,
            metrics: otlp.metrics ?? true,
            metricsIntervalMs: otlp.metrics_interval_ms ?? defaultMetricsIntervalMs,
          }
        : undefined,
  };
}
