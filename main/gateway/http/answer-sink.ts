// What an endpoint writes its answer to: the part of node:http's ServerResponse the gateway uses, so the pipeline
// and the dialects can be driven in-process with a memory sink (pipeline/memory-sink.ts) as well as over a socket.
import type { IncomingHttpHeaders } from 'node:http';

export interface AnswerSink {
  readonly headersSent: boolean;
  readonly destroyed: boolean;
  readonly writableEnded: boolean;
  readonly writableFinished: boolean;
  readonly writableNeedDrain: boolean;
  /** the socket, where there is one: a stream's head is uncorked on it (http/backpressure.ts) */
  readonly socket: { readonly writableCorked: number; uncork(): void } | null;
  writeHead(status: number, headers: Record<string, string | number>): unknown;
  write(data: string | Buffer): boolean;
  end(data?: string | Buffer): unknown;
  on(event: 'close' | 'drain', listener: () => void): unknown;
  off(event: 'close' | 'drain', listener: () => void): unknown;
}

/** A sink that hands everything to another: the base of sinks that change one thing (a header, a copy kept). */
export class ForwardingSink implements AnswerSink {
  constructor(protected readonly inner: AnswerSink) {}

  get headersSent(): boolean {
    return this.inner.headersSent;
  }
  get destroyed(): boolean {
    return this.inner.destroyed;
  }
  get writableEnded(): boolean {
    return this.inner.writableEnded;
  }
  get writableFinished(): boolean {
    return this.inner.writableFinished;
  }
  get writableNeedDrain(): boolean {
    return this.inner.writableNeedDrain;
  }
  get socket(): AnswerSink['socket'] {
    return this.inner.socket;
  }

  writeHead(status: number, headers: Record<string, string | number>): unknown {
    return this.inner.writeHead(status, headers);
  }

  write(data: string | Buffer): boolean {
    return this.inner.write(data);
  }

  end(data?: string | Buffer): unknown {
    return this.inner.end(data);
  }

  on(event: 'close' | 'drain', listener: () => void): unknown {
    return this.inner.on(event, listener);
  }

  off(event: 'close' | 'drain', listener: () => void): unknown {
    return this.inner.off(event, listener);
  }
}

/** A client request as the endpoints see it: its head, and its whole body (read by http/dispatch.ts). */
export interface InboundRequest {
  readonly method: string;
  /** the path without its query, without a trailing slash */
  readonly path: string;
  readonly query: URLSearchParams;
  /** the `{name}` segments of the endpoint's path pattern */
  readonly params: Readonly<Record<string, string>>;
  readonly headers: IncomingHttpHeaders;
  /** empty for requests without a body */
  readonly body: Buffer;
}
