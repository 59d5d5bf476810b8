// Client tokens, one per tool, kept as SHA-256 digests in the ledger's SQLite file (migration 2). The gateway's
// verify() is one indexed lookup per request on a connection of its own, with no cache: a token revoked by another
// process (the CLI next to `serve`) is refused on the very next request, since every WAL read sees the last commit.
// The table and its SQL are the ledger's (ledger/client-token-table.ts); naming, hashing and batching are here.
import { timingSafeEqual } from 'node:crypto';
import { maskSecret } from '../../shared/redact.js';
import { digest, lazyDigest } from './token-digest.js';
import { ClientTokenTable, DuplicateDigestError, type ClientTokenRow } from '../ledger/client-token-table.js';
import { openDatabase } from '../ledger/database.js';
import { migrate } from '../ledger/migrations/index.js';
import { generateToken } from './client-token-file.js';
import type { ClientIdentity, ClientTokenVerifier } from './token-verifier.js';

/** Same rule as the control contract's `tokens.create`. */
export const tokenNamePattern = /^[a-z0-9][a-z0-9._-]{0,63}$/;
/** Names the store will not hand out: `env` is SWITCHYARD_API_KEY's token, which is never stored. */
export const reservedTokenNames: readonly string[] = ['env'];

/** What list() shows of a token: the shape of the control contract's TokenDto. Never the token. */
export interface ClientTokenView {
  readonly name: string;
  /** `sy-…wXyZ`: the most of a token ever shown or stored */
  readonly masked: string;
  readonly createdAt: number;
  /** written in batches (at most once a minute per token), so up to a minute behind */
  readonly lastUsedAt: number | null;
  readonly revokedAt: number | null;
}

export type ClientTokenProblem = 'invalid-name' | 'reserved' | 'exists' | 'unknown' | 'digest-taken';

export class ClientTokenError extends Error {
  constructor(
    readonly problem: ClientTokenProblem,
    message: string,
  ) {
    super(message);
    this.name = 'ClientTokenError';
  }
}

export interface ClientTokenStoreOptions {
  /** the ledger file, `<data dir>/ledger.sqlite` */
  readonly path: string;
  readonly nativeBinding?: string;
  /** how long a write waits for another process's lock (the CLI can wait; `serve` keeps it short) */
  readonly busyTimeoutMs?: number;
  /** last_used_at is written at most this often (default one minute): never a write per request */
  readonly lastUsedFlushMs?: number;
  readonly now?: () => number;
  /** told when a lookup or a last-used write fails (the request is refused; the write is tried again later) */
  readonly onError?: (error: unknown) => void;
}

/** `sy-…wXyZ`: our prefix (it says what kind of secret this is) and the last four characters, nothing else. */
export function maskToken(token: string): string {
  return `${token.startsWith('sy-') ? 'sy-' : ''}${maskSecret(token)}`;
}

/** The same refusals from either store (SQLite's, PostgreSQL's in team mode). */
export function tokenExistsError(name: string): ClientTokenError {
  return new ClientTokenError('exists', `a token named '${name}' exists already; revoke it first to replace it`);
}

export function unknownTokenError(name: string): ClientTokenError {
  return new ClientTokenError('unknown', `no token named '${name.slice(0, 80)}' (\`switchyard tokens list\` shows them)`);
}

/**
 * What the CLI, the control service and boot use of either store: this SQLite one answers at once, the PostgreSQL
 * one (postgres-client-token-store.ts, team mode) over the network; `await` serves both. verify() is synchronous in
 * both: the gateway's per-request check.
 */
export interface ClientTokenRegistry extends ClientTokenVerifier {
  readonly kind: 'sqlite' | 'postgres';
  get(name: string): ClientTokenView | undefined | Promise<ClientTokenView | undefined>;
  list(): ClientTokenView[] | Promise<ClientTokenView[]>;
  create(name: string): { readonly name: string; readonly token: string } | Promise<{ readonly name: string; readonly token: string }>;
  revoke(name: string): boolean | Promise<boolean>;
  activeCount(): number | Promise<number>;
}

export function checkTokenName(name: string): void {
  if (!tokenNamePattern.test(name)) {
    throw new ClientTokenError(
      'invalid-name',
      `'${name.slice(0, 80)}' is not a token name: 1 to 64 of a-z, 0-9, '.', '_', '-', starting with a letter or digit`,
    );
  }
  if (reservedTokenNames.includes(name)) throw new ClientTokenError('reserved', `'${name}' is reserved for the SWITCHYARD_API_KEY token`);
}

