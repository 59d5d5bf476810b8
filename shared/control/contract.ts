// The control contract: every management call the UI (and the CLI) can make, declared once with zod request and
// response schemas. main/control implements it; Electron IPC (preload: one function per call) and the headless
// HTTP transport (/_switchyard/api/<call>) carry it; the renderer's client is derived from it. Secrets travel
// in one direction only: a provider key or a new client token may go in (keys.set) or come out once (tokens.create).
import { z } from 'zod';
import { routeNamePattern, routeNameRule } from '../route-name.js';
import { isTimeZone } from '../time-zone.js';

const id = z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, 'lowercase letters, digits, ".", "_" or "-"');
const modelRef = z.string().regex(/^[^/\s]+\/\S+$/, "must be 'provider/model'");
const routeName = z.string().regex(routeNamePattern, routeNameRule);
const httpUrl = z
  .string()
  .url()
  .refine((value) => /^https?:\/\//.test(value), 'must be an http(s) URL');
const epochMs = z.number().int().min(0);
const empty = z.strictObject({});

export const timeRangeSchema = z.strictObject({ from: epochMs, to: epochMs }).refine((range) => range.to > range.from, 'to must be after from');
export type TimeRangeDto = z.infer<typeof timeRangeSchema>;

// ---------- status

export const providerHealthSchema = z.object({
  id: z.string(),
  type: z.string(),
  label: z.string(),
  baseUrl: z.string(),
  locality: z.enum(['local', 'cloud']),
  /** where the key comes from ("keychain (2 keys)", "env OPENAI_API_KEY", "missing", "none needed"); never the key */
  keySource: z.string(),
  reachable: z.boolean().nullable(),
  keyRejected: z.boolean(),
  lastError: z.string().nullable(),
});
export type ProviderHealthDto = z.infer<typeof providerHealthSchema>;

export const budgetLineSchema = z.object({ description: z.string(), state: z.enum(['ok', 'warning', 'exceeded']), fraction: z.number() });

export const statusSchema = z.object({
  url: z.string(),
  version: z.string(),
  configSource: z.string().nullable(),
  inFlight: z.number().int(),
  offline: z.string().nullable(),
  providers: z.array(providerHealthSchema),
  routes: z.array(z.object({ name: z.string(), targets: z.array(z.string()) })),
  cooldowns: z.array(z.object({ target: z.string(), phase: z.enum(['open', 'half-open', 'closed']), until: z.number().nullable() })),
  budgets: z.array(budgetLineSchema),
  today: z.object({ costUsd: z.number(), requests: z.number().int(), savedUsd: z.number() }),
  ledger: z.object({ queued: z.number().int(), written: z.number().int(), dropped: z.number().int(), lastError: z.string().nullable() }),
  /** team mode (state.url): limits, budget totals and circuits shared in Redis, or this replica's fallback while it is down */
  sharedState: z
    .object({ backend: z.enum(['redis', 'local_fallback']), replicas: z.number().int(), url: z.string(), detail: z.string() })
    .nullable()
    .optional(),
  /** team mode (ledger.url): client tokens shared in PostgreSQL; `stale` while it is unreachable (the last set read is in force) */
  clientTokens: z
    .object({ backend: z.literal('postgres'), state: z.enum(['live', 'stale']), active: z.number().int(), detail: z.string() })
    .nullable()
    .optional(),
});
export type StatusDto = z.infer<typeof statusSchema>;

// ---------- providers

export const presetSchema = z.object({
  id: z.string(),
  label: z.string(),
  type: z.string(),
  baseUrl: z.string(),
  locality: z.enum(['local', 'cloud']),
  keyEnv: z.string().nullable(),
});
export type PresetDto = z.infer<typeof presetSchema>;

export const providerSchema = providerHealthSchema.extend({
  preset: z.string().nullable(),
  apiKeyEnv: z.string().nullable(),
  /** the keys stored for it, masked: "…abcd" */
  maskedKeys: z.array(z.string()),
  models: z.array(z.string()),
});
export type ProviderDto = z.infer<typeof providerSchema>;

export const providerInputSchema = z.strictObject({
  id,
  preset: z.string().optional(),
  type: z.enum(['openai-compatible', 'ollama', 'anthropic', 'gemini']).optional(),
  baseUrl: httpUrl.optional(),
  locality: z.enum(['local', 'cloud']).optional(),
  apiKeyEnv: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
    .optional(),
  models: z.array(z.string().min(1)).optional(),
  /** optional key to store in the keychain right away; never echoed back */
  key: z.string().min(1).max(4096).optional(),
});
export type ProviderInput = z.infer<typeof providerInputSchema>;

export const modelCapabilities = ['tools', 'vision', 'reasoning', 'embedding'] as const;
export type ModelCapability = (typeof modelCapabilities)[number];
export const discoveredModelSchema = z.object({
  id: z.string(),
  contextWindow: z.number().int().nullable(),
  priceInputPerMillion: z.number().nullable(),
  priceOutputPerMillion: z.number().nullable(),
  /** what the model can do, where the provider or the price list says: tools, vision, reasoning, embedding */
  capabilities: z.array(z.enum(modelCapabilities)).default([]),
});

/** A local server found on its default port (providers.discover). */
export const discoveredServerSchema = z.object({
  preset: z.string(),
  label: z.string(),
  baseUrl: z.string(),
  /** the first 20 model ids it lists; modelCount is the total */
  models: z.array(z.string()),
  modelCount: z.number().int(),
  /** it answered, but lists its models only with its API key (Jan; LM Studio, vLLM or LocalAI when so set up) */
  keyRequired: z.boolean(),
  /** a configured provider points at it already */
  configured: z.boolean(),
});
export type DiscoveredServerDto = z.infer<typeof discoveredServerSchema>;

/** A cloud key in the environment (providers.environmentKeys): which preset and variable, never the value. */
export const environmentKeySchema = z.object({ preset: z.string(), label: z.string(), envVar: z.string(), inKeychain: z.boolean() });
export type EnvironmentKeyDto = z.infer<typeof environmentKeySchema>;

// ---------- rate limits (config `limits` per client token, `routes.<name>.limits` per route); null: no limit

const perMinute = z.number().int().min(1).max(10_000_000_000).nullable();
export const rateLimitsDtoSchema = z.strictObject({
  requestsPerMinute: perMinute,
  tokensPerMinute: perMinute,
  concurrent: z.number().int().min(1).max(100_000).nullable(),
});
export type RateLimitsDto = z.infer<typeof rateLimitsDtoSchema>;
/** a route's limits; `queue` (null: none) makes a request over them wait up to maxWaitMs instead of a 429 */
export const routeLimitsDtoSchema = rateLimitsDtoSchema.extend({
  queue: z.strictObject({ maxWaitMs: z.number().int().min(1).max(120_000), maxLength: z.number().int().min(1).max(10_000) }).nullable(),
});
export type RouteLimitsDto = z.infer<typeof routeLimitsDtoSchema>;
export const clientLimitsSchema = z.strictObject({ everyClient: rateLimitsDtoSchema, clients: z.record(z.string().min(1), rateLimitsDtoSchema) });
export type ClientLimitsDto = z.infer<typeof clientLimitsSchema>;

// ---------- routes

export const routeTargetSchema = z.strictObject({
  model: modelRef,
  weight: z.number().positive().max(1_000_000).default(1),
  tier: z.number().int().min(0).max(100),
});
export const routeInputSchema = z.strictObject({
  name: routeName,
  description: z.string().max(500).optional(),
  /** targets in order; targets sharing a tier number are load-balanced by weight */
  targets: z.array(routeTargetSchema).min(1).max(50),
  fallbacks: z.array(modelRef).max(50).default([]),
  prefer: z.enum(['order', 'local', 'cloud']).default('order'),
  numRetries: z.number().int().min(0).max(10).optional(),
  /** absent: the route's limits stay as they are; all null (and no queue): none */
  limits: routeLimitsDtoSchema.optional(),
});
export type RouteInput = z.input<typeof routeInputSchema>;
export const routeSchema = z.object({
  name: z.string(),
  description: z.string().nullable(),
  targets: z.array(
    z.object({
      model: z.string(),
      weight: z.number(),
      tier: z.number().int(),
      locality: z.enum(['local', 'cloud']),
      /** up, down, unknown, or cooling down */
      health: z.enum(['up', 'down', 'unknown', 'cooling']),
      contextWindow: z.number().int().nullable(),
      priceInputPerMillion: z.number().nullable(),
      priceOutputPerMillion: z.number().nullable(),
    }),
  ),
  fallbacks: z.array(z.string()),
  prefer: z.enum(['order', 'local', 'cloud']),
  numRetries: z.number().int().nullable(),
  limits: routeLimitsDtoSchema.nullable().optional(),
});
export type RouteDto = z.infer<typeof routeSchema>;

// ---------- client tokens

export const tokenSchema = z.object({
  name: z.string(),
  masked: z.string(),
  createdAt: epochMs,
  lastUsedAt: epochMs.nullable(),
  revokedAt: epochMs.nullable(),
});
export type TokenDto = z.infer<typeof tokenSchema>;

// ---------- usage

const totalsSchema = z.object({
  requests: z.number(),
  ok: z.number(),
  errors: z.number(),
  cancelled: z.number(),
  interrupted: z.number(),
  inputTokens: z.number(),
  outputTokens: z.number(),
  cacheReadTokens: z.number(),
  cacheWriteTokens: z.number(),
  reasoningTokens: z.number(),
  totalTokens: z.number(),
  costUsd: z.number(),
  unpriced: z.number(),
  referenceCostUsd: z.number(),
  savedUsd: z.number(),
  errorRate: z.number(),
  averageLatencyMs: z.number().nullable(),
});
export type UsageTotalsDto = z.infer<typeof totalsSchema>;

const breakdownDimension = z.enum(['provider', 'model', 'client', 'client_family', 'route']);
const requestStatus = z.enum(['in_flight', 'ok', 'error', 'cancelled', 'interrupted']);

export const requestRowSchema = z.object({
  id: z.string(),
  startedAt: z.number(),
  finishedAt: z.number().nullable(),
  clientTokenName: z.string().nullable(),
  clientFamily: z.string(),
  endpoint: z.string(),
  requestedModel: z.string(),
  route: z.string().nullable(),
  providerId: z.string().nullable(),
  model: z.string().nullable(),
  status: requestStatus,
  errorClass: z.string().nullable(),
  httpStatus: z.number().nullable(),
  inputTokens: z.number(),
  outputTokens: z.number(),
  cacheReadTokens: z.number(),
  cacheWriteTokens: z.number(),
  reasoningTokens: z.number(),
  tokensEstimated: z.boolean(),
  costUsd: z.number().nullable(),
  costReferenceUsd: z.number().nullable(),
  latencyMs: z.number().nullable(),
  ttftMs: z.number().nullable(),
  upstreamMs: z.number().nullable(),
  overheadMs: z.number().nullable(),
  localComputeMs: z.number().nullable(),
  finishReason: z.string().nullable(),
  nativeFinishReason: z.string().nullable(),
  stream: z.boolean(),
  /** the privacy guard's action and the detectors that fired (names only), when any did */
  privacyAction: z.string().nullable().optional(),
  privacyDetectors: z.array(z.string()).optional(),
  /** answered from the response cache ('hit', cost 0) or looked up and not found ('miss') */
  cacheStatus: z.enum(['hit', 'miss']).nullable().optional(),
});
export type RequestRowDto = z.infer<typeof requestRowSchema>;

const logCursor = z.strictObject({ startedAt: epochMs, id: z.string() });

/** One request's captured bodies: the request as the client sent it and the answer as delivered (a stream as its text). */
export const captureSchema = z.object({ request: z.string(), response: z.string(), truncated: z.boolean() });
export type CaptureDto = z.infer<typeof captureSchema>;

// ---------- budgets and settings

const limitsInput = z.strictObject({ dailyUsd: z.number().min(0).nullable(), monthlyUsd: z.number().min(0).nullable() });
export const budgetsInputSchema = limitsInput.extend({
  action: z.enum(['block', 'downgrade-local']),
  warnAt: z.number().min(0.01).max(1),
  clients: z.record(z.string().min(1), limitsInput),
});
export type BudgetsInput = z.infer<typeof budgetsInputSchema>;

export const settingsSchema = z.object({
  host: z.string(),
  port: z.number().int(),
  /** the desktop app starts at login (ignored headless) */
  startAtLogin: z.boolean(),
  /** the user's switch: true, false, or null for "as the config says" */
  offline: z.boolean().nullable(),
  autoOffline: z.boolean(),
  referenceModel: z.string(),
  priceRefresh: z.boolean(),
  /** body capture (ledger.capture in the config): off by default; bodies are redacted and kept retentionDays */
  capture: z.object({ enabled: z.boolean(), retentionDays: z.number().int(), maxBytesPerRequest: z.number().int() }),
  /** ledger.retention_days: request rows older than this are deleted (totals stay); null keeps every row */
  requestRetentionDays: z.number().int().nullable(),
  /** the Ollama-compatible API (ollama_api in the config): off by default; `port` is its own listener (applied at a restart) */
  ollamaApi: z.object({ enabled: z.boolean(), port: z.number().int().nullable() }).optional(),
});
export type SettingsDto = z.infer<typeof settingsSchema>;
export const settingsInputSchema = z.strictObject({
  port: z.number().int().min(1).max(65_535).optional(),
  startAtLogin: z.boolean().optional(),
  offline: z.boolean().nullable().optional(),
  autoOffline: z.boolean().optional(),
  referenceModel: modelRef.optional(),
  priceRefresh: z.boolean().optional(),
  capture: z.strictObject({ enabled: z.boolean().optional(), retentionDays: z.number().int().min(1).max(3_650).optional() }).optional(),
  /** null removes the limit (every row is kept) */
  requestRetentionDays: z.number().int().min(1).max(36_500).nullable().optional(),
  ollamaApi: z.strictObject({ enabled: z.boolean().optional() }).optional(),
});

// ---------- playground

/** What a playground column asks the gateway for: 'provider/model' or a route alias (free text, no spaces). */
const playgroundModel = z.string().trim().min(1).max(200).regex(/^\S+$/, 'a model name has no spaces');
const taskTag = z.string().trim().min(1).max(40);
const comparisonId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, '8 to 64 of letters, digits, "_" or "-"');

