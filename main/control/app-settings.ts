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
