// Providers as the UI knows them: configured ones (with masked keys only), presets, servers found running locally,
// models per provider and the last connection test. A key typed by the user passes through an action to the core
// and is never kept here.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { CallResponse, ControlClient, PresetDto, ProviderDto, ProviderInput } from '../../../../shared/control/contract';
import { messageOf } from '../../control/control-error';
import { emptyResource, failedResource, loadingResource, readyResource, type Resource } from '../../app/resource';

export type DiscoveredServer = CallResponse<'providers.discover'>[number];
export type DiscoveredModel = CallResponse<'providers.models'>[number];
export type ConnectionTest = CallResponse<'providers.test'> | { readonly ok: false; readonly detail: string; readonly latencyMs: null };

export interface ProvidersState {
  readonly providers: Resource<ProviderDto[]>;
  readonly presets: PresetDto[];
  readonly discovered: DiscoveredServer[];
  readonly models: Readonly<Record<string, Resource<DiscoveredModel[]>>>;
  readonly tests: Readonly<Record<string, ConnectionTest | 'running'>>;
  refresh(): Promise<void>;
  /** adds a provider; `input.key`, when given, goes straight to the keychain */
  add(input: ProviderInput): Promise<ProviderDto>;
  remove(id: string): Promise<void>;
  setKey(providerId: string, key: string, append: boolean): Promise<void>;
  deleteKey(providerId: string, index: number): Promise<void>;
  test(id: string): Promise<void>;
  loadModels(id: string): Promise<void>;
}

export type ProvidersStore = StoreApi<ProvidersState>;

export function createProvidersStore(client: ControlClient): ProvidersStore {
  return createStore<ProvidersState>()((set, get) => {
    const replace = (provider: ProviderDto): void => {
      const current = get().providers.data ?? [];
      const exists = current.some((candidate) => candidate.id === provider.id);
      set({ providers: readyResource(exists ? current.map((candidate) => (candidate.id === provider.id ? provider : candidate)) : [...current, provider]) });
    };
    const refresh = async (): Promise<void> => {
      set({ providers: loadingResource(get().providers) });
      try {
        const [providers, presets, discovered] = await Promise.all([
          client['providers.list']({}),
          client['providers.presets']({}),
          // discovery is a nicety: a failure must not hide the configured providers
          client['providers.discover']({}).catch(() => [] as DiscoveredServer[]),
        ]);
        set({ providers: readyResource(providers), presets, discovered });
      } catch (error) {
        set({ providers: failedResource(get().providers, error) });
      }
    };
    return {
      providers: emptyResource(),
      presets: [],
      discovered: [],
      models: {},
      tests: {},
      refresh,
      add: async (input) => {
        const added = await client['providers.add'](input);
        replace(added);
        set({
          discovered: get().discovered.map((server) =>
            server.preset === (input.preset ?? input.id) && (input.baseUrl === undefined || server.baseUrl === input.baseUrl)
              ? { ...server, configured: true }
              : server,
          ),
        });
        return added;
      },
      remove: async (id) => {
        await client['providers.remove']({ id });
        set({ providers: readyResource((get().providers.data ?? []).filter((provider) => provider.id !== id)) });
      },
      setKey: async (providerId, key, append) => {
        await client['keys.set']({ providerId, key, append });
        await refresh();
      },
      deleteKey: async (providerId, index) => {
        await client['keys.delete']({ providerId, index });
        await refresh();
      },
      test: async (id) => {
        set({ tests: { ...get().tests, [id]: 'running' } });
        let result: ConnectionTest;
        try {
          result = await client['providers.test']({ id });
        } catch (error) {
          result = { ok: false, detail: messageOf(error), latencyMs: null };
        }
        set({ tests: { ...get().tests, [id]: result } });
        void refresh();
      },
      loadModels: async (id) => {
        const previous = get().models[id] ?? emptyResource<DiscoveredModel[]>();
        set({ models: { ...get().models, [id]: loadingResource(previous) } });
        try {
          const models = await client['providers.models']({ id });
          set({ models: { ...get().models, [id]: readyResource(models) } });
        } catch (error) {
          set({ models: { ...get().models, [id]: failedResource(previous, error) } });
        }
      },
    };
  });
}
