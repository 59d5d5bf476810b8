// Stored Responses-API responses (POST /v1/responses with `store`, the API's default): the response as the client
// got it and the turn's input items, so that previous_response_id and item_reference resolve — whichever provider
// answered the turn before — and GET/DELETE /v1/responses/{id} work. A response belongs to the client token that
// made it; another client is told it does not exist. Text is redacted of registered secrets before it is written.
// Writes are one small transaction once the answer is complete: for a stream, as its terminal event is encoded and
// before it is written, so a client that continues with previous_response_id the moment it reads it finds the response.
import { redactSecrets } from '../../shared/redact.js';
import type { LedgerDatabase } from './database.js';

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

/** How far back a previous_response_id chain is followed; past it the conversation is refused, not truncated. */
export const maxChainLength = 10_000;

const day = 24 * 60 * 60 * 1000;

export class ResponseStore {
  /** ledger.responses.store: when off, nothing new is stored and earlier responses cannot be continued */
  enabled = true;
  private readonly insert;
  private readonly insertItem;
  private readonly select;
  private readonly selectItem;
  private readonly remove;
  private readonly removeItems;
  private readonly prune;
  private readonly pruneItems;

  constructor(
    private readonly database: LedgerDatabase,
    private retentionMs: number = 30 * day,
    private readonly now: () => number = Date.now,
  ) {
    this.insert = database.prepare(
      'INSERT OR REPLACE INTO stored_responses (id, created_at, expires_at, client_token_name, previous_response_id, provider_id, model, input_items, response) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.insertItem = database.prepare('INSERT OR REPLACE INTO stored_response_items (item_id, response_id, item) VALUES (?, ?, ?)');
    this.select = database.prepare('SELECT * FROM stored_responses WHERE id = ? AND expires_at > ?');
    this.selectItem = database.prepare(
      'SELECT item, client_token_name FROM stored_response_items JOIN stored_responses ON stored_responses.id = response_id WHERE item_id = ? AND expires_at > ? ORDER BY created_at DESC LIMIT 1',
    );
    this.remove = database.prepare('DELETE FROM stored_responses WHERE id = ?');
    this.removeItems = database.prepare('DELETE FROM stored_response_items WHERE response_id = ?');
    this.prune = database.prepare('DELETE FROM stored_responses WHERE expires_at <= ? RETURNING id');
    this.pruneItems = database.prepare('DELETE FROM stored_response_items WHERE response_id = ?');
  }

  configure(settings: { readonly store: boolean; readonly retentionDays: number }): void {
    this.enabled = settings.store;
    this.retentionMs = settings.retentionDays * day;
  }

  save(entry: StoredResponse): void {
    const output = Array.isArray(entry.response['output']) ? (entry.response['output'] as unknown[]) : [];
    this.database.transaction(() => {
      this.insert.run(
        entry.id,
        entry.createdAt,
        entry.createdAt + this.retentionMs,
        entry.clientTokenName,
        entry.previousResponseId,
        entry.providerId,
        entry.model,
        redacted(entry.inputItems),
        redacted(entry.response),
      );
      for (const item of [...entry.inputItems, ...output]) {
        const id = typeof item === 'object' && item !== null ? (item as Record<string, unknown>)['id'] : undefined;
        if (typeof id === 'string' && id !== '') this.insertItem.run(id, entry.id, redacted(item));
      }
    })();
  }

  /** Several responses in one transaction (the gateway saves those of one event-loop turn together). */
  saveAll(entries: readonly StoredResponse[]): void {
    this.database.transaction(() => {
      for (const entry of entries) this.save(entry);
    })();
  }

  /** The response when it exists, has not expired and belongs to this client. */
  get(id: string, clientTokenName: string | null): StoredResponse | undefined {
    const row = this.select.get(id, this.now()) as Row | undefined;
    if (!row || row.client_token_name !== clientTokenName) return undefined;
    return {
      id: row.id,
      createdAt: row.created_at,
      clientTokenName: row.client_token_name,
      previousResponseId: row.previous_response_id,
      providerId: row.provider_id,
      model: row.model,
      inputItems: JSON.parse(row.input_items) as Record<string, unknown>[],
      response: JSON.parse(row.response) as Record<string, unknown>,
    };
  }

  /** An item of any of this client's stored responses, by its id (item_reference). */
  item(id: string, clientTokenName: string | null): Record<string, unknown> | undefined {
    const row = this.selectItem.get(id, this.now()) as { item: string; client_token_name: string | null } | undefined;
    if (!row || row.client_token_name !== clientTokenName) return undefined;
    return JSON.parse(row.item) as Record<string, unknown>;
  }

  /**
   * The conversation up to and including response `id`: every turn's input items, then its output, oldest first.
   * undefined when any response in the chain is missing, expired or another client's.
   */
  conversation(id: string, clientTokenName: string | null): Record<string, unknown>[] | undefined {
    const turns: StoredResponse[] = [];
    const seen = new Set<string>();
    for (let next: string | null = id; next !== null;) {
      if (seen.has(next) || turns.length >= maxChainLength) return undefined;
      seen.add(next);
      const turn = this.get(next, clientTokenName);
      if (!turn) return undefined;
      turns.push(turn);
      next = turn.previousResponseId;
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
  delete(id: string, clientTokenName: string | null): boolean {
    if (!this.get(id, clientTokenName)) return false;
    this.database.transaction(() => {
      this.remove.run(id);
      this.removeItems.run(id);
    })();
    return true;
  }

  /** Deletes what is past its retention; returns how many responses went. */
  pruneExpired(): number {
    return this.database.transaction(() => {
      const gone = this.prune.all(this.now()) as Array<{ id: string }>;
      for (const { id } of gone) this.pruneItems.run(id);
      return gone.length;
    })();
  }
}

interface Row {
  readonly id: string;
  readonly created_at: number;
  readonly client_token_name: string | null;
  readonly previous_response_id: string | null;
  readonly provider_id: string | null;
  readonly model: string | null;
  readonly input_items: string;
  readonly response: string;
}

function redacted(value: unknown): string {
  return redactSecrets(JSON.stringify(value), { everyPiece: true });
}
