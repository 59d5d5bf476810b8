// Provider keys in the REAL Secret Service (gnome-keyring on a private D-Bus session): the entry layout a user sees
// in the keychain UI, order and rotation surviving a restart, the `keys` commands, and no fallback without D-Bus.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Entry } from '@napi-rs/keyring';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keysCommand, type KeysSetOptions } from '../../main/cli/keys.js';
import { KeyResolver } from '../../main/secrets/key-resolver.js';
import { KeychainStore } from '../../main/secrets/keychain-store.js';
import type { ProviderSettings } from '../../main/config/load.js';
import { FakeOpenAI } from '../fakes/openai-fake.js';
import { removeTestEntries, requireSecretService, testServiceName } from '../support/secret-service.js';
import { cliPath, scrubbedEnv, startServe, type ServeProcess } from '../support/serve-process.js';

const service = testServiceName();
let store: KeychainStore;

beforeAll(async () => {
  store = await requireSecretService(service);
});

afterAll(async () => {
  if (store) await removeTestEntries(store);
});

/** What another program (or the keychain UI) sees under our service and an account name. */
function rawEntry(account: string): string | null {
  return new Entry(service, account, { linux: { store: 'secret-service' } }).getPassword();
}

const openai: ProviderSettings = {
  id: 'openai',
  type: 'openai-compatible',
  preset: 'openai',
  label: 'OpenAI',
  baseUrl: 'http://127.0.0.1:1/v1',
  locality: 'cloud',
  apiKeyEnv: 'OPENAI_API_KEY',
  headers: {},
  models: [],
};
const keyOne = 'sk-e2e-KeyOne000000000000000001ONE1';
const keyTwo = 'sk-e2e-KeyTwo000000000000000002TWO2';
const keyThree = 'sk-e2e-KeyThree0000000000000003THR3';