export const playgroundParametersSchema = z.strictObject({
  temperature: z.number().min(0).max(2).nullable(),
  maxTokens: z.number().int().min(1).max(1_000_000).nullable(),
  topP: z.number().min(0).max(1).nullable(),
});
export type PlaygroundParametersDto = z.infer<typeof playgroundParametersSchema>;

export const playgroundSetInputSchema = z.strictObject({
  name: z.string().trim().min(1).max(80),
  models: z.array(playgroundModel).min(2).max(6),
  systemPrompt: z.string().max(20_000).default(''),
  parameters: playgroundParametersSchema,
  taskTag: taskTag.default('general'),
});
export type PlaygroundSetInput = z.input<typeof playgroundSetInputSchema>;
export const playgroundSetSchema = z.object({
  name: z.string(),
  models: z.array(z.string()),
  systemPrompt: z.string(),
  parameters: playgroundParametersSchema,
  taskTag: z.string(),
  updatedAt: epochMs,
});
export type PlaygroundSetDto = z.infer<typeof playgroundSetSchema>;

/** One answer of one column: what the gateway said about it (headers, usage chunk, the ledger row's id). */
export const playgroundAnswerSchema = z.strictObject({
  status: z.enum(['ok', 'error', 'cancelled']),
  error: z.string().max(2_000).nullable(),
  /** the ledger row of this request (x-switchyard-request-id); usage.detail reads it */
  requestId: z.string().max(100).nullable(),
  providerId: z.string().max(200).nullable(),
  servedModel: z.string().max(400).nullable(),
  /** x-switchyard-attempts: every target tried or skipped, so a fallback shows */
  attempts: z.string().max(4_000).nullable(),
  ttftMs: z.number().min(0).nullable(),
  tokensPerSecond: z.number().min(0).nullable(),
  inputTokens: z.number().int().min(0).nullable(),
  outputTokens: z.number().int().min(0).nullable(),
  costUsd: z.number().min(0).nullable(),
});
export type PlaygroundAnswerDto = z.infer<typeof playgroundAnswerSchema>;

