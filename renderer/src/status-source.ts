// Where the gateway status comes from: the desktop bridge when the preload provided one; in a plain browser
// (headless mode) the HTTP control API, which is not built yet, so for now an honest "unavailable".
import type { AppStatus, SwitchyardBridge } from '../../preload/bridge-api.js';

export type StatusResult = { readonly kind: 'available'; readonly status: AppStatus } | { readonly kind: 'unavailable'; readonly reason: string };

export interface StatusSource {
  load(): Promise<StatusResult>;
}

export function statusSourceFor(bridge: SwitchyardBridge | undefined): StatusSource {
  if (bridge === undefined || typeof bridge.getStatus !== 'function') {
    return {
      load: () =>
        Promise.resolve({ kind: 'unavailable', reason: 'This page is not running inside the Switchyard desktop app, and the headless control API is not available yet.' }),
    };
  }
  return {
    load: async () => {
      try {
        return { kind: 'available', status: await bridge.getStatus() };
      } catch (error) {
        return { kind: 'unavailable', reason: error instanceof Error ? error.message : String(error) };
      }
    },
  };
}
