// How a model name a provider or client uses is matched to a price key: case, Gemini's `models/` prefix, dated
// snapshot suffixes, and OpenRouter's dotted versions (`claude-sonnet-4.5` for Anthropic's `claude-sonnet-4-5`).

/** `-20250929`, `-2025-04-14` (OpenAI), `@20250929` (Vertex's Anthropic names). */
const datedSuffix = /(?:-|@)(?:\d{8}|\d{4}-\d{2}-\d{2})$/;

/** Lower case, no `models/` prefix, no dated suffix. */
export function undatedName(model: string): string {
  return model
    .trim()
    .toLowerCase()
    .replace(/^models\//, '')
    .replace(datedSuffix, '');
}

/** The looser form two spellings of one model share: undated, and dots as dashes. */
export function looseName(model: string): string {
  return undatedName(model).replace(/\./g, '-');
}

/** `provider/model` as the price tables key it. */
export function priceKey(providerId: string, model: string): string {
  return `${providerId.trim().toLowerCase()}/${model.trim().toLowerCase()}`;
}

/** The loose form of a whole key: the provider part as it is, the model part loosened. */
export function looseKey(key: string): string {
  const slash = key.indexOf('/');
  return slash < 0 ? looseName(key) : `${key.slice(0, slash).toLowerCase()}/${looseName(key.slice(slash + 1))}`;
}

/** OpenRouter's vendor prefixes → the Switchyard provider that sells the same model first-hand. */
export const openRouterVendors: Readonly<Record<string, string>> = {
  openai: 'openai',
  anthropic: 'anthropic',
  google: 'gemini',
  'x-ai': 'xai',
  deepseek: 'deepseek',
  mistralai: 'mistral',
  moonshotai: 'moonshot',
  'z-ai': 'zhipu',
  minimax: 'minimax',
};

/** `anthropic/claude-sonnet-4.5` (an OpenRouter id) → `{ providerId: 'anthropic', model: 'claude-sonnet-4.5' }`. */
export function firstPartyOf(openRouterId: string): { readonly providerId: string; readonly model: string } | undefined {
  const slash = openRouterId.indexOf('/');
  if (slash < 0 || openRouterId.includes(':')) return undefined; // `:free`, `:nitro` variants are OpenRouter's own
  const providerId = openRouterVendors[openRouterId.slice(0, slash).toLowerCase()];
  return providerId === undefined ? undefined : { providerId, model: openRouterId.slice(slash + 1) };
}

/** Providers that run on this machine whatever the config says about them (the config's locality adds more). */
export const localProviderIds: ReadonlySet<string> = new Set(['ollama', 'lmstudio', 'llamacpp', 'vllm', 'jan', 'localai']);
