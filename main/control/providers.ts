// providers.*: the configured providers with their health and masked keys, the presets, and add / update / remove
// (config file edits applied live, keys to the keychain), a cheap test call, and a provider's model list.
import { modelCapabilities, type CallResponse, type ModelCapability, type ProviderDto, type ProviderInput } from '../../shared/control/contract.js';
import { redactSecrets, registerSecret } from '../../shared/redact.js';
import type { ProviderSettings } from '../config/load.js';
import { providerPresets, presetIds } from '../config/presets.js';
import type { ProviderStatus } from '../gateway/gateway.js';
import type { ProviderModel } from '../gateway/providers/types.js';
import { checkKey } from '../gateway/providers/key-check.js';
import { normaliseKey } from '../secrets/secret-store.js';
import type { ControlContext } from './context.js';
import { ControlError, conflict, invalid, notFound } from './errors.js';
import { entryFields, findEntry, providersList, updateEntry } from './provider-entries.js';
import { perMillion } from './prices.js';

const testTimeoutMs = 5_000;
const modelsTimeoutMs = 8_000;

export function listProviders(context: ControlContext): ProviderDto[] {
  const health = new Map(context.gateway.status().providers.map((provider) => [provider.id, provider]));
  return context.gateway.config.providers.map((provider) => providerDto(context, provider, health.get(provider.id)));
}

export function listPresets(): CallResponse<'providers.presets'> {
  return presetIds.map((id) => {
    const preset = providerPresets[id];
    return {
      id,
      label: preset.label,
      type: preset.type,
      baseUrl: preset.baseUrl,
      locality: preset.locality,
      keyEnv: 'apiKeyEnv' in preset ? preset.apiKeyEnv : null,
    };
  });
}

export async function addProvider(context: ControlContext, input: ProviderInput): Promise<ProviderDto> {
  const fields = entryFields(input);
  const key = input.key === undefined ? undefined : checkedKey(input.key);
  if (context.gateway.config.providers.some((provider) => provider.id === input.id))
    throw conflict(`a provider '${input.id}' exists already (providers.update changes it)`, 'id');
  await withKey(context, input.id, key, () =>
    context.editor.edit((document) => {
      const list = providersList(document, context.env);
      if (findEntry(list, input.id)) throw conflict(`the config file has a provider '${input.id}' already (perhaps disabled)`, 'id');
      list.add(document.createNode({ id: input.id, ...fields }));
    }),
  );
  return requireProvider(context, input.id);
}

export async function updateProvider(context: ControlContext, input: ProviderInput): Promise<ProviderDto> {
  const fields = entryFields(input);
  const key = input.key === undefined ? undefined : checkedKey(input.key);
  configured(context, input.id);
  await withKey(context, input.id, key, () =>
    context.editor.edit((document) => {
      const found = findEntry(providersList(document, context.env), input.id);
      if (!found) throw notFound(`the config file has no provider '${input.id}'`, 'id');
      updateEntry(document, found.entry, fields, input);
    }),
  );
  return requireProvider(context, input.id);
}

