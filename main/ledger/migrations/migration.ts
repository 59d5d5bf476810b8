// What one numbered migration is. Its own file so each migration and the list in index.ts both import it, and no
// migration imports the list that imports it.
import type { LedgerDatabase } from '../database.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  up(database: LedgerDatabase): void;
  /**
   * Runs with foreign-key enforcement off (it can only be switched outside a transaction), for a migration that
   * rebuilds a parent table: SQLite's documented way to change a constraint. The migration checks the keys itself.
   */
  readonly withoutForeignKeys?: boolean;
}
