// The client_tokens table in PostgreSQL (migration 3), team mode: the same rows, uniqueness rules and revoke
// semantics as the SQLite table (../client-token-table.ts), so a token created or revoked through any replica holds
// on all of them. Every statement is one round trip and atomic on its own: create's "unless an unrevoked token has
// the name" is the upsert's WHERE, not a read before a write. The trigger in migration 3 notifies the other
// replicas at commit; last_used_at writes move the time forward only (GREATEST), whatever order they arrive in.
import { DuplicateDigestError, type ClientTokenRecords, type ClientTokenRow, type TokenRow } from '../client-token-table.js';
import type { Queryable } from './client.js';

/** The channel migration 3's trigger notifies on each create, replace, revoke or delete. */
export const clientTokensChannel = 'switchyard_client_tokens';

const upsertSql = `INSERT INTO client_tokens (name, hash, masked, created_at) VALUES ($1, $2, $3, $4)
  ON CONFLICT (name) DO UPDATE SET hash = excluded.hash, masked = excluded.masked, created_at = excluded.created_at, revoked_at = NULL, last_used_at = NULL`;

export class PostgresClientTokenTable implements ClientTokenRecords {
  constructor(private readonly pool: Queryable) {}

  async byNameWithDigest(name: string): Promise<(ClientTokenRow & { readonly hash: Buffer }) | undefined> {
    const { rows } = await this.pool.query<TokenRow & { hash: Buffer }>('SELECT * FROM client_tokens WHERE name = $1', [name]);
    const row = rows[0];
    return row ? { ...rowOf(row), hash: row.hash } : undefined;
  }

  async createIfFree(name: string, hash: Buffer, masked: string, createdAt: number): Promise<boolean> {
    const { rowCount } = await this.write(`${upsertSql} WHERE client_tokens.revoked_at IS NOT NULL`, [name, hash, masked, createdAt]);
    return (rowCount ?? 0) > 0;
  }

  async upsert(name: string, hash: Buffer, masked: string, createdAt: number): Promise<void> {
    await this.write(upsertSql, [name, hash, masked, createdAt]);
  }

  async list(): Promise<ClientTokenRow[]> {
    const { rows } = await this.pool.query<TokenRow>('SELECT name, masked, created_at, last_used_at, revoked_at FROM client_tokens ORDER BY name');
    return rows.map(rowOf);
  }

  async revoke(name: string, at: number): Promise<boolean> {
    const { rowCount } = await this.pool.query('UPDATE client_tokens SET revoked_at = $1 WHERE name = $2 AND revoked_at IS NULL', [at, name]);
    return (rowCount ?? 0) > 0;
  }

  async activeCount(): Promise<number> {
    const { rows } = await this.pool.query<{ count: number }>('SELECT count(*)::int AS count FROM client_tokens WHERE revoked_at IS NULL');
    return rows[0]?.count ?? 0;
  }

  async activeDigests(): Promise<Array<{ readonly name: string; readonly hash: Buffer }>> {
    const { rows } = await this.pool.query<{ name: string; hash: Buffer }>('SELECT name, hash FROM client_tokens WHERE revoked_at IS NULL');
    return rows;
  }

  async revokedNames(): Promise<string[]> {
    const { rows } = await this.pool.query<{ name: string }>('SELECT name FROM client_tokens WHERE revoked_at IS NOT NULL ORDER BY name');
    return rows.map((row) => row.name);
  }

  /** One statement for the whole batch; a name revoked or replaced meanwhile still gets its time (as in SQLite). */
  async recordLastUsed(uses: ReadonlyArray<readonly [name: string, usedAt: number]>): Promise<void> {
    if (uses.length === 0) return;
    await this.pool.query(
      `UPDATE client_tokens t SET last_used_at = GREATEST(COALESCE(t.last_used_at, 0), u.used_at)
       FROM (SELECT name, max(used_at) AS used_at FROM unnest($1::text[], $2::int8[]) AS x(name, used_at) GROUP BY name) u
       WHERE t.name = u.name`,
      [uses.map(([name]) => name), uses.map(([, usedAt]) => Math.trunc(usedAt))],
    );
  }

  /** A write that may hit UNIQUE (hash): unique_violation (23505) on the digest becomes DuplicateDigestError. */
  private async write(text: string, values: unknown[]): Promise<{ rowCount: number | null }> {
    try {
      return await this.pool.query(text, values);
    } catch (error) {
      if ((error as { code?: string }).code === '23505') throw new DuplicateDigestError();
      throw error;
    }
  }
}

function rowOf(row: TokenRow): ClientTokenRow {
  return { name: row.name, masked: row.masked, createdAt: row.created_at, lastUsedAt: row.last_used_at, revokedAt: row.revoked_at };
}
