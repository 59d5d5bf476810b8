// The first-start client token: 256 random bits, kept in the data dir in a file only the user can read.
// SWITCHYARD_API_KEY in the environment adds a token for scripted use.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const clientTokenFileName = 'client-token';

export function generateClientToken(): string {
  return `sy-${randomBytes(32).toString('base64url')}`;
}

export function ensureDataDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (process.platform !== 'win32') chmodSync(dataDir, 0o700);
}

/** Reads the stored default token, creating it (mode 0600) on first start. */
export function loadOrCreateClientToken(dataDir: string): { token: string; created: boolean } {
  ensureDataDir(dataDir);
  const path = join(dataDir, clientTokenFileName);
  try {
    const token = readFileSync(path, 'utf8').trim();
    if (token.length >= 32) return { token, created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const token = generateClientToken();
  writeFileSync(path, `${token}\n`, { mode: 0o600, flag: 'w' });
  if (process.platform !== 'win32') chmodSync(path, 0o600);
  return { token, created: true };
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