/** A turn of one column's own conversation. Images are sent to the model but not kept in the history. */
export const playgroundMessageSchema = z.strictObject({
  role: z.enum(['user', 'assistant']),
  content: z.string().max(400_000),
  imageAttached: z.boolean().default(false),
});

export const playgroundComparisonInputSchema = z.strictObject({
  id: comparisonId,
  taskTag: taskTag.default('general'),
  systemPrompt: z.string().max(20_000).default(''),
  parameters: playgroundParametersSchema,
  blind: z.boolean().default(false),
  columns: z
    .array(
      z.strictObject({
        model: playgroundModel,
        messages: z.array(playgroundMessageSchema).max(200),
        /** one per assistant turn, in order */
        answers: z.array(playgroundAnswerSchema).max(100),
      }),
    )
    .min(2)
    .max(6),
});
export type PlaygroundComparisonInput = z.input<typeof playgroundComparisonInputSchema>;
export const playgroundComparisonSchema = z.object({
  id: z.string(),
  createdAt: epochMs,
  updatedAt: epochMs,
  taskTag: z.string(),
  systemPrompt: z.string(),
  parameters: playgroundParametersSchema,
  blind: z.boolean(),
  columns: z.array(
    z.object({
      model: z.string(),
      messages: z.array(z.object({ role: z.enum(['user', 'assistant']), content: z.string(), imageAttached: z.boolean() })),
      answers: z.array(playgroundAnswerSchema),
    }),
  ),
});
export type PlaygroundComparisonDto = z.infer<typeof playgroundComparisonSchema>;
export const playgroundComparisonSummarySchema = z.object({
  id: z.string(),
  createdAt: epochMs,
  updatedAt: epochMs,
  taskTag: z.string(),
  /** the first prompt, shortened */
  title: z.string(),
  models: z.array(z.string()),
  turns: z.number().int(),
  blind: z.boolean(),
  /** the last vote on it: a model, 'tie', or null when there was none */
  winner: z.string().nullable(),
});
export type PlaygroundComparisonSummaryDto = z.infer<typeof playgroundComparisonSummarySchema>;

