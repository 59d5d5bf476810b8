// Runs the preload as Electron's sandbox would: compiled to CommonJS, given a `require` that knows only
// 'electron' (here a fake), and checks what it puts on the page: one function per call, nothing generic.
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it, vi } from 'vitest';
import { controlCalls } from '../shared/control/contract.js';
import { bridgeChannels, type SwitchyardBridge } from './bridge-api.js';

function runPreload() {
  const source = readFileSync(new URL('./index.cts', import.meta.url), 'utf8');
  const compiled = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  const exposed = new Map<string, unknown>();
  const invoke = vi.fn((..._args: unknown[]) => Promise.resolve({ phase: 'running' }));
  const required: string[] = [];
  const fakeElectron = {
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
    ipcRenderer: { invoke, send: vi.fn(), on: vi.fn(), sendSync: vi.fn() },
  };
  const sandboxRequire = (name: string): unknown => {
    required.push(name);
    if (name !== 'electron') throw new Error(`module not found: ${name} (a sandboxed preload can only require electron)`);
    return fakeElectron;
  };
  const exports = {};
  new Function('require', 'exports', 'module', compiled)(sandboxRequire, exports, { exports });
  return { exposed, invoke, required, fakeElectron };
}

describe('preload', () => {
  it('requires nothing but electron', () => {
    expect(runPreload().required).toEqual(['electron']);
  });

  it('exposes exactly one key, window.switchyard, holding only named functions', () => {
    const { exposed } = runPreload();
    expect([...exposed.keys()]).toEqual(['switchyard']);
    const bridge = exposed.get('switchyard') as Record<string, unknown>;
    expect(Object.keys(bridge).sort()).toEqual([...controlCalls, 'getStatus'].sort());
    for (const value of Object.values(bridge)) expect(typeof value).toBe('function');
  });

  it('never hands the page ipcRenderer or a way to pick a channel', () => {
    const { exposed, fakeElectron } = runPreload();
    const bridge = exposed.get('switchyard') as Record<string, unknown>;
    expect(Object.values(bridge)).not.toContain(fakeElectron.ipcRenderer);
    expect(Object.values(bridge)).not.toContain(fakeElectron.ipcRenderer.invoke);
    expect(Object.keys(bridge).some((key) => /invoke|send|channel|ipc/i.test(key))).toBe(false);
  });

  it('getStatus invokes its own channel with no arguments, whatever the page passes', async () => {
    const { exposed, invoke } = runPreload();
    const bridge = exposed.get('switchyard') as SwitchyardBridge & { getStatus: (...args: unknown[]) => Promise<unknown> };
    await expect(bridge.getStatus('switchyard:other-channel', { evil: true })).resolves.toEqual({ phase: 'running' });
    expect(invoke.mock.calls).toEqual([[bridgeChannels.getStatus]]);
  });

  it('holds exactly the control calls of the contract, no more and no fewer', () => {
    const bridge = runPreload().exposed.get('switchyard') as Record<string, unknown>;
    expect(Object.keys(bridge).filter((key) => key !== 'getStatus')).toEqual([...controlCalls]);
  });

  it('carries the playground calls, each on its own channel (the comparisons themselves go to the gateway, not over IPC)', async () => {
    const { exposed, invoke } = runPreload();
    const bridge = exposed.get('switchyard') as Record<string, (...args: unknown[]) => Promise<unknown>>;
    const playgroundCalls = Object.keys(bridge).filter((key) => key.startsWith('playground.'));
    expect(playgroundCalls).toEqual([
      'playground.sets.list',
      'playground.sets.save',
      'playground.sets.delete',
      'playground.history.list',
      'playground.history.get',
      'playground.history.save',
      'playground.history.delete',
      'playground.vote',
      'playground.leaderboard',
    ]);
    await bridge['playground.vote']?.({ comparisonId: 'cmp-00000001', models: ['a/x', 'b/y'], winner: 'tie' });
    expect(invoke.mock.calls).toEqual([['switchyard:playground.vote', { comparisonId: 'cmp-00000001', models: ['a/x', 'b/y'], winner: 'tie' }]]);
  });

  it('each control function invokes its own channel with the request only ({} when left out)', async () => {
    const { exposed, invoke } = runPreload();
    const bridge = exposed.get('switchyard') as Record<string, (...args: unknown[]) => Promise<unknown>>;
    await bridge['routes.delete']?.({ name: 'smart' }, 'switchyard:tokens.create', { name: 'evil' });
    await bridge['status.get']?.();
    expect(invoke.mock.calls).toEqual([
      ['switchyard:routes.delete', { name: 'smart' }],
      ['switchyard:status.get', {}],
    ]);
  });
});
