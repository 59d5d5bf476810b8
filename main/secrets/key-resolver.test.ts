// The key resolver with an in-memory store: precedence (keychain, then environment), rotation on 401/quota,
// stale failures, reloads, masked views and redaction registration.
import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../shared/redact.js';
import type { ProviderSettings } from '../config/load.js';
import { KeyResolver } from './key-resolver.js';
import { MemorySecretStore } from './secret-store.js';

/** `apiKeyEnv: null` for a provider that names no variable (local servers, custom endpoints) */
function provider(id: string, variable: string | null = `${id.toUpperCase()}_API_KEY`): ProviderSettings {
  const apiKeyEnv = variable ?? undefined;
  return {
    id,
    type: 'openai-compatible',
    preset: undefined,
    label: id,
    baseUrl: 'http://127.0.0.1:1/v1',
    locality: 'cloud',
    apiKeyEnv,
    headers: {},
    models: [],
  };
}

const openai = provider('openai');
const first = 'sk-test-First0000000000000001aaaa';
const second = 'sk-test-Second000000000000002bbbb';
const third = 'sk-test-Third00000000000000003cccc';

describe('KeyResolver precedence', () => {
  it('uses the first keychain key over the environment variable, and says where it came from', async () => {
    const resolver = await KeyResolver.create(new MemorySecretStore({ openai: [first, second] }), { OPENAI_API_KEY: 'sk-env-Key000000000000000000dddd' });
    expect(resolver.keyLookup(openai)).toBe(first);
    expect(resolver.keySource(openai)).toBe('keychain (2 keys); OPENAI_API_KEY is set too but not used');
  });

  it('falls back to the environment variable when the keychain has no key for the provider', async () => {
    const resolver = await KeyResolver.create(new MemorySecretStore({ other: [first] }), { OPENAI_API_KEY: 'sk-env-Key000000000000000000dddd' });
    expect(resolver.keyLookup(openai)).toBe('sk-env-Key000000000000000000dddd');
    expect(resolver.keySource(openai)).toBe('env OPENAI_API_KEY');
  });

  it('reads GOOGLE_API_KEY for Gemini as Google SDKs do', async () => {
    const resolver = await KeyResolver.create(new MemorySecretStore(), { GOOGLE_API_KEY: 'AIzaSyTest00000000000000000000' });
    const gemini = provider('gemini', 'GEMINI_API_KEY');
    expect(resolver.keyLookup(gemini)).toBe('AIzaSyTest00000000000000000000');
    expect(resolver.keySource(gemini)).toBe('env GOOGLE_API_KEY');
  });

  it('reports missing keys with how to add one, and local providers as needing none', async () => {
    const resolver = await KeyResolver.create(new MemorySecretStore(), {});
    expect(resolver.keyLookup(openai)).toBeUndefined();
    expect(resolver.keySource(openai)).toBe('missing (run `switchyard keys set openai` or set OPENAI_API_KEY)');
    expect(resolver.keySource(provider('ollama', null))).toBe('none needed');
  });

  it('uses keychain keys even for a provider without api_key_env', async () => {
    const resolver = await KeyResolver.create(new MemorySecretStore({ corp: [first] }), {});
    expect(resolver.keyLookup(provider('corp', null))).toBe(first);
    expect(resolver.keySource(provider('corp', null))).toBe('keychain (1 key)');
  });

  it('says plainly when the keychain is unavailable and uses the environment only', async () => {
    const resolver = await KeyResolver.create(new MemorySecretStore({ openai: [first] }, 'no D-Bus session bus'), {
      OPENAI_API_KEY: 'sk-env-Key000000000000000000dddd',
    });
    expect(resolver.keychain).toEqual({ ok: false, reason: 'no D-Bus session bus' });
    expect(resolver.keyLookup(openai)).toBe('sk-env-Key000000000000000000dddd');
    expect(resolver.startupLine()).toMatch(/^keys: keychain unavailable \(no D-Bus session bus\); provider keys come from environment variables only/);
    expect(resolver.keySource(provider('groq'))).toBe('missing (set GROQ_API_KEY; the keychain is unavailable)');
  });

  it('never reads the store on lookup (the hot path is a map read)', async () => {
    const store = new MemorySecretStore({ openai: [first] });
    const resolver = await KeyResolver.create(store, {});
    await store.set('openai', [second]);
    expect(resolver.keyLookup(openai)).toBe(first);
    await resolver.keysChanged('openai');
    expect(resolver.keyLookup(openai)).toBe(second);
  });
});

