// Who may use the Ollama surface without a token. Ollama's clients send no key (GitHub Copilot sends an empty
// `Authorization: Bearer `), so a request that presents no token is accepted only when the user turned the surface
// on and Switchyard listens on loopback alone; it is filed under its own client name, `ollama-api`, so budgets and
// the ledger see it. Bound anywhere else, the surface wants a client token like every other route.
import type { IncomingMessage } from 'node:http';
import type { GatewayState } from '../../http/context.js';
import { GatewayError } from '../../http/errors.js';
import type { ClientIdentity } from '../../../secrets/token-verifier.js';

export const ollamaClientName = 'ollama-api';

const identity: ClientIdentity = Object.freeze({ name: ollamaClientName });

/** Requests that arrived on the surface's own listener (ollama_api.port), marked by listener.ts. */
const viaOwnListener = new WeakSet<IncomingMessage>();

export function markOwnListener(request: IncomingMessage): void {
  viaOwnListener.add(request);
}

export function cameThroughOwnListener(request: IncomingMessage): boolean {
  return viaOwnListener.has(request);
}

/** The rule, on its own so a test can drive it: on, and bound to a loopback address only. */
export function tokenlessAllowed(settings: { readonly enabled: boolean; readonly host: string }): boolean {
  return settings.enabled && isLoopbackHost(settings.host);
}

export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}

/** Off: every path of the surface is a 404 in Ollama's shape, whatever the credential. */
export function requireSurfaceOn(state: GatewayState): void {
  if (!state.config.ollamaApi.enabled) {
    throw new GatewayError(
      404,
      'the Ollama-compatible API is off: turn it on in Settings or with `ollama_api: { enabled: true }` in the config',
      'not_found_error',
      'ollama_api_off',
    );
  }
}

/** Endpoint.anonymous for the surface's own paths. */
export function ollamaAnonymous(state: GatewayState, request: IncomingMessage): ClientIdentity | undefined {
  requireSurfaceOn(state);
  return anonymousIdentity(state, request);
}

/**
 * Endpoint.anonymous for the OpenAI-compatible paths Ollama also serves (/v1/chat/completions, /v1/models, …):
 * tokenless only on the surface's own listener, where the whole address is Ollama's (Copilot chats there).
 */
export function ownListenerAnonymous(state: GatewayState, request: IncomingMessage): ClientIdentity | undefined {
  return cameThroughOwnListener(request) && state.config.ollamaApi.enabled ? anonymousIdentity(state, request) : undefined;
}

function anonymousIdentity(state: GatewayState, request: IncomingMessage): ClientIdentity | undefined {
  if (!tokenlessAllowed({ enabled: state.config.ollamaApi.enabled, host: state.config.server.host })) return undefined;
  // the listener is on loopback; the peer must be too (belt and braces against a forwarded socket)
  const peer = request.socket.remoteAddress ?? '';
  return isLoopbackHost(peer.replace(/^::ffff:/, '')) ? identity : undefined;
}
