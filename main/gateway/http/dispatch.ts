// The request dispatcher: guards first (Host, Origin), then the route table, then the client token, then the
// in-flight cap. Every failure becomes a JSON error in the endpoint's dialect (OpenAI's, or Anthropic's under
// /v1/messages); nothing escapes as a crash. The playground is a client like any other: in headless mode its page
// posts to /_switchyard/v1/chat/completions with the UI session; in the desktop window (a file:// page, Origin null)
// the main process adds the playground's in-memory token, the one credential accepted from that opaque origin.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LightAbortController } from '../cancel.js';
import { gatewayRoutes } from '../dialects/index.js';
import { presentedToken, type PlaygroundSessionAuth } from './auth.js';
import { UploadCounter, drainAfterEarlyAnswer, readBody } from './body.js';
import type { GatewayState, RequestTrace } from './context.js';
import { opaqueOrigin } from './guard.js';
import { GatewayError, describeError, isRecorded, sendJson, sendOpenAIError } from './errors.js';
import { accessLogLine, recordRejection } from './rejections.js';
import { metricsPath, serveMetrics } from '../telemetry/metrics-endpoint.js';
import type { EndpointHandler, ErrorSender, Match, Method } from './route-table.js';
import type { ClientIdentity } from '../../secrets/token-verifier.js';
import type { SharedStateView } from '../shared-state/shared-state.js';
import type { SharedTokensView } from '../../secrets/postgres-client-token-store.js';

/** Serves everything under /_switchyard (headless mode: the control API and the UI); absent in the desktop app. */
export type ManagementHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

export const managementPrefix = '/_switchyard';

/**
 * The playground's path in headless mode: chat completions authenticated by the UI's session cookie, whose path is
 * /_switchyard (so it never travels to other servers on this machine that share the 127.0.0.1 cookie jar).
 */
export const playgroundChatPath = `${managementPrefix}/v1/chat/completions`;

export interface InFlight {
  readonly controller: LightAbortController;
  readonly done: Promise<void>;
}

export class GatewayRouter {
  readonly inFlight = new Set<InFlight>();
  /** request bodies still arriving, per client name */
  private readonly uploads = new UploadCounter();
  private draining = false;

  constructor(
    private readonly state: () => GatewayState,
    private readonly log: (line: string) => void,
    private readonly management: ManagementHandler | undefined,
    private readonly playgroundSessions: PlaygroundSessionAuth | undefined = undefined,
  ) {}

  /** Stop taking new requests (they get 503) while in-flight ones finish. */
  startDraining(): void {
    this.draining = true;
  }

  handle = (request: IncomingMessage, response: ServerResponse): void => {
    const path = pathOf(request.url);
    const match = gatewayRoutes.match(path);
    const state = this.state();
    const trace: RequestTrace = { startedAt: performance.now(), method: request.method ?? 'GET', path, admitted: false, identity: undefined, model: undefined };
    if (state.config.server.logRequests) response.once('close', () => this.log(accessLogLine(trace, response)));
    // the error shape is looked up only when there is an error to send
    const sendError: ErrorSender = (sink, error, headers) => (gatewayRoutes.errorSenderFor(path, match) ?? sendOpenAIError)(sink, error, headers);
    this.dispatch(request, response, match, sendError, state, trace).catch((error: unknown) =>
      this.fail(response, error, sendError, {}, state, request, trace),
    );
  };

