// Writes that respect a slow reader: when the socket buffer is full, wait for 'drain' before pulling more from
// upstream, so the gateway never buffers a whole upstream response for a client that reads slowly.
import type { AnswerSink } from './answer-sink.js';

/** Resolves true when the caller may write more, false when the client has gone. */
export function writeWithBackpressure(response: AnswerSink, data: string | Buffer): Promise<boolean> | boolean {
  if (response.destroyed || response.writableEnded) return false;
  if (response.write(data)) return true;
  return waitForDrain(response);
}

/**
 * A stream's writes. Its head — everything the first-chunk gate held back — is gathered until `release()`, so it
 * leaves in one write together with the response headers (one syscall and one TCP segment at the moment the client
 * waits for its first token). After that, frames written in one turn of the microtask queue — the events parsed
 * from one upstream read — are joined and written once, just after that turn (process.nextTick runs when the
 * microtasks are done): a burst of 100 events becomes one response.write instead of 100 (each of which node:http
 * makes four socket writes for its chunked framing). A paced stream still writes each event as it comes. When the
 * client reads slowly, the next write waits for 'drain', so the gateway never holds more than one upstream read.
 */
export class StreamOutput {
  private held: string | undefined = '';
  /** frames written since the last flush; sent at the end of this microtask turn */
  private pending = '';
  private flushScheduled = false;
  /** the last flush met a full socket buffer: the next write waits for 'drain' */
  private blocked = false;

  constructor(private readonly response: AnswerSink) {}

  write(data: string): Promise<boolean> | boolean {
    if (this.held !== undefined) {
      this.held += data;
      return !this.response.destroyed;
    }
    if (this.response.destroyed || this.response.writableEnded) return false;
    if (this.blocked) {
      this.blocked = false;
      return waitForDrain(this.response).then((open) => open && this.write(data));
    }
    this.pending += data;
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      process.nextTick(this.flush);
    }
    return true;
  }

  /** Ends the response with what is held or pending and `data`. */
  end(data: string): void {
    const rest = (this.held ?? '') + this.pending + data;
    this.held = undefined;
    this.pending = '';
    this.response.end(rest);
  }

  /**
   * Sends what is held, now; false when the client has gone. node:http corks the socket on a write and uncorks it
   * on process.nextTick, which runs only once the microtask queue is empty — and the writer goes on pulling the
   * events already parsed from the same upstream read through promises, so the client's first token would wait
   * for the rest of that read (measured: a burst's first token left ~100–300 µs later). The head is uncorked here.
   */
  release(): Promise<boolean> | boolean {
    const held = this.held;
    this.held = undefined;
    if (!held) return !(this.response.destroyed || this.response.writableEnded);
    const result = writeWithBackpressure(this.response, held);
    const socket = this.response.socket;
    if (socket !== null && socket.writableCorked > 0) socket.uncork();
    return result;
  }

  /**
   * The writer is done: returns performance.now() as of now, once clean-up may begin. When the answer has ended, that
   * is on the next turn of the event loop's timers, so that a client that sends its next request on the same
   * connection as soon as it has read the end has that request read and sent upstream first; the stream's clean-up
   * (closing the upstream parts) and the handler's metering follow (measured at c=1 with paced streams: the next
   * request was read ~150 µs later while they ran). The ledger row keeps the returned time as the answer's end.
   */
  async done(): Promise<number> {
    const endedAt = performance.now();
    if (this.response.writableEnded) await new Promise((resolve) => setTimeout(resolve, 0));
    return endedAt;
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    const data = this.pending;
    this.pending = '';
    if (data === '' || this.response.destroyed || this.response.writableEnded) return;
    if (!this.response.write(data)) this.blocked = true;
  };
}

/** True once the response can take more, false if the client went away first. */
function waitForDrain(response: AnswerSink): Promise<boolean> {
  if (!response.writableNeedDrain) return Promise.resolve(!response.destroyed);
  return new Promise<boolean>((resolve) => {
    const onDrain = (): void => {
      cleanup();
      resolve(true);
    };
    const onClose = (): void => {
      cleanup();
      resolve(false);
    };
    const cleanup = (): void => {
      response.off('drain', onDrain);
      response.off('close', onClose);
    };
    response.on('drain', onDrain);
    response.on('close', onClose);
  });
}
