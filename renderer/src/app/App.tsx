// The window: connection states first; once connected, the sidebar and the current page. The status is polled
// while the window is open (it also notices a lost session).
import { lazy, Suspense, useEffect, useRef, type ComponentType } from 'react';
import { LoadingState } from '../ui/states';
import { ConnectingScreen, SignedOutScreen, UnavailableScreen } from './ConnectionScreens';
import type { Page } from './navigation-store';
import { Sidebar } from './Sidebar';
import { useAppStore, useStores } from './stores';
import './app.css';

export const statusPollMs = 10_000;

// Each page is its own chunk (the charts library is most of the bundle and only the dashboard needs it).
const DashboardPage = lazy(() => import('../features/dashboard/DashboardPage').then((module) => ({ default: module.DashboardPage })));
const pageComponents: Record<Page, ComponentType> = {
  dashboard: DashboardPage,
  providers: lazy(() => import('../features/providers/ProvidersPage').then((module) => ({ default: module.ProvidersPage }))),
  routes: lazy(() => import('../features/routes/RoutesPage').then((module) => ({ default: module.RoutesPage }))),
  connect: lazy(() => import('../features/connect/ConnectPage').then((module) => ({ default: module.ConnectPage }))),
  logs: lazy(() => import('../features/logs/LogsPage').then((module) => ({ default: module.LogsPage }))),
  playground: lazy(() => import('../features/playground/PlaygroundPage').then((module) => ({ default: module.PlaygroundPage }))),
  settings: lazy(() => import('../features/settings/SettingsPage').then((module) => ({ default: module.SettingsPage }))),
  welcome: lazy(() => import('../features/onboarding/FirstRunPage').then((module) => ({ default: module.FirstRunPage }))),
};

export function App() {
  const phase = useAppStore('connection', (state) => state.phase);
  const reason = useAppStore('connection', (state) => state.reason);
  if (phase === 'connecting') return <ConnectingScreen />;
  if (phase === 'signed-out') return <SignedOutScreen />;
  if (phase === 'unavailable') return <UnavailableScreen reason={reason} />;
  return <Shell />;
}

function Shell() {
  const page = useAppStore('navigation', (state) => state.page);
  const refreshStatus = useAppStore('status', (state) => state.refresh);
  const main = useRef<HTMLElement>(null);
  const firstPage = useRef(true);
  const firstRunKnown = useAppStore('firstRun', (state) => state.pending !== null);
  const checkFirstRun = useAppStore('firstRun', (state) => state.check);
  const go = useAppStore('navigation', (state) => state.go);
  const stores = useStores();

  // A fresh install opens on the first-run screen, unless the address asked for a page of its own.
  useEffect(() => {
    void checkFirstRun().then((pending) => {
      if (pending && stores.navigation.getState().page === 'dashboard') go('welcome');
    });
  }, [checkFirstRun, go, stores]);

  useEffect(() => {
    void refreshStatus();
    const timer = setInterval(() => void refreshStatus(), statusPollMs);
    return () => clearInterval(timer);
  }, [refreshStatus]);

  // After a page change, move focus to the new page so keyboard and screen-reader users start at its top.
  useEffect(() => {
    if (firstPage.current) {
      firstPage.current = false;
      return;
    }
    main.current?.focus();
  }, [page]);

  const Current = pageComponents[page];
  return (
    <div className="shell">
      <a
        className="skip-link"
        href="#main"
        onClick={(event) => {
          event.preventDefault();
          main.current?.focus();
        }}
      >
        Skip to content
      </a>
      <Sidebar />
      <main id="main" ref={main} tabIndex={-1} className="content" data-page={page}>
        <Suspense fallback={<LoadingState label="Loading the page…" />}>{firstRunKnown ? <Current /> : <LoadingState label="Loading…" />}</Suspense>
      </main>
    </div>
  );
}
