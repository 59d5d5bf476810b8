// Requests refused before they were routed — a bad token, an unknown path, a body too large or not JSON, the
// in-flight cap — leave a trace like every other: a ledger row with the status and the reason (never the presented
// credential; a request without a valid token is filed under `unauthenticated`), so the request log and the
// dashboard's errors say why a tool failed. Also the optional access-log line (server.log_requests).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { clientSignature } from '../../ledger/client-family.js';
import type { Endpoint } from '../../ledger/types.js';
import { RequestMeter } from '../metering.js';
import { presentedToken } from './auth.js';
import type { GatewayState, RequestTrace } from './context.js';
import { describeError } from './errors.js';
import type { ClientIdentity } from '../../secrets/token-verifier.js';

/** The client name of a refused request that presented no valid token. */
export const unauthenticatedClient = 'unauthenticated';

export function recordRejection(state: GatewayState, request: IncomingMessage, trace: RequestTrace, error: unknown): void {
  if (!state.metering) return;
  const description = describeError(error);
  const meter = new RequestMeter(state.metering, {
    endpoint: endpointOf(trace.path),
    requestedModel: trace.model ?? '',
    route: null,
    stream: false,
    estimatedInputTokens: () => 0,
    clientName: (trace.identity ?? identify(state, request))?.name ?? unauthenticatedClient,
    userAgent: clientSignature(request.headers),
    startedAt: trace.startedAt,
  });
  meter.finish({ status: 'error', errorClass: description.code ?? description.type, httpStatus: description.status, attempts: [] });
}

/** A request refused before its token was checked (an unknown path) is still filed under its client when it has one. */
function identify(state: GatewayState, request: IncomingMessage): ClientIdentity | undefined {
  const token = presentedToken(request);
  return token === undefined ? undefined : state.tokens.verify(token);
}

/** One line per request once its answer is done: method, path, status, client, model, duration. */
export function accessLogLine(trace: RequestTrace, response: ServerResponse): string {
  const status = response.writableFinished ? String(response.statusCode) : `${response.headersSent ? response.statusCode : '-'} (client gone)`;
  const client = trace.identity?.name ?? (trace.admitted ? unauthenticatedClient : '-');
  return `${trace.method} ${trace.path} ${status} ${client} ${trace.model ?? '-'} ${(performance.now() - trace.startedAt).toFixed(1)}ms`;
}

function endpointOf(path: string): Endpoint {
  const bare = path.startsWith('/v1/') ? path.slice(3) : path;
  if (bare === '/chat/completions' || bare.startsWith('/_switchyard/v1/chat')) return 'chat';
  if (bare.startsWith('/messages')) return 'messages';
  if (bare === '/embeddings') return 'embeddings';
  if (bare.startsWith('/responses')) return 'responses';
  return 'other';
}
