// Stored Responses-API responses (POST /v1/responses with `store`, the API's default): the response as the client
// got it and the turn's input items, so that previous_response_id and item_reference resolve — whichever provider
// answered the turn before — and GET/DELETE /v1/responses/{id} work. A response belongs to the client token that
// made it; another client is told it does not exist. Text is redacted of registered secrets before it is written.
//
// Saving never waits for the database: save() redacts the entry's JSON texts (one pass each), keeps the row in
// `pending` and hands it to the storage's writer (SQLite: the ledger's writer thread, in the ledger's own batches;
// PostgreSQL: batched inserts), which reports back once it is committed. Every read looks in `pending` first, so a
// client that continues with previous_response_id the moment it has read its answer finds the response, committed or
// not. The gateway saves texts it already has — the bytes of the answer the client got, and the turn's input items —
// so a stored response is not built and serialised a second time; a pending row is parsed only if something reads it
// (rarely: the next turn reads it once), and until then it is two strings, not an object tree, for the collector.
import { redactSecrets } from '../../shared/redact.js';

export interface StoredResponse {
  readonly id: string;
  /** epoch milliseconds */
  readonly createdAt: number;
  readonly clientTokenName: string | null;
  readonly previousResponseId: string | null;
  readonly providerId: string | null;
  readonly model: string | null;
  /** this turn's own input items (ids given to those that had none) */
  readonly inputItems: readonly Record<string, unknown>[];
  /** the response object as the client got it */
  readonly response: Record<string, unknown>;
}

/**
 * A stored response as it is written: its JSON texts, redacted, and the ids of its items (for item_reference). An
 * item's own text is not written again: it is a piece of the input items' or the response's text, found there when
 * an item_reference asks for it (itemIn).
 */
export interface StoredResponseRow extends StoredResponseText {
  readonly expiresAt: number;
  readonly items: readonly string[];
}

/** A stored response as a read finds it (not expired): the texts still to be parsed. */
export interface StoredResponseText {
  readonly id: string;
  readonly createdAt: number;
  readonly clientTokenName: string | null;
  readonly previousResponseId: string | null;
  readonly providerId: string | null;
  readonly model: string | null;
  readonly inputItems: string;
  readonly response: string;
}

/** A stored_responses row as either database reads it back (PostgreSQL gives bigint as text). */
export interface StoredResponseColumns {
  readonly id: string;
  readonly created_at: number | string;
  readonly client_token_name: string | null;
  readonly previous_response_id: string | null;
  readonly provider_id: string | null;
  readonly model: string | null;
  readonly input_items: string;
  readonly response: string;
}

export const storedResponseText = (row: StoredResponseColumns): StoredResponseText => ({
  id: row.id,
  createdAt: Number(row.created_at),
  clientTokenName: row.client_token_name,
  previousResponseId: row.previous_response_id,
  providerId: row.provider_id,
  model: row.model,
  inputItems: row.input_items,
  response: row.response,
});

/**
 * A response to save as JSON text: `response` the bytes of the answer the client got (for a stream, the Response its
 * response.completed carried), `inputItems` this turn's items as stored (with ids). `itemIds` are the ids of the
 * items in both, input first; without them the texts are parsed to find them.
 */
export interface StoredResponseTexts extends StoredResponseText {
  readonly itemIds?: readonly string[];
}

/** Where stored responses are kept: the ledger's SQLite file, or PostgreSQL in team mode. */
export interface ResponseStorage {
  /** `written` hears the ids of rows once they are committed, or given up (the store then stops keeping them). */
  listen(written: (ids: readonly string[]) => void): void;
  /** Queues a row; never throws, never waits. */
  write(row: StoredResponseRow): void;
  /** The response `id` if it has not expired at `now`. */
  get(id: string, now: number): Promise<StoredResponseText | undefined>;
  /** The chain from `id` along previous_response_id, as far as it is stored (at most `limit` rows, unexpired). */
  chain(id: string, now: number, limit: number): Promise<StoredResponseText[]>;
  /** The newest unexpired item with this id, and the client its response belongs to. */
  item(itemId: string, now: number): Promise<{ readonly item: Record<string, unknown>; readonly clientTokenName: string | null } | undefined>;
  /** Deletes the response and its items, once the rows queued before have been written. */
  delete(id: string): Promise<void>;
  /** Deletes what expired at `now`; returns how many responses went. */
  pruneExpired(now: number): Promise<number>;
}

