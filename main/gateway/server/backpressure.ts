// Writes that respect a slow reader: when the socket buffer is full, wait for 'drain' before pulling more from
// upstream, so the gateway never buffers a whole upstream response for a client that reads slowly.
import type { ServerResponse } from 'node:http';

/** Resolves true when the caller may write more, false when the client has gone. */
export function writeWithBackpressure(response: ServerResponse, data: string | Buffer): Promise<boolean> | boolean {
  if (response.destroyed || response.writableEnded) return false;
  if (response.write(data)) return true;
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

/**
 * A stream's writes with its head — everything the first-chunk gate held back — gathered until `release()`, so the
 * head leaves in one write together with the response headers (one syscall and one TCP segment, not three, at the
 * moment the client waits for its first token). After `release()` writes go straight out, respecting backpressure.
 */
export class StreamOutput {
  private held: string | undefined = '';

  constructor(private readonly response: ServerResponse) {}

  write(data: string): Promise<boolean> | boolean {
    if (this.held === undefined) return writeWithBackpressure(this.response, data);
    this.held += data;
    return !this.response.destroyed;
  }

  /** Ends the response with what is held and `data`. */
  end(data: string): void {
    const held = this.held ?? '';
    this.held = undefined;
    this.response.end(held + data);
  }

  /** Sends what is held; false when the client has gone. */
  release(): Promise<boolean> | boolean {
    const held = this.held;
    this.held = undefined;
    if (held) return writeWithBackpressure(this.response, held);
    return !(this.response.destroyed || this.response.writableEnded);
  }
}