describe('KeychainStore on the Secret Service', () => {
  it('stores several keys as readable entries: account openai, openai#2, openai#3', async () => {
    await store.set('openai', [keyOne, keyTwo, keyThree]);
    expect(rawEntry('openai')).toBe(keyOne);
    expect(rawEntry('openai#2')).toBe(keyTwo);
    expect(rawEntry('openai#3')).toBe(keyThree);
    expect(await store.list('openai')).toEqual([keyOne, keyTwo, keyThree]);
  });

  it('keeps the order across a restart of the store (a new process would see the same)', async () => {
    const restarted = new KeychainStore({ service });
    expect(await restarted.list('openai')).toEqual([keyOne, keyTwo, keyThree]);
    expect([...(await restarted.listAll()).keys()]).toEqual(['openai']);
  });

  it('rotates in keychain order, and a restarted resolver reads the same order', async () => {
    const resolver = await KeyResolver.create(new KeychainStore({ service }), {});
    expect(resolver.keySource(openai)).toBe('keychain (3 keys)');
    expect(resolver.keyLookup(openai)).toBe(keyOne);
    expect(resolver.reportFailure('openai', 'auth')?.message).toBe('openai: key #1 …ONE1 rejected (401); now using key #2 …TWO2');
    expect(resolver.keyLookup(openai)).toBe(keyTwo);
    expect(resolver.reportFailure('openai', 'quota')?.message).toBe('openai: key #2 …TWO2 out of quota; now using key #3 …THR3');
    expect(resolver.reportFailure('openai', 'auth')?.rotated).toBe(false);
    expect(resolver.keyLookup(openai)).toBe(keyThree);
    const restarted = await KeyResolver.create(new KeychainStore({ service }), {});
    expect(restarted.describe(openai).keys.map((key) => key.masked)).toEqual(['…ONE1', '…TWO2', '…THR3']);
  });

  it('deletes one key and renumbers the rest, leaving no stale entry', async () => {
    expect(await store.delete('openai', 0)).toBe(1);
    expect(await new KeychainStore({ service }).list('openai')).toEqual([keyTwo, keyThree]);
    expect(rawEntry('openai')).toBe(keyTwo);
    expect(rawEntry('openai#2')).toBe(keyThree);
    expect(rawEntry('openai#3')).toBeNull();
  });

  it('adds a key once, at the end', async () => {
    expect(await store.add('openai', keyThree)).toBe(1);
    expect(await store.add('openai', keyOne)).toBe(2);
    expect(await store.list('openai')).toEqual([keyTwo, keyThree, keyOne]);
  });

  it('keeps providers and services apart, and deletes all of a provider', async () => {
    await store.set('groq', ['gsk_e2eGroqKey00000000000000GROQ']);
    const elsewhere = new KeychainStore({ service: `${service}-other` });
    await elsewhere.set('openai', ['sk-e2e-Elsewhere00000000000000ELSE']);
    try {
      expect(await store.delete('openai')).toBe(3);
      expect(await store.list('openai')).toEqual([]);
      expect(await store.list('groq')).toEqual(['gsk_e2eGroqKey00000000000000GROQ']);
      expect(await elsewhere.list('openai')).toEqual(['sk-e2e-Elsewhere00000000000000ELSE']);
    } finally {
      await removeTestEntries(elsewhere);
      await store.delete('groq');
    }
  });

  it('has no fallback: without a D-Bus session it is unavailable and saving fails (checked in a separate process)', async () => {
    const storeModule = fileURLToPath(new URL('../../dist/main/secrets/keychain-store.js', import.meta.url));
    const script = `
      import { KeychainStore } from ${JSON.stringify(storeModule)};
      const store = new KeychainStore({ service: ${JSON.stringify(service)}, timeoutMs: 5000 });
      const availability = await store.available();
      let saved = 'no';
      try { await store.set('openai', ['sk-e2e-NoFallback0000000000000NOFB']); saved = 'yes'; } catch (error) { saved = 'failed: ' + error.message; }
      console.log(JSON.stringify({ availability, saved }));`;
    const result = await runNode(['--input-type=module', '-e', script], {
      PATH: process.env['PATH'] ?? '',
      DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/switchyard-test-bus',
    });
    const answer = JSON.parse(result.stdout.trim().split('\n').pop() ?? '{}') as { availability: { ok: boolean; reason?: string }; saved: string };
    expect(answer.availability.ok).toBe(false);
    expect(answer.availability.reason).toMatch(/D-Bus/);
    expect(answer.saved).toMatch(/^failed: /);
    expect(await store.list('openai')).toEqual([]); // and nothing reached the real keychain either
  });
});

