// One sequence of control calls — status, providers add/test/models/remove, keys set/delete, routes save/list/delete,
// usage after real traffic (the openai client through the gateway to the OpenAI fake), budgets, settings, tokens —
// run through BOTH transports: HTTP against a spawned `switchyard serve`, and IPC (registerControlIpc with a fake
// ipcMain) against a core booted in-process with the same fakes. The answers must be equal, ids and times aside,
// and no answer may hold a piece of the canary keys. Keys live in the real Secret Service under test services.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerControlIpc, type IpcMainLike } from '../../main/app/ipc-control.js';
import type { InvokeEventLike } from '../../main/app/ipc-guard.js';
import { bootGateway, type Booted } from '../../main/boot.js';
import type { KeychainStore } from '../../main/secrets/keychain-store.js';
import { FakeLocalServer } from '../fakes/local-servers-fake.js';
import { FakeOpenAI, modelNotFound } from '../fakes/openai-fake.js';
import { canaryKey, findLeaks, type Scanned } from '../support/secret-scan.js';
import { removeTestEntries, requireSecretService, testServiceName } from '../support/secret-service.js';
import { runCli, startServe, type ServeProcess } from '../support/serve-process.js';

const canary = canaryKey();
const secondCanary = canaryKey();
const environment: Record<string, string> = { OLLAMA_HOST: 'http://127.0.0.1:9' };

/** One way of making a call: resolves with the answer, or with the ControlErrorDto. */
type Caller = (call: string, request?: unknown) => Promise<unknown>;

interface Side {
  readonly name: string;
  readonly call: Caller;
  readonly gatewayUrl: string;
  readonly clientToken: string;
  readonly dataDir: string;
}

let upstream: FakeOpenAI;
let lmStudio: FakeLocalServer;
let serve: ServeProcess;
let booted: Booted;
let inProcessDataDir: string;
const stores: KeychainStore[] = [];

beforeAll(async () => {
  upstream = await FakeOpenAI.start({ apiKey: canary });
  upstream.onChat = (request) => {
    const model = (request.body as { model?: string } | undefined)?.model ?? '';
    return model === 'does-not-exist' ? modelNotFound(model) : { kind: 'reply' };
  };
  lmStudio = await FakeLocalServer.start('lmstudio');
  // providers.discover on both sides looks at this LM Studio only (for tests: instead of the default ports)
  environment['SWITCHYARD_DISCOVERY_PORTS'] = `lmstudio=${lmStudio.listeningPort}`;
  const serveService = testServiceName();
  const inProcessService = testServiceName();
  stores.push(await requireSecretService(serveService), await requireSecretService(inProcessService));
  serve = await startServe({ env: { ...environment, SWITCHYARD_KEYCHAIN_SERVICE: serveService } });
  inProcessDataDir = mkdtempSync(join(tmpdir(), 'sy-ipc-'));
  booted = await bootGateway({
    env: { ...environment },
    dataDir: inProcessDataDir,
    log: () => undefined,
    host: '127.0.0.1',
    port: 0,
    secretStore: stores[1] as KeychainStore,
  });
  await booted.gateway.probeProviders(); // as `serve` does after its banner
});

afterAll(async () => {
  await serve?.stop('SIGTERM');
  booted?.unwatch();
  await booted?.gateway.stop(0);
  await upstream?.close();
  await lmStudio?.close();
  for (const store of stores) await removeTestEntries(store);
  for (const directory of [inProcessDataDir, serve?.dataDir]) if (directory) rmSync(directory, { recursive: true, force: true });
});

