// A connected tool's client token, named after the tool so its spend is filed under it. Like the 'default' token,
// its plaintext is kept in the data dir (`tool-tokens/<name>`, mode 0600; the tool's own config holds it anyway),
// so connecting again, printing the snippet again or checking the connection reuses it instead of minting a new
// one each time. A token of that name that Switchyard holds no plaintext for (made with `switchyard tokens create`)
// or that was revoked is replaced: the answer says so, because whatever still carries the old one is refused.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { generateToken, readTokenFile, writeTokenFile, ensureDataDir } from '../secrets/client-token-file.js';

export const toolTokensDirName = 'tool-tokens';

/** What this needs of the client-token store (ClientTokenStore has it). */
export interface ToolTokenStore {
  get(name: string): { readonly revokedAt: number | null } | undefined;
  holds(name: string, token: string): boolean;
  put(name: string, token: string): void;
  transaction<T>(work: () => T): T;
}

export interface ToolToken {
  readonly token: string;
  readonly created: boolean;
  /** a token of that name existed and now no longer works */
  readonly replaced: boolean;
}

/** The tool's active token, when Switchyard keeps it; never creates one. */
export function keptToolToken(store: ToolTokenStore, dataDir: string, name: string): string | undefined {
  const kept = readTokenFile(join(dataDir, toolTokensDirName), name);
  if (kept === undefined) return undefined;
  const stored = store.get(name);
  return stored !== undefined && stored.revokedAt === null && store.holds(name, kept) ? kept : undefined;
}

/** The kept token, or a new one stored (and kept) under `name`, under the store's write lock. */
export function ensureToolToken(store: ToolTokenStore, dataDir: string, name: string): ToolToken {
  return store.transaction((): ToolToken => {
    const kept = keptToolToken(store, dataDir, name);
    if (kept !== undefined) return { token: kept, created: false, replaced: false };
    const replaced = store.get(name)?.revokedAt === null;
    const token = generateToken('sy');
    ensureDataDir(dataDir);
    mkdirSync(join(dataDir, toolTokensDirName), { recursive: true, mode: 0o700 });
    writeTokenFile(join(dataDir, toolTokensDirName), name, token);
    try {
      store.put(name, token);
    } catch (error) {
      rmSync(join(dataDir, toolTokensDirName, name), { force: true });
      throw error;
    }
    return { token, created: true, replaced };
  });
}
