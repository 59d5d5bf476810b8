// The core's status (gateway URL, offline state, providers' health, budget lines, today's spend), polled while the
// window is open: the header and several pages read it.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ControlClient, StatusDto } from '../../../shared/control/contract';
import { emptyResource, failedResource, latestOnly, loadingResource, readyResource, type Resource } from './resource';

export interface StatusState {
  readonly status: Resource<StatusDto>;
  refresh(): Promise<void>;
}

export type StatusStore = StoreApi<StatusState>;

export function createStatusStore(client: ControlClient): StatusStore {
  const begin = latestOnly();
  return createStore<StatusState>()((set, get) => ({
    status: emptyResource(),
    refresh: async () => {
      const isLatest = begin();
      set({ status: loadingResource(get().status) });
      try {
        const status = await client['status.get']({});
        if (isLatest()) set({ status: readyResource(status) });
      } catch (error) {
        if (isLatest()) set({ status: failedResource(get().status, error) });
      }
    },
  }));
}

/** The base URL tools use (no trailing /v1), from the status answer, else the page's own origin. */
export function gatewayBaseUrl(status: StatusDto | undefined, fallbackOrigin: string | undefined): string {
  const url = status?.url ?? fallbackOrigin ?? 'http://127.0.0.1:5454';
  return url.replace(/\/+$/, '').replace(/\/v1$/, '');
}
