// The first checks on every request, before any parsing: the Host header must name this server exactly (a
// DNS-rebinding page sends its own host name), and a browser Origin must be on the allowlist (a page on another
// site cannot drive the gateway with the user's tools' token). No wildcard CORS, no reflected origins. The page the
// gateway serves itself is at http://<Host>, or https://<Host> behind a TLS reverse proxy that keeps the Host: once
// the Host has passed the check, a browser's Origin naming that same Host is the gateway's own page.
import type { IncomingMessage } from 'node:http';

/** Response headers a browser page may read: who answered, the fallback trail, cost, the ledger row. */
export const exposedHeaders =
  'x-switchyard-provider, x-switchyard-model, x-switchyard-attempts, x-switchyard-cost-usd, x-switchyard-request-id, x-switchyard-overhead-ms, x-switchyard-offline, x-switchyard-budget, x-switchyard-upstream-request-id';

/** The Origin a file:// page (the desktop window) sends. Never allowlisted: accepted only with the playground's credential. */
export const opaqueOrigin = 'null';

export interface GuardSettings {
  readonly port: number;
  readonly host: string;
  readonly allowedHosts: readonly string[];
  readonly allowedOrigins: readonly string[];
}

export class RequestGuard {
  private readonly hosts: Set<string>;
  private readonly origins: Set<string>;

  constructor(settings: GuardSettings) {
    const port = settings.port;
    const names = ['127.0.0.1', 'localhost', '[::1]'];
    if (settings.host !== '127.0.0.1' && settings.host !== 'localhost' && settings.host !== '::1') {
      names.push(settings.host.includes(':') ? `[${settings.host}]` : settings.host);
    }
    this.hosts = new Set<string>();
    for (const name of names) {
      const lower = name.toLowerCase();
      this.hosts.add(`${lower}:${port}`);
      if (port === 80) this.hosts.add(lower);
    }
    for (const entry of settings.allowedHosts) for (const host of allowedHostForms(entry, port)) this.hosts.add(host);
    // The gateway's own UI (headless mode) is served from these origins.
    this.origins = new Set<string>(settings.allowedOrigins.map((origin) => origin.toLowerCase()));
    for (const name of ['127.0.0.1', 'localhost', '[::1]']) this.origins.add(`http://${name}:${port}`);
  }

  hostAllowed(request: IncomingMessage): boolean {
    const host = request.headers.host;
    return host !== undefined && this.hosts.has(host.toLowerCase());
  }

  /** undefined: no Origin header (not a browser, or same-origin GET); true/false: allowlisted (or the page's own) or not. */
  originAllowed(request: IncomingMessage): boolean | undefined {
    const origin = request.headers.origin;
    if (origin === undefined) return undefined;
    return this.origins.has(origin.toLowerCase()) || ownOrigin(request);
  }

  corsHeaders(request: IncomingMessage): Record<string, string> {
    const origin = request.headers.origin;
    if (origin === undefined || !this.origins.has(origin.toLowerCase())) return {};
    return { 'access-control-allow-origin': origin, vary: 'Origin', 'access-control-expose-headers': exposedHeaders };
  }

  /** For the desktop window's page (Origin: null), once the request proved to carry the playground's credential. */
  playgroundCorsHeaders(): Record<string, string> {
    return { 'access-control-allow-origin': opaqueOrigin, vary: 'Origin', 'access-control-expose-headers': exposedHeaders };
  }

  preflightHeaders(request: IncomingMessage, cors: Record<string, string> = this.corsHeaders(request)): Record<string, string> {
    return {
      ...cors,
      'access-control-allow-methods': 'GET, POST, OPTIONS',
      'access-control-allow-headers':
        'authorization, content-type, x-api-key, anthropic-version, anthropic-beta, x-stainless-os, x-stainless-lang, x-stainless-package-version, x-stainless-runtime, x-stainless-runtime-version, x-stainless-arch, x-stainless-retry-count, x-stainless-timeout',
      'access-control-max-age': '600',
    };
  }
}

/**
 * The Host values an allowed_hosts entry admits. A name alone: with the gateway's port (reached directly), or with
 * none (a browser omits the default port, as for https://<name> through a TLS proxy that keeps the Host). A name
 * with a port (`llm.example.com:8443`, `[fd00::1]:8443`): exactly that, for a proxy on another port.
 */
export function allowedHostForms(entry: string, port: number): string[] {
  const lower = entry.toLowerCase();
  if (/^(\[[0-9a-f:.]+\]|[^:[\]]+):\d{1,5}$/.test(lower)) return [lower];
  // an IPv6 literal is written in brackets in a Host header
  const name = lower.includes(':') && !lower.startsWith('[') ? `[${lower}]` : lower;
  return [`${name}:${port}`, name];
}

/**
 * True when the browser's Origin is the request's own Host, over http or https: the page came from the address this
 * request was sent to. Only meaningful once the Host passed hostAllowed (the router checks it before anything else):
 * a page cannot choose the Host its request carries, nor its Origin.
 */
export function ownOrigin(request: IncomingMessage): boolean {
  const origin = request.headers.origin;
  const host = request.headers.host;
  if (origin === undefined || host === undefined || host === '') return false;
  const lowerOrigin = origin.toLowerCase();
  const lowerHost = host.toLowerCase();
  return lowerOrigin === `http://${lowerHost}` || lowerOrigin === `https://${lowerHost}`;
}
