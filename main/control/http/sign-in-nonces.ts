// The sign-in links `switchyard ui` prints: each carries a random nonce that opens one browser session, once, within
// a minute — never the admin token, which must not end up in terminal scroll-back, a screen share or a chat. Kept in
// memory as digests (in team mode, in PostgreSQL: ledger/postgres/browser-sessions.ts, so a link made through one
// replica opens a session through any, and still only once); any presentation uses a nonce up, whether it opens a
// session or not.
import { createHash, randomBytes } from 'node:crypto';

export const signInNonceLifetimeMs = 60_000;
// Enough for several browsers at once; a script that keeps minting pushes out its own oldest links, not memory.
export const maxOutstandingNonces = 32;

export interface MintedNonce {
  readonly nonce: string;
  readonly expiresInSeconds: number;
}

/** What the control transport and the startup banner need; the PostgreSQL store answers asynchronously. */
export interface SignInNonces {
  /** A new nonce (256 random bits); only its digest is kept. */
  mint(): MintedNonce | Promise<MintedNonce>;
  /** True when the nonce was outstanding and has not expired; used up either way. */
  redeem(nonce: string): boolean | Promise<boolean>;
}

export class SignInNonceStore implements SignInNonces {
  /** digest of the nonce → expiry (epoch ms), oldest first */
  private readonly nonces = new Map<string, number>();

  constructor(
    private readonly lifetimeMs = signInNonceLifetimeMs,
    private readonly now: () => number = Date.now,
  ) {}

  /** A new nonce (256 random bits); only its digest is kept. */
  mint(): MintedNonce {
    this.prune();
    while (this.nonces.size >= maxOutstandingNonces) {
      const oldest = this.nonces.keys().next().value;
      if (oldest === undefined) break;
      this.nonces.delete(oldest);
    }
    const nonce = randomBytes(32).toString('base64url');
    this.nonces.set(digestOf(nonce), this.now() + this.lifetimeMs);
    return { nonce, expiresInSeconds: Math.floor(this.lifetimeMs / 1000) };
  }

  /**
   * True when the nonce was outstanding and has not expired. Either way it is gone afterwards: a second use, or a
   * use after a failed one, is refused. The lookup is by SHA-256 digest, so its timing says nothing about the nonce.
   */
  redeem(nonce: string): boolean {
    const key = digestOf(nonce);
    const expires = this.nonces.get(key);
    if (expires === undefined) return false;
    this.nonces.delete(key);
    return expires > this.now();
  }

  get size(): number {
    return this.nonces.size;
  }

  private prune(): void {
    const now = this.now();
    for (const [key, expires] of this.nonces) if (expires <= now) this.nonces.delete(key);
  }
}

function digestOf(nonce: string): string {
  return createHash('sha256').update(nonce, 'utf8').digest('hex');
}
