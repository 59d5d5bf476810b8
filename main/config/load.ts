// Loads, validates and resolves the config file. Either the whole file is valid and becomes a GatewayConfig,
// or loading fails with every problem listed by field and line: the server never starts on half a config.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { formatPath } from '../../shared/field-path.js';
import { envDetectedPresets, isPresetId, ollamaBaseUrl, providerPresets, type ProviderPreset, type ProviderType } from './presets.js';
import type { BudgetLimits, Locality } from './types.js';
import { resolveBudgets, resolveLedger, type LedgerSettings } from './metering.js';
import { resolvePrivacy, resolveResponseCache, type PrivacySettings, type ResponseCacheSettings } from './privacy.js';
import { resolveClientLimits, resolveTelemetry, type ClientLimitSettings, type TelemetrySettings } from './limits.js';
import { resolveState, type SharedStateSettings } from './state.js';
import { resolveRouting, type RouteSettings, type RoutingSettings } from './routing.js';
import { configFileSchema, defaultPort, type ConfigFile, type ProviderConfigInput } from './schema.js';

export interface ProviderSettings {
  readonly id: string;
  readonly type: ProviderType;
  /** the preset it builds on (prices of `work-openai` are OpenAI's) */
  readonly preset: string | undefined;
  readonly label: string;
  readonly baseUrl: string;
  readonly locality: Locality;
  /** the environment variable holding the key, when the provider needs one */
  readonly apiKeyEnv: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  /** models named in the config, listed even when the provider cannot be asked */
  readonly models: readonly string[];
  /** an OpenAI-compatible server that serves the Responses API itself (OpenAI does; others opt in) */
  readonly responsesApi?: boolean;
}

export interface ServerSettings {
  readonly host: string;
  readonly port: number;
  readonly maxBodyBytes: number;
  readonly maxInFlight: number;
  readonly allowedOrigins: readonly string[];
  readonly allowedHosts: readonly string[];
  readonly shutdownGraceMs: number;
  /** an access-log line per request (server.log_requests; off unless set) */
  readonly logRequests: boolean;
  readonly bodyIdleTimeoutMs: number;
  readonly maxUploadsPerClient: number;
}

/** The Ollama-compatible surface (/api/*); see dialects/ollama/. */
export interface OllamaApiSettings {
  readonly enabled: boolean;
  /** its own listener's port (on server.host), beside the main one; undefined serves it on the main port only */
  readonly port: number | undefined;
}

export interface GatewayConfig {
  readonly server: ServerSettings;
  readonly ollamaApi: OllamaApiSettings;
  readonly providers: readonly ProviderSettings[];
  readonly routes: readonly RouteSettings[];
  readonly routing: RoutingSettings;
  readonly ledger: LedgerSettings;
  /** undefined when no budget is configured */
  readonly budgets: BudgetLimits | undefined;
  /** the privacy guard (privacy); absent in hand-made configs, where the defaults apply */
  readonly privacy?: PrivacySettings;
  /** the response cache's store (response_cache); routes turn the cache on */
  readonly responseCache?: ResponseCacheSettings;
  /** rate limits per client token (limits); absent in hand-made configs: none */
  readonly limits?: ClientLimitSettings;
  /** GET /metrics and the OTLP export (telemetry); absent in hand-made configs: /metrics on, OTLP off */
  readonly telemetry?: TelemetrySettings;
  /** shared state in Redis for several replicas (state.url or SWITCHYARD_STATE_URL); undefined: in this process */
  readonly state?: SharedStateSettings | undefined;
  /** the file it came from; undefined for the built-in defaults */
  readonly source: string | undefined;
}

