// Every IPC handler goes through here: the call must come from the app's own page in the window's top frame,
// and its arguments must parse against the call's schema, before the handler sees them.
import type { z } from 'zod';
import { isAppPageUrl, type RendererSource } from './renderer-source.js';

/** The part of Electron's IpcMainInvokeEvent this module reads (so tests need no Electron). */
export interface InvokeEventLike {
  readonly senderFrame: { readonly url: string; readonly parent: unknown } | null;
}

export interface IpcRoute<Request, Response> {
  readonly channel: string;
  /** the invoke arguments as a tuple, e.g. z.tuple([]) for a call without arguments */
  readonly request: z.ZodType<Request>;
  handle(request: Request): Promise<Response>;
}

export class IpcRefusedError extends Error {
  constructor(
    readonly channel: string,
    readonly reason: 'untrusted-sender' | 'invalid-request',
  ) {
    // The renderer sees this message: it says what was refused, not what the main process knows.
    super(`${channel}: ${reason === 'untrusted-sender' ? 'caller is not the Switchyard window' : 'invalid request'}`);
    this.name = 'IpcRefusedError';
  }
}

/** A frame may call only when it is a top frame showing the app's own page (not an iframe, not a navigated-away page). */
export function isTrustedSender(event: InvokeEventLike, source: RendererSource): boolean {
  const frame = event.senderFrame;
  if (frame === null) return false; // the frame navigated or was destroyed since it sent
  if (frame.parent !== null) return false;
  return isAppPageUrl(frame.url, source);
}

export function guardIpcRoute<Request, Response>(
  route: IpcRoute<Request, Response>,
  source: RendererSource,
  onRefused: (error: IpcRefusedError) => void = () => undefined,
): (event: InvokeEventLike, ...args: unknown[]) => Promise<Response> {
  return async (event, ...args) => {
    if (!isTrustedSender(event, source)) {
      const error = new IpcRefusedError(route.channel, 'untrusted-sender');
      onRefused(error);
      throw error;
    }
    const parsed = route.request.safeParse(args);
    if (!parsed.success) {
      const error = new IpcRefusedError(route.channel, 'invalid-request');
      onRefused(error);
      throw error;
    }
    return route.handle(parsed.data);
  };
}