export const playgroundVoteInputSchema = z
  .strictObject({
    comparisonId,
    /** which turn of the comparison was judged (0 = the first answers) */
    turn: z.number().int().min(0).max(1_000).default(0),
    taskTag: taskTag.default('general'),
    models: z.array(playgroundModel).min(2).max(6),
    /** one of `models`, or 'tie' */
    winner: z.string().min(1).max(200),
  })
  .refine((vote) => new Set(vote.models).size === vote.models.length, { message: 'each model may take part once', path: ['models'] })
  .refine((vote) => vote.winner === 'tie' || vote.models.includes(vote.winner), { message: "must be one of the models, or 'tie'", path: ['winner'] });
export type PlaygroundVoteInput = z.input<typeof playgroundVoteInputSchema>;

export const leaderboardSchema = z.object({
  taskTag: z.string().nullable(),
  /** every tag with votes, for the picker */
  tags: z.array(z.object({ tag: z.string(), votes: z.number().int() })),
  votes: z.number().int(),
  method: z.literal('bradley-terry'),
  models: z.array(
    z.object({
      model: z.string(),
      /** on the Elo scale (1000 = average of the models compared) */
      rating: z.number(),
      /** half-width of the 95% interval, in rating points */
      uncertainty: z.number(),
      wins: z.number().int(),
      losses: z.number().int(),
      ties: z.number().int(),
      votes: z.number().int(),
    }),
  ),
});
export type LeaderboardDto = z.infer<typeof leaderboardSchema>;

