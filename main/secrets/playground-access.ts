// The playground's credential: the UI compares models by calling the gateway itself, as the client `playground`,
// so every comparison is metered and priced like any tool's traffic. The desktop window's token is made at start,
// lives in this process's memory only (the main process adds it to the window's requests; the page never sees it)
// and is never stored, like SWITCHYARD_API_KEY's. Revoking a stored token named `playground` shuts the playground
// out too (both the desktop token and headless UI sessions), until a new one is created.
import { lazyDigest } from './token-digest.js';
import { generateToken } from './client-token-file.js';
import { type ClientIdentity, type ClientTokenVerifier, InMemoryTokens } from './token-verifier.js';

export const playgroundClientName = 'playground';

export class PlaygroundAccess implements ClientTokenVerifier {
  /** for the desktop shell's request injection only */
  readonly token: string;
  readonly identity: ClientIdentity = { name: playgroundClientName, playground: true };
  private readonly own: InMemoryTokens<ClientIdentity>;

  /** `revoked` reads the token store (a row named 'playground' with revoked_at set); an error there counts as revoked */
  constructor(private readonly revoked: () => boolean) {
    this.token = generateToken('sy');
    this.own = new InMemoryTokens([{ token: this.token, identity: this.identity }]);
  }

  enabled(): boolean {
    try {
      return !this.revoked();
    } catch {
      return false;
    }
  }

  verify(token: string): ClientIdentity | undefined {
    if (this.own.find(token) === undefined) return undefined;
    return this.enabled() ? this.identity : undefined;
  }
}

/** The gateway's check with the playground's token in front of the others. */
export function withPlaygroundToken(verifier: ClientTokenVerifier, playground: PlaygroundAccess): ClientTokenVerifier {
  return {
    verify: (token, digestOf = lazyDigest(token)) => playground.verify(token) ?? verifier.verify(token, digestOf),
  };
}
