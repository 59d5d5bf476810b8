// The first-start token, named 'default': its digest is in the token store like every other, and its plaintext
// stays in the data dir's 0600 `client-token` file so `switchyard tokens` can print it again. The file is the
// source of the token: replace or delete it and the next start adopts (or generates) a new one, as before.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { lazyDigest } from './token-digest.js';
import { registerSecret } from '../../shared/redact.js';
import { clientTokenFileName, generateToken, readTokenFile, writeTokenFile } from './client-token-file.js';
import { ClientTokenStore } from './client-token-store.js';
import type { PostgresClientTokenStore } from './postgres-client-token-store.js';
import { type ClientIdentity, type ClientTokenVerifier, StaticTokenVerifier } from './token-verifier.js';

export const defaultTokenName = 'default';

export type DefaultToken =
  { readonly state: 'active'; readonly token: string; readonly created: boolean } | { readonly state: 'revoked'; readonly revokedAt: number };

/**
 * Makes the store and the file agree, under the store's write lock: no 'default' row → the file's token (or a new
 * one) is stored; the file's token differs from the stored one → the file wins; revoked → stays revoked.
 */
export function ensureDefaultToken(store: ClientTokenStore, dataDir: string): DefaultToken {
  return store.transaction((): DefaultToken => {
    const stored = store.get(defaultTokenName);
    if (stored && stored.revokedAt !== null) return { state: 'revoked', revokedAt: stored.revokedAt };
    const fromFile = readTokenFile(dataDir, clientTokenFileName);
    if (fromFile !== undefined && stored && store.holds(defaultTokenName, fromFile)) return { state: 'active', token: fromFile, created: false };
    const token = fromFile ?? generateToken('sy');
    if (fromFile === undefined) writeTokenFile(dataDir, clientTokenFileName, token);
    store.put(defaultTokenName, token);
    return { state: 'active', token, created: fromFile === undefined };
  });
}

/** `tokens create`; re-creating a revoked 'default' also rewrites its file, so `switchyard tokens` prints it. */
export function createClientToken(store: ClientTokenStore, dataDir: string, name: string): { readonly name: string; readonly token: string } {
  const created = store.create(name);
  if (name === defaultTokenName) writeTokenFile(dataDir, clientTokenFileName, created.token);
  return created;
}

/** `tokens revoke`; revoking 'default' also deletes its plaintext, which is of no use to anyone any more. */
export function revokeClientToken(store: ClientTokenStore, dataDir: string, name: string): boolean {
  const revoked = store.revoke(name);
  if (name === defaultTokenName) rmSync(join(dataDir, clientTokenFileName), { force: true });
  return revoked;
}

/** SWITCHYARD_API_KEY, when set: a token named 'env', checked in memory and never stored. */
export function environmentToken(env: NodeJS.ProcessEnv): string | undefined {
  const token = env['SWITCHYARD_API_KEY']?.trim();
  return token ? token : undefined;
}

/** What the gateway checks: the environment token, then the store. */
export function gatewayTokenVerifier(store: ClientTokenVerifier, env: NodeJS.ProcessEnv): ClientTokenVerifier {
  const token = environmentToken(env);
  if (token === undefined) return store;
  const fromEnvironment = new StaticTokenVerifier([{ name: 'env', token }]);
  return {
    verify: (presented: string, digestOf: () => Buffer = lazyDigest(presented)): ClientIdentity | undefined =>
      fromEnvironment.verify(presented) ?? store.verify(presented, digestOf),
  };
}

export interface ClientTokensSetup {
  /** the ledger file's store; in team mode PostgreSQL's (postgres-client-token-store.ts: setupSharedClientTokens) */
  readonly store: ClientTokenStore | PostgresClientTokenStore;
  /** what the gateway checks per request */
  readonly verifier: ClientTokenVerifier;
  /** the default token was generated just now (the first start) */
  readonly created: boolean;
  /** one line for the start-up log: how many tokens, and where the default one's plaintext is */
  readonly startupLine: string;
}

/**
 * For boot: opens the store on a connection of its own (after the ledger, so its migrations and crash recovery
 * have run) and brings the default token into it. The caller closes `store` when the gateway has stopped.
 */
export function setupClientTokens(options: {
  readonly ledgerPath: string;
  readonly dataDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly log: (line: string) => void;
  readonly nativeBinding?: string;
}): ClientTokensSetup {
  const store = ClientTokenStore.open({
    path: options.ledgerPath,
    ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
    onError: (error) => options.log(`client tokens: ${error instanceof Error ? error.message : String(error)}`),
  });
  try {
    const current = ensureDefaultToken(store, options.dataDir);
    if (current.state === 'active') registerSecret(current.token);
    const active = store.activeCount() + (environmentToken(options.env) ? 1 : 0);
    const startupLine =
      active === 0
        ? 'client tokens: none is active, so every request is refused; create one with `switchyard tokens create <name>`'
        : `client tokens: ${active} active (hashed in the ledger); the default one ${current.state === 'active' ? "is in the data dir's client-token file (mode 0600)" : 'is revoked'}`;
    return { store, verifier: gatewayTokenVerifier(store, options.env), created: current.state === 'active' && current.created, startupLine };
  } catch (error) {
    store.close();
    throw error;
  }
}
