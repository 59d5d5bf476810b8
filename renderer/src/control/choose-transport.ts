// Which transport the page uses: the desktop bridge when the preload provided one; the HTTP API when the page was
// served over http(s) by `switchyard serve`; otherwise nothing (a file opened outside the app), said plainly.
import type { ControlClient } from '../../../shared/control/contract';
import { createBridgeControlClient, isControlBridge } from './bridge-transport';
import { createHttpControlClient, type Fetch } from './http-transport';
import { establishSession, type SessionHistory, type SessionLocation, type SessionOutcome } from './session';

export type Connection =
  | { readonly kind: 'desktop'; readonly client: ControlClient }
  | { readonly kind: 'browser'; readonly client: ControlClient; readonly session: SessionOutcome }
  | { readonly kind: 'unavailable'; readonly reason: string };

export interface PageEnvironment {
  readonly bridge: unknown;
  readonly location: SessionLocation & { readonly protocol: string };
  readonly history: SessionHistory;
  readonly fetch: Fetch;
  readonly onSessionExpired: () => void;
}

export async function connect(environment: PageEnvironment): Promise<Connection> {
  if (isControlBridge(environment.bridge)) return { kind: 'desktop', client: createBridgeControlClient(environment.bridge) };
  if (environment.location.protocol === 'http:' || environment.location.protocol === 'https:') {
    const session = await establishSession(environment.location, environment.history, environment.fetch);
    const client = createHttpControlClient({ origin: environment.location.origin, fetch: environment.fetch, onSessionExpired: environment.onSessionExpired });
    return { kind: 'browser', client, session };
  }
  return { kind: 'unavailable', reason: 'This page is not running inside the Switchyard desktop app, and was not served by `switchyard serve`.' };
}
