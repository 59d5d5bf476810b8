// Stored Responses-API responses in PostgreSQL (team mode, migration 4), so every replica resolves a turn that another
// one answered. Rows are written in batches as soon as the event loop is free (one statement per table through
// unnest(), one transaction), not on a timer: the next turn may reach another replica a moment after the answer, and
// that replica also looks a missing response up again for a short while (lookupRetriesMs) before calling it unknown.
// A failed batch is retried with backoff; a batch PostgreSQL refuses for its data is written row by row, and a row
// that still fails is given up (its answer was delivered; continuing from it answers 404, as with SQLite).
import {
  itemIn,
  type ResponseStorage,
  type StoredResponseRow,
  type StoredResponseColumns,
  type StoredResponseText,
  storedResponseText,
} from '../response-store.js';
import { createPool, describePostgresError, inTransaction, isTransientPostgresError, type Pool, type Queryable } from './client.js';

export interface PostgresResponseStorageOptions {
  /** rows kept while writes fail; past this the oldest are given up */
  readonly maxQueue?: number;
  readonly retryInitialMs?: number;
  readonly retryMaxMs?: number;
  /** waits before looking a missing response up again (another replica may be committing it) */
  readonly lookupRetriesMs?: readonly number[];
  readonly onError?: (message: string) => void;
}

const insertResponses =
  'INSERT INTO stored_responses (id, created_at, expires_at, client_token_name, previous_response_id, provider_id, model, input_items, response) ' +
  'SELECT * FROM unnest($1::text[], $2::int8[], $3::int8[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[]) ' +
  'ON CONFLICT (id) DO UPDATE SET created_at = excluded.created_at, expires_at = excluded.expires_at, client_token_name = excluded.client_token_name, ' +
  'previous_response_id = excluded.previous_response_id, provider_id = excluded.provider_id, model = excluded.model, ' +
  'input_items = excluded.input_items, response = excluded.response';
const insertItems =
  'INSERT INTO stored_response_items (item_id, response_id) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT (item_id, response_id) DO NOTHING';
const columns = 'id, created_at, client_token_name, previous_response_id, provider_id, model, input_items, response';

async function writeRows(client: Queryable, rows: readonly StoredResponseRow[]): Promise<void> {
  // one row per key: ON CONFLICT DO UPDATE may not meet a key twice in one statement
  const responses = new Map(rows.map((row) => [row.id, row]));
  const items = new Map<string, readonly [string, string]>();
  for (const row of responses.values()) for (const itemId of row.items) items.set(`${itemId}\u0000${row.id}`, [itemId, row.id]);
  const list = [...responses.values()];
  await client.query(insertResponses, [
    list.map((row) => row.id),
    list.map((row) => row.createdAt),
    list.map((row) => row.expiresAt),
    list.map((row) => row.clientTokenName),
    list.map((row) => row.previousResponseId),
    list.map((row) => row.providerId),
    list.map((row) => row.model),
    list.map((row) => row.inputItems),
    list.map((row) => row.response),
  ]);
  if (items.size === 0) return;
  const pairs = [...items.values()];
  await client.query(insertItems, [pairs.map((pair) => pair[0]), pairs.map((pair) => pair[1])]);
}

export class PostgresResponseStorage implements ResponseStorage {
  private queue: StoredResponseRow[] = [];
  private running: Promise<void> | undefined;
  private scheduled = false;
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;
  private closed = false;
  private readonly listeners: ((ids: readonly string[]) => void)[] = [];

  private constructor(
    private readonly pool: Pool,
    private readonly options: PostgresResponseStorageOptions,
  ) {}

  /** Its own small pool on the ledger's database (PostgresLedger.open has migrated it). */
  static async open(url: string, options: PostgresResponseStorageOptions = {}): Promise<PostgresResponseStorage> {
    return new PostgresResponseStorage(await createPool({ url, max: 2 }), options);
  }

  listen(written: (ids: readonly string[]) => void): void {
    this.listeners.push(written);
  }

  write(row: StoredResponseRow): void {
    if (this.closed) {
      this.settled([row.id]);
      return;
    }
    this.queue.push(row);
    const max = this.options.maxQueue ?? 10_000;
    if (this.queue.length > max) this.settled(this.queue.splice(0, this.queue.length - max).map((lost) => lost.id));
    this.schedule();
  }

  async get(id: string, now: number): Promise<StoredResponseText | undefined> {
    return this.lookup(async () => {
      const { rows } = await this.pool.query<StoredResponseColumns>(`SELECT ${columns} FROM stored_responses WHERE id = $1 AND expires_at > $2`, [id, now]);
      return rows[0] && storedResponseText(rows[0]);
    });
  }

  async chain(id: string, now: number, limit: number): Promise<StoredResponseText[]> {
    const rows = await this.lookup(async () => {
      const result = await this.pool.query<StoredResponseColumns>(
        `WITH RECURSIVE chain AS (
           SELECT ${columns}, 1 AS depth FROM stored_responses WHERE id = $1 AND expires_at > $2
           UNION ALL
           SELECT ${columns
             .split(', ')
             .map((column) => `r.${column}`)
             .join(', ')}, c.depth + 1 FROM chain c JOIN stored_responses r ON r.id = c.previous_response_id
           WHERE r.expires_at > $2 AND c.depth < $3
         ) SELECT ${columns} FROM chain ORDER BY depth`,
        [id, now, limit],
      );
      return result.rows.length > 0 ? result.rows : undefined;
    });
    return (rows ?? []).map(storedResponseText);
  }

