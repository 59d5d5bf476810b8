// The client_tokens table (migration 2): a token's SHA-256 digest, its masked form and its times, one row per name.
// The SQL lives here; hashing, naming rules and the last-used batching are secrets/client-token-store.ts's. The two
// per-request lookups are prepared once, when the table is opened on a connection. ClientTokenRecords is what both
// tables offer, this SQLite one (answers at once) and PostgreSQL's for team mode (postgres/client-tokens.ts); one
// test suite runs against both (client-token-records.test.ts).
import type { LedgerDatabase } from './database.js';

export type Awaitable<Value> = Value | Promise<Value>;

export interface ClientTokenRow {
  readonly name: string;
  readonly masked: string;
  readonly createdAt: number;
  readonly lastUsedAt: number | null;
  readonly revokedAt: number | null;
}

/** The table as either backend offers it: the same rows, uniqueness rules and revoke semantics. */
export interface ClientTokenRecords {
  /** The row named `name`, revoked or not, with its digest. */
  byNameWithDigest(name: string): Awaitable<(ClientTokenRow & { readonly hash: Buffer }) | undefined>;
  /**
   * Stores a digest under `name` unless an unrevoked token holds the name (then false); a revoked name is reused
   * (rotation). Throws DuplicateDigestError when another name holds the same digest.
   */
  createIfFree(name: string, hash: Buffer, masked: string, createdAt: number): Awaitable<boolean>;
  /** Stores a digest under `name`, replacing what the name had (unrevoked, never used). Throws DuplicateDigestError. */
  upsert(name: string, hash: Buffer, masked: string, createdAt: number): Awaitable<void>;
  /** Every row by name (bytewise order), without digests. */
  list(): Awaitable<ClientTokenRow[]>;
  /** Marks `name` revoked at `at`; false when there is no unrevoked row of that name. */
  revoke(name: string, at: number): Awaitable<boolean>;
  activeCount(): Awaitable<number>;
  /** Every unrevoked token's name and digest (what a replica keeps in memory in team mode). */
  activeDigests(): Awaitable<Array<{ readonly name: string; readonly hash: Buffer }>>;
  /** Names of revoked rows. */
  revokedNames(): Awaitable<string[]>;
  /** Moves each name's last_used_at forward (never back), in one transaction. */
  recordLastUsed(uses: ReadonlyArray<readonly [name: string, usedAt: number]>): Awaitable<void>;
}

/** Another name holds this digest already (the table's UNIQUE (hash)): the same error from both backends. */
export class DuplicateDigestError extends Error {
  constructor() {
    super('that token is already stored under another name');
    this.name = 'DuplicateDigestError';
  }
}

/** A client_tokens row as both backends read it back (without its digest). */
export interface TokenRow {
  name: string;
  masked: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export class ClientTokenTable implements ClientTokenRecords {
  private readonly lookup;
  private readonly byName;

  constructor(private readonly database: LedgerDatabase) {
    this.lookup = database.prepare<[Buffer], { name: string; hash: Buffer }>('SELECT name, hash FROM client_tokens WHERE hash = ? AND revoked_at IS NULL');
    this.byName = database.prepare<[string], TokenRow & { hash: Buffer }>('SELECT * FROM client_tokens WHERE name = ?');
  }

  /** Whether the connection is still open (false once closed). */
  get open(): boolean {
    return this.database.open;
  }

  /** The unrevoked token whose digest is `hash` (one indexed read). */
  activeByDigest(hash: Buffer): { readonly name: string; readonly hash: Buffer } | undefined {
    return this.lookup.get(hash);
  }

  /** The row named `name`, revoked or not, with its digest. */
  byNameWithDigest(name: string): (ClientTokenRow & { readonly hash: Buffer }) | undefined {
    const row = this.byName.get(name);
    return row ? { ...rowOf(row), hash: row.hash } : undefined;
  }

  /**
   * Stores a digest under `name`, replacing what the name had (unrevoked, never used). Throws DuplicateDigestError
   * (from SQLite's SQLITE_CONSTRAINT_UNIQUE: the name's conflict is the upsert's) when another name holds the digest.
   */
  upsert(name: string, hash: Buffer, masked: string, createdAt: number): void {
    try {
      this.database
        .prepare(
          `INSERT INTO client_tokens (name, hash, masked, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET hash = excluded.hash, masked = excluded.masked, created_at = excluded.created_at, revoked_at = NULL, last_used_at = NULL`,
        )
        .run(name, hash, masked, createdAt);
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new DuplicateDigestError();
      throw error;
    }
  }

  createIfFree(name: string, hash: Buffer, masked: string, createdAt: number): boolean {
    return this.immediate(() => {
      const existing = this.byName.get(name);
      if (existing && existing.revoked_at === null) return false;
      this.upsert(name, hash, masked, createdAt);
      return true;
    });
  }

  activeDigests(): Array<{ readonly name: string; readonly hash: Buffer }> {
    return this.database.prepare<[], { name: string; hash: Buffer }>('SELECT name, hash FROM client_tokens WHERE revoked_at IS NULL').all();
  }

  revokedNames(): string[] {
    return this.database.prepare<[], string>('SELECT name FROM client_tokens WHERE revoked_at IS NOT NULL ORDER BY name').pluck().all();
  }

  /** Every row by name, without digests. */
  list(): ClientTokenRow[] {
    return this.database.prepare<[], TokenRow>('SELECT name, masked, created_at, last_used_at, revoked_at FROM client_tokens ORDER BY name').all().map(rowOf);
  }

  /** Marks `name` revoked at `at`; false when there is no unrevoked row of that name. */
  revoke(name: string, at: number): boolean {
    return this.database.prepare('UPDATE client_tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL').run(at, name).changes > 0;
  }

  activeCount(): number {
    return this.database.prepare<[], number>('SELECT COUNT(*) FROM client_tokens WHERE revoked_at IS NULL').pluck().get() ?? 0;
  }

  /** Moves each name's last_used_at forward (never back), all in one transaction. */
  recordLastUsed(uses: ReadonlyArray<readonly [name: string, usedAt: number]>): void {
    const update = this.database.prepare('UPDATE client_tokens SET last_used_at = max(COALESCE(last_used_at, 0), ?) WHERE name = ?');
    this.immediate(() => {
      for (const [name, usedAt] of uses) update.run(usedAt, name);
    });
  }

  /** Runs `work` under the write lock (BEGIN IMMEDIATE), so a check and the write after it see the same rows. */
  immediate<T>(work: () => T): T {
    return this.database.transaction(work).immediate();
  }

  close(): void {
    if (this.database.open) this.database.close();
  }
}

function rowOf(row: TokenRow): ClientTokenRow {
  return { name: row.name, masked: row.masked, createdAt: row.created_at, lastUsedAt: row.last_used_at, revokedAt: row.revoked_at };
}
