// GET /metrics on the gateway's port: the Prometheus exposition, for the admin credential (Bearer) or, without any
// credential, for a scraper on this machine (loopback). A client token is refused: metrics name every client token,
// route and model, which is more than one tool's key should reveal.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { presentedToken } from '../http/auth.js';
import { GatewayError } from '../http/errors.js';
import type { Telemetry } from './telemetry.js';

export const metricsPath = '/metrics';

export async function serveMetrics(request: IncomingMessage, response: ServerResponse, telemetry: Telemetry): Promise<void> {
  if (!telemetry.prometheusEnabled)
    throw new GatewayError(404, 'metrics are turned off (telemetry.prometheus: false in the config)', 'not_found_error', 'unknown_url');
  const token = presentedToken(request);
  if (token !== undefined) {
    if (!telemetry.admin?.verify(token))
      throw new GatewayError(403, "/metrics needs the admin credential (the data dir's admin-token), not a client token", 'permission_error', 'admin_required');
  } else if (!isLoopback(request.socket.remoteAddress)) {
    throw new GatewayError(401, '/metrics from another machine needs the admin credential as a Bearer token', 'authentication_error', 'admin_required');
  }
  const { contentType, text } = await telemetry.prometheus.scrape();
  const body = request.method === 'HEAD' ? '' : text;
  response.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  response.end(body);
}

function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}
