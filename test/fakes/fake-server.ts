// The HTTP bookkeeping the provider fakes share: a node:http server on 127.0.0.1 that tracks its sockets, records
// every request with its body, follows each response until it closes, and cuts everything on close(). A fake
// extends FakeServer and keeps only its provider's routes and wire format.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface RecordedRequest {
  /** position in the fake's `requests`; the key for requestState / waitForRequestClose */
  readonly index: number;
  readonly method: string;
  /** path and query as received, e.g. `/v1/models?limit=1000` */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly rawBody: Buffer;
  /** the parsed JSON body; undefined when the body is empty or not JSON */
  readonly body: unknown;
  /** performance.now() when the body had been read */
  readonly receivedAt: number;
}

export interface RequestState {
  /** the response (and so the request) is over: finished, or the connection went away */
  readonly closed: boolean;
  /** performance.now() when it closed */
  readonly closedAt: number | undefined;
  /** the fake had written its whole response when it closed (false: the client left first, or the fake reset it) */
  readonly completed: boolean;
  /** response body bytes handed to the socket so far */
  readonly bytesWritten: number;
  readonly writes: number;
}

interface MutableRequestState {
  closed: boolean;
  closedAt: number | undefined;
  completed: boolean;
  bytesWritten: number;
  writes: number;
  /** the response body as written, when the fake keeps bodies */
  readonly body: string[];
  readonly closedPromise: Promise<number>;
  readonly abort: AbortController;
}

export interface FakeServerOptions {
  /** starts every error message, e.g. "fake OpenAI" */
  readonly name: string;
  /** keep what each response wrote, for byte-exact passthrough checks (responseText) */
  readonly keepResponseBodies?: boolean;
}

/** OpenAI's and Google's request size limit; a fake that defines sendBodyTooLarge enforces it. */
const maxRequestBodyBytes = 64 * 1024 * 1024;

export abstract class FakeServer {
  readonly requests: RecordedRequest[] = [];
  /** exceptions thrown while answering (answered with the provider's 500 so the test sees them) */
  readonly handlerErrors: unknown[] = [];

  private readonly server = createServer();
  private readonly sockets: Set<Socket>;
  private readonly states: MutableRequestState[] = [];
  private readonly inFlight = new Set<MutableRequestState>();
  private readonly stateByResponse = new WeakMap<ServerResponse, MutableRequestState>();
  private readonly requestWaiters = new Set<() => boolean>();
  private listeningPort = 0;
  private closing: Promise<void> | undefined;

  protected constructor(private readonly options: FakeServerOptions) {
    // no delay, so that separate writes (stream frames, a `raw` scenario's pieces) leave as separate segments
    this.sockets = trackSockets(this.server, { noDelay: true });
    this.server.on('request', (request: IncomingMessage, response: ServerResponse) => void this.handle(request, response));
  }

  /** Answers a recorded request; `signal` aborts when the response closes or the fake closes. */
  protected abstract route(request: RecordedRequest, response: ServerResponse, signal: AbortSignal): Promise<void>;

  /** The provider's 500 for a route that threw before it sent headers. */
  protected abstract sendHandlerFailed(response: ServerResponse, error: unknown): void;

  /** The provider's answer to a request body over 64 MiB; without it bodies of any size are read. */
  protected sendBodyTooLarge?(response: ServerResponse): void;

  get port(): number {
    return this.listeningPort;
  }

  openSockets(): number {
    return this.sockets.size;
  }

  requestState(index: number): RequestState {
    const { closed, closedAt, completed, bytesWritten, writes } = this.stateAt(index);
    return { closed, closedAt, completed, bytesWritten, writes };
  }

  /** Resolves with the recorded requests once at least `count` have arrived (bodies read). */
  waitForRequests(count: number, timeoutMs: number): Promise<RecordedRequest[]> {
    return this.withTimeout(timeoutMs, `${count} request(s), have ${this.requests.length}`, (resolve) => {
      const check = (): boolean => {
        if (this.requests.length < count) return false;
        this.requestWaiters.delete(check);
        resolve(this.requests.slice());
        return true;
      };
      if (!check()) this.requestWaiters.add(check);
      return () => this.requestWaiters.delete(check);
    });
  }

