// Renderer entry: show "connecting", pick the transport (desktop bridge, or HTTP with the session from the URL),
// then render the app. `?demo` under the Vite dev server uses the in-memory fake instead (not in builds).
// The design tokens and the base stylesheet come first, so every feature's stylesheet (imported by its entry
// component, in its own chunk) lands after them.
import './styles/tokens.css';
import './styles/base.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { ControlClient } from '../../shared/control/contract';
import { App } from './app/App';
import { bootstrap } from './app/bootstrap';
import { ConnectingScreen } from './app/ConnectionScreens';
import { createConnectionStore } from './app/connection-store';
import { pageFromHash } from './app/navigation-store';
import { createAppStores, StoresProvider } from './app/stores';
import { createThemeStore } from './app/theme-store';
import { ControlCallError } from './control/control-error';
import { browserGateway, desktopGateway, unavailableGateway } from './features/playground/gateway-connection';
import type { GatewayFetch } from './features/playground/stream/chat-stream';
import { clientFrom } from './control/validate';

function localStorageOrUndefined(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

async function start(): Promise<void> {
  const container = document.getElementById('root');
  if (container === null) throw new Error('index.html has no #root element');
  const root = createRoot(container);
  root.render(<ConnectingScreen />);

  const connection = createConnectionStore();
  const theme = createThemeStore({ root: document.documentElement, storage: localStorageOrUndefined() });
  let client: ControlClient | undefined;
  let gateway: GatewayFetch = unavailableGateway('The playground cannot reach the gateway from this page.');
  const fetch = (input: string, init: RequestInit): Promise<Response> => window.fetch(input, init);
  if (import.meta.env.DEV && new URLSearchParams(window.location.search).has('demo')) {
    const [{ createFakeControl }, { createFakeGateway }] = await Promise.all([
      import('./control/fake/fake-control-client'),
      import('./control/fake/fake-gateway'),
    ]);
    // `?demo&first-run` opens on the first-run screen
    const fake = createFakeControl({ delayMs: 250, firstRunPending: new URLSearchParams(window.location.search).has('first-run') });
    client = fake.client;
    gateway = createFakeGateway(fake);
    connection.getState().ready('demo');
  } else {
    client = await bootstrap({ bridge: window.switchyard, location: window.location, history: window.history, fetch }, connection);
    const mode = connection.getState().mode;
    const connected = client;
    // The playground calls the gateway itself: the page's own origin in a browser; the gateway's URL in the window.
    if (mode === 'browser') gateway = browserGateway(window.location.origin, fetch);
    else if (mode === 'desktop' && connected) gateway = desktopGateway(async () => (await connected['status.get']({})).url, fetch);
  }
  const stores = createAppStores({
    client: client ?? clientFrom((call) => Promise.reject(new ControlCallError(call, 'not connected', 'unavailable'))),
    gateway,
    connection,
    theme,
    location: {
      get hash() {
        return window.location.hash;
      },
      setHash: (hash) => {
        window.location.hash = hash;
      },
    },
  });
  window.addEventListener('hashchange', () => stores.navigation.getState().go(pageFromHash(window.location.hash)));
  root.render(
    <StrictMode>
      <StoresProvider stores={stores}>
        <App />
      </StoresProvider>
    </StrictMode>,
  );
}

void start();
