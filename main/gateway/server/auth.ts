// Client-token check. The token may come as `Authorization: Bearer`, `x-api-key` or `x-goog-api-key`: one
// decision for every header and every route. Comparison is over SHA-256 digests with timingSafeEqual, against
// every known token, so timing says nothing about how much of a guess was right.
import { hash, timingSafeEqual } from 'node:crypto';
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
  /** `presented`: the token's digest when a caller already made it (verifiers chained in front of each other share one) */
  verify(token: string, presented?: Buffer): ClientIdentity | undefined;
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
  return typeof apiKey === 'string' && apiKey.length > 0 ? apiKey : undefined;
}

/** One-shot SHA-256: no Hash object (with its native handle for the GC to finalise) per request. */
export function digest(token: string): Buffer {
  return hash('sha256', token, 'buffer');
}

/** A fixed set of tokens held as digests; the ledger issue replaces it with a hashed store in SQLite. */
export class StaticTokenVerifier implements ClientTokenVerifier {
  private readonly entries: Array<{ readonly digest: Buffer; readonly identity: ClientIdentity }>;

  constructor(tokens: ReadonlyArray<{ readonly name: string; readonly token: string }>) {
    this.entries = tokens.map(({ name, token }) => ({ digest: digest(token), identity: { name } }));
  }

  verify(token: string, presented: Buffer = digest(token)): ClientIdentity | undefined {
    let found: ClientIdentity | undefined;
    for (const entry of this.entries) {
      if (timingSafeEqual(presented, entry.digest) && found === undefined) found = entry.identity;
    }
    return found;
  }
}
