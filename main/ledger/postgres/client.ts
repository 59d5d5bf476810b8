// The `pg` driver, loaded on first use: only a ledger configured with a postgres:// URL pays for it (the desktop
// app and the default SQLite mode never load it). BIGINT and NUMERIC columns come back as JavaScript numbers: every
// count, token sum and nano-dollar sum the ledger keeps is far below 2^53.
import type { Pool, PoolClient, PoolConfig, QueryResultRow } from 'pg';

export type { Pool, PoolClient };

/** What the ledger runs queries on: a pool, or one client inside a transaction. */
export interface Queryable {
  query<Row extends QueryResultRow = QueryResultRow>(text: string, values?: unknown[]): Promise<{ rows: Row[]; rowCount: number | null }>;
}

const int8 = 20;
const numeric = 1700;

export interface PoolOptions {
  readonly url: string;
  /** connections per process: the writer uses one at a time, the dashboard's reads the rest */
  readonly max?: number;
  readonly connectTimeoutMs?: number;
  /**
   * A query unanswered this long fails and its connection is dropped (default: none). With TCP keepalive, so a
   * connection cut without a reset (a network partition) is noticed rather than waited on for ever.
   */
  readonly queryTimeoutMs?: number;
}

export async function createPool(options: PoolOptions): Promise<Pool> {
  const pg = (await import('pg')).default;
  const parsers: Record<number, (text: string) => unknown> = { [int8]: Number, [numeric]: Number };
  const config: PoolConfig = {
    connectionString: options.url,
    max: options.max ?? 4,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    idleTimeoutMillis: 30_000,
    application_name: 'switchyard',
    ...(options.queryTimeoutMs === undefined ? {} : { query_timeout: options.queryTimeoutMs, keepAlive: true }),
    // JIT compiling costs 100-400 ms per query the planner deems large (a year's series): more than the query itself
    options: '-c jit=off',
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') => parsers[oid] ?? pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  };
  const pool = new pg.Pool(config);
  // An idle client's connection dropping (a server restart) must not crash the process: the next query reconnects.
  pool.on('error', () => undefined);
  return pool;
}

/** Runs `work` in one transaction on one client of the pool; rolls back and rethrows on failure. */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch {
      broken = true; // the connection itself failed: do not return it to the pool
    }
    throw error;
  } finally {
    client.release(broken);
  }
}

/** The database's clock in epoch ms (every replica reads the same one: heartbeats never compare two machines' clocks). */
export const nowMsSql = `(extract(epoch from clock_timestamp()) * 1000)::bigint`;

/**
 * Errors worth retrying: the connection (no SQLSTATE, or class 08), a rolled-back transaction (40: deadlock,
 * serialization), resources (53), an operator's intervention such as a server restart (57), system errors (58) and
 * lock timeouts (55). Anything else (22 data, 23 integrity) is about the rows themselves.
 */
export function isTransientPostgresError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = 'code' in error && typeof error.code === 'string' ? error.code : undefined;
  const fromServer = 'severity' in error && typeof error.severity === 'string';
  if (!fromServer || code === undefined) return true;
  return ['08', '40', '53', '55', '57', '58'].includes(code.slice(0, 2));
}

export function describePostgresError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = 'code' in error && typeof error.code === 'string' ? error.code : undefined;
  return code ? `${code}: ${error.message}` : error.message;
}
