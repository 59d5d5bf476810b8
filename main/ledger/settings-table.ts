// The ledger file's settings table (migration 1): a key → text value store for the few settings that belong to this
// installation rather than to the config file (which `switchyard serve` and the app share). What the keys mean is
// the caller's (control/app-settings.ts). SettingsTable is the one interface over it, async so team mode's
// PostgreSQL table (postgres/settings.ts: shared by every replica) fits behind it too.
import type { LedgerDatabase } from './database.js';

/** The value stored under `key`, or undefined when none is. */
export function readSetting(database: LedgerDatabase, key: string): string | undefined {
  return database.prepare<[string], string>('SELECT value FROM settings WHERE key = ?').pluck().get(key);
}

/** Stores `value` under `key`, replacing what was there. */
export function writeSetting(database: LedgerDatabase, key: string, value: string): void {
  database.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
}

/** The settings table: the ledger file's, or in team mode PostgreSQL's (postgres/settings.ts). */
export interface SettingsTable {
  /** the value stored under `key`, or undefined when none is */
  read(key: string): Promise<string | undefined>;
  /** stores `value` under `key`, replacing what was there */
  write(key: string, value: string): Promise<void>;
}

/** The ledger file's table behind the interface: each call runs at once, synchronously, as before. */
export function sqliteSettingsTable(database: LedgerDatabase): SettingsTable {
  return {
    read: async (key) => readSetting(database, key),
    write: async (key, value) => writeSetting(database, key, value),
  };
}
