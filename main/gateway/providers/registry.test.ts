import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ProviderSettings } from '../../config/load.js';
import type { ProviderType } from '../../config/presets.js';
import type * as RegistryModule from './registry.js';

const provider = (id: string, type: ProviderType): ProviderSettings => ({
  id,
  type,
  preset: undefined,
  label: id,
  baseUrl: 'http://127.0.0.1:9/v1',
  locality: 'local',
  apiKeyEnv: undefined,
  headers: {},
  models: [],
});

/** registry.ts with its own cache of loaded adapter modules, as a fresh process has it */
async function freshRegistry(): Promise<typeof RegistryModule> {
  vi.resetModules();
  return import('./registry.js');
}

afterEach(() => {
  vi.doUnmock('./anthropic/adapter.js');
  vi.doUnmock('./gemini/adapter.js');
});

describe('provider adapters load by type, when a config names one', () => {
  it('ProviderRegistry.create builds each provider with the adapter of its own type', async () => {
    const { ProviderRegistry } = await freshRegistry();
    const types: ProviderType[] = ['openai-compatible', 'ollama', 'anthropic', 'gemini'];
    const registry = await ProviderRegistry.create(
      types.map((type) => provider(`p-${type}`, type)),
      () => undefined,
    );
    expect(types.map((type) => registry.get(`p-${type}`)?.type)).toEqual(types);
    await registry.close();
  });

  it('never imports the modules of types the config does not use', async () => {
    // importing either of these fails the test: a config of Ollama and an OpenAI-compatible server needs neither
    vi.doMock('./anthropic/adapter.js', () => {
      throw new Error('the anthropic adapter was imported');
    });
    vi.doMock('./gemini/adapter.js', () => {
      throw new Error('the gemini adapter was imported');
    });
    const { ProviderRegistry } = await freshRegistry();
    const registry = await ProviderRegistry.create([provider('local', 'ollama'), provider('lan', 'openai-compatible')], () => undefined);
    expect(registry.all().map((adapter) => adapter.type)).toEqual(['ollama', 'openai-compatible']);
    await registry.close();
  });

  it('building an adapter whose module is not loaded is refused, naming the type; loadAdapters then allows it', async () => {
    const { createAdapter, loadAdapters } = await freshRegistry();
    const settings = provider('claude', 'anthropic');
    expect(() => createAdapter(settings, () => undefined)).toThrow(/anthropic adapter is not loaded/);
    await loadAdapters([settings]);
    const adapter = createAdapter(settings, () => undefined);
    expect(adapter.type).toBe('anthropic');
    await adapter.close();
  });
});
