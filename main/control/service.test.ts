// The control service against a real core booted in-process (main/boot.ts) with a faithful OpenAI fake: every
// change goes to the config file and applies live — the very next gateway request sees it — keys go to the key
// store and come back masked, and settings land where they belong.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OllamaFake } from '../../test/fakes/ollama-fake.js';
import { FakeOpenAI } from '../../test/fakes/openai-fake.js';
import { startControlHarness, type ControlHarness } from '../../test/support/control-harness.js';
import { MemorySecretStore } from '../secrets/secret-store.js';
import { openDatabase } from '../ledger/database.js';
import { readStartAtLogin } from './app-settings.js';
import { discoverLocalServers } from './discover.js';

const upstreamKey = 'sk-test-Upstream-0123456789abcdefXYZ';
const config = `# hand-written
providers:
  - id: ollama          # local
  - id: cloud           # the fake
    type: openai-compatible
    base_url: {upstream}
    locality: cloud
ledger:
  price_refresh: false
`;

let harness: ControlHarness | undefined;

afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

async function start(options: Parameters<typeof startControlHarness>[0] = {}): Promise<ControlHarness> {
  harness = await startControlHarness({ config, ...options });
  return harness;
}

describe('routes', () => {
  it('a saved route is usable by the very next gateway request, and a deleted one is gone just as fast', async () => {
    const { booted, chat, configPath } = await start();
    expect((await chat('smart')).status).toBe(404);
    const saved = await booted.control['routes.save']({
      name: 'smart',
      targets: [{ model: 'cloud/gpt-4o-mini', weight: 1, tier: 0 }],
      fallbacks: ['ollama/qwen3:8b'],
      prefer: 'order',
    });
    expect(saved).toMatchObject({
      name: 'smart',
      fallbacks: ['ollama/qwen3:8b'],
      targets: [{ model: 'cloud/gpt-4o-mini', tier: 0, weight: 1, locality: 'cloud' }],
    });
    const answer = await chat('smart');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-switchyard-provider')).toBe('cloud');
    const text = readFileSync(configPath as string, 'utf8');
    expect(text).toContain('# hand-written');
    expect(text).toContain('- id: cloud # the fake'); // the comment stays; yaml re-spaces it
    expect(text).toMatch(/routes:\n {2}smart:\n {4}targets:\n {6}- cloud\/gpt-4o-mini\n {4}fallbacks:\n {6}- ollama\/qwen3:8b\n/);
    await booted.control['routes.delete']({ name: 'smart' });
    expect((await chat('smart')).status).toBe(404);
    await expect(booted.control['routes.delete']({ name: 'smart' })).rejects.toThrow(/no route 'smart'/);
  });

  it("writes tiers and weights in the file's own shape and lists them back", async () => {
    const { booted } = await start();
    await booted.control['routes.save']({
      name: 'balanced',
      description: 'two accounts',
      targets: [
        { model: 'cloud/gpt-4.1', weight: 1, tier: 3 },
        { model: 'cloud/gpt-4o-mini', weight: 2, tier: 3 },
        { model: 'ollama/qwen3:8b', weight: 1, tier: 7 },
      ],
      fallbacks: [],
      prefer: 'local',
      numRetries: 2,
    });
    const [route] = await booted.control['routes.list']({});
    expect(route).toMatchObject({
      name: 'balanced',
      description: 'two accounts',
      prefer: 'local',
      numRetries: 2,
      targets: [
        { model: 'cloud/gpt-4.1', weight: 1, tier: 0 },
        { model: 'cloud/gpt-4o-mini', weight: 2, tier: 0 },
        { model: 'ollama/qwen3:8b', weight: 1, tier: 1, locality: 'local' },
      ],
    });
  });

  it('a route naming an unknown provider is refused with the config problem, and nothing changes', async () => {
    const { booted, configPath } = await start();
    const before = readFileSync(configPath as string, 'utf8');
    await expect(
      booted.control['routes.save']({ name: 'bad', targets: [{ model: 'nowhere/x', weight: 1, tier: 0 }], fallbacks: [], prefer: 'order' }),
    ).rejects.toThrow(/routes\.bad\.targets\[0\]: 'nowhere\/x' names no configured provider/);
    expect(readFileSync(configPath as string, 'utf8')).toBe(before);
  });
});