  private async dispatch(
    request: IncomingMessage,
    response: ServerResponse,
    match: Match | undefined,
    sendError: ErrorSender,
    state: GatewayState,
    trace: RequestTrace,
  ): Promise<void> {
    const { startedAt } = trace;
    const { guard } = state;
    if (hostHeaders(request.rawHeaders) > 1) {
      // node:http keeps the first and drops the rest; HTTP says such a request is malformed (RFC 9112 §3.2)
      throw new GatewayError(400, 'more than one Host header; a request has exactly one', 'invalid_request_error', 'duplicate_host');
    }
    if (!guard.hostAllowed(request)) {
      throw new GatewayError(
        403,
        "Host header is not one of this server's loopback names; request refused (DNS rebinding protection)",
        'permission_error',
        'host_not_allowed',
      );
    }
    const path = pathOf(request.url);
    const opaque = request.headers.origin === opaqueOrigin;
    // Origin null is judged once the credential is known (only the playground's is accepted from it); every other
    // origin off the allowlist is refused here, before anything else.
    if (guard.originAllowed(request) === false && !(opaque && match !== undefined)) {
      throw new GatewayError(
        403,
        `browser origin '${request.headers.origin ?? ''}' is not allowed (server.allowed_origins)`,
        'permission_error',
        'origin_not_allowed',
      );
    }
    // liveness: /health always; `/` too while the Ollama surface (whose `/` says "Ollama is running") is off
    const liveness = path === '/health' || (path === '/' && !state.config.ollamaApi.enabled);
    if (liveness && (request.method === 'GET' || request.method === 'HEAD')) {
      // still serving on the fallback counters while Redis is down (or on the last client tokens read while PostgreSQL
      // is): 200, with the detail a load balancer may log
      sendJson(response, 200, {
        status: 'ok',
        ...(state.sharedState ? { state: withoutAddress(state.sharedState.view()) } : {}),
        ...(state.sharedTokens ? { tokens: tokensWithoutReason(state.sharedTokens.view()) } : {}),
      });
      return;
    }
    if (path === metricsPath && state.telemetry && (request.method === 'GET' || request.method === 'HEAD')) {
      await serveMetrics(request, response, state.telemetry); // admin credential or loopback, never a client token
      return;
    }
    if (request.method === 'OPTIONS') {
      // The desktop window's preflight carries the injected playground token (webRequest sees preflights too).
      const cors = opaque ? (this.tokenIdentity(state, request)?.playground ? guard.playgroundCorsHeaders() : undefined) : guard.corsHeaders(request);
      if (cors === undefined) throw originRefused();
      response.writeHead(204, guard.preflightHeaders(request, cors));
      response.end();
      return;
    }
    const playgroundSession = path === playgroundChatPath && this.playgroundSessions !== undefined;
    const management = !playgroundSession && (path === managementPrefix || path.startsWith(`${managementPrefix}/`));
    // past the guard, a gateway request that is refused still leaves a ledger row (the control API keeps its own)
    trace.admitted = !management;
    if (management) {
      // Host and Origin were checked above (the gateway's own origin is allowed: the UI it serves); the handler
      // checks the admin credential, never a client token.
      if (!this.management)
        throw new GatewayError(404, 'the management API and UI are served in headless mode only (`switchyard serve`)', 'not_found_error', 'unknown_url');
      await this.management(request, response);
      return;
    }
    const endpoint = playgroundSession ? gatewayRoutes.match('/v1/chat/completions')?.endpoint : match?.endpoint;
    if (!endpoint) throw new GatewayError(404, `no such endpoint: ${request.method ?? ''} ${path}`, 'not_found_error', 'unknown_url');
    const handler: EndpointHandler | undefined = endpoint.methods[request.method as Method];
    if (!handler) {
      const allowed = Object.keys(endpoint.methods).join(', ');
      throw new GatewayError(405, `${path} accepts ${allowed} only`, 'invalid_request_error', 'method_not_allowed', null, { allow: allowed });
    }

    let identity: ClientIdentity | undefined;
    let corsHeaders: Record<string, string>;
    if (playgroundSession) {
      identity = await this.playgroundSessions?.authenticate(request);
      corsHeaders = {};
    } else {
      const token = presentedToken(request);
      identity = token === undefined ? endpoint.anonymous?.(state, request) : this.tokenIdentity(state, request);
      if (opaque && !identity?.playground) throw originRefused();
      corsHeaders = opaque ? guard.playgroundCorsHeaders() : guard.corsHeaders(request);
      if (!identity) {
        throw new GatewayError(
          401,
          token === undefined
            ? 'missing client token: send it as a Bearer token or in x-api-key (`switchyard tokens` prints it)'
            : 'invalid client token (`switchyard tokens` prints the current one)',
          'authentication_error',
          'invalid_api_key',
        );
      }
    }
    if (!identity)
      throw new GatewayError(401, 'the playground needs the UI session: open the link `switchyard ui` prints', 'authentication_error', 'invalid_session');
    trace.identity = identity;
    // The body is read before the request counts towards the in-flight cap: a client whose upload stalls holds no
    // place that others need.
    const body = request.method === 'POST' ? await this.readBodyOf(request, state, identity.name) : empty;
    if (this.draining) throw new GatewayError(503, 'Switchyard is shutting down', 'api_error', 'shutting_down', null, { ...corsHeaders, 'retry-after': '1' });
    if (this.inFlight.size >= state.config.server.maxInFlight) {
      throw new GatewayError(
        429,
        `too many requests in flight (server.max_in_flight = ${state.config.server.maxInFlight})`,
        'rate_limit_error',
        'too_many_in_flight',
        null,
        { ...corsHeaders, 'retry-after': '1' },
      );
    }

    const controller = new LightAbortController();
    const onClose = (): void => {
      if (!response.writableFinished) controller.abort();
    };
    response.on('close', onClose);
    let resolveDone!: () => void;
    const entry: InFlight = { controller, done: new Promise<void>((resolve) => (resolveDone = resolve)) };
    this.inFlight.add(entry);
    try {
      const query = request.url?.includes('?') ? new URLSearchParams(request.url.slice(request.url.indexOf('?') + 1)) : noQuery;
      const inbound = { method: request.method ?? 'GET', path, query, headers: request.headers, params: playgroundSession ? {} : (match?.params ?? {}), body };
      await handler({ gateway: state, identity, signal: controller.signal, startedAt, corsHeaders, trace }, inbound, response);
    } catch (error) {
      this.fail(response, error, sendError, corsHeaders, state, request, trace);
    } finally {
      this.inFlight.delete(entry);
      resolveDone();
    }
  }