function httpSide(): Side {
  const adminToken = readFileSync(join(serve.dataDir, 'admin-token'), 'utf8').trim();
  return {
    name: 'http',
    gatewayUrl: serve.url,
    clientToken: serve.token,
    dataDir: serve.dataDir,
    call: async (call, request = {}) => {
      const response = await fetch(`${serve.url}/_switchyard/api/${call}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(request),
      });
      const body: unknown = await response.json();
      // the HTTP status and the body agree: 200 for an answer, the error's status otherwise
      expect(response.status === 200, `${call} → HTTP ${response.status}`).toBe(!(typeof body === 'object' && body !== null && 'error' in body));
      return body;
    },
  };
}

function ipcSide(): Side {
  const handlers = new Map<string, (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>>();
  const ipcMain: IpcMainLike = { handle: (channel, listener) => void handlers.set(channel, listener) };
  const appFrame: InvokeEventLike = { senderFrame: { url: 'file:///app/dist/renderer/index.html', parent: null } };
  registerControlIpc(
    ipcMain,
    booted.control,
    (event) => event.senderFrame?.url === 'file:///app/dist/renderer/index.html' && event.senderFrame.parent === null,
  );
  return {
    name: 'ipc',
    gatewayUrl: booted.gateway.url,
    clientToken: readFileSync(join(inProcessDataDir, 'client-token'), 'utf8').trim(),
    dataDir: inProcessDataDir,
    call: async (call, request = {}) => {
      const handler = handlers.get(`switchyard:${call}`);
      // an unknown call has no channel in the desktop app: the preload has no function for it
      if (!handler) return { error: { call, message: `no such control call: '${call}'`, code: 'unknown_call', field: null } };
      // structuredClone: what crosses the IPC boundary is a copy, as Electron's serialisation makes it
      return structuredClone(await handler(appFrame, structuredClone(request)));
    },
  };
}

const volatileKeys = new Set([
  'startedAt',
  'finishedAt',
  'latencyMs',
  'ttftMs',
  'upstreamMs',
  'overheadMs',
  'localComputeMs',
  'durationMs',
  'averageLatencyMs',
  'p50',
  'p95',
  'p99',
  'bucketStart',
  'nextCursor',
  'createdAt',
  'lastUsedAt',
  'revokedAt',
  'token',
  'written',
  'queued',
  'until',
]);

/** The answer with what legitimately differs between two gateways blanked: ids, times, ports, data dirs, the default token. */
function normalise(value: unknown, side: Side): unknown {
  if (Array.isArray(value)) return value.map((item) => normalise(item, side));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => {
        if (volatileKeys.has(key) && item !== null) return [key, '<varies>'];
        if (key === 'id' && typeof item === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-/.test(item)) return [key, '<request id>'];
        if (key === 'masked' && typeof item === 'string') return [key, item.replace(/….{4}$/, '…????')];
        return [key, normalise(item, side)];
      }),
    );
  }
  if (typeof value === 'string') return value.replaceAll(side.dataDir, '<data dir>').replaceAll(side.gatewayUrl, '<gateway>');
  return value;
}

async function traffic(side: Side): Promise<void> {
  const client = new OpenAI({ baseURL: `${side.gatewayUrl}/v1`, apiKey: side.clientToken, maxRetries: 0 });
  await client.chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: 'hello' }] });
  const stream = await client.chat.completions.create({ model: 'smart', stream: true, messages: [{ role: 'user', content: 'stream please' }] });
  for await (const chunk of stream) void chunk;
  await client.chat.completions.create({ model: 'cloud/gpt-4.1', messages: [{ role: 'user', content: 'direct' }] });
  await expect(client.chat.completions.create({ model: 'cloud/does-not-exist', messages: [{ role: 'user', content: 'x' }] })).rejects.toThrow();
}

/** The sequence, recorded: every answer in order, labelled. */
async function runSequence(side: Side): Promise<Array<[string, unknown]>> {
  const answers: Array<[string, unknown]> = [];
  const record = async (label: string, call: string, request?: unknown): Promise<unknown> => {
    const answer = await side.call(call, request);
    answers.push([label, answer]);
    return answer;
  };
  await record('status at start', 'status.get');
  await record('presets', 'providers.presets');
  await record('providers at start', 'providers.list');
  await record('discover local servers', 'providers.discover');
  await record('environment keys', 'providers.environmentKeys');
  await record('import a key the environment lacks', 'providers.importEnvironmentKey', { preset: 'groq' });
  await record('import a key for a local server', 'providers.importEnvironmentKey', { preset: 'lmstudio' });
  await record('import a key for no preset', 'providers.importEnvironmentKey', { preset: 'nope' });
  await record('add cloud with a key', 'providers.add', { id: 'cloud', type: 'openai-compatible', baseUrl: upstream.baseUrl, locality: 'cloud', key: canary });
  await record('add it again', 'providers.add', { id: 'cloud', type: 'openai-compatible', baseUrl: upstream.baseUrl });
  await record('test cloud', 'providers.test', { id: 'cloud' });
  await record('models of cloud', 'providers.models', { id: 'cloud' });
  await record('append a second key', 'keys.set', { providerId: 'cloud', key: secondCanary, append: true });
  await record('delete the second key', 'keys.delete', { providerId: 'cloud', index: 1 });
  await record('save route smart', 'routes.save', {
    name: 'smart',
    description: 'the fake',
    targets: [{ model: 'cloud/gpt-4o-mini', tier: 0 }],
    fallbacks: ['cloud/gpt-4.1'],
  });
  await record('save a bad route', 'routes.save', { name: 'bad', targets: [{ model: 'no-slash', tier: 0 }] });
  await record('save a route to nowhere', 'routes.save', { name: 'nowhere', targets: [{ model: 'nowhere/model', tier: 0 }] });
  await record('routes', 'routes.list');
  await record('an unknown call', 'routes.destroy', {});

  await traffic(side);
  const range = { from: Date.now() - 3_600_000, to: Date.now() + 3_600_000 };
  await expect.poll(async () => ((await side.call('usage.totals', { range })) as { requests: number }).requests, { timeout: 5_000 }).toBe(4);
  await record('usage totals', 'usage.totals', { range });
  await record('usage series', 'usage.series', { range, bucket: 'hour' });
  await record('usage by model', 'usage.breakdown', { range, by: 'model', orderBy: 'requests' });
  await record('usage errors', 'usage.errors', { range });
  await record('usage latency', 'usage.latency', { range, metric: 'latency' });
  const log = (await record('usage log', 'usage.log', { range, limit: 10 })) as { rows: Array<{ id: string; requestedModel: string }> };
  const direct = log.rows.find((row) => row.requestedModel === 'cloud/gpt-4.1');
  await record('usage detail', 'usage.detail', { id: direct?.id ?? 'missing' });
  await record('usage detail of nothing', 'usage.detail', { id: 'no-such-request' });

  await record('budgets at start', 'budgets.get');
  await record('set budgets', 'budgets.set', {
    dailyUsd: 5,
    monthlyUsd: 50,
    action: 'block',
    warnAt: 0.75,
    clients: { default: { dailyUsd: 1, monthlyUsd: null } },
  });
  await record('budgets after', 'budgets.get');
  await record('settings at start', 'settings.get');
  await record('set settings', 'settings.set', { autoOffline: false, offline: true, referenceModel: 'cloud/gpt-4.1' });
  await record('status while offline', 'status.get');
  await record('switch offline back', 'settings.set', { offline: null });

  await record('tokens at start', 'tokens.list');
  await record('create a token', 'tokens.create', { name: 'cursor' });
  await record('revoke it', 'tokens.revoke', { name: 'cursor' });
  await record('tokens after', 'tokens.list');

  await record('remove cloud while a route uses it', 'providers.remove', { id: 'cloud' });
  await record('delete route smart', 'routes.delete', { name: 'smart' });
  await record('remove cloud', 'providers.remove', { id: 'cloud' });
  await record('keys of a removed provider', 'keys.delete', { providerId: 'cloud' });
  await record('providers at end', 'providers.list');
  await record('status at end', 'status.get');
  return answers;
}

describe('the control contract over both transports', () => {
  it('the same calls give the same answers through HTTP (switchyard serve) and IPC (the desktop transport)', async () => {
    const http = httpSide();
    const ipc = ipcSide();
    const overHttp = await runSequence(http);
    const overIpc = await runSequence(ipc);

    // The sequence did what it says (so equality is not two identical failures).
    const byLabel = new Map(overHttp);
    expect(byLabel.get('add cloud with a key')).toMatchObject({ id: 'cloud', maskedKeys: [`…${canary.slice(-4)}`], keySource: 'keychain (1 key)' });
    expect(byLabel.get('add it again')).toMatchObject({ error: { code: 'conflict', field: 'id' } });
    expect(byLabel.get('discover local servers')).toEqual([
      {
        preset: 'lmstudio',
        label: 'LM Studio',
        baseUrl: `${lmStudio.origin}/v1`,
        models: [...lmStudio.models],
        modelCount: 3,
        keyRequired: false,
        configured: false,
      },
    ]);
    expect(byLabel.get('environment keys')).toEqual([]);
    expect(byLabel.get('import a key the environment lacks')).toMatchObject({
      error: { code: 'not_found', field: 'preset', message: 'GROQ_API_KEY holds no key in the environment of this Switchyard' },
    });
    expect(byLabel.get('import a key for a local server')).toMatchObject({ error: { code: 'invalid_request', field: 'preset' } });
    expect(byLabel.get('import a key for no preset')).toMatchObject({ error: { code: 'not_found', field: 'preset' } });
    expect(byLabel.get('test cloud')).toMatchObject({ ok: true });
    expect(byLabel.get('append a second key')).toMatchObject({ maskedKeys: [`…${canary.slice(-4)}`, `…${secondCanary.slice(-4)}`] });
    expect(byLabel.get('save a bad route')).toMatchObject({ error: { code: 'invalid_request', field: 'targets[0].model' } });
    expect(byLabel.get('save a route to nowhere')).toMatchObject({ error: { code: 'invalid_config' } });
    expect(byLabel.get('an unknown call')).toMatchObject({ error: { code: 'unknown_call' } });
    expect(byLabel.get('usage totals')).toMatchObject({ requests: 4, ok: 3, errors: 1 });
    expect(byLabel.get('usage detail')).toMatchObject({
      request: { requestedModel: 'cloud/gpt-4.1', status: 'ok' },
      attempts: [{ providerId: 'cloud', model: 'gpt-4.1', outcome: 'ok' }],
    });
    expect(byLabel.get('status while offline')).toMatchObject({ offline: 'offline mode is on' });
    expect(byLabel.get('create a token')).toMatchObject({ name: 'cursor', token: expect.stringMatching(/^sy-/) });
    expect(byLabel.get('remove cloud while a route uses it')).toMatchObject({
      error: { code: 'invalid_config', message: expect.stringContaining("routes.smart.targets[0]: 'cloud/gpt-4o-mini' names no configured provider") },
    });
    expect(byLabel.get('remove cloud')).toEqual({ removed: true });
    expect(byLabel.get('keys of a removed provider')).toMatchObject({ error: { code: 'not_found' } });
    expect((byLabel.get('status at end') as { configSource: string }).configSource).toBe(join(serve.dataDir, 'config.yaml'));

    expect(overIpc.map(([label]) => label)).toEqual(overHttp.map(([label]) => label));
    for (const [index, [label, answer]] of overHttp.entries()) {
      expect(normalise(overIpc[index]?.[1], ipc), label).toEqual(normalise(answer, http));
    }
    if (process.env['CONTROL_CONTRACT_DUMP'])
      console.info(
        JSON.stringify(
          overHttp.map(([label, answer]) => [label, normalise(answer, http)]),
          null,
          1,
        ),
      );

    // No answer, on either side, holds a 6-character piece of a key.
    const scanned: Scanned[] = [...overHttp, ...overIpc].map(([label, answer], index) => ({
      where: `${index < overHttp.length ? 'http' : 'ipc'}: ${label}`,
      content: JSON.stringify(answer),
    }));
    expect(findLeaks(scanned, [canary, secondCanary])).toEqual([]);
  });

  it('`switchyard ui` prints a link whose sign-in nonce opens a browser session; status, offline and reload still work from the CLI', async () => {
    const printed = await runCli(['ui', '--url', serve.url, '--data-dir', serve.dataDir]);
    expect(printed.code).toBe(0);
    const link = new URL(printed.stdout.trim());
    expect(`${link.origin}${link.pathname}`).toBe(`${serve.url}/_switchyard/`);
    const nonce = new URLSearchParams(link.hash.slice(1)).get('signin') ?? '';
    const session = await fetch(`${serve.url}/_switchyard/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-switchyard-csrf': '1', origin: serve.url },
      body: JSON.stringify({ nonce }),
    });
    expect(session.status).toBe(204);
    const cookie = (session.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const settings = await fetch(`${serve.url}/_switchyard/api/settings.get`, {
      method: 'POST',
      headers: { cookie, 'x-switchyard-csrf': '1', origin: serve.url, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(settings.status).toBe(200);

    const offline = await runCli(['offline', 'on', '--url', serve.url, '--data-dir', serve.dataDir]);
    expect(offline.stdout.trim()).toBe('offline: offline mode is on');
    expect((await runCli(['offline', 'auto', '--url', serve.url, '--data-dir', serve.dataDir])).stdout.trim()).toBe('online: cloud targets are used');
    expect((await runCli(['reload', '--url', serve.url, '--data-dir', serve.dataDir])).stdout.trim()).toBe('config reloaded');
    const status = await runCli(['status', '--url', serve.url, '--data-dir', serve.dataDir]);
    expect(status.stdout).toContain(`config:    ${join(serve.dataDir, 'config.yaml')}`);
  });
});