describe('switchyard keys … on the Secret Service (the main/cli/keys.ts functions, in-process)', () => {
  let upstream: FakeOpenAI;
  let dataDir: string;
  beforeAll(async () => {
    upstream = await FakeOpenAI.start({ apiKey: keyTwo });
    dataDir = mkdtempSync(join(tmpdir(), 'sy-keys-e2e-'));
    writeFileSync(
      join(dataDir, 'config.json'),
      JSON.stringify({
        providers: [
          { id: 'openai', base_url: upstream.baseUrl },
          { id: 'ollama', base_url: 'http://127.0.0.1:9' },
        ],
      }),
    );
  });
  afterAll(async () => {
    await upstream?.close();
    if (store) await store.delete('openai');
  });

  async function keys(words: string[], options: Partial<KeysSetOptions> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const code = await keysCommand(words, {
      env: { SWITCHYARD_KEYCHAIN_SERVICE: service },
      dataDir,
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      ...options,
    });
    return { code, stdout, stderr };
  }

  function stdin(text: string): PassThrough {
    const input = new PassThrough();
    input.end(text);
    return input;
  }

  it('set reads keys from stdin into the keychain; list shows them masked with their source', async () => {
    const set = await keys(['set', 'openai'], { stdin: stdin(`${keyOne}\n${keyTwo}\n`) });
    expect(set).toMatchObject({ code: 0, stderr: '' });
    expect(set.stdout).toContain(`in the OS keychain (Secret Service, service '${service}'); openai now has 2: #1 …ONE1, #2 …TWO2`);
    expect(rawEntry('openai')).toBe(keyOne);
    const list = await keys(['list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/openai\s+2 keys {2}#1 …ONE1 {2}#2 …TWO2 {2}\(keychain \(2 keys\)\)/);
    expect(list.stdout).toMatch(/ollama\s+0 keys {2}\(none needed\)/);
    expect(set.stdout + list.stdout).not.toMatch(/KeyOne0|KeyTwo0/);
  });

  it('set refuses a key in argv and stores nothing', async () => {
    const refused = await keys(['set', 'openai', 'sk-e2e-Argv0000000000000000000ARGV']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).not.toContain('Argv0');
    expect(await store.list('openai')).toEqual([keyOne, keyTwo]);
  });

  it('test makes one call per key and names the error class, never the key', async () => {
    const result = await keys(['test', 'openai']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^openai key #1 …ONE1 \(keychain\): auth \(HTTP 401\)/m);
    expect(result.stdout).toMatch(/^openai key #2 …TWO2 \(keychain\): ok/m);
    expect(result.stdout).not.toMatch(/KeyOne0|KeyTwo0|sk-e2e-K/);
    expect((await keys(['test', 'openai', '2'])).code).toBe(0);
  });

  it('delete removes one key by its number, then all', async () => {
    const one = await keys(['delete', 'openai', '1']);
    expect(one.code).toBe(0);
    expect(one.stdout).toContain('deleted key #1 (…ONE1) of openai; 1 left: #1 …TWO2');
    expect(rawEntry('openai')).toBe(keyTwo);
    expect(rawEntry('openai#2')).toBeNull();
    const all = await keys(['delete', 'openai']);
    expect(all.code).toBe(0);
    expect(await store.list('openai')).toEqual([]);
    expect(readdirSync(dataDir)).toEqual(['config.json']); // nothing written beside the keychain
  });
});

describe('`node dist/cli/switchyard.js keys …` as a process', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'sy-keys-cli-'));
    writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ providers: [{ id: 'openai', base_url: 'http://127.0.0.1:9/v1' }] }));
  });
  afterAll(async () => {
    if (store) await store.delete('openai');
  });

  function cli(args: string[], input?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return runNode([cliPath, ...args, '--data-dir', dataDir], scrubbedEnv({ SWITCHYARD_KEYCHAIN_SERVICE: service }), input);
  }

  it('set reads a piped key, refuses one in argv, and list and delete show it masked', async () => {
    const refused = await cli(['keys', 'set', 'openai', 'sk-e2e-Argv0000000000000000000ARGV']);
    expect(refused.code).toBe(2);
    expect(refused.stdout + refused.stderr).not.toContain('Argv0');
    const set = await cli(['keys', 'set', 'openai'], `${keyOne}\n`);
    expect(set).toMatchObject({ code: 0 });
    expect(rawEntry('openai')).toBe(keyOne);
    const added = await cli(['keys', 'set', 'openai', '--add'], `${keyTwo}\n`);
    expect(added.code).toBe(0);
    const list = await cli(['keys', 'list']);
    expect(list.stdout).toMatch(/openai\s+2 keys {2}#1 …ONE1 {2}#2 …TWO2/);
    const deleted = await cli(['keys', 'delete', 'openai', '2']);
    expect(deleted.code).toBe(0);
    expect(await store.list('openai')).toEqual([keyOne]);
    for (const result of [set, added, list, deleted]) expect(result.stdout + result.stderr).not.toMatch(/KeyOne0|KeyTwo0/);
    expect(set.stdout).toContain('none has run with this data dir yet'); // and no admin token was made for asking
    expect(readdirSync(dataDir)).not.toContain('admin-token');
  });

  it('a running gateway on the same data dir uses a key set or deleted at once, without `switchyard reload`', async () => {
    const upstream = await FakeOpenAI.start({ apiKey: keyThree });
    const liveDir = mkdtempSync(join(tmpdir(), 'sy-keys-live-'));
    const port = await freePort();
    writeFileSync(
      join(liveDir, 'config.json'),
      JSON.stringify({ server: { port }, providers: [{ id: 'openai', base_url: upstream.baseUrl }], ledger: { price_refresh: false } }),
    );
    const serve = await startServe({ dataDir: liveDir, args: ['--port', String(port)], env: { SWITCHYARD_KEYCHAIN_SERVICE: service } });
    const live = (args: string[], input?: string) =>
      runNode([cliPath, ...args, '--data-dir', liveDir], scrubbedEnv({ SWITCHYARD_KEYCHAIN_SERVICE: service }), input);
    const chat = () =>
      fetch(`${serve.baseUrl}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${serve.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
      });
    try {
      await store.delete('openai');
      expect((await chat()).status).toBe(401); // no key yet: the fake refuses
      const set = await live(['keys', 'set', 'openai'], `${keyThree}\n`);
      expect(set.code).toBe(0);
      expect(set.stdout).toContain(`the Switchyard running at http://127.0.0.1:${port} reloaded and uses them now`);
      expect((await chat()).status).toBe(200);
      const deleted = await live(['keys', 'delete', 'openai']);
      expect(deleted.stdout).toContain('reloaded and uses them now');
      expect((await chat()).status).toBe(401);
      await serve.stop();
      const offline = await live(['keys', 'set', 'openai'], `${keyThree}\n`);
      expect(offline.code).toBe(0);
      expect(offline.stdout).toContain(`no Switchyard is running at http://127.0.0.1:${port}; the next start uses them`);
      for (const result of [set, deleted, offline]) expect(result.stdout + result.stderr).not.toContain('KeyThree0');
    } finally {
      await serve.stop('SIGKILL');
      await upstream.close();
      await store.delete('openai');
    }
  });
});

