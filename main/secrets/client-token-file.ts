// Tokens kept in the data dir, in files only the user can read: the plaintext of the 'default' client token (its
// digest is in the token store, see default-token.ts) and the admin token for management calls (never accepted in
// place of a client token). 256 random bits each. A team gateway's replicas share one admin token instead, given as
// SWITCHYARD_ADMIN_TOKEN (the value, or a file: SWITCHYARD_ADMIN_TOKEN_FILE or systemd's $CREDENTIALS_DIRECTORY).
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readKeyFile } from './key-file.js';

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

export const adminTokenVariable = 'SWITCHYARD_ADMIN_TOKEN';
/** as long as a generated token's random part: a shorter admin token would be the easiest credential to guess */
const minAdminTokenLength = 32;

/**
 * The admin token the environment gives (SWITCHYARD_ADMIN_TOKEN, its _FILE, or $CREDENTIALS_DIRECTORY), or undefined.
 * Throws, naming the variable, when it is given but unusable (an unreadable file, too short): a replica must not
 * start with an admin token of its own that its peers do not share.
 */
export function environmentAdminToken(env: NodeJS.ProcessEnv): string | undefined {
  const value = env[adminTokenVariable]?.trim();
  const file = value ? undefined : readKeyFile(adminTokenVariable, env);
  if (file !== undefined && file.key === undefined) throw new Error(`${file.via}: ${file.problem ?? 'unusable'}`);
  const token = value || file?.key;
  if (token === undefined) return undefined;
  if (token.length < minAdminTokenLength) {
    throw new Error(
      `${file ? file.via : adminTokenVariable}: an admin token needs at least ${minAdminTokenLength} characters (\`openssl rand -base64 32\` makes one)`,
    );
  }
  return token;
}

/** SWITCHYARD_ADMIN_TOKEN when the environment gives one, else the data dir's admin-token (created at first use). */
export function adminTokenFor(dataDir: string, env: NodeJS.ProcessEnv): string {
  return environmentAdminToken(env) ?? loadOrCreateAdminToken(dataDir);
}

export function loadOrCreateAdminToken(dataDir: string): string {
  ensureDataDir(dataDir);
  const existing = readTokenFile(dataDir, adminTokenFileName);
  if (existing !== undefined) return existing;
  const token = generateToken('sya');
  writeTokenFile(dataDir, adminTokenFileName, token);
  return token;
}
