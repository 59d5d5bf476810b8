// The config file's schema. Objects are strict so a misspelt key is an error naming it, not a silent default.
import { z } from 'zod';
import { routeNamePattern, routeNameRule } from '../../shared/route-name.js';
import { presetIds } from './presets.js';

export const defaultPort = 5454;

const httpUrl = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && !url.username && !url.password;
  } catch {
    return false;
  }
}, 'must be an http(s) URL without credentials');

const origin = z.string().refine((value) => {
  try {
    return new URL(value).origin === value;
  } catch {
    return false;
  }
}, 'must be an origin such as http://localhost:3000 (scheme, host and port only)');

export const providerConfigSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, 'must be lowercase letters, digits, ".", "_" or "-" (it prefixes model names)'),
  type: z.enum(['openai-compatible', 'ollama', 'anthropic', 'gemini']).optional(),
  preset: z.enum(presetIds as [string, ...string[]]).optional(),
  base_url: httpUrl.optional(),
  api_key_env: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name')
    .optional(),
  headers: z.record(z.string(), z.string()).optional(),
  locality: z.enum(['local', 'cloud']).optional(),
  models: z.array(z.string().min(1)).optional(),
  enabled: z.boolean().optional(),
  /** the server serves OpenAI's Responses API (/responses) itself: Responses requests are forwarded as written */
  responses_api: z.boolean().optional(),
});
export type ProviderConfigInput = z.infer<typeof providerConfigSchema>;

export const serverConfigSchema = z.strictObject({
  host: z.string().min(1).optional(),
  port: z.number().int().min(0).max(65535).optional(),
  max_body_bytes: z
    .number()
    .int()
    .min(1024)
    .max(1024 * 1024 * 1024)
    .optional(),
  max_in_flight: z.number().int().min(1).max(100_000).optional(),
  allowed_origins: z.array(origin).optional(),
  allowed_hosts: z.array(z.string().min(1)).optional(),
  shutdown_grace_ms: z.number().int().min(0).max(600_000).optional(),
  /** one access-log line per request on stdout: method, path, status, client, model, duration */
  log_requests: z.boolean().optional(),
  /** a request body that sends no byte for this long is answered 408 */
  body_idle_timeout_ms: z.number().int().min(100).max(600_000).optional(),
  /** request bodies one client may be sending at once (they do not count towards max_in_flight) */
  max_uploads_per_client: z.number().int().min(1).max(100_000).optional(),
});

const modelRef = z.string().regex(/^[^/\s]+\/\S+$/, "must be 'provider/model'");
const milliseconds = z
  .number()
  .int()
  .min(1)
  .max(24 * 3_600_000);

export const timeoutsSchema = z.strictObject({
  connect_ms: milliseconds.optional(),
  first_token_ms: milliseconds.optional(),
  idle_ms: milliseconds.optional(),
  total_ms: milliseconds.optional(),
});

const privacyAction = z.enum(['off', 'warn', 'redact', 'local-only', 'block']);

/** The privacy guard (main/gateway/privacy): detectors run on every outbound request; the action says what then happens. */
export const privacyConfigSchema = z.strictObject({
  action: privacyAction.optional(),
  /** built-in detector names, or the groups `secrets` and `personal` (default: secrets) */
  detectors: z.array(z.string().min(1)).optional(),
  /** your own detectors: a name and a regular expression (no named groups or back-references) */
  patterns: z
    .array(
      z.strictObject({
        name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be lowercase letters, digits or "-"'),
        pattern: z.string().min(1).max(2_000),
      }),
    )
    .optional(),
  /** globs over the names of attached files (`.env`, `*.pem`, `**\/secrets/**`) */
  path_globs: z.array(z.string().min(1).max(500)).optional(),
  /** per client token name: an action on top of the route's (the stricter wins) */
  clients: z.record(z.string().min(1), z.strictObject({ action: privacyAction })).optional(),
});

export const responseCacheConfigSchema = z.strictObject({
  /** the cache's size cap; past it the least recently used answers are evicted */
  max_bytes: z
    .number()
    .int()
    .min(1_024)
    .max(64 * 1024 * 1024 * 1024)
    .optional(),
  /** the TTL of routes that set none */
  ttl_seconds: z
    .number()
    .int()
    .min(1)
    .max(365 * 86_400)
    .optional(),
});

/** Rate limits of one scope (a client token, a route); each left out is no limit. */
export const rateLimitsSchema = z.strictObject({
  requests_per_minute: z.number().int().min(1).max(10_000_000).optional(),
  /** estimated input plus max_tokens, reserved before the call and reconciled with the real usage after it */
  tokens_per_minute: z.number().int().min(1).max(10_000_000_000).optional(),
  concurrent: z.number().int().min(1).max(100_000).optional(),
});
export type RateLimitsInput = z.infer<typeof rateLimitsSchema>;

