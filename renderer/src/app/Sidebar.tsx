// The navigation: one link per page (a page not built yet would show as coming), the gateway's state in a line,
// and the theme switch.
import type { MouseEvent } from 'react';
import { pageLabels, pages, unlistedPages, upcomingPages, type Page } from './navigation-store';
import { useAppStore } from './stores';
import { ThemeSwitch } from './ThemeSwitch';

export function Sidebar() {
  const page = useAppStore('navigation', (state) => state.page);
  const go = useAppStore('navigation', (state) => state.go);
  const status = useAppStore('status', (state) => state.status);
  const follow = (event: MouseEvent<HTMLAnchorElement>, target: Page): void => {
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    go(target);
  };
  return (
    <aside className="sidebar">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true" />
        Switchyard
      </div>
      <nav aria-label="Main">
        <ul className="nav-list">
          {pages
            .filter((target) => !unlistedPages.has(target))
            .map((target) =>
              upcomingPages.has(target) ? (
                <li key={target}>
                  <span className="nav-link nav-upcoming" aria-disabled="true">
                    {pageLabels[target]} <span className="tag">Soon</span>
                  </span>
                </li>
              ) : (
                <li key={target}>
                  <a href={`#/${target}`} className="nav-link" aria-current={page === target ? 'page' : undefined} onClick={(event) => follow(event, target)}>
                    {pageLabels[target]}
                  </a>
                </li>
              ),
            )}
        </ul>
      </nav>
      <div className="sidebar-footer">
        <p className="gateway-line" role="status">
          {status.data === undefined ? (
            status.error !== null ? (
              <span className="health health-down">
                <span className="dot" aria-hidden="true" />
                Not answering
              </span>
            ) : (
              'Connecting…'
            )
          ) : (
            <>
              <span className={`health ${status.error === null ? 'health-up' : 'health-down'}`}>
                <span className="dot" aria-hidden="true" />
                {status.error === null ? 'Running' : 'Not answering'}
              </span>
              {status.data.offline !== null && (
                <span className="tag tag-offline" title={status.data.offline}>
                  Offline
                </span>
              )}
              {status.data.sharedState && (
                <span className={`tag ${status.data.sharedState.backend === 'redis' ? 'tag-shared' : 'tag-offline'}`} title={status.data.sharedState.detail}>
                  {status.data.sharedState.backend === 'redis' ? `Shared (${status.data.sharedState.replicas})` : 'Local fallback'}
                </span>
              )}
              {status.data.clientTokens?.state === 'stale' && (
                <span className="tag tag-offline" title={status.data.clientTokens.detail}>
                  Tokens stale
                </span>
              )}
              <span className="muted small">v{status.data.version}</span>
            </>
          )}
        </p>
        <ThemeSwitch />
      </div>
    </aside>
  );
}