// ---------- connect a tool (main/connect): what a tool needs to use Switchyard, written into its config file or pasted

export const connectToolSchema = z.object({
  id: z.string(),
  label: z.string(),
  /** 'config-file': Switchyard can write the tool's own config; 'paste': the user pastes env vars / settings */
  kind: z.enum(['config-file', 'paste']),
  /** the file connect.apply writes (the first of them), an absolute path under the user's home; null for 'paste' tools */
  configPath: z.string().nullable(),
  /** the API family the tool speaks, which connect.check uses */
  dialect: z.enum(['anthropic-messages', 'openai-responses', 'openai-chat', 'gemini', 'ollama']),
  /** the client token the tool is given (spend is filed under it) */
  tokenName: z.string(),
  /** its config file(s) point at this Switchyard already (always false for 'paste' tools) */
  connected: z.boolean(),
});
export type ConnectToolDto = z.infer<typeof connectToolSchema>;

const connectTool = z.string().regex(/^[a-z0-9][a-z0-9-]{0,40}$/, 'a tool id from connect.tools');
/** a route alias or provider/model; left out: the tool's default as connect.preview shows it */
const connectModel = z.string().trim().min(1).max(200).regex(/^\S+$/, 'a model name has no spaces');
export const connectRequestSchema = z.strictObject({ tool: connectTool, model: connectModel.optional() });

export const connectPreviewSchema = z.object({
  /** what to paste (env vars, flags, settings); the tool's token is filled in once it exists, else a placeholder */
  snippet: z.string(),
  /** what connect.apply would change: a unified diff per file (the token shown masked) */
  files: z.array(z.object({ path: z.string(), exists: z.boolean(), diff: z.string() })),
  tokenName: z.string(),
  /** the model the snippet and files use (null: the tool keeps choosing its own model names) */
  model: z.string().nullable(),
  /** model choices to offer: the route aliases */
  models: z.array(z.string()),
});
export type ConnectPreviewDto = z.infer<typeof connectPreviewSchema>;

