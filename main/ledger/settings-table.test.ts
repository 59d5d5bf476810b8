// The settings table on both backends through one interface (SettingsTable): the ledger file's and team mode's
// PostgreSQL (migration 7): absent keys, writes that replace, keys that differ only in case, any text as a value.
// Needs `npm test` (it starts PostgreSQL); never skips.
import { afterEach, describe, expect, it } from 'vitest';
import { PostgresSettingsTable } from './postgres/settings.js';
import { sqliteSettingsTable, type SettingsTable } from './settings-table.js';
import { openMigratedTestDatabase, openTestLedgerFile } from './test-support/backends.js';

interface Fixture {
  readonly settings: SettingsTable;
  /** a second handle on the same table, as another replica (or a reopened file) has */
  other(): SettingsTable;
  close(): Promise<void>;
}

const backends: ReadonlyArray<{ readonly name: string; open(): Promise<Fixture> }> = [
  {
    name: 'sqlite',
    async open() {
      const file = openTestLedgerFile();
      return { settings: sqliteSettingsTable(file.ledger.database), other: () => sqliteSettingsTable(file.ledger.database), close: file.close };
    },
  },
  {
    name: 'postgres',
    async open() {
      const database = await openMigratedTestDatabase(1);
      const second = await database.openPool();
      return { settings: new PostgresSettingsTable(database.pool), other: () => new PostgresSettingsTable(second), close: database.close };
    },
  },
];

describe.each(backends)('the settings table on $name', (backend) => {
  let fixture: Fixture | undefined;
  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
  });

  it('reads undefined for a key never written, and what was written last otherwise, through any handle', async () => {
    fixture = await backend.open();
    const { settings } = fixture;
    expect(await settings.read('app.first_run_done')).toBeUndefined();
    await settings.write('app.first_run_done', 'true');
    expect(await fixture.other().read('app.first_run_done')).toBe('true');
    await fixture.other().write('app.first_run_done', 'false');
    expect(await settings.read('app.first_run_done')).toBe('false');
  });

  it('keeps keys that differ only in case apart, and any text as a value', async () => {
    fixture = await backend.open();
    const { settings } = fixture;
    await settings.write('Key', 'upper');
    await settings.write('key', '');
    await settings.write('emoji', 'ünïcödé ✨\nline two');
    expect(await settings.read('Key')).toBe('upper');
    expect(await settings.read('key')).toBe('');
    expect(await settings.read('emoji')).toBe('ünïcödé ✨\nline two');
  });
});
