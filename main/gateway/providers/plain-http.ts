// GET requests on node:http / node:https instead of undici: providers' model lists and reachability probes
// (http.ts), local-server discovery and the price refresh. Measured (issue 20): loading undici costs ~15 MiB of
// resident memory, and once it has parsed a response, V8 compiles its llhttp WebAssembly parser with TurboFan on a
// platform worker thread, whose ~30 MiB of compiler memory leaves ~10 MiB resident in that thread's malloc arena
// (2 launches in 3). Node's own HTTP parser is native, so with these GETs here undici loads with the first proxied
// POST and a gateway that has only started and probed holds neither.
//
// The same rules as the undici pools: no redirect is followed (a 3xx is the answer), no proxy (neither client reads
// HTTP_PROXY), each request on a connection of its own closed after it (no socket outlives a probe), and a timeout
// fails with undici's error code for it, so errors.ts classifies a failure from either client alike.
import http from 'node:http';
import type { ClientRequest, IncomingMessage } from 'node:http';
import type { RequestOptions } from 'node:https';
import type { Socket } from 'node:net';
import { UpstreamCall, type UpstreamHead } from './upstream-body.js';

export interface PlainGet {
  readonly url: string | URL;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** TCP connect, plus the TLS handshake for https */
  readonly connectTimeoutMs: number;
  /** connected → the response head */
  readonly headersTimeoutMs: number;
  /** silence between body bytes (not counted while the reader holds the body paused) */
  readonly bodyTimeoutMs: number;
  /** certificates trusted besides Node's (tests with a throwaway certificate) */
  readonly ca?: string | undefined;
}

/**
 * What receives the answer: undici's dispatch-handler callbacks (UpstreamCall implements them), so one response
 * reader serves both clients.
 */
export interface PlainResponseHandler {
  onConnect(abort: (reason?: Error) => void): void;
  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void): boolean;
  onData(chunk: Buffer): boolean;
  onComplete(): void;
  onError(error: Error): void;
}

/** A timeout as undici reports it (`code` is what errors.ts reads). */
export function timeoutError(code: 'UND_ERR_CONNECT_TIMEOUT' | 'UND_ERR_HEADERS_TIMEOUT' | 'UND_ERR_BODY_TIMEOUT', ms: number): Error {
  const what = code === 'UND_ERR_CONNECT_TIMEOUT' ? 'Connect' : code === 'UND_ERR_HEADERS_TIMEOUT' ? 'Headers' : 'Body';
  return Object.assign(new Error(`${what} Timeout Error (${ms} ms)`), { name: `${what}TimeoutError`, code });
}

/** Sends a GET and reports its answer to `handler`; every outcome ends in exactly one onComplete or onError. */
export function plainGet(request: PlainGet, handler: PlainResponseHandler): void {
  const url = typeof request.url === 'string' ? new URL(request.url) : request.url;
  let settled = false;
  let timer: NodeJS.Timeout | undefined;
  let outgoing: ClientRequest | undefined;
  let response: IncomingMessage | undefined;
  const finish = (error?: Error): void => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    if (error) {
      outgoing?.destroy();
      response?.destroy();
      handler.onError(error);
    } else handler.onComplete();
  };
  const arm = (ms: number, code: Parameters<typeof timeoutError>[0]): void => {
    clearTimeout(timer);
    timer = setTimeout(() => finish(timeoutError(code, ms)), ms);
  };
  handler.onConnect((reason) => finish(reason ?? Object.assign(new Error('Request aborted'), { name: 'AbortError', code: 'UND_ERR_ABORTED' })));
  if (settled) return; // aborted before it started

  const start = (send: (url: URL, options: RequestOptions) => ClientRequest): void => {
    if (settled) return;
    const secure = url.protocol === 'https:';
    try {
      // agent: false — a connection of its own, `connection: close`, so nothing stays open after the answer
      outgoing = send(url, { method: 'GET', headers: request.headers, agent: false, ...(secure && request.ca ? { ca: request.ca } : {}) });
    } catch (error) {
      return finish(error instanceof Error ? error : new Error(String(error))); // a header value Node refuses
    }
    arm(request.connectTimeoutMs, 'UND_ERR_CONNECT_TIMEOUT');
    outgoing.on('socket', (socket: Socket) => {
      socket.once(secure ? 'secureConnect' : 'connect', () => {
        if (!settled && response === undefined) arm(request.headersTimeoutMs, 'UND_ERR_HEADERS_TIMEOUT');
      });
    });
    outgoing.on('error', (error) => finish(error));
    outgoing.on('response', (incoming) => {
      response = incoming;
      if (settled) return void incoming.destroy();
      let paused = false;
      arm(request.bodyTimeoutMs, 'UND_ERR_BODY_TIMEOUT');
      const resume = (): void => {
        if (!paused || settled) return;
        paused = false;
        arm(request.bodyTimeoutMs, 'UND_ERR_BODY_TIMEOUT');
        incoming.resume();
      };
      // Node decodes header bytes as latin1; as Buffers they read back exactly as undici hands them over
      handler.onHeaders(
        incoming.statusCode ?? 0,
        incoming.rawHeaders.map((part) => Buffer.from(part, 'latin1')),
        resume,
      );
      incoming.on('data', (chunk: Buffer) => {
        if (settled) return;
        timer?.refresh();
        if (handler.onData(chunk) || settled) return;
        paused = true;
        clearTimeout(timer);
        incoming.pause();
      });
      incoming.on('end', () => finish());
      incoming.on('error', (error) => finish(error));
      incoming.on('close', () => {
        if (!incoming.complete) finish(Object.assign(new Error('other side closed'), { name: 'SocketError', code: 'UND_ERR_SOCKET' }));
      });
    });
    outgoing.end();
  };
  if (url.protocol === 'http:') start(http.request);
  else if (url.protocol === 'https:')
    import('node:https').then(
      // loaded with the first https GET: a gateway with only local providers never needs TLS
      (https) => start(https.request),
      (error: unknown) => finish(error instanceof Error ? error : new Error(String(error))),
    );
  else finish(new Error(`unsupported protocol '${url.protocol}' in ${url.origin}`));
}

/** One GET through `plainGet` into an UpstreamCall: the head at once, the body read as the adapters read it. */
export async function plainGetHead(request: PlainGet, signal: AbortSignal): Promise<UpstreamHead> {
  const call = new UpstreamCall(signal);
  plainGet(request, call);
  return call.head;
}

/** A whole answer: status, one header by name, and the body up to `maxBytes` (past it, an error and the connection closed). */
export async function plainGetBody(
  request: PlainGet & { readonly maxBytes: number },
  signal: AbortSignal,
): Promise<{ readonly status: number; readonly header: (name: string) => string | undefined; readonly body: Buffer }> {
  const head = await plainGetHead(request, signal);
  const body = await head.body.collect(request.maxBytes, () => new Error(`${new URL(request.url).origin} sent more than ${request.maxBytes} bytes`));
  return { status: head.status, header: (name) => head.header(name), body };
}
