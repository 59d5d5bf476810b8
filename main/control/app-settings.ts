// Settings of the desktop app that mean nothing to the headless router (start at login), kept in the ledger
// database's settings table (ledger/settings-table.ts) rather than the config file, which `switchyard serve` shares.
import type { LedgerDatabase } from '../ledger/database.js';
import { readSetting, writeSetting } from '../ledger/settings-table.js';

const startAtLoginKey = 'app.start_at_login';

export function readStartAtLogin(database: LedgerDatabase): boolean {
  return readSetting(database, startAtLoginKey) === 'true';
}

export function writeStartAtLogin(database: LedgerDatabase, enabled: boolean): void {
  writeSetting(database, startAtLoginKey, String(enabled));
}

// The first-run screen is offered once, on a fresh install: finishing or skipping it is remembered here, and a core
// started with the user's own config that already names providers never offers it.
const firstRunKey = 'app.first_run_done';

export function readFirstRunDone(database: LedgerDatabase): boolean {
  return readSetting(database, firstRunKey) === 'true';
}

export function writeFirstRunDone(database: LedgerDatabase): void {
  writeSetting(database, firstRunKey, 'true');
}

/** Fresh: running on the built-in defaults (no config file), or on a file that names no providers. */
export function firstRunPending(database: LedgerDatabase, configSource: string | undefined, providerCount: number): boolean {
  if (readFirstRunDone(database)) return false;
  return configSource === undefined || providerCount === 0;
}