/** How far back a previous_response_id chain is followed; past it the conversation is refused, not truncated. */
export const maxChainLength = 10_000;

const day = 24 * 60 * 60 * 1000;

interface Pending {
  /** what the storage is writing: the redacted texts */
  readonly row: StoredResponseRow;
  /** the row parsed, once something has read it */
  entry?: StoredResponse;
}

export class ResponseStore {
  /** ledger.responses.store: when off, nothing new is stored and earlier responses cannot be continued */
  enabled = true;
  /** saved but not yet reported committed by the storage, by response id */
  private readonly pending = new Map<string, Pending>();
  /** the response id of pending responses' items, by item id (the newest response's) */
  private readonly pendingItems = new Map<string, string>();

  constructor(
    private readonly storage: ResponseStorage,
    private retentionMs: number = 30 * day,
    private readonly now: () => number = Date.now,
  ) {
    storage.listen((ids) => this.written(ids));
  }

  configure(settings: { readonly store: boolean; readonly retentionDays: number }): void {
    this.enabled = settings.store;
    this.retentionMs = settings.retentionDays * day;
  }

  /** Responses saved and not yet committed (stats, tests). */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Keeps the response: readable at once, written by the storage in its next batch. */
  save(entry: StoredResponse | StoredResponseTexts): void {
    const row = toRow(entry, entry.createdAt + this.retentionMs);
    // reads find what the database will hold: the redacted texts, parsed when first read
    this.pending.set(row.id, { row });
    for (const itemId of row.items) this.pendingItems.set(itemId, row.id);
    this.storage.write(row);
  }

  /** Several responses (the gateway saves those of one event-loop turn together). */
  saveAll(entries: readonly (StoredResponse | StoredResponseTexts)[]): void {
    for (const entry of entries) this.save(entry);
  }

  /** The storage committed these rows, or gave up on them: reads go to the database from now on. */
  written(ids: readonly string[]): void {
    for (const id of ids) {
      const pending = this.pending.get(id);
      if (!pending) continue;
      this.pending.delete(id);
      for (const itemId of pending.row.items) if (this.pendingItems.get(itemId) === id) this.pendingItems.delete(itemId);
    }
  }

  /** The response when it exists, has not expired and belongs to this client. */
  async get(id: string, clientTokenName: string | null): Promise<StoredResponse | undefined> {
    const now = this.now();
    const pending = this.pending.get(id);
    if (pending) return pending.row.expiresAt > now && pending.row.clientTokenName === clientTokenName ? entryOf(pending) : undefined;
    const row = await this.storage.get(id, now);
    return row && row.clientTokenName === clientTokenName ? parsed(row) : undefined;
  }

  /** An item of any of this client's stored responses, by its id (item_reference). */
  async item(id: string, clientTokenName: string | null): Promise<Record<string, unknown> | undefined> {
    const responseId = this.pendingItems.get(id);
    const owner = responseId === undefined ? undefined : this.pending.get(responseId);
    if (owner && owner.row.expiresAt > this.now())
      return owner.row.clientTokenName === clientTokenName ? itemsOf(entryOf(owner)).find((item) => item['id'] === id) : undefined;
    const row = await this.storage.item(id, this.now());
    return row && row.clientTokenName === clientTokenName ? row.item : undefined;
  }

