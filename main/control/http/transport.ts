// The headless transport: POST /_switchyard/api/<call> (GET for calls without a request) runs the call through
// dispatch.ts; the UI is served from /_switchyard/. Management needs the admin token (Bearer) or a browser session —
// and then the CSRF header too. A session is opened with a single-use sign-in nonce that the admin token mints
// (`switchyard ui`), never with the admin token itself. A client token is never enough. The desktop app has no HTTP API.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { controlContract, type ControlApi, type ControlErrorDto } from '../../../shared/control/contract.js';
import { redactSecrets } from '../../../shared/redact.js';
import { presentedToken } from '../../gateway/http/auth.js';
import { parseJsonBody, readBody } from '../../gateway/http/body.js';
import { GatewayError } from '../../gateway/http/errors.js';
import type { ManagementHandler } from '../../gateway/http/dispatch.js';
import { dispatchControlCall, isControlCall } from '../dispatch.js';
import { SessionStore, expiredSessionCookie, sessionCookie, sessionIdOf, type BrowserSessions } from './sessions.js';
import { SignInNonceStore, type SignInNonces } from './sign-in-nonces.js';
import { sendText, serveUi, uiPrefix } from './static-ui.js';
import { csrfHeader, httpsPage, sameOrigin } from './browser-checks.js';
import type { ClientTokenVerifier } from '../../secrets/token-verifier.js';

export { csrfHeader, sameOrigin };
export const apiPrefix = '/_switchyard/api/';
// A kept comparison (playground.history.save) carries up to six columns of answers; settings calls are tiny.
const maxBodyBytes = 8 * 1024 * 1024;

export interface ControlHttpOptions {
  /** the admin credential (the data dir's admin-token), distinct from every client token */
  readonly adminTokens: ClientTokenVerifier;
  /** the service; undefined while the core is still starting */
  readonly api: () => ControlApi | undefined;
  /** dist/renderer: the built UI */
  readonly uiRoot: string;
  /** in memory by default; in team mode in PostgreSQL (postgres-sessions.ts), shared by every replica */
  readonly sessions?: BrowserSessions;
  readonly signInNonces?: SignInNonces;
  readonly log?: (line: string) => void;
}

