// Route aliases: the list with each target's health, context window and price, plus save and delete. The editor's
// draft lives in the editor component; the store only holds what the core answered.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ControlClient, RouteDto, RouteInput } from '../../../../shared/control/contract';
import { emptyResource, failedResource, loadingResource, readyResource, type Resource } from '../../app/resource';

export interface RoutesState {
  readonly routes: Resource<RouteDto[]>;
  refresh(): Promise<void>;
  save(input: RouteInput): Promise<RouteDto>;
  remove(name: string): Promise<void>;
}

export type RoutesStore = StoreApi<RoutesState>;

export function createRoutesStore(client: ControlClient): RoutesStore {
  return createStore<RoutesState>()((set, get) => ({
    routes: emptyResource(),
    refresh: async () => {
      set({ routes: loadingResource(get().routes) });
      try {
        set({ routes: readyResource(await client['routes.list']({})) });
      } catch (error) {
        set({ routes: failedResource(get().routes, error) });
      }
    },
    save: async (input) => {
      const saved = await client['routes.save'](input);
      const current = get().routes.data ?? [];
      const exists = current.some((route) => route.name === saved.name);
      set({ routes: readyResource(exists ? current.map((route) => (route.name === saved.name ? saved : route)) : [...current, saved]) });
      return saved;
    },
    remove: async (name) => {
      await client['routes.delete']({ name });
      set({ routes: readyResource((get().routes.data ?? []).filter((route) => route.name !== name)) });
    },
  }));
}
