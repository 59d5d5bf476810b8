// Applies the window rules to Electron objects handed in as parameters (typed by the few members used, so unit
// tests pass fakes): no new windows, no navigation off the app's page, https links to the OS browser, no
// <webview>, every permission denied, and the CSP header on the app's own pages.
import { contentSecurityPolicyHeader, withContentSecurityPolicy } from '../../shared/content-security-policy.js';
import { decideNavigation, decideWindowOpen } from './navigation.js';
import { isAppPageUrl, parseUrl, type RendererSource } from './renderer-source.js';

interface PreventableEvent {
  preventDefault(): void;
}

interface NavigationEvent extends PreventableEvent {
  readonly url: string;
}

/** The members of Electron's WebContents used here. */
export interface HardenableContents {
  setWindowOpenHandler(handler: (details: { readonly url: string }) => { action: 'deny' }): void;
  on(event: 'will-navigate', listener: (event: NavigationEvent) => void): unknown;
  on(event: 'will-redirect', listener: (event: NavigationEvent) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown;
}

/** The members of Electron's Session used here. */
export interface HardenableSession {
  setPermissionRequestHandler(handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: (webContents: unknown, permission: string) => boolean): void;
  readonly webRequest: {
    onHeadersReceived(
      listener: (
        details: { readonly url: string; readonly responseHeaders?: Record<string, string[]> },
        callback: (response: { responseHeaders: Record<string, string[]> }) => void,
      ) => void,
    ): void;
  };
}

export interface HardeningHooks {
  /** shell.openExternal; receives only URLs that passed externalUrl() */
  readonly openExternal: (url: string) => void;
  readonly log: (line: string) => void;
}

export function hardenWebContents(contents: HardenableContents, source: RendererSource, hooks: HardeningHooks): void {
  contents.setWindowOpenHandler(({ url }) => {
    const decision = decideWindowOpen(url);
    if (decision.action === 'open-externally') hooks.openExternal(decision.url);
    else hooks.log(`blocked a new window for ${describeUrl(url)}`);
    return { action: 'deny' };
  });
  const guardNavigation = (event: NavigationEvent): void => {
    const decision = decideNavigation(event.url, source);
    if (decision.action === 'allow') return;
    event.preventDefault();
    if (decision.action === 'open-externally') hooks.openExternal(decision.url);
    else hooks.log(`blocked navigation to ${describeUrl(event.url)}`);
  };
  contents.on('will-navigate', guardNavigation);
  contents.on('will-redirect', guardNavigation);
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

export function hardenSession(session: HardenableSession, source: RendererSource, hooks: Pick<HardeningHooks, 'log'>): void {
  session.setPermissionRequestHandler((_webContents, permission, callback) => {
    hooks.log(`denied permission request: ${permission}`);
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
  const policy = contentSecurityPolicyHeader({ desktop: true, devServerOrigin: source.kind === 'dev-server' ? new URL(source.url).origin : undefined });
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers = details.responseHeaders ?? {};
    callback({ responseHeaders: isAppPageUrl(details.url, source) ? withContentSecurityPolicy(headers, policy) : headers });
  });
}

/** Scheme and host only: a blocked URL may carry tokens in its path or query, which have no place in a log. */
function describeUrl(value: string): string {
  const url = parseUrl(value);
  return url ? `${url.protocol}//${url.host}` : '(unparseable URL)';
}
