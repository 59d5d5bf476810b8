// Reads a request body into memory with a hard cap: a declared length over the cap is refused before reading,
// and a chunked body is cut off the moment it passes the cap. Either way: 413, no upstream call.
import type { IncomingMessage } from 'node:http';
import { GatewayError } from './errors.js';
import { maxJsonDepth, tooDeep } from './json-depth.js';

/**
 * The request bodies each client is sending right now, and the bound on them (server.max_uploads_per_client): a body
 * that came with its request head is never counted, one still arriving is counted until it is read.
 */
export class UploadCounter {
  private readonly counts = new Map<string, number>();

  enter(client: string, limit: number): void {
    const uploading = this.counts.get(client) ?? 0;
    if (uploading >= limit) {
      throw new GatewayError(
        429,
        `too many request bodies being sent at once by this client (server.max_uploads_per_client = ${limit})`,
        'rate_limit_error',
        'too_many_uploads',
        null,
        { 'retry-after': '1' },
      );
    }
    this.counts.set(client, uploading + 1);
  }

  leave(client: string): void {
    const left = (this.counts.get(client) ?? 1) - 1;
    if (left === 0) this.counts.delete(client);
    else this.counts.set(client, left);
  }
}

/** Where a body that is still arriving is counted: whose it is, and how many of theirs may arrive at once. */
export interface ArrivingBodies {
  readonly counter: UploadCounter;
  readonly client: string;
  readonly limit: number;
}

export function readBody(request: IncomingMessage, maxBytes: number, idleMs: number = defaultBodyIdleMs, arriving?: ArrivingBodies): Promise<Buffer> {
  const declared = request.headers['content-length'];
  const length = declared === undefined ? undefined : Number(declared);
  if (length !== undefined && length > maxBytes) return Promise.reject(tooLarge(maxBytes));
  if (length === undefined) return readCounted(request, maxBytes, undefined, idleMs, arriving);
  // A body that came with its head is handed to the request by the HTTP parser right after the 'request' event: one
  // microtask later all of it is in the request's buffer, and read() takes it at once — no stream resumption (a
  // nextTick) and no 'data' events, ~20 µs per request on this project's test machine. The parser never buffers
  // more than the declared length. A body still on its way is read as it arrives.
  return Promise.resolve().then(() => {
    if (request.readableLength !== length) return readCounted(request, maxBytes, length, idleMs, arriving);
    return (request.read() as Buffer | null) ?? Buffer.alloc(0);
  });
}

function readCounted(
  request: IncomingMessage,
  maxBytes: number,
  length: number | undefined,
  idleMs: number,
  arriving: ArrivingBodies | undefined,
): Promise<Buffer> {
  if (!arriving) return readArriving(request, maxBytes, length, idleMs);
  const { counter, client, limit } = arriving;
  try {
    counter.enter(client, limit);
  } catch (error) {
    return Promise.reject(error as Error);
  }
  return readArriving(request, maxBytes, length, idleMs).finally(() => counter.leave(client));
}

/** A body that sends no byte for this long is answered 408 (server.body_idle_timeout_ms). */
export const defaultBodyIdleMs = 10_000;

function readArriving(request: IncomingMessage, maxBytes: number, length: number | undefined, idleMs: number): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    // a client whose upload stalls is cut off after idleMs without a byte, not after the whole request timeout
    let idle = setTimeout(() => finish(bodyStalled(idleMs)), idleMs);
    const finish = (error: Error | undefined): void => {
      if (settled) return;
      settled = true;
      clearTimeout(idle);
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('close', onClose);
      if (error) reject(error);
      else resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer): void => {
      clearTimeout(idle);
      idle = setTimeout(() => finish(bodyStalled(idleMs)), idleMs);
      size += chunk.length;
      if (size > maxBytes) {
        finish(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
      // All the declared bytes are here (the HTTP parser never delivers more): no need to wait for 'end', which
      // comes a turn of the event loop later, while the client waits for its first token.
      if (size === length) finish(undefined);
    };
    const onEnd = (): void => finish(undefined);
    const onError = (error: Error): void => finish(new GatewayError(400, `could not read the request body: ${error.message}`));
    const onClose = (): void => finish(new GatewayError(499, 'client closed the connection while sending the body', 'cancelled'));
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('close', onClose);
  });
}

function tooLarge(maxBytes: number): GatewayError {
  return new GatewayError(413, `request body is larger than the ${maxBytes}-byte limit (server.max_body_bytes)`, 'request_too_large', 'request_too_large');
}

function bodyStalled(idleMs: number): GatewayError {
  return new GatewayError(
    408,
    `the request body stopped arriving (no byte for ${idleMs} ms; server.body_idle_timeout_ms)`,
    'invalid_request_error',
    'body_timeout',
  );
}

/** What is discarded of a body after an early answer before the connection is closed instead. */
const drainLimitBytes = 256 * 1024 * 1024;
const drainLimitMs = 15_000;

/**
 * After an early answer (413, 401, 408…) to a request whose body is still arriving: read and discard the rest, up
 * to a bound, so the client gets to read the answer. Closing with unread bytes in the socket's receive buffer makes
 * the kernel send a reset, and the client reports a network error (EPIPE, ECONNRESET) instead of the 413. A body
 * past the bound, or still arriving after drainLimitMs, has its connection closed.
 */
export function drainAfterEarlyAnswer(request: IncomingMessage): void {
  if (request.complete || request.destroyed) return;
  let drained = 0;
  const stop = (): void => {
    clearTimeout(timer);
    request.off('data', onData);
    request.socket?.destroy();
  };
  const onData = (chunk: Buffer): void => {
    drained += chunk.length;
    if (drained > drainLimitBytes) stop();
  };
  const timer = setTimeout(stop, drainLimitMs);
  timer.unref();
  request.on('data', onData);
  request.once('end', () => clearTimeout(timer));
  request.once('close', () => clearTimeout(timer));
  request.resume();
}

/** JSON.parse with a 400 that says where the syntax broke. */
export function parseJsonBody(raw: Buffer): unknown {
  return parseJsonText(raw.toString('utf8'));
}

/** parseJsonBody for a body already decoded (as UTF-8): handlers that forward the text keep it. */
export function parseJsonText(text: string): unknown {
  if (text.length === 0) throw new GatewayError(400, 'request body is empty; expected a JSON object');
  const deep = tooDeep(text);
  if (deep !== undefined) {
    throw new GatewayError(
      400,
      `${deep || 'the body'}: JSON nested more than ${maxJsonDepth} levels deep`,
      'invalid_request_error',
      'nesting_too_deep',
      deep || null,
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new GatewayError(400, `request body is not valid JSON: ${(error as Error).message}`, 'invalid_request_error', 'invalid_json');
  }
}
