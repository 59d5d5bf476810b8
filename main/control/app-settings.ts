// Settings of the desktop app that mean nothing to the headless router (start at login), kept in the ledger
// database's settings table rather than the config file, which `switchyard serve` shares.
import type { LedgerDatabase } from '../ledger/database.js';

const startAtLoginKey = 'app.start_at_login';

export function readStartAtLogin(database: LedgerDatabase): boolean {
  const value = database.prepare<[string], string>('SELECT value FROM settings WHERE key = ?').pluck().get(startAtLoginKey);
  return value === 'true';
}

export function writeStartAtLogin(database: LedgerDatabase, enabled: boolean): void {
  database
    .prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
    .run(startAtLoginKey, String(enabled));
}

// The first-run screen is offered once, on a fresh install: finishing or skipping it is remembered here, and a core
// started with the user's own config that already names providers never offers it.
const firstRunKey = 'app.first_run_done';

export function readFirstRunDone(database: LedgerDatabase): boolean {
  return database.prepare<[string], string>('SELECT value FROM settings WHERE key = ?').pluck().get(firstRunKey) === 'true';
}

export function writeFirstRunDone(database: LedgerDatabase): void {
  database.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(firstRunKey, 'true');
}

/** Fresh: running on the built-in defaults (no config file), or on a file that names no providers. */
export function firstRunPending(database: LedgerDatabase, configSource: string | undefined, providerCount: number): boolean {
  if (readFirstRunDone(database)) return false;
  return configSource === undefined || providerCount === 0;
}
