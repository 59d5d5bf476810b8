// Browser sessions of the headless UI: the page trades the single-use nonce of the `switchyard ui` link
// (sign-in-nonces.ts) for a random session id in an HttpOnly cookie, so no secret lives in the page's storage. Ids are kept
// as digests only, with an absolute lifetime: here in memory (a restart of `switchyard serve` ends every session), and
// in team mode (ledger.url) in PostgreSQL (ledger/postgres/browser-sessions.ts), so a session opened through one
// replica is good on every replica and signing out through one ends it on all of them.
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const sessionCookieName = 'switchyard_session';
export const sessionLifetimeMs = 12 * 3_600_000;
/** per process here, per database in team mode; oldest first out */
export const maxSessions = 64;

/** What the control transport and the playground's check need; the PostgreSQL store answers asynchronously. */
export interface BrowserSessions {
  /** A new session; its id goes into the cookie and nowhere else. */
  create(): NewSession | Promise<NewSession>;
  isValid(id: string | undefined): boolean | Promise<boolean>;
  /** Sign-out: the session ends wherever it is checked. */
  end(id: string | undefined): void | Promise<void>;
}

export interface NewSession {
  readonly id: string;
  readonly maxAgeSeconds: number;
}

export class SessionStore implements BrowserSessions {
  /** digest of the id → expiry (epoch ms) */
  private readonly sessions = new Map<string, number>();

  constructor(
    private readonly lifetimeMs = sessionLifetimeMs,
    private readonly now: () => number = Date.now,
  ) {}

  /** A new session; its id goes into the cookie and nowhere else. */
  create(): NewSession {
    this.prune();
    // Oldest first out when full: a page that keeps opening sessions cannot grow memory without limit.
    while (this.sessions.size >= maxSessions) {
      const oldest = this.sessions.keys().next().value;
      if (oldest === undefined) break;
      this.sessions.delete(oldest);
    }
    const id = randomBytes(32).toString('base64url');
    this.sessions.set(digestOf(id), this.now() + this.lifetimeMs);
    return { id, maxAgeSeconds: Math.floor(this.lifetimeMs / 1000) };
  }

  isValid(id: string | undefined): boolean {
    if (id === undefined) return false;
    const key = digestOf(id);
    const expires = this.sessions.get(key);
    if (expires === undefined) return false;
    if (expires <= this.now()) {
      this.sessions.delete(key);
      return false;
    }
    return true;
  }

  end(id: string | undefined): void {
    if (id !== undefined) this.sessions.delete(digestOf(id));
  }

  get size(): number {
    return this.sessions.size;
  }

  private prune(): void {
    const now = this.now();
    for (const [key, expires] of this.sessions) if (expires <= now) this.sessions.delete(key);
  }
}

/** The session id in the request's Cookie header, if any. */
export function sessionIdOf(request: IncomingMessage): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator < 0) continue;
    if (part.slice(0, separator).trim() === sessionCookieName) {
      const value = part.slice(separator + 1).trim();
      return value.length > 0 ? value : undefined;
    }
  }
  return undefined;
}

export function sessionCookie(id: string, maxAgeSeconds: number, secure = false): string {
  // `Secure` only for a page on https (a TLS proxy in front): the gateway itself speaks plain HTTP on loopback.
  // SameSite=Strict and the path keep it to this app.
  return `${sessionCookieName}=${id}; HttpOnly; SameSite=Strict; Path=/_switchyard; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`;
}

export function expiredSessionCookie(): string {
  return `${sessionCookieName}=; HttpOnly; SameSite=Strict; Path=/_switchyard; Max-Age=0`;
}

function digestOf(id: string): string {
  return createHash('sha256').update(id, 'utf8').digest('hex');
}
