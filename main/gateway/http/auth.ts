// Client-token check. The token may come as `Authorization: Bearer`, `x-api-key` or `x-goog-api-key` (and as
// `?key=` on the Gemini paths, see geminiQueryKey): one decision for every header and every route. Tokens held in
// memory (SWITCHYARD_API_KEY's, the playground's, the admin token) are compared character by character in constant
// time; stored tokens by their SHA-256 digest, made only when the store is asked (with cold caches OpenSSL's SHA-256
// cost ~15 µs, a tenth of a proxied request). Every known token is compared, so timing says nothing about how much of
// a guess was right. The verifiers and the identity they return are the secrets layer's (secrets/token-verifier.ts).
import type { IncomingMessage } from 'node:http';
import type { ClientIdentity } from '../../secrets/token-verifier.js';

/** Headless mode: the UI's browser session, accepted on the playground path as the `playground` client. */
export interface PlaygroundSessionAuth {
  /** the playground identity, or a GatewayError (401 no session, 403 CSRF header, origin or revoked) */
  authenticate(request: IncomingMessage): ClientIdentity | Promise<ClientIdentity>;
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
