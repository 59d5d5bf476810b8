import { describe, expect, it, vi } from 'vitest';
import type { AnswerSink, InboundRequest } from './http/answer-sink.js';
import type { RequestContext } from './http/context.js';
import { lazyHandler, resolvedHandler } from './http/lazy-handler.js';
import type { EndpointHandler } from './http/route-table.js';
import { lazyModule, undici } from './lazy-module.js';

// The handler's arguments are passed through untouched; these stand-ins are never read.
const context = {} as RequestContext;
const inbound = {} as InboundRequest;
const sink = {} as AnswerSink;

describe('lazyModule', () => {
  it('imports once, for every caller, and then hands the module out synchronously', async () => {
    const module = { answer: 42 };
    const importer = vi.fn(() => Promise.resolve(module));
    const lazy = lazyModule(importer);
    expect(importer).not.toHaveBeenCalled();
    expect(lazy.loaded).toBeUndefined();
    const [first, second] = await Promise.all([lazy.load(), lazy.load()]);
    expect(first).toBe(module);
    expect(second).toBe(module);
    expect(lazy.loaded).toBe(module);
    await lazy.load();
    expect(importer).toHaveBeenCalledTimes(1);
  });

  it('tries a failed import again at the next call', async () => {
    const importer = vi.fn().mockRejectedValueOnce(new Error('disk hiccup')).mockResolvedValueOnce({ ok: true });
    const lazy = lazyModule(importer as () => Promise<{ ok: boolean }>);
    await expect(lazy.load()).rejects.toThrow('disk hiccup');
    expect(lazy.loaded).toBeUndefined();
    await expect(lazy.load()).resolves.toEqual({ ok: true });
    expect(importer).toHaveBeenCalledTimes(2);
  });

  it("loads undici's Agent on demand: the package's own class, from its own module", async () => {
    const loaded = await undici.load();
    expect(typeof loaded.Agent).toBe('function');
    expect(loaded.Agent).toBe((await import('undici')).Agent);
  });
});

describe('lazyHandler', () => {
  it('answers the first request after the module loads, and later ones without waiting for an import', async () => {
    const calls: string[] = [];
    const handler: EndpointHandler = (_context, _inbound, _sink) => {
      calls.push('handled');
      return Promise.resolve();
    };
    const importer = vi.fn(() => Promise.resolve({ handler }));
    const lazy = lazyModule(importer);
    const endpoint = lazyHandler(lazy, (module) => module.handler);
    expect(importer).not.toHaveBeenCalled(); // nothing is loaded before the first request
    await endpoint(context, inbound, sink);
    expect(calls).toEqual(['handled']);
    // loaded: the handler runs in the same tick, before any await
    const pending = endpoint(context, inbound, sink);
    expect(calls).toEqual(['handled', 'handled']);
    await pending;
    expect(importer).toHaveBeenCalledTimes(1);
  });

  it('passes the request through and returns what the handler does, a rejection included', async () => {
    const seen: unknown[] = [];
    const failing: EndpointHandler = (c, i, s) => {
      seen.push(c, i, s);
      return Promise.reject(new Error('bad request'));
    };
    const endpoint = lazyHandler(
      lazyModule(() => Promise.resolve({ failing })),
      (module) => module.failing,
    );
    await expect(endpoint(context, inbound, sink)).rejects.toThrow('bad request');
    expect(seen).toEqual([context, inbound, sink]);
    await expect(endpoint(context, inbound, sink)).rejects.toThrow('bad request');
  });

  it('resolves to the module’s own handler, for the route-table check, and leaves a plain handler as it is', async () => {
    const own: EndpointHandler = () => Promise.resolve();
    const importer = vi.fn(() => Promise.resolve({ own }));
    const endpoint = lazyHandler(lazyModule(importer), (module) => module.own);
    expect(await resolvedHandler(endpoint)).toBe(own);
    expect(await resolvedHandler(own)).toBe(own);
    expect(await resolvedHandler(undefined)).toBeUndefined();
    expect(importer).toHaveBeenCalledTimes(1);
  });
});
