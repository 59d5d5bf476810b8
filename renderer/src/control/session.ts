// Opens the browser session once: `switchyard ui` prints a URL ending in #admin=<token>; the page trades the token
// for an HttpOnly cookie and wipes the fragment from the address bar and history. The token is never stored.
import { controlApiPath, csrfHeader, type Fetch } from './http-transport';

export type SessionOutcome = 'no-token' | 'established' | 'rejected' | 'unreachable';

export interface SessionLocation {
  readonly origin: string;
  readonly pathname: string;
  readonly search: string;
  readonly hash: string;
}

export interface SessionHistory {
  replaceState(data: unknown, unused: string, url: string): void;
}

/** The admin token in a `#admin=<token>` fragment, or undefined. */
export function adminTokenFromFragment(hash: string): string | undefined {
  const fragment = hash.startsWith('#') ? hash.slice(1) : hash;
  const value = new URLSearchParams(fragment).get('admin');
  return value === null || value === '' ? undefined : value;
}

export async function establishSession(location: SessionLocation, history: SessionHistory, fetch: Fetch): Promise<SessionOutcome> {
  const token = adminTokenFromFragment(location.hash);
  if (token === undefined) return 'no-token';
  // Wipe the fragment first, so the token leaves the address bar even if the exchange fails.
  history.replaceState(null, '', `${location.pathname}${location.search}`);
  try {
    const response = await fetch(`${location.origin}${controlApiPath}session`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', [csrfHeader]: '1' },
      body: JSON.stringify({ token }),
    });
    return response.ok ? 'established' : 'rejected';
  } catch {
    return 'unreachable';
  }
}
