// A small TLS reverse proxy on loopback, as Caddy or nginx sit in front of a team gateway: it terminates TLS with a
// throwaway self-signed certificate (made by `openssl` at test time, for one DNS name) and forwards every request
// to the gateway over plain HTTP with the Host kept as the browser sent it, plus X-Forwarded-Proto/-For. Bodies
// stream both ways, so server-sent events pass through as they come.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer, request as httpsRequest, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TlsProxy {
  /** https://<name>:<port>: the address a browser uses (the name must resolve to 127.0.0.1 for it) */
  readonly url: string;
  readonly port: number;
  /** the certificate (PEM), for a client that verifies it rather than ignoring errors */
  readonly cert: string;
  /** requests forwarded so far */
  readonly forwarded: () => number;
  close(): Promise<void>;
}

/** A self-signed certificate and key for `name`, valid one day; the files are removed once read. */
export function selfSignedCertificate(name: string): { readonly cert: string; readonly key: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sy-tls-'));
  try {
    const keyPath = join(dir, 'key.pem');
    const certPath = join(dir, 'cert.pem');
    const made = spawnSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        `/CN=${name}`,
        '-addext',
        `subjectAltName=DNS:${name}`,
        '-keyout',
        keyPath,
        '-out',
        certPath,
      ],
      { encoding: 'utf8', timeout: 30_000 },
    );
    if (made.status !== 0) throw new Error(`openssl could not make a test certificate (${made.error?.message ?? `exit ${made.status}`}): ${made.stderr}`);
    return { cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Starts the proxy on 127.0.0.1 (a free port) in front of the gateway at `upstream()` (http://127.0.0.1:<port>),
 * asked per request: the gateway's allowed_hosts may need the proxy's port before the gateway starts.
 */
export async function startTlsProxy(options: { readonly upstream: () => string; readonly name: string }): Promise<TlsProxy> {
  let forwarded = 0;
  const credentials = selfSignedCertificate(options.name);
  const server: Server = createServer(credentials, (incoming, outgoing) => {
    forwarded += 1;
    const upstream = new URL(options.upstream());
    const headers = { ...incoming.headers, 'x-forwarded-proto': 'https', 'x-forwarded-for': incoming.socket.remoteAddress ?? '' };
    const toGateway = httpRequest({ host: upstream.hostname, port: upstream.port, method: incoming.method, path: incoming.url, headers }, (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    });
    toGateway.on('error', () => {
      if (!outgoing.headersSent) outgoing.writeHead(502, { 'content-type': 'text/plain' });
      outgoing.end('bad gateway');
    });
    outgoing.on('close', () => toGateway.destroy());
    incoming.pipe(toGateway);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://${options.name}:${port}`,
    port,
    cert: credentials.cert,
    forwarded: () => forwarded,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface ProxyAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/**
 * One request through the proxy as a browser there would send it: to 127.0.0.1, the proxy's name in SNI and Host
 * (unless `host` says otherwise), its certificate verified. A body is sent as JSON; POST unless `method` says.
 */
export function throughProxy(
  proxy: TlsProxy,
  path: string,
  init: { readonly method?: string; readonly headers?: Record<string, string>; readonly body?: unknown; readonly host?: string } = {},
): Promise<ProxyAnswer> {
  const name = new URL(proxy.url).hostname;
  const body = init.body === undefined ? undefined : JSON.stringify(init.body);
  return new Promise((resolve, reject) => {
    const outgoing = httpsRequest(
      {
        host: '127.0.0.1',
        port: proxy.port,
        servername: name,
        ca: proxy.cert,
        method: init.method ?? 'POST',
        path,
        headers: {
          host: init.host ?? `${name}:${proxy.port}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }),
          ...init.headers,
        },
        timeout: 10_000,
      },
      (incoming) => {
        let text = '';
        incoming.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body: text }));
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error(`${path}: no answer through the proxy within 10 s`)));
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}
