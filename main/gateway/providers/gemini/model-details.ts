// What routing needs from Gemini's model metadata (GET models, GET models/{model}): which models this gateway can
// call (those that generate content or embed), their input limit as the context window, and best-effort
// capabilities in Ollama's vocabulary.
import type { ModelDetails, ProviderModel } from '../types.js';
import type { GeminiModel } from './gemini-api.js';

export function bareModelName(name: string): string {
  return name.startsWith('models/') ? name.slice('models/'.length) : name;
}

/** generateContent or embedContent models only: AQA, Imagen and Veo need methods this gateway does not speak. */
export function isUsable(model: GeminiModel): boolean {
  const methods = model.supportedGenerationMethods ?? [];
  return methods.includes('generateContent') || methods.includes('embedContent');
}

export function toProviderModel(model: GeminiModel): ProviderModel {
  return { id: bareModelName(model.name), ...toModelDetails(model) };
}

export function toModelDetails(model: GeminiModel): ModelDetails {
  const methods = model.supportedGenerationMethods ?? [];
  const capabilities: string[] = [];
  if (methods.includes('generateContent')) {
    capabilities.push('completion');
    // every Gemini chat model takes function declarations and images; of the open Gemma models served beside
    // them, only Gemma 3 and later see images, and none take function declarations
    const name = bareModelName(model.name);
    if (name.startsWith('gemini-')) capabilities.push('tools', 'vision');
    else if (/^gemma-([3-9]|\d{2,})/.test(name)) capabilities.push('vision');
    if (model.thinking === true) capabilities.push('thinking');
  }
  if (methods.includes('embedContent')) capabilities.push('embedding');
  return { ...(typeof model.inputTokenLimit === 'number' ? { contextWindow: model.inputTokenLimit } : {}), capabilities };
}
