// Client tokens in team mode (`ledger.url: postgres://…`): one client_tokens table in PostgreSQL for every replica,
// so a token created or revoked through any replica (its control API, or `switchyard tokens` with the same URL)
// holds on all of them. The gateway's check stays synchronous and cheap: each replica keeps the active digests in
// memory (a Map lookup per request, no round trip), loaded at open and re-read
//   - when PostgreSQL notifies 'switchyard_client_tokens' (migration 3's trigger, at the commit of a create, replace,
//     revoke or delete): another replica refuses a revoked token within a round trip or two;
//   - every `refreshMs` (default 10 s), and whenever the listening connection comes back: a NOTIFY sent while this
//     replica's connection was down is lost, the re-read catches up.
// PostgreSQL unreachable: the last set read stays in force (tokens keep working, a revocation made meanwhile is not
// seen until it answers again), and view() says `stale` since when, for /health and status. last_used_at is batched
// as in SQLite: at most one write per `lastUsedFlushMs` for all tokens, moved forward only.
import { generateToken } from './client-token-file.js';
import {
  checkTokenName,
  ClientTokenError,
  maskToken,
  tokenExistsError,
  unknownTokenError,
  type ClientTokenRegistry,
  type ClientTokenView,
} from './client-token-store.js';
import { environmentToken, gatewayTokenVerifier, type ClientTokensSetup } from './default-token.js';
import { digest, lazyDigest } from './token-digest.js';
import type { ClientIdentity } from './token-verifier.js';
import { DuplicateDigestError } from '../ledger/client-token-table.js';
import { createPool, describePostgresError, type Pool, type PoolClient } from '../ledger/postgres/client.js';
import { clientTokensChannel, PostgresClientTokenTable } from '../ledger/postgres/client-tokens.js';
import { migratePostgres } from '../ledger/postgres/migrations.js';
import { isPostgresUrl, maskPostgresUrl } from '../ledger/postgres/url.js';

export interface PostgresClientTokenStoreOptions {
  readonly url: string;
  /**
   * Keep the in-memory set current (LISTEN and the periodic re-read): the gateway. The CLI, which only manages
   * tokens and exits, passes false.
   */
  readonly watch?: boolean;
  /** the backstop re-read (default 10 s) */
  readonly refreshMs?: number;
  /** a query unanswered this long fails (default 5 s): a connection cut silently is noticed at the next re-read */
  readonly queryTimeoutMs?: number;
  /** last_used_at is written at most this often (default one minute) */
  readonly lastUsedFlushMs?: number;
  readonly now?: () => number;
  /** told when PostgreSQL stops answering, and when it answers again (once per change, not per retry) */
  readonly onError?: (message: string) => void;
  readonly log?: (line: string) => void;
}

/** What /health and status say of the shared tokens. */
export interface SharedTokensView {
  readonly backend: 'postgres';
  /** live: the set is current; stale: PostgreSQL is unreachable and the last set read is in force */
  readonly state: 'live' | 'stale';
  /** active tokens in this replica's set */
  readonly active: number;
  /** when the set was last read (epoch ms) */
  readonly loadedAt: number;
  /** stale since (epoch ms) */
  readonly since?: number;
  /** why (may name hosts: not for the unauthenticated /health) */
  readonly reason?: string;
}

const maxRetryMs = 10_000;

export class PostgresClientTokenStore implements ClientTokenRegistry {
  readonly kind = 'postgres';
  private active = new Map<string, string>(); // digest (latin1) → name
  private revoked = new Set<string>();
  private loadedAt = 0;
  private staleSince: number | undefined;
  private staleReason: string | undefined;
  private listener: PoolClient | undefined;
  /** the backstop's liveness probe of the listening connection is in flight */
  private probing = false;
  private reloading: Promise<void> | undefined;
  private reloadAgain = false;
  private refreshTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryMs = 500;
  private readonly pendingUse = new Map<string, number>();
  private flushTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private closed = false;
  private readonly now: () => number;
  private readonly table: PostgresClientTokenTable;

  private constructor(
    private readonly pool: Pool,
    /** the URL with its password masked */
    readonly where: string,
    private readonly options: PostgresClientTokenStoreOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.table = new PostgresClientTokenTable(pool);
  }