  /**
   * The conversation up to and including response `id`: every turn's input items, then its output, oldest first.
   * undefined when any response in the chain is missing, expired or another client's.
   */
  async conversation(id: string, clientTokenName: string | null): Promise<Record<string, unknown>[] | undefined> {
    const turns: StoredResponse[] = [];
    const seen = new Set<string>();
    const now = this.now();
    for (let next: string | null = id; next !== null;) {
      if (seen.has(next) || turns.length >= maxChainLength) return undefined;
      const pending = this.pending.get(next);
      // the newest turns may still be pending; the rest of the chain comes from the database in one query
      const found: StoredResponse[] = pending
        ? pending.row.expiresAt > now
          ? [entryOf(pending)]
          : []
        : (await this.storage.chain(next, now, maxChainLength - turns.length)).map(parsed);
      if (found.length === 0) return undefined;
      for (const turn of found) {
        if (seen.has(turn.id) || turn.clientTokenName !== clientTokenName) return undefined;
        seen.add(turn.id);
        turns.push(turn);
        next = turn.previousResponseId;
      }
    }
    const items: Record<string, unknown>[] = [];
    for (let index = turns.length - 1; index >= 0; index -= 1) {
      const turn = turns[index] as StoredResponse;
      for (const item of turn.inputItems) items.push(item);
      const output = turn.response['output'];
      if (Array.isArray(output))
        for (const item of output as unknown[]) if (typeof item === 'object' && item !== null) items.push(item as Record<string, unknown>);
    }
    return items;
  }

  /** Deletes this client's response; false when there is none to delete. */
  async delete(id: string, clientTokenName: string | null): Promise<boolean> {
    if (!(await this.get(id, clientTokenName))) return false;
    // the storage writes what it has queued first, so the row cannot come back after the delete
    await this.storage.delete(id);
    this.written([id]);
    return true;
  }

  /** Deletes what is past its retention; returns how many responses went. */
  pruneExpired(): Promise<number> {
    return this.storage.pruneExpired(this.now());
  }
}

function itemsOf(entry: Pick<StoredResponse, 'inputItems' | 'response'>): Record<string, unknown>[] {
  const output = Array.isArray(entry.response['output']) ? (entry.response['output'] as unknown[]) : [];
  const items: Record<string, unknown>[] = [];
  for (const item of [...entry.inputItems, ...output]) {
    if (typeof item !== 'object' || item === null) continue;
    const id = (item as Record<string, unknown>)['id'];
    if (typeof id === 'string' && id !== '') items.push(item as Record<string, unknown>);
  }
  return items;
}

/** The item `itemId` of a stored response's texts (input items first, then output), or undefined. */
export function itemIn(inputItems: string, response: string, itemId: string): Record<string, unknown> | undefined {
  const texts = { inputItems: JSON.parse(inputItems) as Record<string, unknown>[], response: JSON.parse(response) as Record<string, unknown> };
  return itemsOf(texts).find((item) => item['id'] === itemId);
}

/**
 * The row to write: two JSON texts, each redacted in one pass — the texts given, or the entry serialised. Items are
 * pieces of them, so they are redacted with them; their ids are those of the entry as given.
 */
export function toRow(entry: StoredResponse | StoredResponseTexts, expiresAt: number): StoredResponseRow {
  const given = isTexts(entry);
  const inputItems = given ? entry.inputItems : JSON.stringify(entry.inputItems);
  const response = given ? entry.response : JSON.stringify(entry.response);
  const items = given ? (entry.itemIds ?? itemIdsOf(parsed(entry))) : itemIdsOf(entry);
  return {
    id: entry.id,
    createdAt: entry.createdAt,
    expiresAt,
    clientTokenName: entry.clientTokenName,
    previousResponseId: entry.previousResponseId,
    providerId: entry.providerId,
    model: entry.model,
    inputItems: redacted(inputItems),
    response: redacted(response),
    items,
  };
}

function isTexts(entry: StoredResponse | StoredResponseTexts): entry is StoredResponseTexts {
  return typeof entry.response === 'string';
}

function itemIdsOf(entry: Pick<StoredResponse, 'inputItems' | 'response'>): string[] {
  return itemsOf(entry).map((item) => item['id'] as string);
}

function entryOf(pending: Pending): StoredResponse {
  pending.entry ??= parsed(pending.row);
  return pending.entry;
}

function parsed(row: StoredResponseText): StoredResponse {
  return {
    id: row.id,
    createdAt: row.createdAt,
    clientTokenName: row.clientTokenName,
    previousResponseId: row.previousResponseId,
    providerId: row.providerId,
    model: row.model,
    inputItems: JSON.parse(row.inputItems) as Record<string, unknown>[],
    response: JSON.parse(row.response) as Record<string, unknown>,
  };
}

function redacted(text: string): string {
  return redactSecrets(text, { everyPiece: true });
}