export class ConfigError extends Error {
  constructor(
    readonly file: string | undefined,
    readonly problems: readonly string[],
  ) {
    super(`${file ? `config file ${file}` : 'configuration'} is invalid:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export const configFileNames = ['config.yaml', 'config.yml', 'config.json'];

/** --config beats SWITCHYARD_CONFIG beats a config file in the data dir; none means built-in defaults. */
export function findConfigPath(flag: string | undefined, env: NodeJS.ProcessEnv, dataDir: string): string | undefined {
  if (flag) return flag;
  if (env['SWITCHYARD_CONFIG']) return env['SWITCHYARD_CONFIG'];
  return configFileNames.map((name) => join(dataDir, name)).find((candidate) => existsSync(candidate));
}

export interface LoadOptions {
  readonly path: string | undefined;
  readonly env: NodeJS.ProcessEnv;
  readonly host?: string | undefined;
  readonly port?: number | undefined;
}

export function loadConfig(options: LoadOptions): GatewayConfig {
  const file = options.path === undefined ? {} : readConfigFile(options.path);
  return resolveConfig(file, options);
}

export function readConfigFile(path: string): ConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(path, [code === 'ENOENT' ? 'file not found' : `cannot read it (${code ?? String(error)})`]);
  }
  return parseConfigText(text, path);
}

export function parseConfigText(text: string, path: string): ConfigFile {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new ConfigError(
      path,
      document.errors.map((error) => {
        const { line, col } = lineCounter.linePos(error.pos[0]);
        return `line ${line}, column ${col}: ${error.message.split('\n')[0]}`;
      }),
    );
  }
  const value: unknown = document.toJS() ?? {};
  const result = configFileSchema.safeParse(value);
  if (!result.success) {
    throw new ConfigError(
      path,
      result.error.issues.map((issue) => describeConfigIssue(issue, document, lineCounter)),
    );
  }
  return result.data;
}

function describeConfigIssue(issue: z.core.$ZodIssue, document: ReturnType<typeof parseDocument>, lineCounter: LineCounter): string {
  let path = [...issue.path];
  if (issue.code === 'unrecognized_keys') path = [...path, ...issue.keys.slice(0, 1)];
  const field = formatPath(path) || '(top level)';
  let line: number | undefined;
  for (let length = path.length; length >= 0 && line === undefined; length -= 1) {
    const node = document.getIn(path.slice(0, length) as Array<string | number>, true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === 'object' && node.range) line = lineCounter.linePos(node.range[0]).line;
  }
  // A bad record key (a route name) carries the key schema's own message one level down.
  const message = issue.code === 'invalid_key' && issue.issues[0] ? issue.issues[0].message : issue.message;
  return `${line ? `line ${line}: ` : ''}${field}: ${message}`;
}

export function resolveConfig(file: ConfigFile, options: LoadOptions): GatewayConfig {
  const problems: string[] = [];
  const inputs = file.providers ?? defaultProviderInputs(options.env);
  const providers: ProviderSettings[] = [];
  const seen = new Set<string>();
  inputs.forEach((input, index) => {
    if (input.enabled === false) return;
    if (seen.has(input.id)) problems.push(`providers[${index}].id: '${input.id}' is used twice`);
    seen.add(input.id);
    const resolved = resolveProvider(input, options.env);
    if (typeof resolved === 'string') problems.push(`providers[${index}]: ${resolved}`);
    else providers.push(resolved);
  });
  const server = file.server ?? {};
  const host = options.host ?? server.host ?? '127.0.0.1';
  const port = options.port ?? server.port ?? defaultPort;
  const { routes, routing } = resolveRouting(file, new Set(providers.map((provider) => provider.id)), problems);
  const ollamaApi = resolveOllamaApi(file, { host, port }, providers, problems);
  const privacy = resolvePrivacy(file, problems);
  const state = resolveState(file, options.env, problems);
  if (problems.length > 0) throw new ConfigError(options.path, problems);
  return {
    source: options.path,
    providers,
    routes,
    routing,
    ledger: resolveLedger(file, options.env),
    budgets: resolveBudgets(file),
    privacy,
    responseCache: resolveResponseCache(file),
    limits: resolveClientLimits(file),
    telemetry: resolveTelemetry(file),
    ...(state ? { state } : {}),
    ollamaApi,
    server: {
      host,
      port,
      maxBodyBytes: server.max_body_bytes ?? 32 * 1024 * 1024,
      maxInFlight: server.max_in_flight ?? 512,
      allowedOrigins: server.allowed_origins ?? [],
      allowedHosts: server.allowed_hosts ?? [],
      shutdownGraceMs: server.shutdown_grace_ms ?? 5_000,
      logRequests: server.log_requests ?? false,
      bodyIdleTimeoutMs: server.body_idle_timeout_ms ?? 10_000,
      maxUploadsPerClient: server.max_uploads_per_client ?? 64,
    },
  };
}

function resolveOllamaApi(
  file: ConfigFile,
  main: { readonly host: string; readonly port: number },
  providers: readonly ProviderSettings[],
  problems: string[],
): OllamaApiSettings {
  const input = file.ollama_api ?? {};
  const settings: OllamaApiSettings = { enabled: input.enabled ?? false, port: input.port };
  if (settings.port !== undefined && settings.port === main.port)
    problems.push(
      `ollama_api.port: ${settings.port} is the main port (server.port); the Ollama surface is served there already — choose another port or leave it out`,
    );
  // An `ollama` provider pointed at Switchyard's own Ollama surface would route every request back into itself.
  const own = new Set([main.port, ...(settings.port === undefined ? [] : [settings.port])]);
  for (const provider of providers) {
    if (provider.type !== 'ollama') continue;
    const target = hostAndPort(provider.baseUrl);
    if (target && own.has(target.port) && (sameHost(target.host, main.host) || (isLoopbackName(target.host) && isLoopbackName(main.host)))) {
      problems.push(
        `providers.${provider.id}.base_url: ${provider.baseUrl} is Switchyard's own ${target.port === main.port ? 'address' : 'Ollama surface (ollama_api.port)'}, not an Ollama server; point it at the real Ollama (usually http://127.0.0.1:11434) or move ollama_api.port`,
      );
    }
  }
  return settings;
}