  /** Connects, migrates (under the ledger's advisory lock) and, when watching, loads the set and starts listening. */
  static async open(options: PostgresClientTokenStoreOptions): Promise<PostgresClientTokenStore> {
    if (!isPostgresUrl(options.url)) throw new Error(`ledger.url must be a postgres:// URL, got ${maskPostgresUrl(options.url)}`);
    const where = maskPostgresUrl(options.url);
    // Two connections when watching: one held for LISTEN, one for the re-reads, writes and the control API. A query
    // unanswered in time fails, so a re-read or the listener's check never hangs on a connection cut silently.
    const pool = await createPool({ url: options.url, max: options.watch === false ? 1 : 2, queryTimeoutMs: options.queryTimeoutMs ?? 5_000 });
    const store = new PostgresClientTokenStore(pool, where, options);
    try {
      await migratePostgres(pool);
      if (options.watch !== false) {
        await store.listen();
        // at open, a set that could not be read is an error (a start with no tokens would refuse everyone silently)
        if (store.listener === undefined || store.staleSince !== undefined) throw new Error(store.staleReason ?? 'could not read the tokens');
        store.refreshTimer = setInterval(() => void store.refresh(), Math.max(50, options.refreshMs ?? 10_000));
        store.refreshTimer.unref();
      }
      return store;
    } catch (error) {
      await store.close();
      throw new Error(`client tokens in PostgreSQL at ${where}: ${describePostgresError(error)}`, { cause: error });
    }
  }

  /** The gateway's check, per request: the digest looked up in this replica's set. No round trip, no write. */
  verify(token: string, digestOf: () => Buffer = lazyDigest(token)): ClientIdentity | undefined {
    const name = this.active.get(digestOf().toString('latin1'));
    if (name === undefined) return undefined;
    this.pendingUse.set(name, this.now());
    this.flushTimer ??= setTimeout(() => void this.flushLastUsed(), this.options.lastUsedFlushMs ?? 60_000).unref();
    return { name };
  }

  /** Whether a row named `name` is revoked, as of the last read (the playground's switch). */
  isRevoked(name: string): boolean {
    return this.revoked.has(name);
  }

  view(): SharedTokensView {
    return {
      backend: 'postgres',
      state: this.staleSince === undefined ? 'live' : 'stale',
      active: this.active.size,
      loadedAt: this.loadedAt,
      ...(this.staleSince === undefined ? {} : { since: this.staleSince, reason: this.staleReason ?? 'unreachable' }),
    };
  }

  /** A new 256-bit token for `name`, returned this once. A revoked name may be given a new token (rotation). */
  async create(name: string): Promise<{ readonly name: string; readonly token: string }> {
    checkTokenName(name);
    const token = generateToken('sy');
    let created: boolean;
    try {
      created = await this.table.createIfFree(name, digest(token), maskToken(token), this.now());
    } catch (error) {
      if (error instanceof DuplicateDigestError) throw new ClientTokenError('digest-taken', error.message);
      throw error;
    }
    if (!created) throw tokenExistsError(name);
    this.pendingUse.delete(name);
    await this.reloadIfWatching(); // this replica takes it at once, without waiting for its own NOTIFY
    return { name, token };
  }

  async get(name: string): Promise<ClientTokenView | undefined> {
    const row = await this.table.byNameWithDigest(name);
    return row ? { name: row.name, masked: row.masked, createdAt: row.createdAt, lastUsedAt: row.lastUsedAt, revokedAt: row.revokedAt } : undefined;
  }

  list(): Promise<ClientTokenView[]> {
    return this.table.list();
  }

  /** Refused from now on on this replica, and on every other one at its NOTIFY. False when it was revoked already. */
  async revoke(name: string): Promise<boolean> {
    if (await this.table.revoke(name, this.now())) {
      await this.reloadIfWatching();
      return true;
    }
    if (!(await this.get(name))) throw unknownTokenError(name);
    return false;
  }

  activeCount(): Promise<number> {
    return this.table.activeCount();
  }

  /** Re-reads the set (one read at a time; a change noticed during a read starts another). Never rejects. */
  reload(): Promise<void> {
    if (this.reloading) {
      this.reloadAgain = true;
      return this.reloading;
    }
    this.reloading = (async () => {
      do {
        this.reloadAgain = false;
        try {
          const [active, revoked] = await Promise.all([this.table.activeDigests(), this.table.revokedNames()]);
          this.active = new Map(active.map((row) => [row.hash.toString('latin1'), row.name]));
          this.revoked = new Set(revoked);
          this.loadedAt = this.now();
          if (this.listener !== undefined) this.markLive();
        } catch (error) {
          this.markStale(error);
          return;
        }
      } while (this.reloadAgain && !this.closed);
    })().finally(() => {
      this.reloading = undefined;
    });
    return this.reloading;
  }

