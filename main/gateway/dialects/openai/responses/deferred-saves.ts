// Stored responses are written after the answer has left, in one transaction per turn of the event loop. A save was
// one SQLite transaction on the request thread before the answer's bytes were written: ~100 µs of CPU and ~350 µs
// of wall time per response on this machine (the WAL append of a handful of pages), which made a `store: true`
// request (the API's default) cost ~3x a chat completion. Now the answer is written first and the saves of every
// request that ended in the same turn go in together (setImmediate), ~half the CPU per response at c=16.
// Whatever reads the store — previous_response_id, item_reference, GET/DELETE /v1/responses/{id}, input_items — first
// writes what is pending (savedNow), so a client that continues the moment it has read its answer still finds it.
// A failed batch is retried entry by entry; an entry that still fails is lost, never the request, as with the
// response cache (the answer was delivered; only its stored copy is missing, and continuing from it answers 404).
import type { ResponseStore, StoredResponse } from '../../../../ledger/response-store.js';

/** What to save, made when it is written (a native answer is parsed then, not on the request's path). */
export type PendingSave = () => StoredResponse | undefined;

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
  const entries: StoredResponse[] = [];
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