function hostAndPort(value: string): { readonly host: string; readonly port: number } | undefined {
  try {
    const url = new URL(value);
    const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
    return { host: url.hostname.replace(/^\[|\]$/g, '').toLowerCase(), port };
  } catch {
    return undefined;
  }
}

function sameHost(left: string, right: string): boolean {
  return left.replace(/^\[|\]$/g, '').toLowerCase() === right.replace(/^\[|\]$/g, '').toLowerCase();
}

function isLoopbackName(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || bare.startsWith('127.') || bare === '0.0.0.0' || bare === '::';
}

function resolveProvider(input: ProviderConfigInput, env: NodeJS.ProcessEnv): ProviderSettings | string {
  const presetId = input.preset ?? (isPresetId(input.id) ? input.id : undefined);
  const preset: ProviderPreset | undefined = presetId !== undefined && isPresetId(presetId) ? providerPresets[presetId] : undefined;
  const type = input.type ?? preset?.type;
  if (!type) return `'${input.id}' needs a type (openai-compatible, ollama, anthropic, gemini) or a preset`;
  if (preset && input.type && input.type !== preset.type) return `type '${input.type}' does not match preset '${presetId}' (${preset.type})`;
  const presetBaseUrl = presetId === 'ollama' ? ollamaBaseUrl(env) : preset?.baseUrl;
  const baseUrl = input.base_url ?? presetBaseUrl;
  if (!baseUrl) return `'${input.id}' needs a base_url`;
  return {
    id: input.id,
    type,
    preset: presetId,
    label: preset?.label ?? input.id,
    baseUrl: baseUrl.replace(/\/+$/, ''),
    locality: input.locality ?? preset?.locality ?? (isLoopbackUrl(baseUrl) ? 'local' : 'cloud'),
    apiKeyEnv: input.api_key_env ?? preset?.apiKeyEnv,
    headers: { ...preset?.headers, ...input.headers },
    models: input.models ?? [],
    ...((input.responses_api ?? preset?.responsesApi) ? { responsesApi: true } : {}),
  };
}

/** No config file: Ollama, plus every cloud preset whose key is in the environment. */
export function defaultProviderInputs(env: NodeJS.ProcessEnv): ProviderConfigInput[] {
  const inputs: ProviderConfigInput[] = [{ id: 'ollama' }];
  for (const id of envDetectedPresets) {
    const keyEnv = (providerPresets[id] as ProviderPreset).apiKeyEnv;
    if (keyEnv && env[keyEnv]) inputs.push({ id });
  }
  return inputs;
}

export function isLoopbackUrl(value: string): boolean {
  try {
    const host = new URL(value).hostname;
    return host === 'localhost' || host === '[::1]' || host.startsWith('127.');
  } catch {
    return false;
  }
}