export function createControlHttpHandler(options: ControlHttpOptions): ManagementHandler {
  const sessions: BrowserSessions = options.sessions ?? new SessionStore();
  const signInNonces: SignInNonces = options.signInNonces ?? new SignInNonceStore();
  const log = options.log ?? (() => undefined);
  return async (request, response) => {
    const path = rawPath(request.url);
    try {
      if (path.startsWith(apiPrefix)) {
        await handleApi(path.slice(apiPrefix.length), request, response);
        return;
      }
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        sendText(response, 405, 'The UI accepts GET only.', { allow: 'GET, HEAD' });
        return;
      }
      // Relative asset URLs in the page need the trailing slash.
      if (path === '/_switchyard') {
        response.writeHead(308, { location: uiPrefix, 'content-length': 0 });
        response.end();
        return;
      }
      serveUi(options.uiRoot, path, request, response);
    } catch (error) {
      const status = error instanceof GatewayError ? error.status : 500;
      if (status === 500) log(`management: ${redactSecrets(error instanceof Error ? (error.stack ?? error.message) : String(error))}`);
      const message = error instanceof GatewayError ? error.message : 'internal error in Switchyard (see its log)';
      sendError(response, status, {
        call: path.startsWith(apiPrefix) ? path.slice(apiPrefix.length, apiPrefix.length + 100) : '',
        message,
        code: status === 413 ? 'request_too_large' : status === 500 ? 'internal_error' : 'invalid_request',
        field: null,
      });
    }
  };

  async function handleApi(name: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (name === 'session') return handleSession(request, response);
    if (name === 'session.link') return handleSignInLink(request, response);
    const sessionId = sessionIdOf(request);
    const token = presentedToken(request);
    if (token !== undefined) {
      if (!options.adminTokens.verify(token))
        return sendError(response, 401, {
          call: name,
          message: "management calls need the admin token (the data dir's admin-token file), not a client token",
          code: 'invalid_admin_token',
          field: null,
        });
    } else if (await sessions.isValid(sessionId)) {
      // A cookie rides along with any request the browser makes; a custom header is something only our own page can
      // add. The router has already refused origins off the allowlist; a session is for the UI's own origin only
      // (http://<Host>, or https://<Host> through a TLS proxy).
      if (request.headers[csrfHeader] !== '1')
        return sendError(response, 403, {
          call: name,
          message: `cookie-authenticated calls must send the ${csrfHeader}: 1 header`,
          code: 'csrf_header_missing',
          field: null,
        });
      if (!sameOrigin(request))
        return sendError(response, 403, {
          call: name,
          message: 'browser sessions are for the page Switchyard serves itself',
          code: 'origin_not_allowed',
          field: null,
        });
    } else {
      return sendError(response, 401, {
        call: name,
        message: 'management calls need the admin token: open the link `switchyard ui` prints, or send it as a Bearer token',
        code: 'unauthenticated',
        field: null,
      });
    }
    if (!isControlCall(name))
      return sendError(response, 404, {
        call: name.slice(0, 100),
        message: `no such control call: '${name.slice(0, 100)}'`,
        code: 'unknown_call',
        field: null,
      });
    const takesNothing = acceptsEmptyRequestOnly(name);
    if (request.method !== 'POST' && !(request.method === 'GET' && takesNothing)) {
      const allow = takesNothing ? 'GET, POST' : 'POST';
      return sendError(response, 405, { call: name, message: `${name} accepts ${allow}`, code: 'method_not_allowed', field: null }, { allow });
    }
    const api = options.api();
    if (!api) return sendError(response, 503, { call: name, message: 'Switchyard is still starting', code: 'starting', field: null }, { 'retry-after': '1' });
    const raw = request.method === 'POST' ? await readBody(request, maxBodyBytes) : Buffer.alloc(0);
    const body = raw.length === 0 ? {} : parseJsonBody(raw);
    const result = await dispatchControlCall(api, name, body, log);
    if (result.ok) sendBody(response, 200, result.value ?? null);
    else sendBody(response, result.status, result.error);
  }

  /**
   * POST with the admin token (Bearer): a sign-in nonce for the link `switchyard ui` prints. Not from a browser
   * session: whoever holds a session cannot hand out more of them.
   */
  async function handleSignInLink(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const call = 'session.link';
    if (request.method !== 'POST')
      return sendError(response, 405, { call, message: `${call} accepts POST`, code: 'method_not_allowed', field: null }, { allow: 'POST' });
    const token = presentedToken(request);
    if (token === undefined || !options.adminTokens.verify(token)) {
      return sendError(response, 401, {
        call,
        message: "a sign-in link needs the admin token (the data dir's admin-token file) as a Bearer token",
        code: token === undefined ? 'unauthenticated' : 'invalid_admin_token',
        field: null,
      });
    }
    sendBody(response, 200, await signInNonces.mint());
  }

  /** POST: trade a sign-in nonce (once) for a session cookie. DELETE: end the session. */
  async function handleSession(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method === 'DELETE') {
      await sessions.end(sessionIdOf(request));
      response.writeHead(204, { 'set-cookie': expiredSessionCookie(), 'cache-control': 'no-store' });
      response.end();
      return;
    }
    if (request.method !== 'POST')
      return sendError(
        response,
        405,
        { call: 'session', message: 'session accepts POST and DELETE', code: 'method_not_allowed', field: null },
        { allow: 'POST, DELETE' },
      );
    const parsed = sessionRequest.safeParse(parseJsonBody(await readBody(request, 16 * 1024)));
    // Used up by being presented, before anything else can refuse the request: a nonce is never good twice.
    const redeemed = parsed.success && (await signInNonces.redeem(parsed.data.nonce));
    if (request.headers[csrfHeader] !== '1')
      return sendError(response, 403, { call: 'session', message: `send the ${csrfHeader}: 1 header`, code: 'csrf_header_missing', field: null });
    if (!sameOrigin(request))
      return sendError(response, 403, {
        call: 'session',
        message: 'browser sessions are for the page Switchyard serves itself',
        code: 'origin_not_allowed',
        field: null,
      });
    if (!redeemed) {
      return sendError(response, 401, {
        call: 'session',
        message: 'that sign-in link is used up, expired or not one Switchyard made; run `switchyard ui` for a new one',
        code: 'invalid_sign_in',
        field: parsed.success ? null : 'nonce',
      });
    }
    const session = await sessions.create();
    response.writeHead(204, { 'set-cookie': sessionCookie(session.id, session.maxAgeSeconds, httpsPage(request)), 'cache-control': 'no-store' });
    response.end();
  }
}

// `nonce` only: the admin token is never accepted in exchange for a session (the old `{ token }` form is refused).
const sessionRequest = z.strictObject({ nonce: z.string().min(1).max(256) });

/** Calls whose request is `{}` and nothing else may be read with a plain GET. */
function acceptsEmptyRequestOnly(name: keyof typeof controlContract): boolean {
  const schema: z.ZodType = controlContract[name].request;
  return schema instanceof z.ZodObject && Object.keys(schema.shape).length === 0;
}

function sendError(response: ServerResponse, status: number, error: ControlErrorDto['error'], headers: Readonly<Record<string, string>> = {}): void {
  sendBody(response, status, { error: { ...error, message: redactSecrets(error.message) } }, headers);
}

function sendBody(response: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  response.end(text);
}

function rawPath(url: string | undefined): string {
  if (!url) return '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}
