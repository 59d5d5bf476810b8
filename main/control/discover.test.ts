// Discovery against real local servers on free ports, each answering as the real one does (test/fakes/local-servers-
// fake.ts): what is found, with which models; llama.cpp and LocalAI told apart on a shared kind of port; garbage,
// refused ports and servers too slow for the deadline not found — and the call never waits past its deadline.
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeLocalServer, type LocalServerKind } from '../../test/fakes/local-servers-fake.js';
import type { ProviderSettings } from '../config/load.js';
import { discoverLocalServers, discoveryCandidates, type DiscoveryCandidate } from './discover.js';
import type { LocalServerPreset } from './local-servers.js';

const fakes: FakeLocalServer[] = [];

afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function fake(kind: LocalServerKind, options: Parameters<typeof FakeLocalServer.start>[1] = {}): Promise<FakeLocalServer> {
  const server = await FakeLocalServer.start(kind, options);
  fakes.push(server);
  return server;
}

/** The candidate a preset would be on `server`'s port (Ollama at the origin, the others under /v1). */
function at(preset: LocalServerPreset, server: { readonly listeningPort: number }): DiscoveryCandidate {
  return { preset, baseUrl: preset === 'ollama' ? `http://127.0.0.1:${server.listeningPort}` : `http://127.0.0.1:${server.listeningPort}/v1` };
}

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function provider(id: string, baseUrl: string): ProviderSettings {
  return { id, type: 'openai-compatible', preset: undefined, label: id, baseUrl, locality: 'local', apiKeyEnv: undefined, headers: {}, models: [] };
}

/** for the cases that expect servers found: a loaded machine must not turn slow-but-there into not found */
const foundDeadlineMs = 5_000;

describe('discoverLocalServers', () => {
  it('finds each kind of server on its port, with its label, base URL and the models it lists', async () => {
    const [ollama, lmstudio, llamacpp, localai, vllm, jan] = await Promise.all([
      fake('ollama'),
      fake('lmstudio'),
      fake('llamacpp'),
      fake('localai'),
      fake('vllm'),
      fake('jan', { apiKey: '' }),
    ]);
    if (!ollama || !lmstudio || !llamacpp || !localai || !vllm || !jan) throw new Error('a fake did not start');
    const found = await discoverLocalServers([], {
      candidates: [at('ollama', ollama), at('lmstudio', lmstudio), at('llamacpp', llamacpp), at('localai', localai), at('vllm', vllm), at('jan', jan)],
      deadlineMs: foundDeadlineMs,
    });
    expect(found).toEqual([
      { preset: 'ollama', label: 'Ollama', baseUrl: ollama.origin, models: ['llama3.2:3b', 'qwen3:8b'], modelCount: 2, keyRequired: false, configured: false },
      {
        preset: 'lmstudio',
        label: 'LM Studio',
        baseUrl: `${lmstudio.origin}/v1`,
        models: [...lmstudio.models],
        modelCount: 3,
        keyRequired: false,
        configured: false,
      },
      {
        preset: 'llamacpp',
        label: 'llama.cpp server',
        baseUrl: `${llamacpp.origin}/v1`,
        models: ['Qwen3-8B-Q4_K_M.gguf'],
        modelCount: 1,
        keyRequired: false,
        configured: false,
      },
      {
        preset: 'localai',
        label: 'LocalAI',
        baseUrl: `${localai.origin}/v1`,
        models: ['gpt-4', 'whisper-1', 'stablediffusion'],
        modelCount: 3,
        keyRequired: false,
        configured: false,
      },
      {
        preset: 'vllm',
        label: 'vLLM',
        baseUrl: `${vllm.origin}/v1`,
        models: ['meta-llama/Llama-3.1-8B-Instruct'],
        modelCount: 1,
        keyRequired: false,
        configured: false,
      },
      { preset: 'jan', label: 'Jan', baseUrl: `${jan.origin}/v1`, models: ['jan-v1-4b'], modelCount: 1, keyRequired: false, configured: false },
    ]);
  });

  it('tells llama.cpp server and LocalAI apart when either may be on the port, as on 8080', async () => {
    const [llamacpp, localai] = await Promise.all([fake('llamacpp'), fake('localai')]);
    if (!llamacpp || !localai) throw new Error('a fake did not start');
    const shared = (server: FakeLocalServer): DiscoveryCandidate[] => [at('llamacpp', server), at('localai', server)];
    const found = await discoverLocalServers([], { candidates: [...shared(llamacpp), ...shared(localai)], deadlineMs: foundDeadlineMs });
    expect(found.map((server) => [server.preset, server.baseUrl])).toEqual([
      ['llamacpp', `${llamacpp.origin}/v1`],
      ['localai', `${localai.origin}/v1`],
    ]);
    // each port was asked once per path, not once per preset
    expect([...llamacpp.paths].sort()).toEqual(['/props', '/readyz', '/v1/models']);
  });

  it('an OpenAI-style server that is neither does not pass for llama.cpp or LocalAI on a shared port', async () => {
    const [vllm, lmstudio] = await Promise.all([fake('vllm'), fake('lmstudio')]);
    if (!vllm || !lmstudio) throw new Error('a fake did not start');
    const candidates = [vllm, lmstudio].flatMap((server) => [at('llamacpp', server), at('localai', server)]);
    expect(await discoverLocalServers([], { candidates, deadlineMs: foundDeadlineMs })).toEqual([]);
  });

  it('passes over garbage, refused ports and a server that answers after the deadline — and returns by the deadline', async () => {
    const [garbage, slow, lmstudio] = await Promise.all([fake('garbage'), fake('lmstudio', { delayMs: 3_000 }), fake('lmstudio')]);
    if (!garbage || !slow || !lmstudio) throw new Error('a fake did not start');
    const refused = { listeningPort: await closedPort() };
    const candidates = [
      at('ollama', garbage),
      at('vllm', garbage),
      at('llamacpp', garbage),
      at('localai', garbage),
      at('jan', refused),
      at('ollama', refused),
      at('lmstudio', slow),
      at('vllm', lmstudio),
    ];
    const started = performance.now();
    const found = await discoverLocalServers([], { candidates, deadlineMs: 250 });
    const elapsed = performance.now() - started;
    expect(found.map((server) => server.baseUrl)).toEqual([`${lmstudio.origin}/v1`]);
    expect(slow.paths).toEqual(['/v1/models']); // it was asked; its answer would have come 3 s later
    // one deadline for the whole call: it did not wait for the slow server (which answers after 3 s)
    expect(elapsed).toBeLessThan(2_000);
  });

  it('reports a server a configured provider points at as configured (localhost and 127.0.0.1 are one server)', async () => {
    const [lmstudio, vllm] = await Promise.all([fake('lmstudio'), fake('vllm')]);
    if (!lmstudio || !vllm) throw new Error('a fake did not start');
    const configured = [provider('my-lmstudio', `http://localhost:${lmstudio.listeningPort}/v1/`)];
    const found = await discoverLocalServers(configured, { candidates: [at('lmstudio', lmstudio), at('vllm', vllm)], deadlineMs: foundDeadlineMs });
    expect(found.map((server) => [server.preset, server.configured])).toEqual([
      ['lmstudio', true],
      ['vllm', false],
    ]);
  });

  it('Jan behind its API key is found as needing the key, with no models; the key is never guessed', async () => {
    const jan = await fake('jan');
    const [found] = await discoverLocalServers([], { candidates: [at('jan', jan)], deadlineMs: foundDeadlineMs });
    expect(found).toEqual({ preset: 'jan', label: 'Jan', baseUrl: `${jan.origin}/v1`, models: [], modelCount: 0, keyRequired: true, configured: false });
  });

  it('lists the first 20 models and counts them all', async () => {
    const models = Array.from({ length: 27 }, (_item, index) => `model-${index}`);
    const vllm = await fake('vllm', { models });
    const [found] = await discoverLocalServers([], { candidates: [at('vllm', vllm)], deadlineMs: foundDeadlineMs });
    expect(found?.models).toEqual(models.slice(0, 20));
    expect(found?.modelCount).toBe(27);
  });
});

