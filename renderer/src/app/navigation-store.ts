// Which page is shown, mirrored in the URL fragment (#/logs) so the back button and reloads work in the browser
// and under file:// in the desktop app alike.
import { createStore, type StoreApi } from 'zustand/vanilla';

export const pages = ['dashboard', 'providers', 'routes', 'connect', 'logs', 'playground', 'settings', 'welcome'] as const;
export type Page = (typeof pages)[number];

export const pageLabels: Record<Page, string> = {
  dashboard: 'Dashboard',
  providers: 'Providers',
  routes: 'Routes',
  connect: 'Connect',
  logs: 'Logs',
  playground: 'Playground',
  settings: 'Settings',
  welcome: 'Get started',
};

/** Pages reached from elsewhere (the first-run screen), not listed in the navigation. */
export const unlistedPages: ReadonlySet<Page> = new Set<Page>(['welcome']);

/** Pages that exist in the navigation but are not built yet. */
export const upcomingPages: ReadonlySet<Page> = new Set<Page>();

export interface NavigationState {
  readonly page: Page;
  go(page: Page): void;
}

export type NavigationStore = StoreApi<NavigationState>;

export function pageFromHash(hash: string): Page {
  const name = hash.replace(/^#\/?/, '');
  return (pages as readonly string[]).includes(name) ? (name as Page) : 'dashboard';
}

export interface HashLocation {
  readonly hash: string;
  setHash(hash: string): void;
}

export function createNavigationStore(location: HashLocation | undefined): NavigationStore {
  return createStore<NavigationState>()((set) => ({
    page: location ? pageFromHash(location.hash) : 'dashboard',
    go: (page) => {
      set({ page });
      if (location && pageFromHash(location.hash) !== page) location.setHash(`#/${page}`);
    },
  }));
}