describe('a gateway with two keys for a provider, the first rejected', () => {
  it('chat and embeddings each move to the next key after a 401 and succeed in the same request', async () => {
    const upstream = await FakeOpenAI.start({ apiKey: keyTwo });
    const dataDir = mkdtempSync(join(tmpdir(), 'sy-keys-rotate-'));
    writeFileSync(
      join(dataDir, 'config.json'),
      JSON.stringify({ providers: [{ id: 'openai', base_url: upstream.baseUrl }], ledger: { price_refresh: false } }),
    );
    const post = (serve: ServeProcess, path: string, body: unknown) =>
      fetch(`${serve.baseUrl}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${serve.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const chatBody = { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };
    const embeddingsBody = { model: 'openai/text-embedding-3-small', input: 'hi' };
    const rotatedTrail = (model: string) => `openai/${model}=auth(401) retry with the next key, openai/${model}=ok`;
    try {
      for (const [first, body, model] of [
        ['embeddings', embeddingsBody, 'text-embedding-3-small'],
        ['chat/completions', chatBody, 'gpt-4o-mini'],
      ] as const) {
        await store.set('openai', [keyOne, keyTwo]); // a fresh pair: the first key is the active one again
        const serve = await startServe({ dataDir, env: { SWITCHYARD_KEYCHAIN_SERVICE: service } });
        try {
          const rotated = await post(serve, `/${first}`, body);
          expect(rotated.status).toBe(200);
          expect(rotated.headers.get('x-switchyard-attempts')).toBe(rotatedTrail(model));
          // the other endpoint uses the key now in force at once
          const other = first === 'embeddings' ? await post(serve, '/chat/completions', chatBody) : await post(serve, '/embeddings', embeddingsBody);
          expect(other.status).toBe(200);
          expect(other.headers.get('x-switchyard-attempts')).toMatch(/^openai\/[^=]+=ok$/);
          expect(serve.output()).not.toContain('KeyOne0');
        } finally {
          await serve.stop();
        }
      }
    } finally {
      await upstream.close();
      await store.delete('openai');
    }
  });
});

/** A port free right now, for a gateway whose config must name it (the CLI finds a running gateway by the config). */
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

function runNode(args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.end(input ?? '');
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
