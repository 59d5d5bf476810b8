// Headless mode: the UI's browser session, accepted by the gateway on the playground path
// (/_switchyard/v1/chat/completions) as the client `playground`. Same rules as the control API's sessions: the
// cookie alone is never enough — the CSRF header a cross-site page cannot add, and the page's own origin.
import type { IncomingMessage } from 'node:http';
import type { PlaygroundSessionAuth } from '../../gateway/http/auth.js';
import { GatewayError } from '../../gateway/http/errors.js';
import type { PlaygroundAccess } from '../../secrets/playground-access.js';
import { sessionIdOf, type BrowserSessions } from './sessions.js';
import { csrfHeader, sameOrigin } from './browser-checks.js';

export function playgroundSessionAuth(sessions: BrowserSessions, playground: PlaygroundAccess): PlaygroundSessionAuth {
  return {
    // asynchronous: in team mode the session is looked up in PostgreSQL, so a sign-out through any replica holds here at once
    async authenticate(request: IncomingMessage) {
      if (!(await sessions.isValid(sessionIdOf(request)))) {
        throw new GatewayError(401, 'the playground needs the UI session: open the link `switchyard ui` prints', 'authentication_error', 'invalid_session');
      }
      if (request.headers[csrfHeader] !== '1')
        throw new GatewayError(403, `the playground must send the ${csrfHeader}: 1 header`, 'permission_error', 'csrf_header_missing');
      // A POST from the page always carries its Origin; none, or another one, is not the page.
      if (request.headers.origin === undefined || !sameOrigin(request))
        throw new GatewayError(403, 'the playground path is for the page Switchyard serves itself', 'permission_error', 'origin_not_allowed');
      if (!playground.enabled())
        throw new GatewayError(
          403,
          "the client token 'playground' is revoked; create it again to use the playground",
          'permission_error',
          'playground_revoked',
        );
      return playground.identity;
    },
  };
}
