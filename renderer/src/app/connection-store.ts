// Whether the UI can talk to the core: connecting, ready, signed out (browser session missing or expired), or
// unavailable. Holds no credentials: the browser session lives in an HttpOnly cookie the page cannot read.
import { createStore, type StoreApi } from 'zustand/vanilla';

export type ConnectionPhase = 'connecting' | 'ready' | 'signed-out' | 'unavailable';

export interface ConnectionState {
  readonly phase: ConnectionPhase;
  /** 'desktop' (IPC) or 'browser' (HTTP), once known */
  readonly mode: 'desktop' | 'browser' | 'demo' | null;
  readonly reason: string | null;
  ready(mode: 'desktop' | 'browser' | 'demo'): void;
  signedOut(): void;
  unavailable(reason: string): void;
}

export type ConnectionStore = StoreApi<ConnectionState>;

export function createConnectionStore(): ConnectionStore {
  return createStore<ConnectionState>()((set) => ({
    phase: 'connecting',
    mode: null,
    reason: null,
    ready: (mode) => set({ phase: 'ready', mode, reason: null }),
    signedOut: () => set({ phase: 'signed-out' }),
    unavailable: (reason) => set({ phase: 'unavailable', reason }),
  }));
}
