// What a browser request to Switchyard's own page must show, shared by the control API's transport and the
// playground's session check. A module of its own so the playground check does not load the transport (and the
// control contract's schemas with it) when the gateway starts.
import type { IncomingMessage } from 'node:http';

export const csrfHeader = 'x-switchyard-csrf';

/** No Origin (not a browser, or a same-origin GET), or exactly the origin this request was sent to (Host is already checked). */
export function sameOrigin(request: IncomingMessage): boolean {
  const origin = request.headers.origin;
  return origin === undefined || origin.toLowerCase() === `http://${(request.headers.host ?? '').toLowerCase()}`;
}
