// The IPC transport of the control contract with a fake ipcMain: one handler per call on `switchyard:<call>`,
// the sender frame checked before anything runs, payloads validated by the contract, errors as plain objects.
import { describe, expect, it, vi } from 'vitest';
import { controlCalls, type ControlApi } from '../../shared/control/contract.js';
import { controlChannel, registerControlIpc, type IpcMainLike } from './ipc-control.js';
import { IpcRefusedError, isTrustedSender, type InvokeEventLike } from './ipc-guard.js';
import type { RendererSource } from './renderer-source.js';

const source: RendererSource = { kind: 'file', url: 'file:///app/dist/renderer/index.html' };
const appFrame: InvokeEventLike = { senderFrame: { url: 'file:///app/dist/renderer/index.html', parent: null } };
const foreignFrame: InvokeEventLike = { senderFrame: { url: 'https://evil.example/', parent: null } };

type Listener = (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>;

function fakeIpcMain(): IpcMainLike & { readonly handlers: Map<string, Listener> } {
  const handlers = new Map<string, Listener>();
  return {
    handlers,
    handle: (channel, listener) => {
      if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
      handlers.set(channel, listener);
    },
  };
}

function setup(api: ControlApi | undefined) {
  const ipcMain = fakeIpcMain();
  const log = vi.fn();
  registerControlIpc(
    ipcMain,
    () => api,
    (event) => isTrustedSender(event, source),
    log,
  );
  const invoke = (call: string, event: InvokeEventLike, ...args: unknown[]): Promise<unknown> => {
    const handler = ipcMain.handlers.get(`switchyard:${call}`);
    if (!handler) throw new Error(`no handler for ${call}`);
    return handler(event, ...args);
  };
  return { ipcMain, invoke, log };
}

const routesDelete = vi.fn(async (request: { name: string }) => ({ deleted: true as const, echoed: request.name }));
const api = { 'routes.delete': routesDelete, 'routes.list': async () => [] } as unknown as ControlApi;

describe('registerControlIpc', () => {
  it('registers exactly one handler per control call, on switchyard:<call>', () => {
    const { ipcMain } = setup(api);
    expect([...ipcMain.handlers.keys()]).toEqual(controlCalls.map(controlChannel));
  });

  it('runs a call from the app page and answers with the validated value', async () => {
    const { invoke } = setup(api);
    await expect(invoke('routes.delete', appFrame, { name: 'smart' })).resolves.toEqual({ deleted: true });
    expect(routesDelete).toHaveBeenCalledWith({ name: 'smart' });
  });

  it('refuses another page, or a subframe, before the service sees anything', async () => {
    routesDelete.mockClear();
    const { invoke, log } = setup(api);
    await expect(invoke('routes.delete', foreignFrame, { name: 'smart' })).rejects.toBeInstanceOf(IpcRefusedError);
    await expect(invoke('routes.delete', { senderFrame: { url: source.url, parent: {} } }, { name: 'smart' })).rejects.toBeInstanceOf(IpcRefusedError);
    await expect(invoke('routes.delete', { senderFrame: null }, { name: 'smart' })).rejects.toBeInstanceOf(IpcRefusedError);
    expect(routesDelete).not.toHaveBeenCalled();
    expect(log).toHaveBeenCalledWith('switchyard:routes.delete: caller is not the Switchyard window');
  });

  it('answers a bad payload with the error object naming the field', async () => {
    const { invoke } = setup(api);
    await expect(invoke('routes.delete', appFrame, { name: 'a/b' })).resolves.toMatchObject({
      error: { call: 'routes.delete', code: 'invalid_request', field: 'name' },
    });
    await expect(invoke('routes.delete', appFrame, { name: 'x' }, 'extra')).resolves.toMatchObject({ error: { code: 'invalid_request' } });
  });

  it('says "starting" until the service exists', async () => {
    const { invoke } = setup(undefined);
    await expect(invoke('routes.list', appFrame, {})).resolves.toEqual({
      error: { call: 'routes.list', message: 'Switchyard is still starting', code: 'starting', field: null },
    });
  });
});
