// Tokens kept in the data dir, in files only the user can read: the first-start client token that tools send,
// and the admin token for management calls (never accepted in place of the other). 256 random bits each.
// SWITCHYARD_API_KEY in the environment adds a client token for scripted use.
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

/** Reads a stored token, creating it (mode 0600) when missing. */
function loadOrCreate(dataDir: string, fileName: string, prefix: 'sy' | 'sya'): { token: string; created: boolean } {
  ensureDataDir(dataDir);
  const path = join(dataDir, fileName);
  try {
    const token = readFileSync(path, 'utf8').trim();
    if (token.length >= 32) return { token, created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const token = generateToken(prefix);
  writeFileSync(path, `${token}\n`, { mode: 0o600, flag: 'w' });
  if (process.platform !== 'win32') chmodSync(path, 0o600);
  return { token, created: true };
}

export function loadOrCreateClientToken(dataDir: string): { token: string; created: boolean } {
  return loadOrCreate(dataDir, clientTokenFileName, 'sy');
}

export function loadOrCreateAdminToken(dataDir: string): string {
  return loadOrCreate(dataDir, adminTokenFileName, 'sya').token;
}

export interface NamedToken {
  readonly name: string;
  readonly token: string;
}

export function clientTokens(dataDir: string, env: NodeJS.ProcessEnv): { tokens: NamedToken[]; created: boolean } {
  const { token, created } = loadOrCreateClientToken(dataDir);
  const tokens: NamedToken[] = [{ name: 'default', token }];
  const fromEnv = env['SWITCHYARD_API_KEY']?.trim();
  if (fromEnv) tokens.push({ name: 'env', token: fromEnv });
  return { tokens, created };
}
