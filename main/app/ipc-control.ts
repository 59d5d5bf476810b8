// The desktop transport of the control contract: one IPC handler per call on channel `switchyard:<call>`. Each
// checks the sender frame (ipc-guard.ts) and goes through dispatch.ts, which validates the payload with the
// contract's schema. The page gets the answer, or the ControlErrorDto — a plain object, since Electron drops every
// field but the message from an Error crossing the context bridge.
import { controlCalls, type ControlApi, type ControlCall } from '../../shared/control/contract.js';
import { dispatchControlCall } from '../control/dispatch.js';
import { IpcRefusedError, type InvokeEventLike } from './ipc-guard.js';

/** The part of Electron's ipcMain used here (tests pass a fake). */
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>): void;
}

/** The service, or a getter for it: the window (and its IPC) exists before the gateway has finished starting. */
export type ControlApiSource = ControlApi | (() => ControlApi | undefined);

export function controlChannel(call: ControlCall): `switchyard:${ControlCall}` {
  return `switchyard:${call}`;
}

export function registerControlIpc(
  ipcMain: IpcMainLike,
  api: ControlApiSource,
  isTrustedSender: (event: InvokeEventLike) => boolean,
  log: (line: string) => void = () => undefined,
): void {
  for (const call of controlCalls) {
    const channel = controlChannel(call);
    ipcMain.handle(channel, async (event, ...args) => {
      if (!isTrustedSender(event)) {
        const refused = new IpcRefusedError(channel, 'untrusted-sender');
        log(refused.message);
        throw refused;
      }
      if (args.length > 1) return { error: { call, message: `${call} takes one request object`, code: 'invalid_request', field: null } };
      const service = typeof api === 'function' ? api() : api;
      if (!service) return { error: { call, message: 'Switchyard is still starting', code: 'starting', field: null } };
      const result = await dispatchControlCall(service, call, args[0], log);
      return result.ok ? result.value : result.error;
    });
  }
}
