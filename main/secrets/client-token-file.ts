// Tokens kept in the data dir, in files only the user can read: the plaintext of the 'default' client token (its
// digest is in the token store, see default-token.ts) and the admin token for management calls (never accepted in
// place of a client token). 256 random bits each.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const clientTokenFileName = 'client-token';
export const adminTokenFileName = 'admin-token';

export function generateToken(prefix: 'sy' | 'sya'): string {
  return `${prefix}-${randomBytes(32).toString('base64url')}`;
}

export function ensureDataDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (process.platform !== 'win32') chmodSync(dataDir, 0o700);
}

/** The token in the file, or undefined when there is none (or it is too short to be one of ours). */
export function readTokenFile(dataDir: string, fileName: string): string | undefined {
  try {
    const token = readFileSync(join(dataDir, fileName), 'utf8').trim();
    return token.length >= 32 ? token : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return undefined;
  }
}

export function writeTokenFile(dataDir: string, fileName: string, token: string): void {
  ensureDataDir(dataDir);
  const path = join(dataDir, fileName);
  writeFileSync(path, `${token}\n`, { mode: 0o600, flag: 'w' });
  if (process.platform !== 'win32') chmodSync(path, 0o600);
}

export function loadOrCreateAdminToken(dataDir: string): string {
  ensureDataDir(dataDir);
  const existing = readTokenFile(dataDir, adminTokenFileName);
  if (existing !== undefined) return existing;
  const token = generateToken('sya');
  writeTokenFile(dataDir, adminTokenFileName, token);
  return token;
}