describe('providers and keys', () => {
  it('models carry what each can do: asked per model where the provider can say (Ollama), else from the price list', async () => {
    const ollama = await OllamaFake.start();
    try {
      const { booted, upstream } = await start();
      await booted.control['providers.add']({ id: 'desk', type: 'ollama', baseUrl: ollama.baseUrl, locality: 'local' });
      const local = await booted.control['providers.models']({ id: 'desk' });
      expect(Object.fromEntries(local.map((model) => [model.id, model.capabilities]))).toEqual({
        'llama3.2:3b': ['tools'],
        'qwen3:8b': ['tools', 'reasoning'],
        'llava:7b': ['vision'],
        'nomic-embed-text:latest': ['embedding'],
      });
      expect(local.find((model) => model.id === 'qwen3:8b')?.contextWindow).toBe(40960);
      await booted.control['providers.add']({ id: 'openai', type: 'openai-compatible', baseUrl: upstream.baseUrl, locality: 'cloud' });
      // the OpenAI list says nothing about capabilities; the bundled price list knows gpt-4.1 takes tools and images
      const cloud = await booted.control['providers.models']({ id: 'openai' });
      expect(cloud.find((model) => model.id === 'gpt-4.1')?.capabilities).toEqual(expect.arrayContaining(['tools', 'vision']));
    } finally {
      await ollama.close();
    }
  });

  it('add with a key, test, models, update, remove: the key is in the store and only ever shown masked', async () => {
    const store = new MemorySecretStore();
    const { booted, upstream } = await start({ secretStore: store, upstreamKey });
    const control = booted.control;
    const added = await control['providers.add']({ id: 'second', type: 'openai-compatible', baseUrl: upstream.baseUrl, locality: 'cloud', key: upstreamKey });
    expect(added).toMatchObject({ id: 'second', maskedKeys: ['…WXYZ'.replace('WXYZ', upstreamKey.slice(-4))], keySource: 'keychain (1 key)', preset: null });
    expect(await store.list('second')).toEqual([upstreamKey]);
    expect(await control['providers.test']({ id: 'second' })).toMatchObject({ ok: true });
    expect((await control['providers.models']({ id: 'second' })).map((model) => model.id)).toEqual(['gpt-4o-mini', 'gpt-4.1', 'text-embedding-3-small']);
    // `cloud` has no key: the fake refuses it
    expect(await control['providers.test']({ id: 'cloud' })).toMatchObject({ ok: false });
    const updated = await control['providers.update']({ id: 'second', models: ['extra-model'] });
    expect(updated.models).toEqual(['extra-model']);
    expect((await control['providers.models']({ id: 'second' })).map((model) => model.id)).toContain('extra-model');
    await expect(control['providers.add']({ id: 'second', type: 'openai-compatible', baseUrl: upstream.baseUrl })).rejects.toThrow(/exists already/);
    expect(await control['providers.remove']({ id: 'second' })).toEqual({ removed: true });
    expect(await store.list('second')).toEqual([]);
    expect((await control['providers.list']({})).map((provider) => provider.id)).toEqual(['ollama', 'cloud']);
  });

  it('a provider still named by a route cannot be removed; the answer says which route', async () => {
    const { booted } = await start();
    await booted.control['routes.save']({ name: 'smart', targets: [{ model: 'cloud/gpt-4o-mini', weight: 1, tier: 0 }], fallbacks: [], prefer: 'order' });
    await expect(booted.control['providers.remove']({ id: 'cloud' })).rejects.toThrow(
      /routes\.smart\.targets\[0\]: 'cloud\/gpt-4o-mini' names no configured provider/,
    );
  });

  it('a provider refused by the config check leaves no key behind', async () => {
    const store = new MemorySecretStore();
    const { booted } = await start({ secretStore: store });
    await expect(booted.control['providers.add']({ id: 'typeless', baseUrl: 'http://127.0.0.1:1/v1', key: 'sk-test-left-behind-0000' })).rejects.toThrow(
      /needs a type/,
    );
    expect(await store.list('typeless')).toEqual([]);
  });

  it('keys.set replaces or appends, keys.delete removes one; the gateway uses the new key at once', async () => {
    const store = new MemorySecretStore();
    const { booted, chat } = await start({ secretStore: store, upstreamKey });
    const control = booted.control;
    await control['routes.save']({ name: 'smart', targets: [{ model: 'cloud/gpt-4o-mini', weight: 1, tier: 0 }], fallbacks: [], prefer: 'order' });
    expect((await chat('smart')).status).toBe(401);
    const set = await control['keys.set']({ providerId: 'cloud', key: upstreamKey, append: false });
    expect(set).toEqual({ providerId: 'cloud', maskedKeys: [`…${upstreamKey.slice(-4)}`] });
    expect((await chat('smart')).status).toBe(200);
    const appended = await control['keys.set']({ providerId: 'cloud', key: 'sk-test-second-key-000000', append: true });
    expect(appended.maskedKeys).toEqual([`…${upstreamKey.slice(-4)}`, '…0000']);
    expect((await control['keys.delete']({ providerId: 'cloud', index: 1 })).maskedKeys).toEqual([`…${upstreamKey.slice(-4)}`]);
    await expect(control['keys.delete']({ providerId: 'cloud', index: 5 })).rejects.toThrow(/no key number 5/);
    await expect(control['keys.set']({ providerId: 'nobody', key: upstreamKey, append: false })).rejects.toThrow(/no provider 'nobody'/);
    await expect(control['keys.set']({ providerId: 'cloud', key: 'short', append: false })).rejects.toThrow(/only 5 characters/);
  });

  it('without a config file, adding a provider creates <data dir>/config.yaml with the default providers kept', async () => {
    harness = await startControlHarness();
    const { booted, dataDir, upstream } = harness;
    await booted.control['providers.add']({ id: 'cloud', type: 'openai-compatible', baseUrl: upstream.baseUrl, locality: 'cloud' });
    expect(readFileSync(`${dataDir}/config.yaml`, 'utf8')).toMatch(/providers:\n {2}- id: ollama\n {2}- id: cloud\n/);
    expect((await booted.control['status.get']({})).configSource).toBe(`${dataDir}/config.yaml`);
  });

  it('discover lists local servers answering on their ports, flagging the ones configured already', async () => {
    const { booted } = await start();
    const local = await FakeOpenAI.start();
    try {
      const found = await discoverLocalServers(booted.gateway.config.providers, {
        candidates: [
          { preset: 'lmstudio', baseUrl: local.baseUrl },
          { preset: 'vllm', baseUrl: 'http://127.0.0.1:9/v1' },
          { preset: 'jan', baseUrl: booted.gateway.config.providers[1]?.baseUrl ?? '' },
        ],
      });
      const models = ['gpt-4o-mini', 'gpt-4.1', 'text-embedding-3-small'];
      expect(found).toEqual([
        { preset: 'lmstudio', label: 'LM Studio', baseUrl: local.baseUrl, models, modelCount: 3, keyRequired: false, configured: false },
        { preset: 'jan', label: 'Jan', baseUrl: booted.gateway.config.providers[1]?.baseUrl, models, modelCount: 3, keyRequired: false, configured: true },
      ]);
    } finally {
      await local.close();
    }
  });
});

