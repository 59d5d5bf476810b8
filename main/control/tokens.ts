// tokens.*: the client tokens local tools send, one per tool, kept hashed in the ledger file
// (main/secrets/client-token-store.ts), or in team mode in PostgreSQL, shared by every replica
// (postgres-client-token-store.ts). A new token is shown once, in the answer to tokens.create; lists are masked.
import type { CallResponse } from '../../shared/control/contract.js';
import { ensureToolToken, keptToolToken } from '../connect/tool-token.js';
import { registerSecret } from '../../shared/redact.js';
import { ClientTokenError, type ClientTokenRegistry, type ClientTokenStore } from '../secrets/client-token-store.js';
import { createClientToken, revokeClientToken } from '../secrets/default-token.js';
import type { ControlContext, ControlTokens } from './context.js';
import { ControlError, conflict, invalid, notFound } from './errors.js';

/** The hashed store, with the 'default' token's file kept in step (as `switchyard tokens` does). */
export function storeTokens(store: ClientTokenStore, dataDir: string): ControlTokens {
  return {
    list: () => store.list(),
    create: (name) => createClientToken(store, dataDir, name),
    revoke: (name) => revokeClientToken(store, dataDir, name),
    keptTool: (name) => keptToolToken(store, dataDir, name),
    ensureTool: (name) => ensureToolToken(store, dataDir, name),
  };
}

/**
 * Team mode: the tokens every replica shares, in PostgreSQL. There is no 'default' token file and no tool token
 * kept by a replica: a person's token is made with tokens.create (or `switchyard tokens create`) and given to them.
 */
export function sharedTokens(store: ClientTokenRegistry): ControlTokens {
  return {
    list: () => store.list(),
    create: (name) => store.create(name),
    revoke: (name) => store.revoke(name),
    keptTool: () => undefined,
    ensureTool: () => {
      throw invalid(
        'in team mode (ledger.url) connect does not make tool tokens: create a per-person token with `switchyard tokens create <name>` (or the Tokens page) and put it in the tool',
        'tool',
      );
    },
  };
}

export async function listTokens(context: ControlContext): Promise<CallResponse<'tokens.list'>> {
  return tokenCall(() => context.tokens.list());
}

export async function createToken(context: ControlContext, name: string): Promise<CallResponse<'tokens.create'>> {
  const created = await tokenCall(() => context.tokens.create(name));
  registerSecret(created.token); // never in a log line or an error message from here on
  return { name: created.name, token: created.token };
}

export async function revokeToken(context: ControlContext, name: string): Promise<CallResponse<'tokens.revoke'>> {
  if (!(await tokenCall(() => context.tokens.revoke(name)))) throw conflict(`the token '${name}' was revoked already`, 'name');
  return { revoked: true };
}

async function tokenCall<Value>(work: () => Value | Promise<Value>): Promise<Value> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof ClientTokenError)) throw error;
    switch (error.problem) {
      case 'invalid-name':
      case 'reserved':
        throw invalid(error.message, 'name');
      case 'exists':
      case 'digest-taken':
        throw conflict(error.message, 'name');
      case 'unknown':
        throw notFound(error.message, 'name');
      default:
        throw new ControlError(400, 'invalid_request', error.message, 'name');
    }
  }
}
