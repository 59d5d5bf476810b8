// The calls the window may make, one route per preload function. Each names its channel, the schema of its
// arguments, and the handler. The typed control contract (shared/) will generate this list.
import { z } from 'zod';
import { bridgeChannels, type AppStatus } from '../../preload/bridge-api.js';
import type { IpcRoute } from './ipc-guard.js';

export interface StatusSource {
  status(): Promise<AppStatus>;
}

export function statusRoute(monitor: StatusSource): IpcRoute<[], AppStatus> {
  return {
    channel: bridgeChannels.getStatus,
    request: z.tuple([]), // getStatus() takes nothing; anything sent along is refused
    handle: () => monitor.status(),
  };
}
