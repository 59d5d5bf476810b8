// The providers list of the config file as the control service edits it: a call's input becomes the entry a person
// would have written (snake_case, a preset instead of repeated defaults), found and changed by id in place.
import { isMap, type YAMLMap, type YAMLSeq } from 'yaml';
import type { ProviderInput } from '../../shared/control/contract.js';
import { defaultProviderInputs } from '../config/load.js';
import { isPresetId } from '../config/presets.js';
import { ensureSeq, type ConfigDocument } from './config-editor.js';
import { invalid } from './errors.js';

/** Fields of a provider entry the control calls may set, in the order a person would write them. */
export function entryFields(input: ProviderInput): Record<string, unknown> {
  if (input.preset !== undefined && !isPresetId(input.preset)) throw invalid(`'${input.preset}' is not a preset (providers.presets lists them)`, 'preset');
  return {
    ...(input.preset !== undefined && input.preset !== input.id ? { preset: input.preset } : {}),
    ...(input.type !== undefined ? { type: input.type } : {}),
    ...(input.baseUrl !== undefined ? { base_url: input.baseUrl } : {}),
    ...(input.locality !== undefined ? { locality: input.locality } : {}),
    ...(input.apiKeyEnv !== undefined ? { api_key_env: input.apiKeyEnv } : {}),
    ...(input.models !== undefined ? { models: input.models } : {}),
  };
}

/**
 * The file's providers list. A file without one runs on the defaults (Ollama and the cloud keys in the
 * environment); those are written out first, so adding one provider does not silently drop the others.
 */
export function providersList(document: ConfigDocument, env: NodeJS.ProcessEnv): YAMLSeq {
  return ensureSeq(document, 'providers', () => defaultProviderInputs(env));
}

export function findEntry(list: YAMLSeq, id: string): { readonly index: number; readonly entry: YAMLMap } | undefined {
  for (const [index, item] of list.items.entries()) {
    if (isMap(item) && item.get('id') === id) return { index, entry: item };
  }
  return undefined;
}

/** Sets the given fields on an existing entry; its other keys (headers, enabled, comments) stay. */
export function updateEntry(document: ConfigDocument, entry: YAMLMap, fields: Record<string, unknown>, input: ProviderInput): void {
  for (const [key, value] of Object.entries(fields)) entry.set(key, document.createNode(value));
  // Choosing the preset named like the id is choosing no separate preset.
  if (input.preset !== undefined && input.preset === input.id) entry.delete('preset');
}