/** Removes the provider from the config (refused while a route still names it) and its keys from the keychain. */
export async function removeProvider(context: ControlContext, id: string): Promise<CallResponse<'providers.remove'>> {
  configured(context, id);
  await context.editor.edit((document) => {
    const list = providersList(document, context.env);
    const found = findEntry(list, id);
    if (!found) throw notFound(`the config file has no provider '${id}'`, 'id');
    list.delete(found.index);
  });
  try {
    if ((await context.secretStore.delete(id)) > 0) await context.keys.keysChanged(id);
  } catch (error) {
    context.log(
      `providers.remove: '${id}' removed from the config, but its keys could not be deleted from the keychain: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return { removed: true };
}

/**
 * One cheap authenticated call with the key in use (the provider's model list; OpenRouter's /key): unlike the
 * reachability probe, a 401 is a failed test.
 */
export async function testProvider(context: ControlContext, id: string): Promise<CallResponse<'providers.test'>> {
  const settings = configured(context, id);
  const result = await checkKey(settings, context.keys.keyLookup(settings), testTimeoutMs);
  if (result.ok) return { ok: true, detail: result.detail, latencyMs: result.latencyMs };
  const status = result.status === undefined ? '' : ` (HTTP ${result.status})`;
  return { ok: false, detail: redactSecrets(`${result.errorClass}${status}: ${result.detail}`), latencyMs: result.latencyMs };
}

/** The provider's live model list (plus the models its config names), with context windows and prices where known. */
export async function providerModels(context: ControlContext, id: string): Promise<CallResponse<'providers.models'>> {
  const settings = configured(context, id);
  const adapter = context.gateway.registry.get(id);
  if (!adapter) throw notFound(`no provider '${id}'`, 'id');
  let listed;
  try {
    listed = await adapter.listModels(AbortSignal.timeout(modelsTimeoutMs));
  } catch (error) {
    throw new ControlError(502, 'upstream_error', `could not list the models of '${id}': ${error instanceof Error ? error.message : String(error)}`);
  }
  const seen = new Set(listed.map((model) => model.id));
  const models: ProviderModel[] = [...listed, ...settings.models.filter((model) => !seen.has(model)).map((model) => ({ id: model }))];
  // where the list says nothing about capabilities, routing's cache of model details (Ollama's /api/show) for the
  // first 50, under one short deadline: a picker wants "tools · vision", not a wait
  const unlisted = models.filter((model) => model.capabilities === undefined).slice(0, detailsAtMost);
  const details = await context.gateway.modelDetails(
    id,
    unlisted.map((model) => model.id),
    detailsDeadlineMs,
  );
  const catalog = context.prices();
  return models.map((model) => {
    const price = catalog.lookup(id, model.id);
    const asked = details.get(model.id);
    return {
      id: model.id,
      contextWindow: model.contextWindow ?? asked?.contextWindow ?? price?.contextWindow ?? null,
      priceInputPerMillion: price ? perMillion(price.price.input) : null,
      priceOutputPerMillion: price ? perMillion(price.price.output) : null,
      capabilities: pickerCapabilities(model.capabilities ?? asked?.capabilities ?? price?.capabilities ?? []),
    };
  });
}

const detailsDeadlineMs = 1_500;
const detailsAtMost = 50;

/** Ollama's and the price list's words for what a model can do, as the pickers show them. */
export function pickerCapabilities(words: readonly string[]): ModelCapability[] {
  const named: Record<string, ModelCapability> = {
    tools: 'tools',
    function_calling: 'tools',
    vision: 'vision',
    thinking: 'reasoning',
    reasoning: 'reasoning',
    embedding: 'embedding',
  };
  const picked = new Set<ModelCapability>();
  for (const word of words) {
    const capability = named[word];
    if (capability !== undefined) picked.add(capability);
  }
  return modelCapabilities.filter((capability) => picked.has(capability));
}

export function providerDto(context: ControlContext, provider: ProviderSettings, health: ProviderStatus | undefined): ProviderDto {
  const keys = context.keys.describe(provider);
  return {
    id: provider.id,
    type: provider.type,
    label: provider.label,
    baseUrl: provider.baseUrl,
    locality: provider.locality,
    keySource: keys.source,
    reachable: health?.reachable ?? null,
    keyRejected: health?.keyRejected ?? false,
    lastError: health?.lastError === undefined ? null : redactSecrets(health.lastError),
    preset: provider.preset ?? null,
    apiKeyEnv: provider.apiKeyEnv ?? null,
    maskedKeys: keys.origin === 'keychain' ? keys.keys.map((key) => key.masked) : [],
    models: [...provider.models],
  };
}

function configured(context: ControlContext, id: string): ProviderSettings {
  const provider = context.gateway.config.providers.find((candidate) => candidate.id === id);
  if (!provider) throw notFound(`no provider '${id}' is configured`, 'id');
  return provider;
}

function requireProvider(context: ControlContext, id: string): ProviderDto {
  const provider = configured(context, id);
  return providerDto(
    context,
    provider,
    context.gateway.status().providers.find((candidate) => candidate.id === id),
  );
}

export function checkedKey(raw: string): string {
  registerSecret(raw.trim()); // before anything could put it in a message
  const checked = normaliseKey(raw);
  if (!checked.ok) throw invalid(checked.problem, 'key');
  return checked.key;
}

/**
 * Stores the key (when one came with the call) before the config edit, and puts the provider's previous keys
 * back when the edit fails, so a refused config never leaves a new key behind.
 */
async function withKey(context: ControlContext, providerId: string, key: string | undefined, edit: () => Promise<void>): Promise<void> {
  if (key === undefined) return edit();
  const previous = await context.secretStore.list(providerId);
  await context.secretStore.set(providerId, [key]);
  try {
    await edit();
  } catch (error) {
    await context.secretStore.set(providerId, previous).catch(() => undefined);
    throw error;
  } finally {
    await context.keys.keysChanged(providerId).catch(() => undefined);
  }
}
