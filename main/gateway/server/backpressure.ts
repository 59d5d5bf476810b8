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
