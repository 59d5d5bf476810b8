// The desktop playground's credential: the window's page (file://, so Origin: null) calls the gateway itself for
// each comparison, and the main process adds the playground's in-memory client token on the way out — only to that
// window's own fetches of the gateway's chat endpoint. The page never holds the token; the gateway accepts Origin
// null with this token and no other (router.ts). Typed by the few Electron members used, so tests pass fakes.
import { isAppPageUrl, parseUrl, type RendererSource } from './renderer-source.js';

export const playgroundChatPathname = '/v1/chat/completions';

/** The parts of Electron's OnBeforeSendHeadersListenerDetails looked at. */
export interface OutgoingRequest {
  readonly url: string;
  readonly webContentsId?: number;
  readonly resourceType: string;
  readonly frame?: { readonly url: string } | null;
  readonly requestHeaders: Readonly<Record<string, string>>;
}

export interface PlaygroundCredential {
  /** the running gateway's base URL (http://127.0.0.1:PORT), undefined until it runs */
  gatewayUrl(): string | undefined;
  /** the in-memory playground token, undefined until the core runs */
  token(): string | undefined;
  /** the app window's webContents id, undefined while there is no window */
  windowContentsId(): number | undefined;
}

/**
 * The headers to send instead, or undefined to leave the request alone. Only fetches (resourceType xhr, which
 * includes their CORS preflight) from the app window's own page to the gateway's chat endpoint get the token; any
 * credential the page set itself is dropped first.
 */
export function playgroundRequestHeaders(
  request: OutgoingRequest,
  credential: PlaygroundCredential,
  source: RendererSource,
): Record<string, string> | undefined {
  const token = credential.token();
  const gateway = parseUrl(credential.gatewayUrl() ?? '');
  const windowId = credential.windowContentsId();
  if (token === undefined || gateway === undefined || windowId === undefined) return undefined;
  if (request.webContentsId !== windowId || request.resourceType !== 'xhr') return undefined;
  if (request.frame && request.frame.url !== '' && !isAppPageUrl(request.frame.url, source)) return undefined;
  const target = parseUrl(request.url);
  if (!target || target.origin !== gateway.origin || target.pathname !== playgroundChatPathname || target.username || target.password) return undefined;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.requestHeaders)) {
    if (!['authorization', 'x-api-key', 'x-goog-api-key', 'cookie'].includes(name.toLowerCase())) headers[name] = value;
  }
  headers['Authorization'] = `Bearer ${token}`;
  return headers;
}

/** The member of Electron's Session.webRequest used here. */
export interface InjectableSession {
  readonly webRequest: {
    onBeforeSendHeaders(listener: (details: OutgoingRequest, callback: (response: { requestHeaders?: Record<string, string> }) => void) => void): void;
  };
}

export function installPlaygroundCredential(session: InjectableSession, credential: PlaygroundCredential, source: RendererSource): void {
  session.webRequest.onBeforeSendHeaders((details, callback) => {
    const headers = playgroundRequestHeaders(details, credential, source);
    callback(headers === undefined ? {} : { requestHeaders: headers });
  });
}
