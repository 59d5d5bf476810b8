// The app's stores, created once per connection and handed down through React context. Components read them with
// useAppStore(select) — a selector over one store, so a component re-renders only for what it shows.
import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { StoreApi } from 'zustand/vanilla';
import type { ControlClient } from '../../../shared/control/contract';
import { createConnectStore, type ConnectStore } from '../features/connect/connect-store';
import { createDashboardStore, type DashboardStore } from '../features/dashboard/dashboard-store';
import { createLogsStore, type LogsStore } from '../features/logs/logs-store';
import { createModelCatalogStore, type ModelCatalogStore } from '../features/models/model-catalog-store';
import { createFirstRunStore, type FirstRunStore } from '../features/onboarding/first-run-store';
import { unavailableGateway } from '../features/playground/gateway-connection';
import { createPlaygroundStore, type PlaygroundStore } from '../features/playground/playground-state';
import { createRecordsStore, type RecordsStore } from '../features/playground/records-store';
import type { GatewayFetch } from '../features/playground/stream/chat-stream';
import { createProvidersStore, type ProvidersStore } from '../features/providers/providers-store';
import { createRoutesStore, type RoutesStore } from '../features/routes/routes-store';
import { createSettingsStore, type SettingsStore } from '../features/settings/settings-store';
import type { ConnectionStore } from './connection-store';
import { createNavigationStore, type HashLocation, type NavigationStore } from './navigation-store';
import { createStatusStore, type StatusStore } from './status-store';
import type { ThemeStore } from './theme-store';

export interface AppStores {
  readonly connection: ConnectionStore;
  readonly navigation: NavigationStore;
  readonly theme: ThemeStore;
  readonly status: StatusStore;
  readonly dashboard: DashboardStore;
  readonly providers: ProvidersStore;
  readonly routes: RoutesStore;
  readonly logs: LogsStore;
  readonly settings: SettingsStore;
  readonly playground: PlaygroundStore;
  readonly playgroundRecords: RecordsStore;
  /** route aliases and the providers' live model lists, for every model picker */
  readonly models: ModelCatalogStore;
  readonly firstRun: FirstRunStore;
  readonly connect: ConnectStore;
}

export interface StoreOptions {
  readonly client: ControlClient;
  /** how the playground reaches the gateway (gateway-connection.ts); absent: the playground says it cannot */
  readonly gateway?: GatewayFetch;
  readonly connection: ConnectionStore;
  readonly theme: ThemeStore;
  readonly location?: HashLocation;
  readonly now?: () => number;
}

export function createAppStores(options: StoreOptions): AppStores {
  const now = options.now ?? Date.now;
  const providers = createProvidersStore(options.client);
  const stores: AppStores = {
    connection: options.connection,
    theme: options.theme,
    navigation: createNavigationStore(options.location),
    status: createStatusStore(options.client),
    dashboard: createDashboardStore(options.client, now),
    providers,
    routes: createRoutesStore(options.client),
    logs: createLogsStore(options.client, now),
    settings: createSettingsStore(options.client),
    playground: createPlaygroundStore({
      client: options.client,
      gateway: options.gateway ?? unavailableGateway('The playground cannot reach the gateway from this page.'),
    }),
    playgroundRecords: createRecordsStore(options.client),
    models: createModelCatalogStore(options.client, now),
    firstRun: createFirstRunStore(options.client, providers),
    connect: createConnectStore(options.client),
  };
  // a saved route or an added provider shows in every model picker the next time one opens
  const invalidateModels = (): void => stores.models.getState().invalidate();
  stores.routes.subscribe((state, previous) => state.routes.data !== previous.routes.data && invalidateModels());
  stores.providers.subscribe((state, previous) => state.providers.data !== previous.providers.data && invalidateModels());
  return stores;
}

const StoresContext = createContext<AppStores | null>(null);

export function StoresProvider({ stores, children }: { readonly stores: AppStores; readonly children: ReactNode }) {
  return <StoresContext.Provider value={stores}>{children}</StoresContext.Provider>;
}

export function useStores(): AppStores {
  const stores = useContext(StoresContext);
  if (stores === null) throw new Error('useStores outside <StoresProvider>');
  return stores;
}

type StateOf<Store> = Store extends StoreApi<infer State> ? State : never;

/** `useAppStore('logs', (state) => state.rows)` */
export function useAppStore<Name extends keyof AppStores, Selected>(name: Name, select: (state: StateOf<AppStores[Name]>) => Selected): Selected {
  const store = useStores()[name] as unknown as StoreApi<StateOf<AppStores[Name]>>;
  return useStore<StoreApi<StateOf<AppStores[Name]>>, Selected>(store, select);
}
