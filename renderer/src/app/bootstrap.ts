// Start-up: pick the transport, open the browser session if the URL carries one, and check that the core answers,
// so the first screen is the right one (the app, "signed out", or "not reachable") without a flash of the others.
import type { ControlClient } from '../../../shared/control/contract';
import { connect, type PageEnvironment } from '../control/choose-transport';
import { SessionExpiredError, messageOf } from '../control/control-error';
import type { ConnectionStore } from './connection-store';

export async function bootstrap(environment: Omit<PageEnvironment, 'onSessionExpired'>, connection: ConnectionStore): Promise<ControlClient | undefined> {
  const result = await connect({ ...environment, onSessionExpired: () => connection.getState().signedOut() });
  if (result.kind === 'unavailable') {
    connection.getState().unavailable(result.reason);
    return undefined;
  }
  if (result.kind === 'browser') {
    if (result.session === 'rejected') {
      connection.getState().signedOut();
      return result.client;
    }
    try {
      await result.client['status.get']({});
    } catch (error) {
      if (error instanceof SessionExpiredError) connection.getState().signedOut();
      else connection.getState().unavailable(messageOf(error));
      return result.client;
    }
  }
  connection.getState().ready(result.kind);
  return result.client;
}
