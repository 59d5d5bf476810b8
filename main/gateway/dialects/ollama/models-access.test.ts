import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../config/load.js';
import { isLoopbackHost, tokenlessAllowed } from './access.js';
import { ollamaFamily, ollamaEndpoints } from './endpoints.js';
import { probeOllama, servedOnOwnListener } from './listener.js';
import { capabilitiesOf, showBody, tagEntry } from './models.js';
import { RouteTable } from '../../http/route-table.js';

describe('tokenless access', () => {
  it('is allowed only when the surface is on and Switchyard is bound to loopback', () => {
    expect(tokenlessAllowed({ enabled: true, host: '127.0.0.1' })).toBe(true);
    expect(tokenlessAllowed({ enabled: true, host: 'localhost' })).toBe(true);
    expect(tokenlessAllowed({ enabled: true, host: '::1' })).toBe(true);
    expect(tokenlessAllowed({ enabled: false, host: '127.0.0.1' })).toBe(false);
    for (const host of ['0.0.0.0', '::', '192.168.1.20', '10.0.0.5', 'my-laptop.local', '127.0.0.1.nip.io'])
      expect(tokenlessAllowed({ enabled: true, host })).toBe(false);
    expect(isLoopbackHost('[::1]')).toBe(true);
  });
});

describe('/api/show and /api/tags shapes', () => {
  it('show carries capabilities and model_info with general.architecture and <arch>.context_length, as Copilot reads them', () => {
    const body = showBody('smart', { contextWindow: 40_960, capabilities: ['completion', 'tools', 'thinking'] }, 'local');
    const info = body['model_info'] as Record<string, unknown>;
    const architecture = info['general.architecture'] as string;
    expect(info[`${architecture}.context_length`]).toBe(40_960);
    expect(info['general.basename']).toBe('smart');
    expect(body['capabilities']).toEqual(['completion', 'tools', 'thinking']);
    expect(body).toHaveProperty('details.family', architecture);
  });

  it('assumes chat with tools (and vision for cloud models) when the provider says nothing', () => {
    expect(capabilitiesOf(undefined, 'local')).toEqual(['completion', 'tools']);
    expect(capabilitiesOf(undefined, 'cloud')).toEqual(['completion', 'tools', 'vision']);
    const info = showBody('openai/gpt-4o', undefined, 'cloud')['model_info'] as Record<string, unknown>;
    expect(info['switchyard.context_length']).toBe(131_072);
  });

  it("a tag entry has Ollama's fields, name and model alike", () => {
    const entry = tagEntry('openai/gpt-4o-mini');
    expect(entry).toMatchObject({ name: 'openai/gpt-4o-mini', model: 'openai/gpt-4o-mini', size: 0 });
    expect(entry.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.keys(entry)).toEqual(['name', 'model', 'modified_at', 'size', 'digest', 'details']);
  });
});

describe('routes', () => {
  it("every unknown path under /api/ takes Ollama's error shape", () => {
    const table = new RouteTable(ollamaEndpoints, [ollamaFamily]);
    expect(table.match('/api/nope')).toBeUndefined();
    expect(table.errorSenderFor('/api/nope', undefined)).toBe(ollamaFamily.sendError);
    expect(table.errorSenderFor('/v1/chat/completions', undefined)).toBeUndefined();
  });

  it("the own listener serves Ollama's paths and the OpenAI ones Ollama serves, nothing else", () => {
    for (const path of ['/', '/health', '/api/tags', '/api/chat', '/v1/chat/completions', '/v1/models', '/v1/models/smart'])
      expect(servedOnOwnListener(path)).toBe(true);
    for (const path of ['/v1/messages', '/v1/responses', '/_switchyard/ui', '/chat/completions']) expect(servedOnOwnListener(path)).toBe(false);
  });

  it('the probe finds nothing where nothing listens', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(await probeOllama('127.0.0.1', port, 500)).toBeUndefined();
  });
});

describe('ollama_api config', () => {
  const env = {};
  it('is off by default', () => {
    expect(resolveConfig({ providers: [] }, { path: undefined, env }).ollamaApi).toEqual({ enabled: false, port: undefined });
  });

  it("refuses an ollama provider pointed at Switchyard's own Ollama surface", () => {
    const ownPort = () =>
      resolveConfig(
        { ollama_api: { enabled: true, port: 11435 }, providers: [{ id: 'ollama', type: 'ollama', base_url: 'http://localhost:11435' }] },
        { path: undefined, env },
      );
    expect(ownPort).toThrow(/providers\.ollama\.base_url.*ollama_api\.port/);
    const mainPort = () =>
      resolveConfig({ server: { port: 5454 }, providers: [{ id: 'ollama', type: 'ollama', base_url: 'http://127.0.0.1:5454' }] }, { path: undefined, env });
    expect(mainPort).toThrow(/Switchyard's own address/);
    expect(() => resolveConfig({ ollama_api: { enabled: true, port: 5454 }, server: { port: 5454 }, providers: [] }, { path: undefined, env })).toThrow(
      /ollama_api\.port/,
    );
    expect(
      resolveConfig(
        { ollama_api: { enabled: true, port: 11435 }, providers: [{ id: 'ollama', type: 'ollama', base_url: 'http://127.0.0.1:11434' }] },
        { path: undefined, env },
      ).ollamaApi,
    ).toEqual({ enabled: true, port: 11435 });
  });
});
