// Builds one adapter per configured provider. The gateway asks the registry, never the config, so a reload
// (routing issue) swaps the registry without touching the server.
import type { ProviderSettings } from '../../config/load.js';
import type { ProviderType } from '../../config/presets.js';
import type { TimeoutSettings } from '../../config/routing.js';
import type { AdapterOptions, UpstreamTimeouts } from './http.js';
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

type AdapterFactory = (options: AdapterOptions, settings: ProviderSettings) => ProviderAdapter;

// Each wire dialect's adapter module loads when a config first names a provider of its type (issue 20): most
// configs use one or two of the four, and each is a dozen modules with their zod wire schemas.
const adapterModules: Record<ProviderType, () => Promise<AdapterFactory>> = {
  'openai-compatible': async () => {
    const { OpenAICompatibleAdapter } = await import('./openai-compatible/adapter.js');
    return (options, settings) => new OpenAICompatibleAdapter({ ...options, responsesApi: settings.responsesApi === true });
  },
  ollama: async () => {
    const { OllamaAdapter } = await import('./ollama/adapter.js');
    return (options) => new OllamaAdapter(options);
  },
  anthropic: async () => {
    const { AnthropicAdapter } = await import('./anthropic/adapter.js');
    return (options) => new AnthropicAdapter(options);
  },
  gemini: async () => {
    const { GeminiAdapter } = await import('./gemini/adapter.js');
    return (options) => new GeminiAdapter(options);
  },
};
const loadedFactories = new Map<ProviderType, AdapterFactory>();

/** Loads the adapter modules these providers need; createAdapter and ProviderRegistry need them loaded. */
export async function loadAdapters(providers: Iterable<Pick<ProviderSettings, 'type'>>): Promise<void> {
  const missing = new Set([...providers].map((provider) => provider.type).filter((type) => !loadedFactories.has(type)));
  await Promise.all([...missing].map(async (type) => loadedFactories.set(type, await adapterModules[type]())));
}

/** Call loadAdapters (for this provider's type) first. */
export function createAdapter(settings: ProviderSettings, keyLookup: KeyLookup, limits?: TimeoutSettings, pacing?: ProviderPacing): ProviderAdapter {
  const factory = loadedFactories.get(settings.type);
  if (factory === undefined) throw new Error(`the ${settings.type} adapter is not loaded (loadAdapters first)`);
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
  return factory(common, settings);
}

/** The adapters of a config's providers, once their modules are loaded (ProviderRegistry.create, or loadAdapters first). */
export class ProviderRegistry {
  private readonly adapters = new Map<string, ProviderAdapter>();

  static async create(...args: ConstructorParameters<typeof ProviderRegistry>): Promise<ProviderRegistry> {
    await loadAdapters(args[0]);
    return new ProviderRegistry(...args);
  }

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
