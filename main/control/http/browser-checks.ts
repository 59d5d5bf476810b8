// What a browser request to Switchyard's own page must show, shared by the control API's transport and the
// playground's session check. A module of its own so the playground check does not load the transport (and the
// control contract's schemas with it) when the gateway starts.
import type { IncomingMessage } from 'node:http';
import { ownOrigin } from '../../gateway/http/guard.js';

export const csrfHeader = 'x-switchyard-csrf';

/**
 * No Origin (not a browser, or a same-origin GET), or exactly the origin this request was sent to: http://<Host>,
 * or https://<Host> behind a TLS reverse proxy that keeps the Host. The router has already checked the Host
 * (loopback names, the bind address, server.allowed_hosts); an origin merely allowlisted for CORS is never enough.
 */
export function sameOrigin(request: IncomingMessage): boolean {
  return request.headers.origin === undefined || ownOrigin(request);
}

/** The page signing in was served over https (through a TLS proxy): its session cookie is then marked Secure. */
export function httpsPage(request: IncomingMessage): boolean {
  return request.headers.origin?.toLowerCase().startsWith('https://') === true;
}
