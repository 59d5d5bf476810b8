// Known providers: a preset fills in the type, base URL, key variable and locality so a config entry can be as
// short as `- id: groq`. Local servers need no key.
import type { Locality } from './types.js';

export type ProviderType = 'openai-compatible' | 'ollama' | 'anthropic' | 'gemini';

export interface ProviderPreset {
  readonly type: ProviderType;
  readonly baseUrl: string;
  readonly apiKeyEnv?: string;
  readonly locality: Locality;
  readonly headers?: Readonly<Record<string, string>>;
  readonly label: string;
  /** serves OpenAI's Responses API itself, so Responses requests go to it as written */
  readonly responsesApi?: boolean;
}

export const providerPresets = {
  openai: {
    type: 'openai-compatible',
    baseUrl: 'https://api.openai.com/v1',
    apiKeyEnv: 'OPENAI_API_KEY',
    locality: 'cloud',
    label: 'OpenAI',
    responsesApi: true,
  },
  openrouter: {
    type: 'openai-compatible',
    baseUrl: 'https://openrouter.ai/api/v1',
    apiKeyEnv: 'OPENROUTER_API_KEY',
    locality: 'cloud',
    headers: { 'X-Title': 'Switchyard' }, // OpenRouter's app attribution
    label: 'OpenRouter',
  },
  groq: { type: 'openai-compatible', baseUrl: 'https://api.groq.com/openai/v1', apiKeyEnv: 'GROQ_API_KEY', locality: 'cloud', label: 'Groq' },
  mistral: { type: 'openai-compatible', baseUrl: 'https://api.mistral.ai/v1', apiKeyEnv: 'MISTRAL_API_KEY', locality: 'cloud', label: 'Mistral' },
  deepseek: { type: 'openai-compatible', baseUrl: 'https://api.deepseek.com/v1', apiKeyEnv: 'DEEPSEEK_API_KEY', locality: 'cloud', label: 'DeepSeek' },
  together: { type: 'openai-compatible', baseUrl: 'https://api.together.xyz/v1', apiKeyEnv: 'TOGETHER_API_KEY', locality: 'cloud', label: 'Together AI' },
  fireworks: {
    type: 'openai-compatible',
    baseUrl: 'https://api.fireworks.ai/inference/v1',
    apiKeyEnv: 'FIREWORKS_API_KEY',
    locality: 'cloud',
    label: 'Fireworks AI',
  },
  xai: { type: 'openai-compatible', baseUrl: 'https://api.x.ai/v1', apiKeyEnv: 'XAI_API_KEY', locality: 'cloud', label: 'xAI' },
  lmstudio: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:1234/v1', locality: 'local', label: 'LM Studio' },
  llamacpp: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:8080/v1', locality: 'local', label: 'llama.cpp server' },
  vllm: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:8000/v1', locality: 'local', label: 'vLLM' },
  // Jan's local API server asks for the key set in its settings (Settings > Local API Server): `switchyard keys set jan`
  jan: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:1337/v1', locality: 'local', label: 'Jan' },
  // LocalAI's default port is llama.cpp server's too; discovery tells them apart by what each answers
  localai: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:8080/v1', locality: 'local', label: 'LocalAI' },
  ollama: { type: 'ollama', baseUrl: 'http://127.0.0.1:11434', locality: 'local', label: 'Ollama' },
  anthropic: { type: 'anthropic', baseUrl: 'https://api.anthropic.com', apiKeyEnv: 'ANTHROPIC_API_KEY', locality: 'cloud', label: 'Anthropic' },
  gemini: {
    type: 'gemini',
    baseUrl: 'https://generativelanguage.googleapis.com/v1beta',
    apiKeyEnv: 'GEMINI_API_KEY',
    locality: 'cloud',
    label: 'Google Gemini',
  },
} as const satisfies Record<string, ProviderPreset>;

export type PresetId = keyof typeof providerPresets;
export const presetIds = Object.keys(providerPresets) as PresetId[];

export function isPresetId(value: string): value is PresetId {
  return Object.hasOwn(providerPresets, value);
}

/** Cloud presets whose key variable is set become providers when there is no config file. */
export const envDetectedPresets: readonly PresetId[] = [
  'openai',
  'anthropic',
  'gemini',
  'openrouter',
  'groq',
  'mistral',
  'deepseek',
  'together',
  'fireworks',
  'xai',
];

/** OLLAMA_HOST as Ollama reads it: `host`, `host:port` or a URL; no scheme means http on 11434. */
export function ollamaBaseUrl(env: NodeJS.ProcessEnv): string {
  const host = env['OLLAMA_HOST']?.trim();
  if (!host) return providerPresets.ollama.baseUrl;
  const hasScheme = /^https?:\/\//.test(host);
  const url = new URL(hasScheme ? host : `http://${host}`);
  if (!hasScheme && !url.port) url.port = '11434';
  if (url.hostname === '0.0.0.0') url.hostname = '127.0.0.1';
  if (url.hostname === '[::]') url.hostname = '[::1]';
  return url.origin;
}
