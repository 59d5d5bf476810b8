// How the playground reaches the gateway, which meters and prices it like any client. In the browser (headless mode)
// the page posts to its own origin's playground path with the UI session cookie and the CSRF header; in the desktop
// window (a file:// page) it posts to the gateway's /v1 URL and the main process adds the playground's token — the
// page holds no credential either way. The desktop body goes as text/plain so the request needs no CORS preflight.
import type { Fetch } from '../../control/http-transport';
import { csrfHeader } from '../../control/http-transport';
import type { GatewayFetch } from './stream/chat-stream';

export const playgroundSessionPath = '/_switchyard/v1/chat/completions';

export function browserGateway(origin: string, fetch: Fetch): GatewayFetch {
  return (body, signal) =>
    fetch(`${origin}${playgroundSessionPath}`, {
      method: 'POST',
      credentials: 'same-origin',
      cache: 'no-store',
      headers: { 'content-type': 'application/json', [csrfHeader]: '1' },
      body,
      signal,
    });
}

/** `gatewayUrl` is the running gateway's base (status.get's url), e.g. http://127.0.0.1:5454 */
export function desktopGateway(gatewayUrl: () => Promise<string>, fetch: Fetch): GatewayFetch {
  return async (body, signal) => {
    const base = (await gatewayUrl()).replace(/\/+$/, '').replace(/\/v1$/, '');
    return fetch(`${base}/v1/chat/completions`, {
      method: 'POST',
      credentials: 'omit',
      cache: 'no-store',
      referrerPolicy: 'no-referrer',
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
      body,
      signal,
    });
  };
}

export function unavailableGateway(reason: string): GatewayFetch {
  return () => Promise.reject(new Error(reason));
}
