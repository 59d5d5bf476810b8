// Client-token check. The token may come as `Authorization: Bearer`, `x-api-key` or `x-goog-api-key` (and as
// `?key=` on the Gemini paths, see geminiQueryKey): one decision for every header and every route. Tokens held in
// memory (SWITCHYARD_API_KEY's, the playground's, the admin token) are compared character by character in constant
// time; stored tokens by their SHA-256 digest, made only when the store is asked (with cold caches OpenSSL's SHA-256
// cost ~15 µs, a tenth of a proxied request). Every known token is compared, so timing says nothing about how much of
// a guess was right.
import type { IncomingMessage } from 'node:http';

export interface ClientIdentity {
  /** the token's name ("default", "env", "cursor", …); the ledger attributes spend to it */
  readonly name: string;
  /**
   * The playground's own credential (the desktop window's injected in-memory token, or a headless UI session on the
   * playground path). Only it is accepted from the desktop page's opaque origin (`Origin: null`).
   */
  readonly playground?: true;
}

export interface ClientTokenVerifier {
  /** `digestOf`: the token's SHA-256, made once per request for every verifier in a chain that needs it */
  verify(token: string, digestOf?: () => Buffer): ClientIdentity | undefined;
}

/** Headless mode: the UI's browser session, accepted on the playground path as the `playground` client. */
export interface PlaygroundSessionAuth {
  /** the playground identity, or a GatewayError (401 no session, 403 CSRF header, origin or revoked) */
  authenticate(request: IncomingMessage): ClientIdentity;
}

export function presentedToken(request: IncomingMessage): string | undefined {
  const authorization = request.headers.authorization;
  if (authorization) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    return match ? match[1] : undefined;
  }
  const apiKey = request.headers['x-api-key'] ?? request.headers['x-goog-api-key'];
  if (typeof apiKey === 'string' && apiKey.length > 0) return apiKey;
  return geminiQueryKey(request.url);
}

const geminiPath = /^(?:\/v1)?\/v1beta\/|^\/v1\/models\/.+:[A-Za-z]+$/;

/**
 * `?key=` on the Gemini paths only: Google's API takes the key there and its REST examples and some clients put it
 * there, so those clients could not reach Switchyard otherwise. The same verifier decides as for every header. The
 * gateway writes no URL to its log or ledger (the request log keeps bodies only), and the Gemini provider never sends
 * a key in a URL, so the token goes no further than this check.
 */
function geminiQueryKey(url: string | undefined): string | undefined {
  // /v1beta/… (and /v1/v1beta/…), and a model method at API version v1 (/v1/models/{model}:generateContent)
  const query = url?.indexOf('?') ?? -1;
  if (url === undefined || query === -1 || !geminiPath.test(url.slice(0, query))) return undefined;
  const key = new URLSearchParams(url.slice(query + 1)).get('key');
  return key !== null && key.length > 0 ? key : undefined;
}

/**
 * `token` against tokens held in memory, each compared in constant time: every code unit of the known token is
 * compared and the differences OR-ed together, with no early exit, so the time depends on the known token's length
 * only (a length mismatch compares like a match). Plain JavaScript rather than Buffer.from + timingSafeEqual: those
 * are two calls into C++ per token, ~6 µs per request with cold caches, for the same guarantee.
 */
export class InMemoryTokens<Identity> {
  private readonly entries: ReadonlyArray<{ readonly token: string; readonly identity: Identity }>;

  constructor(tokens: ReadonlyArray<{ readonly token: string; readonly identity: Identity }>) {
    this.entries = tokens.map(({ token, identity }) => ({ token, identity }));
  }

  find(token: string): Identity | undefined {
    let found: Identity | undefined;
    for (const entry of this.entries) {
      if (sameInConstantTime(token, entry.token) && found === undefined) found = entry.identity;
    }
    return found;
  }
}

/** True when `presented` equals `known`; the comparison reads all of `known` whatever `presented` holds. */
export function sameInConstantTime(presented: string, known: string): boolean {
  let difference = presented.length ^ known.length;
  for (let index = 0; index < known.length; index += 1) {
    // past the end of `presented`, charCodeAt is NaN, and NaN | 0 is 0: the loop still runs, the lengths already differ
    difference |= (presented.charCodeAt(index) | 0) ^ known.charCodeAt(index);
  }
  return difference === 0;
}

/** A fixed set of tokens held in memory (SWITCHYARD_API_KEY's, the admin token). */
export class StaticTokenVerifier implements ClientTokenVerifier {
  private readonly tokens: InMemoryTokens<ClientIdentity>;

  constructor(tokens: ReadonlyArray<{ readonly name: string; readonly token: string }>) {
    this.tokens = new InMemoryTokens(tokens.map(({ name, token }) => ({ token, identity: { name } })));
  }

  verify(token: string): ClientIdentity | undefined {
    return this.tokens.find(token);
  }
}
