// How a client token is checked, below the gateway that asks: a verifier maps a presented token to the client's
// identity. Tokens held in memory (SWITCHYARD_API_KEY's, the playground's, the admin token) are compared character by
// character in constant time here; stored tokens by their SHA-256 digest (token-digest.ts, client-token-store.ts).
// The gateway reads the token from the request (gateway/http/auth.ts) and asks the verifiers it was given.

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