  /**
   * The body, read before the request counts towards max_in_flight, under its own bounds: a body that stops arriving
   * is a 408 after server.body_idle_timeout_ms, and one client may be sending server.max_uploads_per_client bodies at
   * once — so a flood of stalled uploads from one tool never locks the others out.
   */
  private readBodyOf(request: IncomingMessage, state: GatewayState, client: string): Promise<Buffer> {
    const { maxBodyBytes, bodyIdleTimeoutMs, maxUploadsPerClient } = state.config.server;
    return readBody(request, maxBodyBytes, bodyIdleTimeoutMs, { counter: this.uploads, client, limit: maxUploadsPerClient });
  }

  private tokenIdentity(state: GatewayState, request: IncomingMessage): ClientIdentity | undefined {
    const token = presentedToken(request);
    return token === undefined ? undefined : state.tokens.verify(token);
  }

  private fail(
    response: ServerResponse,
    error: unknown,
    sendError: ErrorSender,
    headers: Readonly<Record<string, string>>,
    state: GatewayState,
    request: IncomingMessage,
    trace: RequestTrace,
  ): void {
    if (trace.admitted && !isRecorded(error)) recordRejection(state, request, trace, error);
    drainAfterEarlyAnswer(request);
    const description = describeError(error);
    if (description.status === 500) this.log(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    if (response.headersSent) {
      response.end();
      return;
    }
    if (response.destroyed) return;
    sendError(response, error, headers);
  }
}

const empty = Buffer.alloc(0);
const noQuery = new URLSearchParams();

function hostHeaders(rawHeaders: readonly string[]): number {
  let count = 0;
  for (let index = 0; index < rawHeaders.length; index += 2) {
    const name = rawHeaders[index] as string;
    if (name.length === 4 && name.toLowerCase() === 'host') count += 1;
  }
  return count;
}

function originRefused(): GatewayError {
  return new GatewayError(
    403,
    "browser origin 'null' is not allowed (server.allowed_origins); only the desktop window's playground may call from it",
    'permission_error',
    'origin_not_allowed',
  );
}

/** The shared state as the unauthenticated /health tells it: no URL, no error text (either may name internal hosts). */
function withoutAddress(view: SharedStateView): Omit<SharedStateView, 'url' | 'reason'> {
  return {
    backend: view.backend,
    replicas: view.replicas,
    replicasFrom: view.replicasFrom,
    sharedBudgets: view.sharedBudgets,
    since: view.since,
    detail: view.detail,
  };
}

/** The shared client tokens as /health tells them: no error text (it may name internal hosts). */
function tokensWithoutReason(view: SharedTokensView): Omit<SharedTokensView, 'reason'> {
  return { backend: view.backend, state: view.state, active: view.active, loadedAt: view.loadedAt, ...(view.since === undefined ? {} : { since: view.since }) };
}

function pathOf(url: string | undefined): string {
  if (!url) return '/';
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}
