// Settings of the installation rather than of the config file (which `switchyard serve` and the app share), kept in
// the ledger database's settings table (ledger/settings-table.ts). Start at login is this machine's (its login items)
// and stays in the ledger file always; the first-run screen is the gateway's: in team mode it is done for every
// replica once done through one, so it goes through the SettingsTable the control context picks (PostgreSQL's then).
import type { LedgerDatabase } from '../ledger/database.js';
import { readSetting, sqliteSettingsTable, writeSetting, type SettingsTable } from '../ledger/settings-table.js';
import type { ControlContext } from './context.js';

const startAtLoginKey = 'app.start_at_login';

export function readStartAtLogin(database: LedgerDatabase): boolean {
  return readSetting(database, startAtLoginKey) === 'true';
}

export function writeStartAtLogin(database: LedgerDatabase, enabled: boolean): void {
  writeSetting(database, startAtLoginKey, String(enabled));
}

/** The settings shared by the gateway's replicas: PostgreSQL's table in team mode, else the ledger file's. */
export function gatewaySettings(context: Pick<ControlContext, 'ledger' | 'backend'>): SettingsTable {
  return context.backend?.settings ?? sqliteSettingsTable(context.ledger.database);
}

// The first-run screen is offered once, on a fresh install: finishing or skipping it is remembered here, and a core
// started with the user's own config that already names providers never offers it.
const firstRunKey = 'app.first_run_done';

export async function readFirstRunDone(settings: SettingsTable): Promise<boolean> {
  return (await settings.read(firstRunKey)) === 'true';
}

export function writeFirstRunDone(settings: SettingsTable): Promise<void> {
  return settings.write(firstRunKey, 'true');
}

/** Fresh: running on the built-in defaults (no config file), or on a file that names no providers. */
export async function firstRunPending(settings: SettingsTable, configSource: string | undefined, providerCount: number): Promise<boolean> {
  if (await readFirstRunDone(settings)) return false;
  return configSource === undefined || providerCount === 0;
}
