// The client_tokens table (migration 2): a token's SHA-256 digest, its masked form and its times, one row per name.
// The SQL lives here; hashing, naming rules and the last-used batching are secrets/client-token-store.ts's. The two
// per-request lookups are prepared once, when the table is opened on a connection.
import type { LedgerDatabase } from './database.js';

export interface ClientTokenRow {
  readonly name: string;
  readonly masked: string;
  readonly createdAt: number;
  readonly lastUsedAt: number | null;
  readonly revokedAt: number | null;
}

interface TokenRow {
  name: string;
  masked: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export class ClientTokenTable {
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
   * Stores a digest under `name`, replacing what the name had (unrevoked, never used). Throws SQLite's
   * SQLITE_CONSTRAINT_UNIQUE error when another name holds the same digest.
   */
  upsert(name: string, hash: Buffer, masked: string, createdAt: number): void {
    this.database
      .prepare(
        `INSERT INTO client_tokens (name, hash, masked, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET hash = excluded.hash, masked = excluded.masked, created_at = excluded.created_at, revoked_at = NULL, last_used_at = NULL`,
      )
      .run(name, hash, masked, createdAt);
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
