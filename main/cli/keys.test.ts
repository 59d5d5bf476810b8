// The `switchyard keys …` functions with an in-memory store and a fake OpenAI upstream: argv refused, provider ids
// checked, masked output only, no fallback file when there is no keychain, and `keys test` naming the error class.
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../../test/fakes/openai-fake.js';
import { keysCommand, keysDelete, keysList, keysSet, keysTest, type KeysCommandOptions } from './keys.js';
import { MemorySecretStore } from '../secrets/secret-store.js';

const goodKey = 'sk-unit-Good00000000000000001GOOD';
const badKey = 'sk-unit-Bad000000000000000002BADD';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function piped(text: string): PassThrough {
  const input = new PassThrough();
  input.end(text);
  return input;
}

async function run(
  command: (options: KeysCommandOptions & { stdin?: PassThrough }) => Promise<number>,
  options: Partial<KeysCommandOptions> & { stdin?: PassThrough } = {},
): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await command({
    env: {},
    dataDir: mkdtempSync(join(tmpdir(), 'sy-keys-unit-')),
    store: new MemorySecretStore(),
    ...options,
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr };
}

function configDir(config: unknown): string {
  const dataDir = mkdtempSync(join(tmpdir(), 'sy-keys-unit-'));
  writeFileSync(join(dataDir, 'config.json'), JSON.stringify(config));
  return dataDir;
}

describe('keys set', () => {
  it('refuses a key on the command line without echoing it, and stores nothing', async () => {
    const store = new MemorySecretStore();
    const result = await run((options) => keysCommand(['set', 'openai', 'sk-proj-Typed0nTheCommandLine99'], options), { store });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/refusing to take a key from the command line: it would stay in your shell history/);
    expect(result.stderr).not.toContain('Typed0n');
    expect(await store.listAll()).toEqual(new Map());
  });

  it('does not echo a key given where the provider id belongs', async () => {
    const result = await run((options) => keysCommand(['set', 'sk-proj-InPlaceOfTheId00000'], options));
    expect(result.code).toBe(2);
    expect(result.stderr).not.toContain('InPlace');
  });

  it('reads keys from stdin, one per line, replacing the old ones; --add appends; output is masked', async () => {
    const store = new MemorySecretStore({ openai: ['sk-unit-Old0000000000000000000OLD0'] });
    const first = await run((options) => keysSet('openai', options), { store, stdin: piped(`${goodKey}\n${badKey}\n`) });
    expect(first.code).toBe(0);
    expect(await store.list('openai')).toEqual([goodKey, badKey]);
    expect(first.stdout).toContain('openai now has 2: #1 …GOOD, #2 …BADD');
    const added = await run((options) => keysCommand(['set', 'openai'], { ...options, add: true }), {
      store,
      stdin: piped('sk-unit-Third0000000000000003THRD\n'),
    });
    expect(added.code).toBe(0);
    expect(await store.list('openai')).toHaveLength(3);
    for (const output of [first.stdout + first.stderr, added.stdout + added.stderr]) {
      expect(output).not.toContain('Good0');
      expect(output).not.toContain('Third0');
    }
  });

  it('warns about a provider that is neither configured nor a preset, and still stores the key', async () => {
    const store = new MemorySecretStore();
    const result = await run((options) => keysSet('my-proxy', options), { store, stdin: piped(`${goodKey}\n`) });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/warning: 'my-proxy' is neither a provider in the built-in default config nor a known preset/);
    expect(await store.list('my-proxy')).toEqual([goodKey]);
  });

  it('fails with the reason and the environment variable to use when there is no keychain, writing no file', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sy-keys-unit-'));
    const result = await run((options) => keysSet('openai', options), {
      dataDir,
      store: new MemorySecretStore({}, 'no D-Bus session bus'),
      stdin: piped(`${goodKey}\n`),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no keychain to store the key in: no D-Bus session bus');
    expect(result.stderr).toContain('Set OPENAI_API_KEY in the environment');
    expect(result.stderr).toContain('never falls back to a plaintext file');
    expect(readdirSync(dataDir)).toEqual([]);
  });
});

