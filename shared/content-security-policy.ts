// The renderer's Content-Security-Policy. The built page carries it as a <meta> tag (added at build time by
// vite.config.ts, so it holds under file:// and when the gateway serves the UI in headless mode); the desktop
// app also sends it as a header for its own pages. Nothing remote, no inline script, no eval, no frames.
// In shared/ because three layers use it: the desktop app (main/app/hardening.ts), the headless UI server
// (main/control/http/static-ui.ts) and the build (vite.config.ts); nothing may import main/app.

type Directives = Readonly<Record<string, readonly string[]>>;

const productionDirectives: Directives = {
  'default-src': ["'none'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'"],
  // same origin only: the headless control API and the gateway itself (the playground) live there
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'frame-src': ["'none'"],
  'worker-src': ["'none'"],
  'manifest-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
};

/**
 * The desktop window's page is a file://, so the gateway its playground calls is another origin: loopback http on
 * the port the user chose (hence any port). Only fetches; images, scripts and frames stay 'self' or none. The
 * headless UI's header keeps connect-src 'self', and a browser enforces both policies, so there it stays 'self'.
 */
// (CSP has no syntax for an IPv6 literal host, so a gateway bound to [::1] only is not reachable from the desktop page.)
export const desktopGatewaySources: readonly string[] = ['http://127.0.0.1:*', 'http://localhost:*'];

const pageDirectives: Directives = { ...productionDirectives, 'connect-src': ["'self'", ...desktopGatewaySources] };

/** Directives a <meta> tag cannot carry (browsers ignore them there), so they travel only as a header. */
const headerOnlyDirectives: Directives = {
  'frame-ancestors': ["'none'"],
};

export interface PolicyOptions {
  /** the desktop window's own pages: the playground may also call the gateway on loopback */
  readonly desktop?: boolean;
  /**
   * The Vite dev server's origin while developing: its React Refresh preamble is an inline script, its CSS
   * arrives as inline <style>, and HMR talks over a WebSocket. Never set for a packaged app.
   */
  readonly devServerOrigin?: string | undefined;
}

function directivesFor(options: PolicyOptions): Directives {
  const base = options.desktop ? pageDirectives : productionDirectives;
  const origin = options.devServerOrigin;
  if (origin === undefined) return base;
  const webSocketOrigin = origin.replace(/^http/, 'ws');
  return {
    ...base,
    'script-src': ["'self'", "'unsafe-inline'"],
    'style-src': ["'self'", "'unsafe-inline'"],
    'connect-src': [...(base['connect-src'] ?? []), webSocketOrigin],
  };
}

function serialise(directives: Directives): string {
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ');
}

/** The policy for the HTTP header: the desktop app's own pages (`desktop: true`) and the headless UI. */
export function contentSecurityPolicyHeader(options: PolicyOptions = {}): string {
  return serialise({ ...directivesFor(options), ...headerOnlyDirectives });
}

/** The policy for the built page's <meta http-equiv> tag (the same page serves both; see desktopGatewaySources). */
export function contentSecurityPolicyMeta(): string {
  return serialise(pageDirectives);
}

/**
 * Response headers with our policy in place of any the server sent (header names compared without case, as
 * Electron hands them over as the server spelled them).
 */
export function withContentSecurityPolicy(headers: Readonly<Record<string, string[]>> | undefined, policy: string): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() !== 'content-security-policy') result[name] = values;
  }
  result['Content-Security-Policy'] = [policy];
  return result;
}