export const connectApplySchema = z.object({
  /** the files written, each with the copy of what it was before (null when the file is new) */
  written: z.array(z.object({ path: z.string(), backup: z.string().nullable() })),
  tokenName: z.string(),
  /** the snippet with the tool's token filled in: for 'paste' tools, the one place the token is shown */
  snippet: z.string(),
  /** a new token was made for the tool; `tokenReplaced`: one of that name existed and no longer works */
  tokenCreated: z.boolean(),
  tokenReplaced: z.boolean(),
});
export type ConnectApplyDto = z.infer<typeof connectApplySchema>;

export const connectCheckSchema = z.object({
  ok: z.boolean(),
  answer: z.string().nullable(),
  /** who served it (x-switchyard-provider / x-switchyard-model) */
  provider: z.string().nullable(),
  model: z.string().nullable(),
  latencyMs: z.number(),
  error: z.string().nullable(),
});
export type ConnectCheckDto = z.infer<typeof connectCheckSchema>;

// ---------- privacy guard and response cache

const privacyAction = z.enum(['off', 'warn', 'redact', 'local-only', 'block']);
export type PrivacyActionDto = z.infer<typeof privacyAction>;
export const privacyInputSchema = z.strictObject({
  /** the action of routes that set none */
  action: privacyAction,
  /** built-in detector names, or the groups `secrets` and `personal` */
  detectors: z.array(z.string().min(1).max(64)).max(64),
  patterns: z
    .array(z.strictObject({ name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'lowercase letters, digits or "-"'), pattern: z.string().min(1).max(2_000) }))
    .max(100),
  pathGlobs: z.array(z.string().min(1).max(500)).max(100),
  /** per client token name, on top of the route's action (the stricter wins) */
  clients: z.record(z.string().min(1), privacyAction),
  /** per route: its own action, or null for privacy.action; routes left out keep theirs */
  routes: z.record(routeName, privacyAction.nullable()).optional(),
});
export type PrivacyInput = z.infer<typeof privacyInputSchema>;
export const privacySchema = z.object({
  action: privacyAction,
  detectors: z.array(z.string()),
  patterns: z.array(z.object({ name: z.string(), pattern: z.string() })),
  pathGlobs: z.array(z.string()),
  clients: z.record(z.string(), privacyAction),
  /** every route with its own action (null: privacy.action) and its response cache (null: off) */
  routes: z.array(
    z.object({ name: z.string(), action: privacyAction.nullable(), cache: z.object({ ttlSeconds: z.number().int(), sampled: z.boolean() }).nullable() }),
  ),
  /** the built-in detectors, by group */
  available: z.array(z.object({ name: z.string(), group: z.enum(['secrets', 'personal']) })),
  /** the response cache's store: entries, bytes, and its cap */
  cache: z.object({ entries: z.number().int(), bytes: z.number().int(), maxBytes: z.number().int() }),
});
export type PrivacyDto = z.infer<typeof privacySchema>;
export const privacyTestSchema = z.object({
  /** where each detector fired in the text (UTF-16 offsets, end exclusive); the text itself is not sent back */
  findings: z.array(z.object({ detector: z.string(), start: z.number().int(), end: z.number().int() })),
  /** the file name matched a path glob */
  fileMatched: z.boolean(),
});

// ---------- the calls

function call<Request extends z.ZodType, Response extends z.ZodType>(
  request: Request,
  response: Response,
): { readonly request: Request; readonly response: Response } {
  return { request, response };
}

