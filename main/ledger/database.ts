// Opens the ledger's SQLite file with the settings the writer's guarantees rest on: WAL, synchronous=NORMAL,
// a short busy timeout, foreign keys on, and a cap on the WAL file left behind after a checkpoint.
import Database from 'better-sqlite3';

export type LedgerDatabase = Database.Database;

export interface OpenDatabaseOptions {
  /**
   * better-sqlite3's compiled addon, when it is not the one in node_modules: the Electron build keeps an
   * Electron-ABI copy in its own folder and passes its path here (README: "better-sqlite3 for Electron").
   */
  readonly nativeBinding?: string;
  /**
   * How long one statement waits for another connection's lock. better-sqlite3 is synchronous, so this wait
   * blocks the event loop: keep it short and let the writer's own retry with backoff do the waiting.
   */
  readonly busyTimeoutMs?: number;
  readonly readonly?: boolean;
}

/** After a checkpoint resets the WAL, SQLite truncates the file to this size instead of keeping its peak size. */
export const walSizeLimitBytes = 16 * 1024 * 1024;

export function openDatabase(path: string, options: OpenDatabaseOptions = {}): LedgerDatabase {
  const database = new Database(path, {
    ...(options.nativeBinding === undefined ? {} : { nativeBinding: options.nativeBinding }),
    ...(options.readonly ? { readonly: true, fileMustExist: true } : {}),
  });
  try {
    database.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 100))}`);
    if (!options.readonly) {
      const mode = database.pragma('journal_mode = WAL', { simple: true });
      if (typeof mode === 'string' && mode.toLowerCase() !== 'wal' && path !== ':memory:') {
        throw new Error(`the ledger needs WAL mode, SQLite answered journal_mode=${mode}`);
      }
      database.pragma(`journal_size_limit = ${walSizeLimitBytes}`);
    }
    // NORMAL in WAL mode: a commit survives a crash of the process (SIGKILL included); only an OS crash or power
    // loss can undo the last few commits, and never corrupts the file.
    database.pragma('synchronous = NORMAL');
    database.pragma('foreign_keys = ON');
    database.pragma('temp_store = MEMORY');
    return database;
  } catch (error) {
    database.close();
    throw error;
  }
}