export class ClientTokenStore implements ClientTokenRegistry {
  readonly kind = 'sqlite';
  private readonly pendingUse = new Map<string, number>();
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  private constructor(
    private readonly table: ClientTokenTable,
    private readonly options: ClientTokenStoreOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Opens a connection of its own and brings the schema up to date. It never runs the ledger's crash recovery. */
  static open(options: ClientTokenStoreOptions): ClientTokenStore {
    const database = openDatabase(options.path, {
      busyTimeoutMs: options.busyTimeoutMs ?? 1_000,
      ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
    });
    try {
      migrate(database);
      return new ClientTokenStore(new ClientTokenTable(database), options);
    } catch (error) {
      database.close();
      throw error;
    }
  }

  /** A new 256-bit token for `name`, returned this once. A revoked name may be given a new token (rotation). */
  create(name: string): { readonly name: string; readonly token: string } {
    checkTokenName(name);
    const token = generateToken('sy');
    this.transaction(() => {
      const existing = this.get(name);
      if (existing && existing.revokedAt === null) throw tokenExistsError(name);
      this.put(name, token);
    });
    return { name, token };
  }

  /** Stores `token`'s digest under `name`, replacing what the name had (the default token's file, re-read). */
  put(name: string, token: string): void {
    try {
      this.table.upsert(name, digest(token), maskToken(token), this.now());
    } catch (error) {
      if (error instanceof DuplicateDigestError) throw new ClientTokenError('digest-taken', error.message);
      throw error;
    }
    this.pendingUse.delete(name);
  }

  get(name: string): ClientTokenView | undefined {
    const row = this.table.byNameWithDigest(name);
    return row ? view(row) : undefined;
  }

  /** Whether `token` is the one stored under `name` (revoked or not). */
  holds(name: string, token: string): boolean {
    const row = this.table.byNameWithDigest(name);
    return row !== undefined && timingSafeEqual(row.hash, digest(token));
  }

  list(): ClientTokenView[] {
    return this.table.list().map(view);
  }

  /** Refused from the next request on, in every process. False when it was revoked already. */
  revoke(name: string): boolean {
    if (this.table.revoke(name, this.now())) return true;
    if (!this.get(name)) throw unknownTokenError(name);
    return false;
  }

  activeCount(): number {
    return this.table.activeCount();
  }

  /** The gateway's check, per request: digest, one indexed read, a constant-time compare. No disk write. */
  verify(token: string, digestOf: () => Buffer = lazyDigest(token)): ClientIdentity | undefined {
    const presented = digestOf();
    let row: { name: string; hash: Buffer } | undefined;
    try {
      row = this.table.activeByDigest(presented);
    } catch (error) {
      if (this.table.open) this.options.onError?.(error); // closed: the gateway is stopping
      return undefined;
    }
    if (!row || row.hash.length !== presented.length || !timingSafeEqual(row.hash, presented)) return undefined;
    this.pendingUse.set(row.name, this.now());
    this.flushTimer ??= setTimeout(() => this.flushLastUsed(), this.options.lastUsedFlushMs ?? 60_000).unref();
    return { name: row.name };
  }

  /** Writes the batched last-used times in one transaction; on failure they stay pending for the next try. */
  flushLastUsed(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.pendingUse.size === 0 || !this.table.open) return;
    const pending = [...this.pendingUse];
    try {
      this.table.recordLastUsed(pending);
      for (const [name, usedAt] of pending) if (this.pendingUse.get(name) === usedAt) this.pendingUse.delete(name);
    } catch (error) {
      this.options.onError?.(error);
      this.flushTimer = setTimeout(() => this.flushLastUsed(), this.options.lastUsedFlushMs ?? 60_000).unref();
    }
  }

  /** Runs `work` under the write lock, so a check and the write after it see the same rows. */
  transaction<T>(work: () => T): T {
    return this.table.immediate(work);
  }

  close(): void {
    if (!this.table.open) return;
    this.flushLastUsed();
    clearTimeout(this.flushTimer);
    this.table.close();
  }
}

function view(row: ClientTokenRow): ClientTokenView {
  return { name: row.name, masked: row.masked, createdAt: row.createdAt, lastUsedAt: row.lastUsedAt, revokedAt: row.revokedAt };
}