describe('KeyResolver rotation', () => {
  it('moves to the next key on 401 and on quota, says so with masked keys, and stops at the last', async () => {
    const resolver = await KeyResolver.create(new MemorySecretStore({ openai: [first, second, third] }), {});
    expect(resolver.reportFailure('openai', 'auth')).toEqual({
      providerId: 'openai',
      rotated: true,
      message: 'openai: key #1 …aaaa rejected (401); now using key #2 …bbbb',
    });
    expect(resolver.keyLookup(openai)).toBe(second);
    expect(resolver.reportFailure('openai', 'quota')?.message).toBe('openai: key #2 …bbbb out of quota; now using key #3 …cccc');
    expect(resolver.keyLookup(openai)).toBe(third);
    const last = resolver.reportFailure('openai', 'auth');
    expect(last).toEqual({
      providerId: 'openai',
      rotated: false,
      message: 'openai: key #3 …cccc rejected (401); it is the last of 3 keys, so it stays in use — add another with `switchyard keys set openai --add`',
    });
    expect(resolver.keyLookup(openai)).toBe(third); // no wrapping back to a refused key
    expect(resolver.reportFailure('openai', 'auth')).toBeUndefined(); // said once, not on every request
    expect(resolver.keySource(openai)).toBe('keychain (3 keys, using #3)');
  });

  it('ignores errors that are not about the key', async () => {
    const resolver = await KeyResolver.create(new MemorySecretStore({ openai: [first, second] }), {});
    for (const errorClass of ['rate_limit', 'server', 'permission', 'bad_request', 'timeout'] as const)
      expect(resolver.reportFailure('openai', errorClass)).toBeUndefined();
    expect(resolver.keyLookup(openai)).toBe(first);
  });

  it('counts the failures of requests that were in flight on the old key once (generation)', async () => {
    const resolver = await KeyResolver.create(new MemorySecretStore({ openai: [first, second, third] }), {});
    const before = resolver.keyGeneration('openai');
    // Ten requests started on key #1; all come back 401.
    const results = Array.from({ length: 10 }, () => resolver.reportFailure('openai', 'auth', before));
    expect(results.filter((result) => result?.rotated)).toHaveLength(1);
    expect(resolver.keyLookup(openai)).toBe(second);
    expect(resolver.keyGeneration('openai')).not.toBe(before);
  });

  it('says when the only (environment) key is rejected', async () => {
    const resolver = await KeyResolver.create(new MemorySecretStore(), { OPENAI_API_KEY: 'sk-env-Key000000000000000000dddd' });
    expect(resolver.keyLookup(openai)).toBeDefined();
    expect(resolver.reportFailure('openai', 'auth')?.message).toBe(
      'openai: key …dddd rejected (401); it is the only key (env OPENAI_API_KEY) — add another with `switchyard keys set openai --add`',
    );
  });

  it('starts again from the first key when the keys change, and stale failures from before do not count', async () => {
    const store = new MemorySecretStore({ openai: [first, second] });
    const resolver = await KeyResolver.create(store, {});
    const generation = resolver.keyGeneration('openai');
    resolver.reportFailure('openai', 'auth', generation);
    await store.set('openai', [third, second]);
    await resolver.keysChanged('openai');
    expect(resolver.keyLookup(openai)).toBe(third);
    expect(resolver.reportFailure('openai', 'auth', generation)).toBeUndefined();
    expect(resolver.describe(openai).lastRotation).toBeUndefined();
  });

  it('keeps its place across a reload when the keys did not change', async () => {
    const store = new MemorySecretStore({ openai: [first, second], groq: [third] });
    const resolver = await KeyResolver.create(store, {});
    resolver.reportFailure('openai', 'auth');
    expect(await resolver.reloadAll()).toEqual({ ok: true });
    expect(resolver.keyLookup(openai)).toBe(second);
  });

  it('keeps the keys it had when a reload cannot read the store', async () => {
    let fail = false;
    const store = new MemorySecretStore({ openai: [first] });
    const flaky = Object.assign(Object.create(store) as MemorySecretStore, {
      listAll: async () => {
        if (fail) throw new Error('the keychain is locked');
        return store.listAll();
      },
    });
    const resolver = await KeyResolver.create(flaky, {});
    fail = true;
    expect(await resolver.reloadAll()).toEqual({ ok: false, reason: 'the keychain is locked' });
    expect(resolver.keyLookup(openai)).toBe(first);
  });
});

describe('KeyResolver views', () => {
  it('shows keys masked to the last four characters, with which one is in use and which failed', async () => {
    const resolver = await KeyResolver.create(new MemorySecretStore({ openai: [first, second] }), {});
    resolver.reportFailure('openai', 'auth');
    const view = resolver.describe(openai);
    expect(view.keys).toEqual([
      { position: 1, masked: '…aaaa', active: false, failed: 'auth' },
      { position: 2, masked: '…bbbb', active: true },
    ]);
    expect(JSON.stringify(view)).not.toContain('First0');
    expect(JSON.stringify(view)).not.toContain('Second');
  });

  it('registers every key it reads for redaction', async () => {
    const keychainKey = 'zQ81mN0pKeychainOnly7733';
    const environmentKey = 'xR42tY9uEnvironmentOnly4411';
    const resolver = await KeyResolver.create(new MemorySecretStore({ corp: [keychainKey] }), { CORP_KEY: environmentKey });
    resolver.keyLookup(provider('other', 'CORP_KEY'));
    const text = redactSecrets(`upstream said ${keychainKey} and ${environmentKey.slice(3, 15)}`);
    expect(text).not.toContain('Keychain');
    expect(text).not.toContain('Environment');
  });

  it('lists the providers whose keys are in the keychain', async () => {
    const resolver = await KeyResolver.create(new MemorySecretStore({ openai: [first], groq: [second] }), {});
    expect(resolver.keychainProviderIds().sort()).toEqual(['groq', 'openai']);
    expect(resolver.startupLine()).toBe('keys: an in-memory store, 2 provider(s) with keys there; environment variables for the rest');
  });
});
