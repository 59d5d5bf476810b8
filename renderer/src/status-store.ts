// The status as UI state (zustand): the last answer, and whether a load is running. One load at a time;
// a poll that comes while one runs shares it, and a failed load becomes an "unavailable" answer, never a throw.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { StatusResult, StatusSource } from './status-source';

export interface StatusState {
  readonly result: StatusResult | undefined;
  readonly loading: boolean;
  refresh(): Promise<void>;
}

export type StatusStore = StoreApi<StatusState>;

export function createStatusStore(source: StatusSource): StatusStore {
  let pending: Promise<void> | undefined;
  return createStore<StatusState>()((set) => ({
    result: undefined,
    loading: false,
    refresh: () => {
      if (pending) return pending;
      set({ loading: true });
      pending = Promise.resolve()
        .then(() => source.load())
        .then(
          (result) => set({ result }),
          (error: unknown) => set({ result: { kind: 'unavailable', reason: error instanceof Error ? error.message : String(error) } }),
        )
        .finally(() => {
          pending = undefined;
          set({ loading: false });
        });
      return pending;
    },
  }));
}