  async item(itemId: string, now: number): Promise<{ item: Record<string, unknown>; clientTokenName: string | null } | undefined> {
    return this.lookup(async () => {
      const { rows } = await this.pool.query<{ client_token_name: string | null; input_items: string; response: string }>(
        'SELECT r.client_token_name, r.input_items, r.response FROM stored_response_items i JOIN stored_responses r ON r.id = i.response_id ' +
          'WHERE i.item_id = $1 AND r.expires_at > $2 ORDER BY r.created_at DESC LIMIT 1',
        [itemId, now],
      );
      const row = rows[0];
      const item = row && itemIn(row.input_items, row.response, itemId);
      return item && row && { item, clientTokenName: row.client_token_name };
    });
  }

  async delete(id: string): Promise<void> {
    await this.settle(); // a queued copy of the row must not be written after it is deleted
    await inTransaction(this.pool, async (client) => {
      await client.query('DELETE FROM stored_response_items WHERE response_id = $1', [id]);
      await client.query('DELETE FROM stored_responses WHERE id = $1', [id]);
    });
  }

  async pruneExpired(now: number): Promise<number> {
    const { rows } = await this.pool.query<{ count: number }>(
      `WITH gone AS (DELETE FROM stored_responses WHERE expires_at <= $1 RETURNING id),
            items AS (DELETE FROM stored_response_items i USING gone WHERE i.response_id = gone.id)
       SELECT count(*)::bigint AS count FROM gone`,
      [now],
    );
    return Number(rows[0]?.count ?? 0);
  }

  /** Writes what is queued now (bounded by `timeoutMs` of retries); resolves when the queue is empty or time is up. */
  async settle(timeoutMs = 3_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((this.queue.length > 0 || this.running) && Date.now() < deadline) {
      if (this.running) await this.running;
      else await this.flushOnce();
      if (this.failures > 0 && this.queue.length > 0) await sleep(Math.min(100, Math.max(1, deadline - Date.now())));
    }
  }

  /** Writes what it can within `timeoutMs`, gives up the rest, closes the pool. */
  async close(timeoutMs = 3_000): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.settle(timeoutMs);
    this.settled(this.queue.splice(0).map((row) => row.id));
    await this.pool.end().catch(() => undefined);
  }

  /** A miss may be a row another replica commits a moment later: looked up again after each wait. */
  private async lookup<T>(read: () => Promise<T | undefined>): Promise<T | undefined> {
    for (const waitMs of [0, ...(this.options.lookupRetriesMs ?? [25, 75, 150])]) {
      if (waitMs > 0) await sleep(waitMs);
      const found = await read();
      if (found !== undefined) return found;
    }
    return undefined;
  }

  private schedule(): void {
    if (this.scheduled || this.running || this.timer) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flushOnce();
    });
  }

  private flushOnce(): Promise<void> {
    if (this.running) return this.running;
    const batch = this.queue.splice(0, 500);
    if (batch.length === 0) return Promise.resolve();
    this.running = this.writeBatch(batch).finally(() => {
      this.running = undefined;
      if (this.queue.length > 0 && !this.closed && this.failures === 0) this.schedule();
    });
    return this.running;
  }

  private async writeBatch(batch: StoredResponseRow[]): Promise<void> {
    try {
      await inTransaction(this.pool, (client) => writeRows(client, batch));
      this.failures = 0;
      this.settled(batch.map((row) => row.id));
      return;
    } catch (error) {
      if (isTransientPostgresError(error)) {
        this.retryLater(batch, error);
        return;
      }
    }
    // refused for its data: row by row, so one bad row cannot keep the rest out
    for (const [index, row] of batch.entries()) {
      try {
        await inTransaction(this.pool, (client) => writeRows(client, [row]));
      } catch (error) {
        if (isTransientPostgresError(error)) {
          this.retryLater(batch.slice(index), error);
          return;
        }
        this.options.onError?.(`stored response ${row.id} not written: ${describePostgresError(error)}`);
      }
      this.settled([row.id]);
    }
    this.failures = 0;
  }

  private retryLater(rows: StoredResponseRow[], error: unknown): void {
    this.failures += 1;
    this.queue.unshift(...rows);
    this.options.onError?.(`stored responses: writing failed (tried again): ${describePostgresError(error)}`);
    if (this.closed) return;
    const delay = Math.min(this.options.retryMaxMs ?? 5_000, (this.options.retryInitialMs ?? 100) * 2 ** Math.min(10, this.failures - 1));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flushOnce();
    }, delay);
    this.timer.unref();
  }

  private settled(ids: readonly string[]): void {
    if (ids.length === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(ids);
      } catch {
        // a listener's failure is not the storage's
      }
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