  /**
   * The backstop: checks that the listening connection still answers (one cut without a reset would otherwise go
   * unnoticed, and its NOTIFYs with it), then re-reads the set.
   */
  private async refresh(): Promise<void> {
    const listener = this.listener;
    // one probe at a time: a probe still waiting (a cut connection, up to the query timeout) is the one that tells;
    // a second query on the same connection meanwhile would only queue behind it (and pg 9 will refuse it)
    if (listener !== undefined && !this.probing) {
      this.probing = true;
      try {
        await listener.query('SELECT 1');
      } catch (error) {
        this.listenerLost(listener, error);
      } finally {
        this.probing = false;
      }
    }
    await this.reload();
  }

  /** Writes the batched last-used times in one statement; on failure they stay pending for the next try. */
  flushLastUsed(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.pendingUse.size === 0 || this.flushing) return this.flushing ?? Promise.resolve();
    const pending = [...this.pendingUse];
    this.flushing = this.table
      .recordLastUsed(pending)
      .then(() => {
        for (const [name, usedAt] of pending) if (this.pendingUse.get(name) === usedAt) this.pendingUse.delete(name);
      })
      .catch((error: unknown) => {
        this.options.onError?.(`client tokens: last used not written (${describePostgresError(error)}); will retry`);
        if (!this.closed) this.flushTimer = setTimeout(() => void this.flushLastUsed(), this.options.lastUsedFlushMs ?? 60_000).unref();
      })
      .finally(() => {
        this.flushing = undefined;
      });
    return this.flushing;
  }

  /** Writes the pending last-used times (bounded by the pool's connect timeout), stops listening, disconnects. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.refreshTimer);
    clearTimeout(this.retryTimer);
    await this.flushing;
    await this.flushLastUsed();
    clearTimeout(this.flushTimer);
    await this.reloading;
    this.listener?.release(true);
    this.listener = undefined;
    await this.pool.end().catch(() => undefined);
  }

  private async reloadIfWatching(): Promise<void> {
    if (this.options.watch !== false) await this.reload();
  }

  /** Holds one connection for LISTEN; on its loss, retries with backoff (0.5 s doubling to 10 s) until it is back. */
  private async listen(): Promise<void> {
    if (this.closed) return;
    let client: PoolClient | undefined;
    try {
      client = await this.pool.connect();
      const held = client;
      held.on('notification', (message) => {
        if (message.channel === clientTokensChannel) void this.reload();
      });
      held.on('error', (error) => this.listenerLost(held, error));
      held.on('end', () => this.listenerLost(held, new Error('connection ended')));
      await held.query(`LISTEN ${clientTokensChannel}`);
      this.listener = held;
      this.retryMs = 500;
      await this.reload(); // whatever changed while nobody was listening
    } catch (error) {
      if (client !== undefined && this.listener !== client) client.release(true);
      this.markStale(error);
      this.retryListen();
    }
  }

  private listenerLost(client: PoolClient, error: unknown): void {
    if (this.listener !== client) return;
    this.listener = undefined;
    client.release(true);
    this.markStale(error);
    this.retryListen();
  }

  private retryListen(): void {
    if (this.closed || this.options.watch === false) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.listen(), this.retryMs).unref();
    this.retryMs = Math.min(maxRetryMs, this.retryMs * 2);
  }

  private markStale(error: unknown): void {
    if (this.closed) return;
    const reason = describePostgresError(error);
    if (this.staleSince === undefined) {
      this.staleSince = this.now();
      this.options.onError?.(
        `client tokens: PostgreSQL at ${this.where} unreachable (${reason}); the ${this.active.size} token(s) read last stay in force until it answers`,
      );
    }
    this.staleReason = reason;
  }

  private markLive(): void {
    if (this.staleSince === undefined) return;
    this.staleSince = undefined;
    this.staleReason = undefined;
    this.options.log?.(`client tokens: PostgreSQL at ${this.where} answers again; ${this.active.size} active token(s) re-read`);
  }
}

/**
 * For boot in team mode: opens the shared store (after the ledger, whose open ran the migrations). There is no
 * 'default' token here: per-person tokens are made with `switchyard tokens create <name>` against the same URL, or on
 * the admin UI's Tokens page. The caller closes `store` when the gateway has stopped.
 */
export async function setupSharedClientTokens(options: {
  readonly url: string;
  readonly env: NodeJS.ProcessEnv;
  readonly log: (line: string) => void;
}): Promise<ClientTokensSetup> {
  const store = await PostgresClientTokenStore.open({ url: options.url, log: options.log, onError: options.log });
  const active = store.view().active + (environmentToken(options.env) ? 1 : 0);
  const startupLine =
    active === 0
      ? `client tokens: none is active in PostgreSQL at ${store.where}, so every request is refused; create one with \`switchyard tokens create <name>\``
      : `client tokens: ${active} active (hashed in PostgreSQL at ${store.where}, shared by every replica)`;
  return { store, verifier: gatewayTokenVerifier(store, options.env), created: false, startupLine };
}
