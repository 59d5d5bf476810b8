// The gateway's port, bound as soon as the config names it (issue 20): loading the gateway's modules, opening the
// ledger and reading the keychain take longer than binding, and a client that connects meanwhile should be served,
// not refused. Until the gateway hands over its handler, requests are held (bounded in count and time) and then
// handed to it in arrival order; past the bound they get 503 with Retry-After. GET/HEAD /health answers 503
// `starting` at once: a supervisor must not see "ok" before the gateway itself answers. Only node:http is imported
// here, so binding costs nothing that the gateway's modules would.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export type RequestHandler = (request: IncomingMessage, response: ServerResponse) => void;

export class ListenError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'ListenError';
  }
}

export interface BootListener {
  readonly server: Server;
  /** the host and port it was asked for (port 0 binds any): boot.ts compares them with the config's */
  readonly requested: { readonly host: string; readonly port: number };
  /** the gateway's handler takes over: held requests go to it in arrival order, new ones straight to it */
  handOver(handle: RequestHandler): void;
  /** boot failed: held requests get 503 and the port is released */
  close(): Promise<void>;
}

export interface HoldLimits {
  /** requests held at once; more get 503 at once */
  readonly maxHeld: number;
  /** how long one request is held before it gets 503 */
  readonly maxWaitMs: number;
}

const defaultLimits: HoldLimits = { maxHeld: 256, maxWaitMs: 30_000 };

interface Held {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly timer: NodeJS.Timeout;
}

export async function openBootListener(host: string, port: number, limits: HoldLimits = defaultLimits): Promise<BootListener> {
  const held = new Set<Held>();
  const holding: RequestHandler = (request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path === '/health' && (request.method === 'GET' || request.method === 'HEAD')) return starting(response, { status: 'starting' });
    if (held.size >= limits.maxHeld) return starting(response, startingError);
    const entry: Held = {
      request,
      response,
      timer: setTimeout(() => {
        held.delete(entry);
        starting(response, startingError);
      }, limits.maxWaitMs),
    };
    held.add(entry);
    response.once('close', () => {
      clearTimeout(entry.timer);
      held.delete(entry);
    });
  };
  const server = createListener(holding);
  await listenOn(server, host, port, '--port');
  const release = (each: (entry: Held) => void): void => {
    const entries = [...held];
    held.clear();
    for (const entry of entries) {
      clearTimeout(entry.timer);
      each(entry);
    }
  };
  return {
    server,
    requested: { host, port },
    handOver(handle) {
      server.off('request', holding);
      server.on('request', handle);
      release(({ request, response }) => {
        if (!response.destroyed) handle(request, response);
      });
    },
    async close() {
      release(({ response }) => starting(response, startingError, true));
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const cut = setTimeout(() => server.closeAllConnections(), 1_000); // a client still sending is cut off
      await closed;
      clearTimeout(cut);
    },
  };
}

const startingError = { error: { message: 'Switchyard is still starting; retry shortly', type: 'server_error', code: 'starting' } };

function starting(response: ServerResponse, body: object, closing = false): void {
  if (response.headersSent || response.destroyed) return;
  const text = JSON.stringify(body);
  response.writeHead(503, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'retry-after': '1',
    ...(closing ? { connection: 'close' } : {}),
  });
  response.end(text);
}

/** The gateway's HTTP listener settings, the same for the main and the Ollama listener. */
export function createListener(handle: RequestHandler): Server {
  const server = createServer(
    {
      headersTimeout: 10_000, // a client trickling its headers is cut off…
      connectionsCheckingInterval: 1_000, // …checked every second (Node's default is 30 s)
      requestTimeout: 120_000, // the whole request body must arrive within this
      keepAliveTimeout: 5_000,
    },
    handle,
  );
  server.timeout = 0;
  return server;
}

export async function listenOn(server: Server, host: string, port: number, setting: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE')
        reject(
          new ListenError(`port ${port} on ${host} is already in use (another Switchyard, or another program); choose another with ${setting}`, error.code),
        );
      else if (error.code === 'EACCES')
        reject(new ListenError(`no permission to listen on ${host}:${port}; choose a port above 1023 with ${setting}`, error.code));
      else if (error.code === 'EADDRNOTAVAIL') reject(new ListenError(`cannot listen on ${host}: no such address on this machine`, error.code));
      else reject(error);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ host, port, exclusive: true });
  });
}
