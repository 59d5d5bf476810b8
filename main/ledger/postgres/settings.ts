// The settings table in PostgreSQL (team mode, migration 7): the same key → text value store as the ledger file's
// (../settings-table.ts), shared by every replica, so a setting that belongs to the gateway rather than to one
// machine (the first-run screen done) holds on all of them. Each call is one statement; a write is an upsert.
import type { SettingsTable } from '../settings-table.js';
import type { Queryable } from './client.js';

export class PostgresSettingsTable implements SettingsTable {
  constructor(private readonly pool: Queryable) {}

  async read(key: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ value: string }>('SELECT value FROM settings WHERE key = $1', [storable(key)]);
    return rows[0]?.value;
  }

  async write(key: string, value: string): Promise<void> {
    await this.pool.query('INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [
      storable(key),
      storable(value),
    ]);
  }
}

/** PostgreSQL text cannot hold NUL: it is kept as U+FFFD (SQLite kept it as is). */
const storable = (text: string): string => (text.includes('\u0000') ? text.replaceAll('\u0000', '\uFFFD') : text);
