// Where the window's page comes from (the built renderer on disk, or the Vite dev server while developing) and
// whether a URL is that page. Navigation, IPC sender checks and the CSP header all ask this one place.
import { pathToFileURL } from 'node:url';

export type RendererSource =
  | { readonly kind: 'file'; /** file:// URL of the built index.html */ readonly url: string }
  | { readonly kind: 'dev-server'; /** http://localhost:PORT/ of `vite` */ readonly url: string };

export const devServerVariable = 'SWITCHYARD_RENDERER_URL';

const loopbackHostnames = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The dev server is honoured only in an unpackaged app and only on a loopback http address: a packaged build
 * never loads its UI from the network, whatever the environment says.
 */
export function resolveRendererSource(options: {
  readonly isPackaged: boolean;
  readonly env: NodeJS.ProcessEnv;
  readonly rendererIndexPath: string;
}): RendererSource {
  const fileSource: RendererSource = { kind: 'file', url: pathToFileURL(options.rendererIndexPath).href };
  const requested = options.env[devServerVariable];
  if (options.isPackaged || !requested) return fileSource;
  const url = parseUrl(requested);
  if (!url || url.protocol !== 'http:' || !loopbackHostnames.has(url.hostname) || url.username || url.password) {
    throw new Error(`${devServerVariable} must be an http:// URL on localhost, 127.0.0.1 or [::1], not '${requested}'`);
  }
  return { kind: 'dev-server', url: `${url.origin}/` };
}

/** True when `candidate` is the app's own page (any query or fragment), never a sibling file or another port. */
export function isAppPageUrl(candidate: string, source: RendererSource): boolean {
  const url = parseUrl(candidate);
  const app = parseUrl(source.url);
  if (!url || !app) return false;
  if (source.kind === 'dev-server') return url.origin === app.origin;
  return url.protocol === 'file:' && url.host === app.host && url.pathname === app.pathname;
}

export function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}