/** A route's limits, and whether a request over them waits in a short bounded queue instead of a 429. */
export const routeLimitsSchema = rateLimitsSchema.extend({
  queue: z
    .strictObject({
      enabled: z.boolean().optional(),
      max_wait_ms: z.number().int().min(1).max(120_000).optional(),
      max_length: z.number().int().min(1).max(10_000).optional(),
    })
    .optional(),
});
export type RouteLimitsInput = z.infer<typeof routeLimitsSchema>;

export const limitsConfigSchema = z.strictObject({
  /** per client token name */
  clients: z.record(z.string().min(1), rateLimitsSchema).optional(),
  /** for each client token not named in `clients` */
  every_client: rateLimitsSchema.optional(),
});

/** GET /metrics and the optional OTLP export (docs/rate-limits-and-metrics.md). */
export const telemetryConfigSchema = z.strictObject({
  prometheus: z.boolean().optional(),
  otlp: z
    .strictObject({
      enabled: z.boolean().optional(),
      endpoint: httpUrl.optional(),
      service_name: z.string().min(1).max(200).optional(),
      headers: z.record(z.string(), z.string()).optional(),
      /** spans to <endpoint>/v1/traces (default on) */
      traces: z.boolean().optional(),
      /** metrics to <endpoint>/v1/metrics every metrics_interval_ms (default on) */
      metrics: z.boolean().optional(),
      metrics_interval_ms: z.number().int().min(100).max(3_600_000).optional(),
    })
    .optional(),
});

/**
 * Shared state for several replicas of `switchyard serve` (issue 21): rate-limit counters, budgets' running totals
 * and circuit breakers in Redis (or Valkey). Absent: every counter lives in this process, as on the desktop.
 */
export const stateConfigSchema = z.strictObject({
  /** redis://[user:password@]host:port[/db] or rediss:// (TLS); SWITCHYARD_STATE_URL overrides it */
  url: z
    .string()
    .regex(/^rediss?:\/\/[^\s]+$/, 'must be a redis:// or rediss:// URL')
    .optional(),
  /** how many replicas share it, for the fallback limits (limit ÷ replicas) while Redis is down; default: counted */
  replicas: z.number().int().min(1).max(1_000).optional(),
  /** the keys' prefix and Redis Cluster hash tag (several gateways may share one Redis under different prefixes) */
  key_prefix: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (at most 64)')
    .optional(),
  /** a Redis command slower than this counts as Redis down: requests never wait on Redis longer */
  command_timeout_ms: z.number().int().min(10).max(10_000).optional(),
  /** Redis Cluster: `url` is one seed node (db 0); implied by startup_nodes */
  cluster: z.boolean().optional(),
  /** more Redis Cluster seed nodes besides `url` (LiteLLM's redis_startup_nodes), each redis:// or rediss:// */
  startup_nodes: z
    .array(z.string().regex(/^rediss?:\/\/[^\s]+$/, 'must be a redis:// or rediss:// URL'))
    .max(100)
    .optional(),
  /** rediss://: a PEM file of the CA(s) to trust instead of the system's (a private CA); an absolute path */
  tls_ca_file: z
    .string()
    .regex(/^(\/|[A-Za-z]:[\\/])/, 'must be an absolute path')
    .optional(),
});
export type StateConfigInput = z.infer<typeof stateConfigSchema>;

const weightedTarget = z.union([modelRef, z.strictObject({ model: modelRef, weight: z.number().positive().max(1_000_000).optional() })]);

export const routeConfigSchema = z.strictObject({
  description: z.string().optional(),
  /** ordered; an element that is a list is one tier whose targets share the load by weight */
  targets: z.array(z.union([weightedTarget, z.array(weightedTarget).min(1)])).min(1),
  /** tried after the targets, in order (LiteLLM's `fallbacks`) */
  fallbacks: z.array(modelRef).optional(),
  /** tried only when a target's context window is too small (LiteLLM's `context_window_fallbacks`) */
  context_window_fallbacks: z.array(modelRef).optional(),
  /** `local`: a local target first while local is up, cloud otherwise */
  prefer: z.enum(['order', 'local', 'cloud']).optional(),
  num_retries: z.number().int().min(0).max(10).optional(),
  timeouts: timeoutsSchema.omit({ connect_ms: true }).optional(),
  /** rate limits for this route; `queue` makes a request over them wait instead of a 429 */
  limits: routeLimitsSchema.optional(),
  /** the privacy guard's action for this route (docs/privacy-and-cache.md) */
  privacy: z.strictObject({ action: privacyAction }).optional(),
  /** the response cache for this route: off unless enabled */
  cache: z
    .strictObject({
      enabled: z.boolean().optional(),
      ttl_seconds: z
        .number()
        .int()
        .min(1)
        .max(365 * 86_400)
        .optional(),
      /** also cache requests that sample (temperature > 0 or unset) */
      sampled: z.boolean().optional(),
    })
    .optional(),
});
export type RouteConfigInput = z.infer<typeof routeConfigSchema>;