describe('discoveryCandidates', () => {
  it('are the default loopback ports of every local preset unless SWITCHYARD_DISCOVERY_PORTS says otherwise', () => {
    expect(discoveryCandidates({})).toEqual([
      { preset: 'ollama', baseUrl: 'http://127.0.0.1:11434' },
      { preset: 'lmstudio', baseUrl: 'http://127.0.0.1:1234/v1' },
      { preset: 'llamacpp', baseUrl: 'http://127.0.0.1:8080/v1' },
      { preset: 'localai', baseUrl: 'http://127.0.0.1:8080/v1' },
      { preset: 'vllm', baseUrl: 'http://127.0.0.1:8000/v1' },
      { preset: 'jan', baseUrl: 'http://127.0.0.1:1337/v1' },
    ]);
    expect(discoveryCandidates({ SWITCHYARD_DISCOVERY_PORTS: 'ollama=41000, llamacpp=41001,localai=41001' })).toEqual([
      { preset: 'ollama', baseUrl: 'http://127.0.0.1:41000' },
      { preset: 'llamacpp', baseUrl: 'http://127.0.0.1:41001/v1' },
      { preset: 'localai', baseUrl: 'http://127.0.0.1:41001/v1' },
    ]);
    expect(discoveryCandidates({ SWITCHYARD_DISCOVERY_PORTS: 'none' })).toEqual([]);
  });

  it('refuses a malformed value, naming it', () => {
    for (const value of ['openai=41000', 'lmstudio', 'lmstudio=0', 'lmstudio=70000', 'lmstudio=http://evil.example:80']) {
      expect(() => discoveryCandidates({ SWITCHYARD_DISCOVERY_PORTS: value })).toThrow(/SWITCHYARD_DISCOVERY_PORTS: '.*' is not <preset>=<port>/);
    }
  });
});
