// Builds one adapter per configured provider. The gateway asks the registry, never the config, so a reload
// (routing issue) swaps the registry without touching the server.
import type { ProviderSettings } from '../../config/load.js';
import type { TimeoutSettings } from '../../config/routing.js';
import type { UpstreamTimeouts } from './http.js';
import { AnthropicAdapter } from './anthropic/adapter.js';
import { GeminiAdapter } from './gemini/adapter.js';
import { OllamaAdapter } from './ollama/adapter.js';
import { OpenAICompatibleAdapter } from './openai-compatible/adapter.js';
import type { ProviderAdapter } from './types.js';
import type { ProviderPacing } from './pacing.js';
import type { KeyLookup } from '../../secrets/key-lookup.js';

export const keyFromEnvironment =
  (env: NodeJS.ProcessEnv): KeyLookup =>
  (provider) => {
    if (!provider.apiKeyEnv) return undefined;
    // Google's own SDKs read GOOGLE_API_KEY as well as GEMINI_API_KEY.
    const fallback = provider.apiKeyEnv === 'GEMINI_API_KEY' ? env['GOOGLE_API_KEY'] : undefined;
    return env[provider.apiKeyEnv] || fallback || undefined;
  };

export function createAdapter(settings: ProviderSettings, keyLookup: KeyLookup, limits?: TimeoutSettings, pacing?: ProviderPacing): ProviderAdapter {
  const apiKey = (): string | undefined => keyLookup(settings);
  // Our own watchdog enforces first-token, idle and total limits; undici's timers are only a backstop.
  const timeouts: UpstreamTimeouts | undefined = limits && { connectMs: limits.connectMs, headersMs: limits.totalMs, bodyIdleMs: limits.totalMs };
  const observeHead = pacing?.observer(settings.id, settings.type === 'anthropic' ? 'anthropic' : settings.type === 'openai-compatible' ? 'openai' : undefined);
  const common = {
    id: settings.id,
    baseUrl: settings.baseUrl,
    locality: settings.locality,
    headers: settings.headers,
    apiKey,
    ...(timeouts ? { timeouts } : {}),
    ...(observeHead ? { observeHead } : {}),
  };
  switch (settings.type) {
    case 'openai-compatible':
      return new OpenAICompatibleAdapter({ ...common, responsesApi: settings.responsesApi === true });
    case 'ollama':
      return new OllamaAdapter(common);
    case 'anthropic':
      return new AnthropicAdapter(common);
    case 'gemini':
      return new GeminiAdapter(common);
  }
}

export class ProviderRegistry {
  private readonly adapters = new Map<string, ProviderAdapter>();

  constructor(
    readonly settings: readonly ProviderSettings[],
    keyLookup: KeyLookup,
    timeouts?: { readonly local: TimeoutSettings; readonly cloud: TimeoutSettings },
    pacing?: ProviderPacing,
  ) {
    for (const provider of settings) this.adapters.set(provider.id, createAdapter(provider, keyLookup, timeouts?.[provider.locality], pacing));
  }

  get(id: string): ProviderAdapter | undefined {
    return this.adapters.get(id);
  }

  all(): ProviderAdapter[] {
    return [...this.adapters.values()];
  }

  settingsFor(id: string): ProviderSettings | undefined {
    return this.settings.find((provider) => provider.id === id);
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.all().map((adapter) => adapter.close()));
  }
}
