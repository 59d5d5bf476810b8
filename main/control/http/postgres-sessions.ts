// The headless UI's browser sessions and the sign-in nonces of `switchyard ui` links in PostgreSQL (team mode,
// migration 8), so a link made through one replica opens a session through another, a session works on every
// replica behind the load balancer, and signing out through one ends it on all. Same rules as the in-memory stores
// (sessions.ts, sign-in-nonces.ts): only SHA-256 digests are kept, never an id or a nonce; the same
// lifetimes; the same caps, per database rather than per process (oldest first out). A nonce is used up by one
// `DELETE … RETURNING`, so two replicas presented the same nonce at once cannot both accept it. Expired rows go at
// the next create or mint. Expiry is judged by the replica's clock, as the cookie's Max-Age is.
import { createHash, randomBytes } from 'node:crypto';
import { maxSessions, sessionLifetimeMs, type BrowserSessions, type NewSession } from './sessions.js';
import { maxOutstandingNonces, signInNonceLifetimeMs, type MintedNonce, type SignInNonces } from './sign-in-nonces.js';
import { createPool, type Queryable } from '../../ledger/postgres/client.js';

export class PostgresSessionStore implements BrowserSessions {
  constructor(
    private readonly pool: Queryable,
    private readonly lifetimeMs = sessionLifetimeMs,
    private readonly now: () => number = Date.now,
  ) {}

  async create(): Promise<NewSession> {
    await pruneAndCap(this.pool, 'ui_sessions', this.now(), maxSessions);
    const id = randomBytes(32).toString('base64url');
    await this.pool.query('INSERT INTO ui_sessions (digest, expires_at) VALUES ($1, $2)', [digestOf(id), this.now() + this.lifetimeMs]);
    return { id, maxAgeSeconds: Math.floor(this.lifetimeMs / 1000) };
  }

  async isValid(id: string | undefined): Promise<boolean> {
    if (id === undefined) return false;
    const digest = digestOf(id);
    const { rows } = await this.pool.query<{ expires_at: number }>('SELECT expires_at FROM ui_sessions WHERE digest = $1', [digest]);
    const expires = rows[0]?.expires_at;
    if (expires === undefined) return false;
    const now = this.now();
    if (expires > now) return true;
    await this.pool.query('DELETE FROM ui_sessions WHERE digest = $1 AND expires_at <= $2', [digest, now]);
    return false;
  }

  async end(id: string | undefined): Promise<void> {
    if (id !== undefined) await this.pool.query('DELETE FROM ui_sessions WHERE digest = $1', [digestOf(id)]);
  }
}

export class PostgresSignInNonceStore implements SignInNonces {
  constructor(
    private readonly pool: Queryable,
    private readonly lifetimeMs = signInNonceLifetimeMs,
    private readonly now: () => number = Date.now,
  ) {}

  async mint(): Promise<MintedNonce> {
    await pruneAndCap(this.pool, 'ui_sign_in_nonces', this.now(), maxOutstandingNonces);
    const nonce = randomBytes(32).toString('base64url');
    await this.pool.query('INSERT INTO ui_sign_in_nonces (digest, expires_at) VALUES ($1, $2)', [digestOf(nonce), this.now() + this.lifetimeMs]);
    return { nonce, expiresInSeconds: Math.floor(this.lifetimeMs / 1000) };
  }

  /** One statement takes the row: of two replicas presented the same nonce, only one gets it back. */
  async redeem(nonce: string): Promise<boolean> {
    const { rows } = await this.pool.query<{ expires_at: number }>('DELETE FROM ui_sign_in_nonces WHERE digest = $1 RETURNING expires_at', [digestOf(nonce)]);
    const expires = rows[0]?.expires_at;
    return expires !== undefined && expires > this.now();
  }
}

export interface SharedBrowserAuth {
  readonly sessions: PostgresSessionStore;
  readonly signInNonces: PostgresSignInNonceStore;
  close(): Promise<void>;
}

/**
 * Both stores on a small pool of their own: a sign-in, a sign-out and one lookup per admin UI call or playground
 * request. The ledger has migrated the database before this opens (boot awaits it).
 */
export async function openSharedBrowserAuth(url: string): Promise<SharedBrowserAuth> {
  const pool = await createPool({ url, max: 2, queryTimeoutMs: 10_000 });
  return { sessions: new PostgresSessionStore(pool), signInNonces: new PostgresSignInNonceStore(pool), close: () => pool.end() };
}

/** Deletes expired rows and, when `cap` are left, the oldest ones, making room for one more. */
async function pruneAndCap(pool: Queryable, table: 'ui_sessions' | 'ui_sign_in_nonces', now: number, cap: number): Promise<void> {
  await pool.query(`DELETE FROM ${table} WHERE expires_at <= $1 OR seq IN (SELECT seq FROM ${table} ORDER BY seq DESC OFFSET $2)`, [now, cap - 1]);
}

function digestOf(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}
