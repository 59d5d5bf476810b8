// Numbered, append-only schema migrations. Each runs in its own transaction together with the PRAGMA user_version
// bump, so a crash mid-migration leaves the previous version intact. Never edit a shipped migration: add one.
import type { LedgerDatabase } from '../database.js';
import { initialMigration } from './001-initial.js';
import { clientTokensMigration } from './002-client-tokens.js';
import { playgroundMigration } from './003-playground.js';
import { capturesMigration } from './004-captures.js';
import { leanLogIndexesMigration } from './005-lean-log-indexes.js';
import { responsesMigration } from './006-responses.js';
import { privacyAndCacheMigration } from './007-privacy-and-cache.js';
import type { Migration } from './migration.js';

export type { Migration } from './migration.js';

export const migrations: readonly Migration[] = [
  initialMigration,
  clientTokensMigration,
  playgroundMigration,
  capturesMigration,
  leanLogIndexesMigration,
  responsesMigration,
  privacyAndCacheMigration,
];

export const latestSchemaVersion = migrations.length;

export function schemaVersion(database: LedgerDatabase): number {
  const version = database.pragma('user_version', { simple: true });
  return typeof version === 'number' ? version : 0;
}

export interface MigrationResult {
  readonly from: number;
  readonly to: number;
}

/** Brings the file to `target` (the latest by default). A file from a newer Switchyard is refused, not touched. */
export function migrate(database: LedgerDatabase, target: number = latestSchemaVersion, list: readonly Migration[] = migrations): MigrationResult {
  const from = schemaVersion(database);
  if (from > list.length) {
    throw new Error(`the ledger is at schema version ${from}, newer than this Switchyard knows (${list.length}); update Switchyard`);
  }
  for (const migration of list) {
    if (migration.version <= schemaVersion(database) || migration.version > target) continue;
    const enforced = migration.withoutForeignKeys === true && database.pragma('foreign_keys', { simple: true }) === 1;
    if (enforced) database.pragma('foreign_keys = OFF');
    try {
      database
        .transaction(() => {
          // Checked again under the write lock: another process (the CLI next to `serve`) may have just run it.
          if (schemaVersion(database) >= migration.version) return;
          migration.up(database);
          database.pragma(`user_version = ${migration.version}`);
        })
        .immediate();
    } finally {
      if (enforced) database.pragma('foreign_keys = ON');
    }
  }
  return { from, to: schemaVersion(database) };
}
