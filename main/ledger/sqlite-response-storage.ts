// Stored Responses-API responses in the ledger's SQLite file (migration 6). Rows are written by the ledger's writer,
// in its batches, on its writer thread (prepareStoredResponseWrites runs there); reads run on the request thread's
// connection, which sees every batch once it is committed. An item's row keeps its text empty: the text is a piece of
// its response's (itemIn); rows written before that keep theirs.
import type { LedgerDatabase } from './database.js';
import type { Ledger } from './ledger.js';
import {
  itemIn,
  type ResponseStorage,
  type StoredResponseRow,
  type StoredResponseColumns,
  type StoredResponseText,
  storedResponseText,
} from './response-store.js';

export interface StoredResponseWrites {
  write(row: StoredResponseRow): void;
}

/** The insert statements, for the connection that writes (inside the batch's transaction). */
export function prepareStoredResponseWrites(database: LedgerDatabase): StoredResponseWrites {
  const insert = database.prepare(
    'INSERT OR REPLACE INTO stored_responses (id, created_at, expires_at, client_token_name, previous_response_id, provider_id, model, input_items, response) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const insertItem = database.prepare('INSERT OR REPLACE INTO stored_response_items (item_id, response_id, item) VALUES (?, ?, ?)');
  return {
    write(row) {
      insert.run(row.id, row.createdAt, row.expiresAt, row.clientTokenName, row.previousResponseId, row.providerId, row.model, row.inputItems, row.response);
      for (const itemId of row.items) insertItem.run(itemId, row.id, '');
    },
  };
}

/** The ledger's file as a ResponseStorage: writes through the ledger's writer, reads on `ledger.database`. */
export class SqliteResponseStorage implements ResponseStorage {
  private readonly select;
  private readonly selectItem;
  private readonly remove;
  private readonly removeItems;
  private readonly prune;
  private readonly pruneItems;

  constructor(private readonly ledger: Pick<Ledger, 'database' | 'storeResponse' | 'onStoredResponses' | 'flush'>) {
    const database = ledger.database;
    this.select = database.prepare('SELECT * FROM stored_responses WHERE id = ? AND expires_at > ?');
    this.selectItem = database.prepare(
      'SELECT item, client_token_name, input_items, response FROM stored_response_items JOIN stored_responses ON stored_responses.id = response_id WHERE item_id = ? AND expires_at > ? ORDER BY created_at DESC LIMIT 1',
    );
    this.remove = database.prepare('DELETE FROM stored_responses WHERE id = ?');
    this.removeItems = database.prepare('DELETE FROM stored_response_items WHERE response_id = ?');
    this.prune = database.prepare('DELETE FROM stored_responses WHERE expires_at <= ? RETURNING id');
    this.pruneItems = database.prepare('DELETE FROM stored_response_items WHERE response_id = ?');
  }

  listen(written: (ids: readonly string[]) => void): void {
    this.ledger.onStoredResponses(written);
  }

  write(row: StoredResponseRow): void {
    this.ledger.storeResponse(row);
  }

  async get(id: string, now: number): Promise<StoredResponseText | undefined> {
    const row = this.select.get(id, now) as StoredResponseColumns | undefined;
    return row && storedResponseText(row);
  }

  async chain(id: string, now: number, limit: number): Promise<StoredResponseText[]> {
    const rows: StoredResponseText[] = [];
    const seen = new Set<string>();
    for (let next: string | null = id; next !== null && rows.length < limit && !seen.has(next);) {
      seen.add(next);
      const row = this.select.get(next, now) as StoredResponseColumns | undefined;
      if (!row) break;
      rows.push(storedResponseText(row));
      next = row.previous_response_id;
    }
    return rows;
  }

  async item(itemId: string, now: number): Promise<{ item: Record<string, unknown>; clientTokenName: string | null } | undefined> {
    const row = this.selectItem.get(itemId, now) as { item: string; client_token_name: string | null; input_items: string; response: string } | undefined;
    if (!row) return undefined;
    const item = row.item === '' ? itemIn(row.input_items, row.response, itemId) : (JSON.parse(row.item) as Record<string, unknown>);
    return item && { item, clientTokenName: row.client_token_name };
  }

  async delete(id: string): Promise<void> {
    this.ledger.flush(); // a queued copy of the row must not be written after it is deleted
    this.ledger.database.transaction(() => {
      this.remove.run(id);
      this.removeItems.run(id);
    })();
  }

  async pruneExpired(now: number): Promise<number> {
    return this.ledger.database.transaction(() => {
      const gone = this.prune.all(now) as Array<{ id: string }>;
      for (const { id } of gone) this.pruneItems.run(id);
      return gone.length;
    })();
  }
}
