// The first checks on every request, before any parsing: the Host header must name this server exactly (a
// DNS-rebinding page sends its own host name), and a browser Origin must be on the allowlist (a page on another
// site cannot drive the gateway with the user's tools' token). No wildcard CORS, no reflected origins.
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
    for (const name of [...names, ...settings.allowedHosts]) {
      const lower = name.toLowerCase();
      this.hosts.add(`${lower}:${port}`);
      if (port === 80) this.hosts.add(lower);
    }
    // The gateway's own UI (headless mode) is served from these origins.
    this.origins = new Set<string>(settings.allowedOrigins.map((origin) => origin.toLowerCase()));
    for (const name of ['127.0.0.1', 'localhost', '[::1]']) this.origins.add(`http://${name}:${port}`);
  }

  hostAllowed(request: IncomingMessage): boolean {
    const host = request.headers.host;
    return host !== undefined && this.hosts.has(host.toLowerCase());
  }

  /** undefined: no Origin header (not a browser, or same-origin GET); true/false: allowlisted or not. */
  originAllowed(request: IncomingMessage): boolean | undefined {
    const origin = request.headers.origin;
    if (origin === undefined) return undefined;
    return this.origins.has(origin.toLowerCase());
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
