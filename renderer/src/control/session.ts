// Opens the browser session once: `switchyard ui` prints a URL ending in #signin=<nonce>, a single-use code the
// running gateway minted for the admin token. The page wipes the fragment from the address bar and history, then
// trades the nonce for an HttpOnly cookie (in a POST body, never a query string). Nothing is stored.
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

/** What the fragment carries: a sign-in nonce, an old `#admin=` link (refused, never sent anywhere), or nothing. */
export type FragmentSignIn = { readonly kind: 'nonce'; readonly nonce: string } | { readonly kind: 'admin-token' } | undefined;

export function signInFromFragment(hash: string): FragmentSignIn {
  const fragment = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
  const nonce = fragment.get('signin');
  if (nonce !== null && nonce !== '') return { kind: 'nonce', nonce };
  return fragment.has('admin') ? { kind: 'admin-token' } : undefined;
}

export async function establishSession(location: SessionLocation, history: SessionHistory, fetch: Fetch): Promise<SessionOutcome> {
  const signIn = signInFromFragment(location.hash);
  if (signIn === undefined) return 'no-token';
  // Wipe the fragment first, so it leaves the address bar even if the exchange fails.
  history.replaceState(null, '', `${location.pathname}${location.search}`);
  // A link from before sign-in nonces holds the admin token itself: it no longer signs in, and it goes nowhere.
  if (signIn.kind === 'admin-token') return 'rejected';
  try {
    const response = await fetch(`${location.origin}${controlApiPath}session`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', [csrfHeader]: '1' },
      body: JSON.stringify({ nonce: signIn.nonce }),
    });
    return response.ok ? 'established' : 'rejected';
  } catch {
    return 'unreachable';
  }
}