describe('keys list and delete', () => {
  it('lists configured providers and keychain providers with masked keys and their source', async () => {
    const dataDir = configDir({ providers: [{ id: 'openai' }, { id: 'groq' }, { id: 'ollama' }] });
    const store = new MemorySecretStore({ openai: [goodKey, badKey], extra: ['sk-unit-Extra000000000000000EXTR'] });
    const result = await run(keysList, { dataDir, store, env: { GROQ_API_KEY: 'gsk_unitGroq000000000000000GROQ' } });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/openai\s+2 keys {2}#1 …GOOD {2}#2 …BADD {2}\(keychain \(2 keys\)\)/);
    expect(result.stdout).toMatch(/groq\s+1 key\s+…GROQ {2}\(env GROQ_API_KEY\)/);
    expect(result.stdout).toMatch(/ollama\s+0 keys {2}\(none needed\)/);
    expect(result.stdout).toMatch(/extra\s+1 key\s+…EXTR {2}\(keychain \(1 key\)\)/);
    expect(result.stdout).not.toMatch(/Good0|Groq0|Extra0/);
  });

  it('deletes one key by its listed number, or all of them', async () => {
    const store = new MemorySecretStore({ openai: [goodKey, badKey] });
    const one = await run((options) => keysCommand(['delete', 'openai', '2'], options), { store });
    expect(one.code).toBe(0);
    expect(one.stdout).toContain('deleted key #2 (…BADD) of openai; 1 left: #1 …GOOD');
    expect((await run((options) => keysDelete('openai', 5, options), { store })).code).toBe(1);
    expect((await run((options) => keysDelete('openai', undefined, options), { store })).stdout).toContain('deleted 1 key(s) of openai');
    expect((await run((options) => keysDelete('openai', undefined, options), { store })).code).toBe(1);
    expect((await run((options) => keysCommand(['delete', 'openai', '0'], options), { store })).code).toBe(2);
  });
});

describe('keys test', () => {
  let upstream: FakeOpenAI;
  beforeAll(async () => {
    upstream = await FakeOpenAI.start({ apiKey: goodKey });
  });
  afterAll(async () => {
    await upstream.close();
  });

  it('makes one model-list call per key and prints ok or the error class, never the key', async () => {
    const dataDir = configDir({ providers: [{ id: 'openai', base_url: upstream.baseUrl }] });
    const store = new MemorySecretStore({ openai: [badKey, goodKey] });
    const before = upstream.requests.length;
    const result = await run((options) => keysTest('openai', options), { dataDir, store });
    expect(result.code).toBe(1);
    expect(upstream.requests.length - before).toBe(2);
    expect(result.stdout).toMatch(/^openai key #1 …BADD \(keychain\): auth \(HTTP 401\) — /m);
    expect(result.stdout).toMatch(/^openai key #2 …GOOD \(keychain\): ok — 3 model\(s\) listed/m);
    expect(result.stdout + result.stderr).not.toMatch(/Bad000|Good00|sk-unit-B/);
    const onlySecond = await run((options) => keysCommand(['test', 'openai', '2'], options), { dataDir, store });
    expect(onlySecond.code).toBe(0);
  });

  it('tests the environment key when the keychain has none', async () => {
    const dataDir = configDir({ providers: [{ id: 'openai', base_url: upstream.baseUrl }] });
    const result = await run((options) => keysTest('openai', options), { dataDir, env: { OPENAI_API_KEY: goodKey } });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^openai key …GOOD \(env OPENAI_API_KEY\): ok/m);
  });

  it('says when there is no key at all, and refuses a provider it cannot place', async () => {
    const dataDir = configDir({ providers: [{ id: 'openai', base_url: upstream.baseUrl }] });
    const missing = await run((options) => keysTest('openai', options), { dataDir });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no key for openai: missing (run `switchyard keys set openai` or set OPENAI_API_KEY)');
    const unknown = await run((options) => keysTest('nowhere', options), { dataDir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/'nowhere' is neither a provider in the config file .* nor a known preset/);
  });
});