describe('budgets, settings, tokens, status', () => {
  it('budgets.set writes the budgets section and budgets.get reads it back with the lines in force', async () => {
    const { booted, configPath } = await start();
    const limits = { dailyUsd: 5, monthlyUsd: null, action: 'downgrade-local' as const, warnAt: 0.5, clients: { cursor: { dailyUsd: 1, monthlyUsd: 10 } } };
    const answer = await booted.control['budgets.set'](limits);
    expect(answer.limits).toEqual(limits);
    expect(answer.lines.map((line) => line.description)).toEqual([
      'daily budget for all clients at $0.00 of $5.00',
      "daily budget for client 'cursor' at $0.00 of $1.00",
      "monthly budget for client 'cursor' at $0.00 of $10.00",
    ]);
    expect(readFileSync(configPath as string, 'utf8')).toContain(
      'budgets:\n  daily_usd: 5\n  action: downgrade-local\n  warn_at: 0.5\n  clients:\n    cursor:\n      daily_usd: 1\n      monthly_usd: 10\n',
    );
    const cleared = await booted.control['budgets.set']({ dailyUsd: null, monthlyUsd: null, action: 'block', warnAt: 0.8, clients: {} });
    expect(cleared.lines).toEqual([]);
    expect(await booted.control['budgets.get']({})).toEqual(cleared);
  });

  it('settings: file settings go to the config, the offline switch to the gateway, start-at-login to the ledger', async () => {
    const onStartAtLoginChanged = vi.fn();
    const { booted, configPath, dataDir } = await start({ onStartAtLoginChanged });
    const control = booted.control;
    const captureOff = { enabled: false, retentionDays: 7, maxBytesPerRequest: 262_144 };
    expect(await control['settings.get']({})).toEqual({
      host: '127.0.0.1',
      port: 5454,
      startAtLogin: false,
      offline: null,
      autoOffline: true,
      referenceModel: 'openai/gpt-4.1-mini',
      priceRefresh: false,
      capture: captureOff,
      requestRetentionDays: null,
      ollamaApi: { enabled: false, port: null },
    });
    const changed = await control['settings.set']({
      port: 6000,
      autoOffline: false,
      referenceModel: 'cloud/gpt-4.1',
      priceRefresh: true,
      offline: true,
      startAtLogin: true,
    });
    expect(changed).toEqual({
      host: '127.0.0.1',
      port: 6000,
      startAtLogin: true,
      offline: true,
      autoOffline: false,
      referenceModel: 'cloud/gpt-4.1',
      priceRefresh: true,
      capture: captureOff,
      requestRetentionDays: null,
      ollamaApi: { enabled: false, port: null },
    });
    expect(readFileSync(configPath as string, 'utf8')).toContain(
      'ledger:\n  price_refresh: true\n  reference_model: cloud/gpt-4.1\nserver:\n  port: 6000\nrouting:\n  auto_offline: false\n',
    );
    expect((await control['status.get']({})).offline).toBe('offline mode is on');
    const ledger = openDatabase(join(dataDir, 'ledger.sqlite'), { readonly: true });
    expect(readStartAtLogin(ledger)).toBe(true);
    ledger.close();
    expect(onStartAtLoginChanged).toHaveBeenCalledWith(true);
    // the running port stays until a restart
    expect(booted.gateway.url).not.toContain(':6000');
    expect((await control['settings.set']({ offline: null })).offline).toBeNull();
    // the request log's age limit: written as ledger.retention_days, applied live, and removed again by null
    expect((await control['settings.set']({ requestRetentionDays: 90 })).requestRetentionDays).toBe(90);
    expect(readFileSync(configPath as string, 'utf8')).toContain('  retention_days: 90\n');
    expect((await control['settings.set']({ requestRetentionDays: null })).requestRetentionDays).toBeNull();
    expect(readFileSync(configPath as string, 'utf8')).not.toContain('retention_days');
    // the Ollama-compatible API's switch: written as ollama_api.enabled and applied live
    expect((await control['settings.set']({ ollamaApi: { enabled: true } })).ollamaApi).toEqual({ enabled: true, port: null });
    expect(readFileSync(configPath as string, 'utf8')).toContain('ollama_api:\n  enabled: true\n');
    expect(booted.gateway.config.ollamaApi.enabled).toBe(true);
  });

  it('capture: switched on in the config, the next request is captured redacted; off stops it; purge deletes', async () => {
    const { booted, chat, configPath } = await start();
    const control = booted.control;
    await control['routes.save']({ name: 'smart', targets: [{ model: 'cloud/gpt-4o-mini', weight: 1, tier: 0 }], fallbacks: [], prefer: 'order' });
    const before = await chat('smart');
    const uncaptured = before.headers.get('x-switchyard-request-id') as string;
    const on = await control['settings.set']({ capture: { enabled: true, retentionDays: 3 } });
    expect(on.capture).toEqual({ enabled: true, retentionDays: 3, maxBytesPerRequest: 262_144 });
    expect(readFileSync(configPath as string, 'utf8')).toContain('ledger:\n  price_refresh: false\n  capture:\n    enabled: true\n    retention_days: 3\n');
    const answer = await chat('smart');
    const id = answer.headers.get('x-switchyard-request-id') as string;
    await expect.poll(async () => (await control['usage.detail']({ id }))?.capture, { timeout: 3_000 }).toMatchObject({ truncated: false });
    const detail = await control['usage.detail']({ id });
    // (not parsed: an earlier test registered a key ending in 000000, whose pieces mask digits wherever they appear)
    expect(detail?.capture?.request).toBe('{"model":"smart","messages":[{"role":"user","content":"hi"}]}');
    expect(detail?.capture?.response).toContain('"content":"Hello from gpt-4o-mini!"');
    await expect.poll(async () => (await control['usage.detail']({ id: uncaptured }))?.request.status, { timeout: 3_000 }).toBe('ok');
    expect((await control['usage.detail']({ id: uncaptured }))?.capture).toBeNull();

    expect((await control['settings.set']({ capture: { enabled: false } })).capture.enabled).toBe(false);
    const after = await chat('smart');
    const notCaptured = after.headers.get('x-switchyard-request-id') as string;
    await expect.poll(async () => (await control['usage.detail']({ id: notCaptured }))?.request.status, { timeout: 3_000 }).toBe('ok');
    expect((await control['usage.detail']({ id: notCaptured }))?.capture).toBeNull();
    expect((await control['usage.detail']({ id }))?.capture).not.toBeNull(); // kept until it expires
    expect(await control['usage.captures.purge']({})).toEqual({ deleted: 1 });
    expect((await control['usage.detail']({ id }))?.capture).toBeNull();
  });

  it('tokens: a created token works at once, is listed masked, and is refused once revoked', async () => {
    const { booted, chat } = await start();
    const control = booted.control;
    await control['routes.save']({ name: 'smart', targets: [{ model: 'cloud/gpt-4o-mini', weight: 1, tier: 0 }], fallbacks: [], prefer: 'order' });
    const created = await control['tokens.create']({ name: 'cursor' });
    expect(created.token).toMatch(/^sy-/);
    expect((await chat('smart', created.token)).status).toBe(200);
    const listed = await control['tokens.list']({});
    expect(listed.map((token) => token.name)).toEqual(['cursor', 'default']);
    expect(JSON.stringify(listed)).not.toContain(created.token.slice(3, 12));
    await expect(control['tokens.create']({ name: 'cursor' })).rejects.toThrow(/exists already/);
    expect(await control['tokens.revoke']({ name: 'cursor' })).toEqual({ revoked: true });
    expect((await chat('smart', created.token)).status).toBe(401);
    await expect(control['tokens.revoke']({ name: 'cursor' })).rejects.toThrow(/revoked already/);
    await expect(control['tokens.revoke']({ name: 'nobody' })).rejects.toThrow(/no token named 'nobody'/);
  });

  it("status.get counts today's requests from the ledger", async () => {
    const { booted, chat } = await start();
    await booted.control['routes.save']({ name: 'smart', targets: [{ model: 'cloud/gpt-4o-mini', weight: 1, tier: 0 }], fallbacks: [], prefer: 'order' });
    expect((await chat('smart')).status).toBe(200);
    await expect.poll(async () => (await booted.control['status.get']({})).today.requests, { timeout: 3_000 }).toBe(1);
    const status = await booted.control['status.get']({});
    expect(status).toMatchObject({
      routes: [{ name: 'smart', targets: ['cloud/gpt-4o-mini'] }],
      ledger: { dropped: 0, lastError: null },
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
    });
    expect(status.providers.map((provider) => provider.label)).toEqual(['Ollama', 'cloud']);
  });
});
