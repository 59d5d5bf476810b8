// The response cache's table as the control service sees it: its size for the privacy page and clearing it whole.
// The gateway's own reads and writes are ledger/response-cache.ts's; these run on the ledger's main connection.
import type { LedgerDatabase } from './database.js';

/** Removes every cached answer; how many there were. */
export function clearResponseCacheTable(database: LedgerDatabase): number {
  return database.prepare('DELETE FROM response_cache').run().changes;
}

/** How many answers are cached and their bytes. */
export function responseCacheTableSize(database: LedgerDatabase): { readonly entries: number; readonly bytes: number } {
  const row = database.prepare<[], { entries: number; bytes: number | null }>('SELECT count(*) AS entries, sum(size) AS bytes FROM response_cache').get();
  return { entries: row?.entries ?? 0, bytes: row?.bytes ?? 0 };
}