export const controlContract = {
  'status.get': call(empty, statusSchema),
  /** re-reads the config file and applies it (what `switchyard reload`, SIGHUP and saving the file do) */
  'gateway.reload': call(empty, z.object({ reloaded: z.literal(true) })),

  'providers.list': call(empty, z.array(providerSchema)),
  'providers.presets': call(empty, z.array(presetSchema)),
  'providers.add': call(providerInputSchema, providerSchema),
  'providers.update': call(providerInputSchema, providerSchema),
  'providers.remove': call(z.strictObject({ id }), z.object({ removed: z.literal(true) })),
  'providers.test': call(z.strictObject({ id }), z.object({ ok: z.boolean(), detail: z.string(), latencyMs: z.number().nullable() })),
  'providers.models': call(z.strictObject({ id }), z.array(discoveredModelSchema)),
  /** local servers (Ollama, LM Studio, llama.cpp, LocalAI, vLLM, Jan) answering on their default ports, configured or not */
  'providers.discover': call(empty, z.array(discoveredServerSchema)),
  /** cloud keys in the environment of the core (OPENAI_API_KEY, …) that the keychain could keep; never the key */
  'providers.environmentKeys': call(empty, z.array(environmentKeySchema)),
  /** stores the preset's key from the environment in the keychain (added after any keys it holds already) */
  'providers.importEnvironmentKey': call(z.strictObject({ preset: id }), z.object({ stored: z.literal(true) })),

  'keys.set': call(
    z.strictObject({ providerId: id, key: z.string().min(1).max(4096), append: z.boolean().default(false) }),
    z.object({ providerId: z.string(), maskedKeys: z.array(z.string()) }),
  ),
  'keys.delete': call(
    z.strictObject({ providerId: id, index: z.number().int().min(0).optional() }),
    z.object({ providerId: z.string(), maskedKeys: z.array(z.string()) }),
  ),

  'routes.list': call(empty, z.array(routeSchema)),
  'routes.save': call(routeInputSchema, routeSchema),
  'routes.delete': call(z.strictObject({ name: routeName }), z.object({ deleted: z.literal(true) })),

  'tokens.list': call(empty, z.array(tokenSchema)),
  /** the only call whose answer carries a secret: the new token, shown once */
  'tokens.create': call(z.strictObject({ name: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/) }), z.object({ name: z.string(), token: z.string() })),
  'tokens.revoke': call(z.strictObject({ name: z.string().min(1) }), z.object({ revoked: z.literal(true) })),

  'usage.totals': call(z.strictObject({ range: timeRangeSchema }), totalsSchema),
  'usage.series': call(
    z.strictObject({
      range: timeRangeSchema,
      bucket: z.enum(['hour', 'day']),
      utcOffsetMinutes: z.number().int().min(-840).max(840).default(0),
      /** the viewer's IANA zone: day buckets follow its local midnights across daylight-saving changes */
      timeZone: z.string().max(64).refine(isTimeZone, { message: 'must be an IANA time zone such as Europe/Berlin' }).optional(),
    }),
    z.array(
      z.object({
        bucketStart: z.number(),
        providerId: z.string(),
        requests: z.number(),
        errors: z.number(),
        costUsd: z.number(),
        inputTokens: z.number(),
        outputTokens: z.number(),
        totalTokens: z.number(),
      }),
    ),
  ),
  'usage.breakdown': call(
    z.strictObject({
      range: timeRangeSchema,
      by: breakdownDimension,
      limit: z.number().int().min(1).max(100).default(10),
      orderBy: z.enum(['cost', 'requests', 'tokens']).default('cost'),
    }),
    z.object({ rows: z.array(totalsSchema.extend({ key: z.string() })), others: totalsSchema.nullable() }),
  ),
  'usage.errors': call(z.strictObject({ range: timeRangeSchema }), z.array(z.object({ errorClass: z.string(), count: z.number(), share: z.number() }))),
  'usage.latency': call(
    z.strictObject({ range: timeRangeSchema, metric: z.enum(['latency', 'ttft']) }),
    z.object({ count: z.number(), p50: z.number().nullable(), p95: z.number().nullable(), p99: z.number().nullable(), method: z.enum(['exact', 'histogram']) }),
  ),
  'usage.log': call(
    z.strictObject({
      range: timeRangeSchema,
      status: requestStatus.optional(),
      providerId: z.string().optional(),
      model: z.string().optional(),
      clientTokenName: z.string().optional(),
      limit: z.number().int().min(1).max(500).default(100),
      cursor: logCursor.optional(),
    }),
    z.object({ rows: z.array(requestRowSchema), nextCursor: logCursor.nullable() }),
  ),
  'usage.detail': call(
    z.strictObject({ id: z.string().min(1) }),
    z
      .object({
        request: requestRowSchema,
        attempts: z.array(
          z.object({
            seq: z.number(),
            providerId: z.string(),
            model: z.string(),
            outcome: z.string(),
            httpStatus: z.number().nullable(),
            durationMs: z.number(),
          }),
        ),
        /** the request's bodies when capture was on (redacted; `truncated` when either was cut), else null */
        capture: captureSchema.nullable().optional(),
      })
      .nullable(),
  ),
  /** deletes every captured body now (capture stays as it is; switching it off alone keeps rows until they expire) */
  'usage.captures.purge': call(empty, z.object({ deleted: z.number().int() })),

  'budgets.get': call(empty, z.object({ limits: budgetsInputSchema, lines: z.array(budgetLineSchema) })),
  'budgets.set': call(budgetsInputSchema, z.object({ limits: budgetsInputSchema, lines: z.array(budgetLineSchema) })),

  'settings.get': call(empty, settingsSchema),
  'settings.set': call(settingsInputSchema, settingsSchema),

  /** rate limits per client token (the config's `limits`); a route's are saved with the route */
  'limits.get': call(empty, clientLimitsSchema),
  'limits.set': call(clientLimitsSchema, clientLimitsSchema),
  'privacy.get': call(empty, privacySchema),
  /** writes the privacy section (and routes' privacy actions) of the config file; applied live */
  'privacy.set': call(privacyInputSchema, privacySchema),
  /** runs the detectors (the saved ones, or `settings` not yet saved) on pasted text: detector names and spans */
  'privacy.test': call(
    z.strictObject({ text: z.string().max(1_048_576), fileName: z.string().max(1_000).optional(), settings: privacyInputSchema.optional() }),
    privacyTestSchema,
  ),
  /** empties the response cache */
  'cache.clear': call(empty, z.object({ cleared: z.number().int() })),
  /** the dashboard's figures: requests each detector fired on (by action), cache hits and what they saved */
  'usage.guard': call(
    z.strictObject({ range: timeRangeSchema }),
    z.object({
      detectors: z.array(z.object({ detector: z.string(), action: z.string(), requests: z.number().int() })),
      cacheHits: z.number().int(),
      cacheSavedUsd: z.number(),
    }),
  ),

  /** the first-run screen: pending on a fresh install (no config file, or one naming no providers) until finished or skipped */
  'firstRun.get': call(empty, z.object({ pending: z.boolean() })),
  'firstRun.finish': call(empty, z.object({ pending: z.literal(false) })),

  /** saved comparison sets: models + system prompt + parameters + task tag, by name */
  'playground.sets.list': call(empty, z.array(playgroundSetSchema)),
  'playground.sets.save': call(playgroundSetInputSchema, playgroundSetSchema),
  'playground.sets.delete': call(z.strictObject({ name: z.string().min(1).max(80) }), z.object({ deleted: z.literal(true) })),
  /** past comparisons the user kept: prompts and answers live here only, never in the ledger's request rows */
  'playground.history.list': call(z.strictObject({ limit: z.number().int().min(1).max(200).default(50) }), z.array(playgroundComparisonSummarySchema)),
  'playground.history.get': call(z.strictObject({ id: comparisonId }), playgroundComparisonSchema.nullable()),
  'playground.history.save': call(playgroundComparisonInputSchema, playgroundComparisonSummarySchema),
  'playground.history.delete': call(z.strictObject({ id: comparisonId }), z.object({ deleted: z.literal(true) })),
  /** one vote per comparison turn (voting again replaces it) */
  'playground.vote': call(playgroundVoteInputSchema, z.object({ recorded: z.literal(true) })),
  'playground.leaderboard': call(z.strictObject({ taskTag: taskTag.optional() }), leaderboardSchema),

  /** the tools Switchyard can connect (Claude Code, Codex, …) and whether each is connected */
  'connect.tools': call(empty, z.array(connectToolSchema)),
  /** what connecting would paste or change; changes nothing, creates no token */
  'connect.preview': call(connectRequestSchema, connectPreviewSchema),
  /** writes the tool's config (backup first; only Switchyard's keys change) and makes or reuses its client token */
  'connect.apply': call(connectRequestSchema, connectApplySchema),
  /** one real request as the tool would send it, with its token, through the running gateway */
  'connect.check': call(z.strictObject({ tool: connectTool }), connectCheckSchema),
} as const;

export type ControlContract = typeof controlContract;
export type ControlCall = keyof ControlContract;
export const controlCalls = Object.keys(controlContract) as ControlCall[];

export type CallRequest<Name extends ControlCall> = z.input<ControlContract[Name]['request']>;
export type CallResponse<Name extends ControlCall> = z.output<ControlContract[Name]['response']>;

/** The service both transports call: one method per call, derived from the contract (Signal's Interface pattern). */
export type ControlApi = { [Name in ControlCall]: (request: z.output<ControlContract[Name]['request']>) => Promise<CallResponse<Name>> };

/** The renderer's view: the same calls, taking the request as the client writes it (defaults may be left out). */
export type ControlClient = { [Name in ControlCall]: (request: CallRequest<Name>) => Promise<CallResponse<Name>> };

/** An error a call answers with, in both transports. */
export const controlErrorSchema = z.object({ error: z.object({ call: z.string(), message: z.string(), code: z.string(), field: z.string().nullable() }) });
export type ControlErrorDto = z.infer<typeof controlErrorSchema>;
