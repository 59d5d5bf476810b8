// What routing needs from Ollama's POST /api/show: the model's capabilities and its trained context length,
// which GGUF metadata files under "<architecture>.context_length".
import type { OllamaShowResponse } from './ollama-api.js';

export interface OllamaModelDetails {
  /** the model's maximum context; Ollama's default num_ctx for a request can be smaller */
  readonly contextWindow?: number;
  /** "completion", "tools", "vision", "thinking", "insert", "embedding"; empty when Ollama is too old to say */
  readonly capabilities: string[];
}

export function toModelDetails(show: OllamaShowResponse): OllamaModelDetails {
  const info = show.model_info ?? {};
  const architecture = info['general.architecture'];
  let contextWindow = typeof architecture === 'string' ? info[`${architecture}.context_length`] : undefined;
  if (typeof contextWindow !== 'number') {
    // some conversions name the key after a different architecture string; any context_length will do
    contextWindow = Object.entries(info).find(([key, value]) => key.endsWith('.context_length') && typeof value === 'number')?.[1];
  }
  return {
    ...(typeof contextWindow === 'number' && contextWindow > 0 ? { contextWindow } : {}),
    capabilities: [...(show.capabilities ?? [])],
  };
}
