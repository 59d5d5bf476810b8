// `switchyard providers detect` against real local servers (test/fakes/local-servers-fake.ts) on free ports, which
// SWITCHYARD_DISCOVERY_PORTS (for tests only) puts in place of the default ones: what it finds and prints, `--add`
// writing the config file (the user's comments kept) and a running `serve` reloading it, and environment keys moved
// into the REAL keychain (Secret Service on a private D-Bus session) by `--import-keys` and by the control calls.
import { createServer } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootGateway } from '../../main/boot.js';
import { providersCommand } from '../../main/cli/providers.js';
import { MemorySecretStore } from '../../main/secrets/secret-store.js';
import type { KeychainStore } from '../../main/secrets/keychain-store.js';
import { FakeLocalServer } from '../fakes/local-servers-fake.js';
import { canaryKey, findLeaks } from '../support/secret-scan.js';
import { removeTestEntries, requireSecretService, testServiceName } from '../support/secret-service.js';
import { runCli, startServe } from '../support/serve-process.js';

const service = testServiceName();
let store: KeychainStore;
const fakes: Record<'ollama' | 'lmstudio' | 'llamacpp' | 'localai' | 'vllm' | 'jan', FakeLocalServer> = {} as never;
let ports: string;
const directories: string[] = [];

beforeAll(async () => {
  store = await requireSecretService(service);
  for (const kind of ['ollama', 'lmstudio', 'llamacpp', 'localai', 'vllm', 'jan'] as const) fakes[kind] = await FakeLocalServer.start(kind);
  const { ollama, lmstudio, llamacpp, localai, vllm, jan } = fakes;
  // llama.cpp's and LocalAI's ports each stand for 8080: either may be there, the answers tell which
  ports = [
    `ollama=${ollama.listeningPort}`,
    `lmstudio=${lmstudio.listeningPort}`,
    ...[llamacpp, localai].flatMap((fake) => [`llamacpp=${fake.listeningPort}`, `localai=${fake.listeningPort}`]),
    `vllm=${vllm.listeningPort}`,
    `jan=${jan.listeningPort}`,
  ].join(',');
});

