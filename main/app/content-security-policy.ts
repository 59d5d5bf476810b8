// The renderer's Content-Security-Policy. The built page carries it as a <meta> tag (added at build time by
// vite.config.ts, so it holds under file:// and when the gateway serves the UI in headless mode); the desktop
// app also sends it as a header for its own pages. Nothing remote, no inline script, no eval, no frames.

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

/** Directives a <meta> tag cannot carry (browsers ignore them there), so they travel only as a header. */
const headerOnlyDirectives: Directives = {
  'frame-ancestors': ["'none'"],
};

export interface PolicyOptions {
  /**
   * The Vite dev server's origin while developing: its React Refresh preamble is an inline script, its CSS
   * arrives as inline <style>, and HMR talks over a WebSocket. Never set for a packaged app.
   */
  readonly devServerOrigin?: string | undefined;
}

function directivesFor(options: PolicyOptions): Directives {
  const origin = options.devServerOrigin;
  if (origin === undefined) return productionDirectives;
  const webSocketOrigin = origin.replace(/^http/, 'ws');
  return {
    ...productionDirectives,
    'script-src': ["'self'", "'unsafe-inline'"],
    'style-src': ["'self'", "'unsafe-inline'"],
    'connect-src': ["'self'", webSocketOrigin],
  };
}

function serialise(directives: Directives): string {
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ');
}

/** The policy for the HTTP header (desktop app's own pages). */
export function contentSecurityPolicyHeader(options: PolicyOptions = {}): string {
  return serialise({ ...directivesFor(options), ...headerOnlyDirectives });
}

/** The policy for the built page's <meta http-equiv> tag. */
export function contentSecurityPolicyMeta(): string {
  return serialise(productionDirectives);
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
