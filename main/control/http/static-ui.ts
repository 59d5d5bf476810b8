// Serves the built renderer (dist/renderer) under /_switchyard/ in headless mode: the same page the desktop window
// shows, with the strict CSP as a header, exact content types, and no way out of the build folder.
import { createReadStream, realpathSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { contentSecurityPolicyHeader } from '../../../shared/content-security-policy.js';

export const uiPrefix = '/_switchyard/';

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};

/** Headers every page and asset carries: the policy, no sniffing, no framing, no referrer. */
export function uiSecurityHeaders(): Record<string, string> {
  return {
    'content-security-policy': contentSecurityPolicyHeader(),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
  };
}

/**
 * Answers a GET/HEAD for `path` (the URL path, still percent-encoded, starting with /_switchyard/). Files that are
 * not in the build folder — `..`, encoded slashes, symlinks pointing out — are a 404, like files that do not exist.
 */
export function serveUi(root: string, path: string, request: IncomingMessage, response: ServerResponse): void {
  const file = resolveFile(root, path);
  if (file === undefined) {
    const missingBuild = !isDirectory(root);
    sendText(response, 404, missingBuild ? 'The Switchyard UI is not built here (run `npm run build`).' : 'Not found.');
    return;
  }
  const type = contentTypes[extname(file.path).toLowerCase()] ?? 'application/octet-stream';
  const hashedAsset = path.startsWith(`${uiPrefix}assets/`);
  response.writeHead(200, {
    ...uiSecurityHeaders(),
    'content-type': type,
    'content-length': file.size,
    // Vite names assets by content hash; the page itself must always be fetched fresh.
    'cache-control': hashedAsset ? 'public, max-age=31536000, immutable' : 'no-store',
  });
  if (request.method === 'HEAD') {
    response.end();
    return;
  }
  const stream = createReadStream(file.path);
  stream.on('error', () => response.destroy());
  stream.pipe(response);
}

function resolveFile(root: string, path: string): { readonly path: string; readonly size: number } | undefined {
  let relative: string;
  try {
    relative = decodeURIComponent(path.slice(uiPrefix.length));
  } catch {
    return undefined;
  }
  if (relative === '') relative = 'index.html';
  if (relative.includes('\0') || relative.includes('\\') || relative.split('/').some((segment) => segment === '..' || segment === '.')) return undefined;
  let base: string;
  let candidate: string;
  try {
    base = realpathSync(root);
    candidate = realpathSync(resolve(base, join(...relative.split('/'))));
  } catch {
    return undefined;
  }
  if (!candidate.startsWith(base + sep)) return undefined;
  try {
    const stats = statSync(candidate);
    return stats.isFile() ? { path: candidate, size: stats.size } : undefined;
  } catch {
    return undefined;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export function sendText(response: ServerResponse, status: number, text: string, headers: Readonly<Record<string, string>> = {}): void {
  response.writeHead(status, {
    ...uiSecurityHeaders(),
    ...headers,
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  response.end(text);
}