afterAll(async () => {
  await Promise.all(Object.values(fakes).map((fake) => fake.close()));
  if (store) await removeTestEntries(store);
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

function dataDirWith(config: string | undefined): string {
  const directory = mkdtempSync(join(tmpdir(), 'sy-detect-'));
  directories.push(directory);
  if (config !== undefined) writeFileSync(join(directory, 'config.yaml'), config);
  return directory;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

describe('switchyard providers detect', () => {
  it('--json: every server found with its models, the configured one flagged, and the environment keys without their values', async () => {
    const groqKey = canaryKey();
    const dataDir = dataDirWith(`providers:\n  - id: ollama\n    base_url: http://localhost:${fakes.ollama.listeningPort}\n`);
    const env = { SWITCHYARD_DISCOVERY_PORTS: ports, SWITCHYARD_KEYCHAIN_SERVICE: service, GROQ_API_KEY: groqKey };
    const result = await runCli(['providers', 'detect', '--json', '--data-dir', dataDir], { env });
    expect(result.code, result.stderr).toBe(0);
    const answer = JSON.parse(result.stdout) as { servers: unknown[]; environmentKeys: unknown[] };
    const server = (preset: string, fake: FakeLocalServer, models: readonly string[], extra: Record<string, unknown> = {}) => ({
      preset,
      label: expect.any(String),
      baseUrl: preset === 'ollama' ? fake.origin : `${fake.origin}/v1`,
      models: [...models],
      modelCount: models.length,
      keyRequired: false,
      configured: false,
      ...extra,
    });
    expect(answer.servers).toEqual([
      server('ollama', fakes.ollama, fakes.ollama.models, { configured: true }),
      server('lmstudio', fakes.lmstudio, fakes.lmstudio.models),
      server('llamacpp', fakes.llamacpp, fakes.llamacpp.models),
      server('localai', fakes.localai, fakes.localai.models),
      server('vllm', fakes.vllm, fakes.vllm.models),
      server('jan', fakes.jan, [], { keyRequired: true }),
    ]);
    expect(answer.environmentKeys).toEqual([{ preset: 'groq', label: 'Groq', envVar: 'GROQ_API_KEY', inKeychain: false }]);
    expect(findLeaks([{ where: 'detect --json', content: result.stdout + result.stderr }], [groqKey])).toEqual([]);

    const human = await runCli(['providers', 'detect', '--data-dir', dataDir], { env });
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(
      new RegExp(`LM Studio +http://127\\.0\\.0\\.1:${fakes.lmstudio.listeningPort}/v1 +3 models +add: switchyard providers detect --add lmstudio`),
    );
    expect(human.stdout).toMatch(/Ollama +\S+ +2 models +already added/);
    expect(human.stdout).toMatch(
      /Jan +\S+ +needs its API key +add: switchyard providers detect --add jan\n +needs its API key: `switchyard keys set jan` after adding it/,
    );
    expect(human.stdout).toMatch(/GROQ_API_KEY +Groq +not in the keychain: switchyard providers detect --import-keys/);
  });

  it('--add writes the server into the config file with the comments kept, and the running `serve` that printed it reloads and has it', async () => {
    const port = await freePort();
    const config = [
      '# my switchyard setup',
      'server:',
      `  port: ${port} # fixed, for my editor`,
      'providers:',
      '  - id: ollama',
      `    base_url: http://127.0.0.1:${fakes.ollama.listeningPort} # the big box`,
      'ledger:',
      '  price_refresh: false',
      '',
    ].join('\n');
    const dataDir = dataDirWith(config);
    const env = { SWITCHYARD_DISCOVERY_PORTS: ports, SWITCHYARD_KEYCHAIN_SERVICE: service };
    const serve = await startServe({ dataDir, args: ['--port', String(port)], env });
    try {
      const foundLine = `found: LM Studio at ${fakes.lmstudio.origin}/v1 (3 models) — add with \`switchyard providers detect --add lmstudio\``;
      await expect.poll(() => serve.output(), { timeout: 10_000 }).toContain(foundLine);
      expect(serve.output()).not.toContain('found: Ollama'); // configured already: listed with the providers instead

      const added = await runCli(['providers', 'detect', '--add', 'lmstudio', '--data-dir', dataDir], { env });
      expect(added.code, added.stderr).toBe(0);
      expect(added.stdout).toMatch(/LM Studio +\S+ +3 models +added to the config file/);
      expect(added.stdout).toContain(`the Switchyard running at http://127.0.0.1:${port} reloaded`);
      const written = readFileSync(join(dataDir, 'config.yaml'), 'utf8');
      expect(written).toBe(config.replace('ledger:', `  - id: lmstudio\n    base_url: ${fakes.lmstudio.origin}/v1\nledger:`));

      const adminToken = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
      const call = async (name: string): Promise<unknown> =>
        (
          await fetch(`${serve.url}/_switchyard/api/${name}`, {
            method: 'POST',
            headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
            body: '{}',
          })
        ).json();
      expect(((await call('providers.list')) as Array<{ id: string; baseUrl: string }>).map((provider) => [provider.id, provider.baseUrl])).toEqual([
        ['ollama', fakes.ollama.origin],
        ['lmstudio', `${fakes.lmstudio.origin}/v1`],
      ]);
      const discovered = (await call('providers.discover')) as Array<{ preset: string; configured: boolean }>;
      expect(discovered.filter((server) => server.configured).map((server) => server.preset)).toEqual(['ollama', 'lmstudio']);

      const again = await runCli(['providers', 'detect', '--add', 'lmstudio', '--data-dir', dataDir], { env });
      expect(again.code).toBe(0);
      expect(again.stdout).toContain(`LM Studio at ${fakes.lmstudio.origin}/v1 is a configured provider already`);
      expect(readFileSync(join(dataDir, 'config.yaml'), 'utf8')).toBe(written);

      const absent = await runCli(['providers', 'detect', '--add', 'vllm', '--data-dir', dataDir], {
        env: { ...env, SWITCHYARD_DISCOVERY_PORTS: `lmstudio=${fakes.lmstudio.listeningPort}` },
      });
      expect(absent.code).toBe(1);
      expect(absent.stderr).toContain('switchyard: no vLLM answered on its port; start it, then run this again');
      const unknown = await runCli(['providers', 'detect', '--add', 'openai', '--data-dir', dataDir], { env });
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain("'openai' is not a local server preset");
    } finally {
      await serve.stop();
    }
  });

  it('--add-all on a gateway running without a config file: the file is created in the data dir and the next reload adopts it', async () => {
    const dataDir = dataDirWith(undefined);
    const env = {
      SWITCHYARD_DISCOVERY_PORTS: `lmstudio=${fakes.lmstudio.listeningPort},vllm=${fakes.vllm.listeningPort}`,
      OLLAMA_HOST: `127.0.0.1:${fakes.ollama.listeningPort}`,
    };
    const booted = await bootGateway({
      env,
      dataDir,
      log: () => undefined,
      host: '127.0.0.1',
      port: 0,
      secretStore: new MemorySecretStore(),
      watchConfig: false,
    });
    try {
      expect(booted.gateway.config.providers.map((provider) => provider.id)).toEqual(['ollama']);
      let out = '';
      const code = await providersCommand(['detect'], {
        env,
        dataDir,
        addAll: true,
        store: new MemorySecretStore(),
        stdout: { write: (text: string) => (out += text) },
        stderr: { write: (text: string) => (out += text) },
        reloadRunning: async () => ((await booted.reload()) ? 'reloaded' : 'reload failed'),
      });
      expect(code, out).toBe(0);
      expect(out).toContain('reloaded');
      expect(booted.gateway.config.providers.map((provider) => provider.id)).toEqual(['ollama', 'lmstudio', 'vllm']);
      expect((await booted.control['status.get']({})).configSource).toBe(join(dataDir, 'config.yaml'));
    } finally {
      booted.unwatch();
      await booted.gateway.stop(0);
    }
  });

  it('--import-keys stores the environment keys in the keychain; a running gateway does the same through its control calls', async () => {
    const openaiKey = canaryKey();
    const groqKey = canaryKey();
    const mistralKey = canaryKey();
    await store.set('groq', ['gsk_kept_before_00000000000000000']);
    const env = { SWITCHYARD_DISCOVERY_PORTS: 'none', SWITCHYARD_KEYCHAIN_SERVICE: service, OPENAI_API_KEY: openaiKey, GROQ_API_KEY: groqKey };
    const imported = await runCli(['providers', 'detect', '--import-keys', '--json', '--data-dir', dataDirWith(undefined)], { env });
    expect(imported.code, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({
      servers: [],
      imported: ['openai', 'groq'],
      environmentKeys: [
        { preset: 'openai', envVar: 'OPENAI_API_KEY', inKeychain: true },
        { preset: 'groq', envVar: 'GROQ_API_KEY', inKeychain: true },
      ],
    });
    expect(await store.list('openai')).toEqual([openaiKey]);
    expect(await store.list('groq')).toEqual(['gsk_kept_before_00000000000000000', groqKey]); // the kept key stays first
    const twice = await runCli(['providers', 'detect', '--import-keys', '--data-dir', dataDirWith(undefined)], { env });
    expect(twice.stdout).toMatch(/OPENAI_API_KEY +OpenAI +in the keychain too/);
    expect(await store.list('openai')).toEqual([openaiKey]);

    // the control calls, on a serve whose config names only a local server (so no cloud provider is ever called)
    const serve = await startServe({
      config: { providers: [{ id: 'lmstudio', base_url: `${fakes.lmstudio.origin}/v1` }], ledger: { price_refresh: false } },
      env: { SWITCHYARD_DISCOVERY_PORTS: 'none', SWITCHYARD_KEYCHAIN_SERVICE: service, MISTRAL_API_KEY: mistralKey },
    });
    try {
      const adminToken = readFileSync(join(serve.dataDir, 'admin-token'), 'utf8').trim();
      const call = async (name: string, body: unknown = {}): Promise<{ status: number; body: unknown }> => {
        const response = await fetch(`${serve.url}/_switchyard/api/${name}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        return { status: response.status, body: await response.json() };
      };
      const before = await call('providers.environmentKeys');
      expect(before.body).toEqual([{ preset: 'mistral', label: 'Mistral', envVar: 'MISTRAL_API_KEY', inKeychain: false }]);
      const stored = await call('providers.importEnvironmentKey', { preset: 'mistral' });
      expect(stored).toEqual({ status: 200, body: { stored: true } });
      expect(await store.list('mistral')).toEqual([mistralKey]);
      const after = await call('providers.environmentKeys');
      expect(after.body).toEqual([{ preset: 'mistral', label: 'Mistral', envVar: 'MISTRAL_API_KEY', inKeychain: true }]);
      const missing = await call('providers.importEnvironmentKey', { preset: 'groq' });
      expect(missing).toMatchObject({
        status: 404,
        body: { error: { code: 'not_found', message: 'GROQ_API_KEY holds no key in the environment of this Switchyard' } },
      });
      const scanned = [before, stored, after, missing].map((answer, index) => ({ where: `answer ${index}`, content: JSON.stringify(answer.body) }));
      expect(
        findLeaks(
          [
            ...scanned,
            { where: 'serve output', content: serve.output() },
            { where: 'cli', content: imported.stdout + imported.stderr + twice.stdout + twice.stderr },
          ],
          [openaiKey, groqKey, mistralKey],
        ),
      ).toEqual([]);
    } finally {
      await serve.stop();
    }
  });
});
