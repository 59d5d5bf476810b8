// The response cache's store, in the ledger's file (migration 7): one row per cached answer, keyed by the client
// token's namespace and the request's digest (gateway/cache/cache-key.ts), holding the answer's bytes as the client
// got them — a stream as its frames, so a hit replays the same chunking. Expired rows are misses and are deleted;
// past the size cap the least recently used rows go until the total is under 90% of it.
import type { LedgerDatabase } from './database.js';

export interface CachedAnswer {
  readonly stream: boolean;
  /** the answer's bytes in the writes they were sent in (one for a whole answer) */
  readonly frames: readonly Buffer[];
  readonly route: string | null;
  readonly providerId: string;
  readonly model: string;
  readonly locality: 'local' | 'cloud';
  /** the answer's usage in OpenAI's shape, for the hit's ledger row */
  readonly usage: Record<string, unknown> | null;
  /** what answering it again would have cost (its cost, or for a local answer its reference cost) */
  readonly savedUsd: number | null;
}

export interface ResponseCacheStats {
  readonly entries: number;
  readonly bytes: number;
  readonly maxBytes: number;
}

interface Row {
  stream: number;
  route: string | null;
  provider_id: string;
  model: string;
  locality: string;
  usage: string | null;
  saved_usd: number | null;
  frame_lengths: string;
  body: Buffer;
  expires_at: number;
}

export class ResponseCache {
  private readonly select;
  private readonly touch;
  private readonly remove;
  private readonly upsert;
  private readonly oldest;
  private readonly prune;
  private readonly totals;
  private readonly clearAll;
  private total: number;
  private count: number;

  constructor(
    private readonly database: LedgerDatabase,
    private maxBytes: number,
    private readonly now: () => number = Date.now,
  ) {
    this.select = database.prepare<[string, string], Row>(
      'SELECT stream, route, provider_id, model, locality, usage, saved_usd, frame_lengths, body, expires_at FROM response_cache WHERE namespace = ? AND key = ?',
    );
    this.touch = database.prepare<[number, string, string]>('UPDATE response_cache SET used_at = ? WHERE namespace = ? AND key = ?');
    this.remove = database.prepare<[string, string], { size: number }>('DELETE FROM response_cache WHERE namespace = ? AND key = ? RETURNING size');
    this.upsert = database.prepare(
      'INSERT OR REPLACE INTO response_cache (namespace, key, created_at, expires_at, used_at, size, stream, route, provider_id, model, locality, usage, saved_usd, frame_lengths, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.oldest = database.prepare<[number], { namespace: string; key: string; size: number }>(
      'SELECT namespace, key, size FROM response_cache ORDER BY used_at LIMIT ?',
    );
    this.prune = database.prepare<[number], { size: number }>('DELETE FROM response_cache WHERE expires_at <= ? RETURNING size');
    this.totals = database.prepare<[], { entries: number; bytes: number | null }>('SELECT count(*) AS entries, sum(size) AS bytes FROM response_cache');
    this.clearAll = database.prepare('DELETE FROM response_cache');
    const totals = this.totals.get();
    this.total = totals?.bytes ?? 0;
    this.count = totals?.entries ?? 0;
  }

  configure(maxBytes: number): void {
    this.maxBytes = maxBytes;
    this.evict();
  }

  /** The answer kept for this request, if it has not expired; a hit counts as a use (for eviction). */
  get(namespace: string, key: string): CachedAnswer | undefined {
    const row = this.select.get(namespace, key);
    if (!row) return undefined;
    const now = this.now();
    if (row.expires_at <= now) {
      this.forget(namespace, key);
      return undefined;
    }
    this.touch.run(now, namespace, key);
    const lengths = JSON.parse(row.frame_lengths) as number[];
    const frames: Buffer[] = [];
    let offset = 0;
    for (const length of lengths) {
      frames.push(row.body.subarray(offset, offset + length));
      offset += length;
    }
    return {
      stream: row.stream === 1,
      frames,
      route: row.route,
      providerId: row.provider_id,
      model: row.model,
      locality: row.locality === 'local' ? 'local' : 'cloud',
      usage: row.usage === null ? null : (JSON.parse(row.usage) as Record<string, unknown>),
      savedUsd: row.saved_usd,
    };
  }

  /** Keeps an answer for ttlSeconds; an answer larger than an eighth of the cap is not kept. */
  put(namespace: string, key: string, answer: CachedAnswer, ttlSeconds: number): boolean {
    const body = Buffer.concat(answer.frames as Buffer[]);
    if (body.length === 0 || body.length > this.maxBytes / 8) return false;
    const now = this.now();
    const replaced = this.remove.get(namespace, key);
    if (replaced) {
      this.total -= replaced.size;
      this.count -= 1;
    }
    this.upsert.run(
      namespace,
      key,
      now,
      now + ttlSeconds * 1000,
      now,
      body.length,
      answer.stream ? 1 : 0,
      answer.route,
      answer.providerId,
      answer.model,
      answer.locality,
      answer.usage === null ? null : JSON.stringify(answer.usage),
      answer.savedUsd,
      JSON.stringify(answer.frames.map((frame) => frame.length)),
      body,
    );
    this.total += body.length;
    this.count += 1;
    this.evict();
    return true;
  }

  /** Deletes expired answers; returns how many. */
  pruneExpired(): number {
    const removed = this.prune.all(this.now());
    for (const row of removed) this.total -= row.size;
    this.count -= removed.length;
    return removed.length;
  }

  clear(): void {
    this.clearAll.run();
    this.total = 0;
    this.count = 0;
  }

  stats(): ResponseCacheStats {
    return { entries: this.count, bytes: this.total, maxBytes: this.maxBytes };
  }

  private forget(namespace: string, key: string): void {
    const removed = this.remove.get(namespace, key);
    if (!removed) return;
    this.total -= removed.size;
    this.count -= 1;
  }

  /** Least recently used first, until the total is under 90% of the cap; bounded by the number of rows. */
  private evict(): void {
    if (this.total <= this.maxBytes) return;
    // the totals are re-read first: cache.clear (the control API) empties the table behind this object's back
    const totals = this.totals.get();
    this.total = totals?.bytes ?? 0;
    this.count = totals?.entries ?? 0;
    if (this.total <= this.maxBytes) return;
    const target = this.maxBytes * 0.9;
    this.database.transaction(() => {
      for (let round = 0; round < 1_000 && this.total > target; round += 1) {
        const batch = this.oldest.all(64);
        if (batch.length === 0) break;
        for (const row of batch) {
          if (this.total <= target) break;
          this.forget(row.namespace, row.key);
        }
      }
    })();
  }
}
