// The model catalog the pickers share (playground, route editor, Connect): route aliases and every provider's live
// model list, asked once and refreshed when a picker opens on stale data. A provider that is down or slow must not
// block the list: its configured model names are offered instead.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ControlClient } from '../../../../shared/control/contract';
import { emptyResource, failedResource, latestOnly, loadingResource, readyResource, type Resource } from '../../app/resource';
import { buildModelOptions, type ModelOption, type ProviderModel } from './model-catalog';

/** After this long a picker that opens asks again (new routes, a provider that came up). */
export const catalogStaleMs = 30_000;

export interface ModelCatalogState {
  readonly options: Resource<ModelOption[]>;
  readonly loadedAt: number | null;
  refresh(): Promise<void>;
  /** refreshes only when never loaded or stale */
  ensure(): Promise<void>;
  /** routes or providers changed: the next ensure() asks again */
  invalidate(): void;
}

export type ModelCatalogStore = StoreApi<ModelCatalogState>;

export function createModelCatalogStore(client: ControlClient, now: () => number = Date.now): ModelCatalogStore {
  const begin = latestOnly();
  return createStore<ModelCatalogState>()((set, get) => {
    const refresh = async (): Promise<void> => {
      const isLatest = begin();
      set({ options: loadingResource(get().options) });
      try {
        const [routes, providers] = await Promise.all([client['routes.list']({}), client['providers.list']({})]);
        const answers = await Promise.all(
          providers.map((provider) =>
            provider.reachable === false ? Promise.resolve(undefined) : client['providers.models']({ id: provider.id }).catch(() => undefined),
          ),
        );
        const live: Record<string, readonly ProviderModel[] | undefined> = {};
        providers.forEach((provider, index) => (live[provider.id] = answers[index]));
        if (isLatest()) set({ options: readyResource(buildModelOptions(routes, providers, live)), loadedAt: now() });
      } catch (error) {
        if (isLatest()) set({ options: failedResource(get().options, error) });
      }
    };
    return {
      options: emptyResource(),
      loadedAt: null,
      refresh,
      ensure: async () => {
        const { loadedAt, options } = get();
        if (options.loading) return;
        if (loadedAt === null || now() - loadedAt > catalogStaleMs) await refresh();
      },
      invalidate: () => set({ loadedAt: null }),
    };
  });
}