export const routingConfigSchema = z.strictObject({
  /** retries on the same target for retryable errors (LiteLLM's `num_retries`) */
  num_retries: z.number().int().min(0).max(10).optional(),
  /** upstream calls one client request may cause, all targets together */
  max_attempts: z.number().int().min(1).max(20).optional(),
  retry_after_cap_ms: z.number().int().min(0).max(600_000).optional(),
  backoff_initial_ms: z.number().int().min(1).max(60_000).optional(),
  backoff_max_ms: z.number().int().min(1).max(600_000).optional(),
  /** failures within a minute before a target is cooled down (LiteLLM's `allowed_fails`) */
  allowed_fails: z.number().int().min(1).max(1_000).optional(),
  /** seconds a failing target is left alone (LiteLLM's `cooldown_time`) */
  cooldown_time: z.number().min(0).max(86_400).optional(),
  /** tried after every request's own targets (LiteLLM's `default_fallbacks`) */
  default_fallbacks: z.array(modelRef).optional(),
  /** the user's offline switch: only local targets are used */
  offline: z.boolean().optional(),
  /** switch to local-only by itself when no cloud provider is reachable */
  auto_offline: z.boolean().optional(),
  timeouts: z.strictObject({ local: timeoutsSchema.optional(), cloud: timeoutsSchema.optional() }).optional(),
  /** how often providers known to be down are probed to notice they are back */
  recovery_check_ms: z.number().int().min(100).max(3_600_000).optional(),
});

const usdPerMillion = z.number().min(0).max(100_000);

export const ledgerConfigSchema = z.strictObject({
  /** team mode: requests, attempts and rollups in this PostgreSQL database instead of the SQLite file (SWITCHYARD_LEDGER_URL wins) */
  url: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, 'a postgres:// URL, e.g. postgres://switchyard@db.internal:5432/switchyard')
    .optional(),
  /** "saved by running locally" prices local tokens as if they had gone to this cloud model */
  reference_model: modelRef.optional(),
  /** fetch OpenRouter's public price list once a day when online (cached, used offline) */
  price_refresh: z.boolean().optional(),
  /** your own prices, USD per million tokens, keyed by provider/model */
  price_overrides: z
    .record(
      modelRef,
      z.strictObject({
        input: usdPerMillion,
        output: usdPerMillion,
        cache_read: usdPerMillion.optional(),
        cache_write: usdPerMillion.optional(),
        reasoning: usdPerMillion.optional(),
      }),
    )
    .optional(),
  /** request rows older than this many days are deleted (the rollups keep their totals); unset keeps every row */
  retention_days: z.number().int().min(1).max(36_500).optional(),
  /** opt-in: keep each request's body and answer (redacted, cut to max_bytes_per_request) for retention_days */
  capture: z
    .strictObject({
      enabled: z.boolean().optional(),
      retention_days: z.number().int().min(1).max(3_650).optional(),
      /** request and answer together */
      max_bytes_per_request: z
        .number()
        .int()
        .min(1_024)
        .max(16 * 1024 * 1024)
        .optional(),
    })
    .optional(),
  /** Responses API: keep responses sent with `store` (its default) for previous_response_id and GET /v1/responses */
  responses: z
    .strictObject({
      store: z.boolean().optional(),
      retention_days: z.number().int().min(1).max(3_650).optional(),
    })
    .optional(),
});

const budgetLimits = z.strictObject({ daily_usd: z.number().min(0).max(1_000_000).optional(), monthly_usd: z.number().min(0).max(10_000_000).optional() });

export const budgetsConfigSchema = budgetLimits.extend({
  /** at the limit: `block` answers 429 naming the budget; `downgrade-local` sends everything to local targets */
  action: z.enum(['block', 'downgrade-local']).optional(),
  /** share of a limit at which warnings start */
  warn_at: z.number().min(0.01).max(1).optional(),
  /** per client token name */
  clients: z.record(z.string().min(1), budgetLimits.extend({ action: z.enum(['block', 'downgrade-local']).optional() })).optional(),
});

/** The Ollama-compatible surface (/api/*): off unless turned on; `port` opens its own listener beside the main one. */
export const ollamaApiConfigSchema = z.strictObject({
  enabled: z.boolean().optional(),
  port: z.number().int().min(1).max(65535).optional(),
});

const routeName = z.string().regex(routeNamePattern, routeNameRule);

export const configFileSchema = z.strictObject({
  server: serverConfigSchema.optional(),
  providers: z.array(providerConfigSchema).optional(),
  routes: z.record(routeName, routeConfigSchema).optional(),
  routing: routingConfigSchema.optional(),
  ledger: ledgerConfigSchema.optional(),
  budgets: budgetsConfigSchema.optional(),
  ollama_api: ollamaApiConfigSchema.optional(),
  privacy: privacyConfigSchema.optional(),
  response_cache: responseCacheConfigSchema.optional(),
  limits: limitsConfigSchema.optional(),
  telemetry: telemetryConfigSchema.optional(),
  state: stateConfigSchema.optional(),
});
export type ConfigFile = z.infer<typeof configFileSchema>;