  /**
   * Resolves with performance.now() at the moment request #index's response closed (completed or cut off);
   * rejects after timeoutMs. A test proves a prompt upstream abort with `closedAt - clientDisconnectedAt < 1000`.
   */
  async waitForRequestClose(index: number, timeoutMs: number): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    await this.waitForRequests(index + 1, timeoutMs);
    const state = this.states[index] as MutableRequestState;
    return this.withTimeout(Math.max(0, deadline - performance.now()), `request #${index} to close`, (resolve) => {
      void state.closedPromise.then(resolve);
      return () => undefined;
    });
  }

  /** Stops listening, cuts every connection and cancels every timer; safe to call twice. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const state of this.inFlight) state.abort.abort();
      for (const socket of this.sockets) socket.destroy();
      this.server.closeAllConnections();
    });
    return this.closing;
  }

  // -------------------------------------------------------------------------------------------------------

  protected async listen(): Promise<void> {
    this.listeningPort = await listenOnLoopback(this.server);
  }

  /** Everything the fake wrote as the body of request #index's response (with keepResponseBodies). */
  protected responseText(index: number): string {
    return this.stateAt(index).body.join('');
  }

  /** Notes a body sent whole (response.end(text)), for responseText. */
  protected recordBody(response: ServerResponse, text: string): void {
    if (this.options.keepResponseBodies) this.stateByResponse.get(response)?.body.push(text);
  }

  /** Writes and waits for 'drain' when the socket is full; false once the response is gone. */
  protected async write(response: ServerResponse, data: string | Uint8Array, signal: AbortSignal): Promise<boolean> {
    if (signal.aborted || response.destroyed) return false;
    const state = this.stateByResponse.get(response);
    if (state) {
      state.bytesWritten += typeof data === 'string' ? Buffer.byteLength(data) : data.length;
      state.writes += 1;
      if (this.options.keepResponseBodies) state.body.push(typeof data === 'string' ? data : Buffer.from(data).toString('utf8'));
    }
    if (response.write(data)) return true;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        response.off('drain', done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      response.on('drain', done);
      signal.addEventListener('abort', done, { once: true });
    });
    return !signal.aborted;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const state = this.newState(response);
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of request) {
        size += (chunk as Buffer).length;
        if (this.sendBodyTooLarge && size > maxRequestBodyBytes) {
          this.sendBodyTooLarge(response);
          request.destroy();
          return;
        }
        chunks.push(chunk as Buffer);
      }
    } catch {
      return; // the client went away while sending
    }
    const rawBody = Buffer.concat(chunks);
    let body: unknown;
    try {
      body = rawBody.length > 0 ? JSON.parse(rawBody.toString('utf8')) : undefined;
    } catch {
      body = undefined;
    }
    const recorded: RecordedRequest = {
      index: this.requests.length,
      method: request.method ?? 'GET',
      path: request.url ?? '/',
      headers: request.headers,
      rawBody,
      body,
      receivedAt: performance.now(),
    };
    this.states.push(state);
    this.requests.push(recorded);
    for (const waiter of [...this.requestWaiters]) waiter();
    try {
      await this.route(recorded, response, state.abort.signal);
    } catch (error) {
      this.handlerErrors.push(error);
      if (!response.headersSent) this.sendHandlerFailed(response, error);
      else response.destroy();
    }
  }

  private newState(response: ServerResponse): MutableRequestState {
    let resolveClosed: (at: number) => void = () => undefined;
    const closedPromise = new Promise<number>((resolve) => (resolveClosed = resolve));
    const state: MutableRequestState = {
      closed: false,
      closedAt: undefined,
      completed: false,
      bytesWritten: 0,
      writes: 0,
      body: [],
      closedPromise,
      abort: new AbortController(),
    };
    this.inFlight.add(state);
    this.stateByResponse.set(response, state);
    response.once('close', () => {
      state.closed = true;
      state.closedAt = performance.now();
      state.completed = response.writableFinished;
      this.inFlight.delete(state);
      state.abort.abort();
      resolveClosed(state.closedAt);
    });
    return state;
  }

  private stateAt(index: number): MutableRequestState {
    const state = this.states[index];
    if (!state) throw new Error(`${this.options.name}: no request #${index} (have ${this.states.length})`);
    return state;
  }

  private withTimeout<T>(timeoutMs: number, what: string, start: (resolve: (value: T) => void) => () => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let cancel: () => void = () => undefined;
      const timer = setTimeout(() => {
        cancel();
        reject(new Error(`${this.options.name}: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      cancel = start((value) => {
        clearTimeout(timer);
        resolve(value);
      });
    });
  }
}

/** Listens on 127.0.0.1 (an ephemeral port unless `port` is given) and resolves with the port. */
export async function listenOnLoopback(server: Server, port = 0): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('fake server: no TCP address');
  return address.port;
}

/** The server's open sockets, kept current as connections come and go. */
export function trackSockets(server: Server, options: { readonly noDelay: boolean }): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    if (options.noDelay) socket.setNoDelay(true);
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return sockets;
}

/** Resolves true after `ms`, or false as soon as `signal` aborts (the timer is cleared either way). */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      },
      Math.max(0, ms),
    );
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
