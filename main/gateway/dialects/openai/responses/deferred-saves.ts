// Stored responses are saved after the answer has left: the saves of every request that ended in one turn of the
// event loop are made together (setImmediate). A save redacts the response's JSON text — the answer's own bytes, not
// serialised again — and hands the row to the store, which keeps it readable at once and has it written off the
// request thread (the ledger's writer thread, or PostgreSQL's batched inserts: response-store.ts). Whatever reads the
// store — previous_response_id, item_reference, GET/DELETE /v1/responses/{id}, input_items — first saves what is
// pending here (savedNow), so a client that continues the moment it has read its answer still finds it. An entry
// that cannot be made or saved is lost, never the request, as with the response cache (the answer was delivered; only
// its stored copy is missing).
import type { ResponseStore, StoredResponse, StoredResponseTexts } from '../../../../ledger/response-store.js';

/** What to save, made when it is written (a native answer is parsed then, not on the request's path). */
export type PendingSave = () => StoredResponse | StoredResponseTexts | undefined;

const pending = new Map<ResponseStore, PendingSave[]>();
let scheduled = false;

/** Saves the entry once this turn of the event loop is over; undefined from `entry` saves nothing. */
export function saveLater(store: ResponseStore, entry: PendingSave): void {
  const queue = pending.get(store);
  if (queue) queue.push(entry);
  else pending.set(store, [entry]);
  if (!scheduled) {
    scheduled = true;
    setImmediate(flushAll);
  }
}

/** Writes what is pending for `store` now: before anything reads it. */
export function savedNow(store: ResponseStore | undefined): void {
  if (!store) return;
  const queue = pending.get(store);
  if (!queue) return;
  pending.delete(store);
  write(store, queue);
}

function flushAll(): void {
  scheduled = false;
  for (const store of [...pending.keys()]) savedNow(store);
}

function write(store: ResponseStore, queue: readonly PendingSave[]): void {
  const entries: (StoredResponse | StoredResponseTexts)[] = [];
  for (const make of queue) {
    try {
      const entry = make();
      if (entry) entries.push(entry);
    } catch {
      // an answer that cannot be read back (a native answer that is not JSON) is not stored
    }
  }
  if (entries.length === 0) return;
  try {
    store.saveAll(entries);
  } catch {
    for (const entry of entries) {
      try {
        store.save(entry);
      } catch {
        // the answer was delivered; only its stored copy is lost
      }
    }
  }
}
