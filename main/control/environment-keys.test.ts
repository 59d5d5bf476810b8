// Environment keys offered for the keychain: which presets and variables, never the value; an import adds the key
// after the ones kept already, once; refusals name the reason. (The real keychain: test/e2e/providers-detect.test.ts.)
import { describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../secrets/secret-store.js';
import { environmentKeys, importEnvironmentKey } from './environment-keys.js';

const openaiKey = 'sk-env-OpenAI-000000000000000000001';
const googleKey = 'AIzaSy-env-Google-00000000000000002';
const groqKey = 'gsk_env_Groq_0000000000000000000003';

describe('environmentKeys', () => {
  it('lists each preset whose variable holds a key, GOOGLE_API_KEY standing in for GEMINI_API_KEY, and nothing of the value', async () => {
    const store = new MemorySecretStore({ openai: [openaiKey], groq: ['gsk_older_key_in_the_keychain_0000'] });
    const env = { OPENAI_API_KEY: openaiKey, GOOGLE_API_KEY: googleKey, GROQ_API_KEY: groqKey, MISTRAL_API_KEY: 'short', PATH: '/bin' };
    const keys = await environmentKeys(env, store);
    expect(keys).toEqual([
      { preset: 'openai', label: 'OpenAI', envVar: 'OPENAI_API_KEY', inKeychain: true },
      { preset: 'groq', label: 'Groq', envVar: 'GROQ_API_KEY', inKeychain: false },
      { preset: 'gemini', label: 'Google Gemini', envVar: 'GOOGLE_API_KEY', inKeychain: false },
    ]);
    const text = JSON.stringify(keys);
    for (const key of [openaiKey, googleKey, groqKey]) expect(text).not.toContain(key.slice(-6));
  });

  it('without a keychain, every key is offered as not in it', async () => {
    expect(await environmentKeys({ OPENAI_API_KEY: openaiKey }, new MemorySecretStore({}, 'no D-Bus session'))).toEqual([
      { preset: 'openai', label: 'OpenAI', envVar: 'OPENAI_API_KEY', inKeychain: false },
    ]);
  });
});

describe('importEnvironmentKey', () => {
  it('adds the key after the ones kept already, and only once', async () => {
    const store = new MemorySecretStore({ groq: ['gsk_older_key_in_the_keychain_0000'] });
    const env = { GROQ_API_KEY: groqKey };
    expect(await importEnvironmentKey(env, store, 'groq')).toEqual({ envVar: 'GROQ_API_KEY', added: true });
    expect(await importEnvironmentKey(env, store, 'groq')).toEqual({ envVar: 'GROQ_API_KEY', added: false });
    expect(await store.list('groq')).toEqual(['gsk_older_key_in_the_keychain_0000', groqKey]);
    expect(await environmentKeys(env, store)).toEqual([{ preset: 'groq', label: 'Groq', envVar: 'GROQ_API_KEY', inKeychain: true }]);
  });

  it('refuses what it cannot do, saying why', async () => {
    const store = new MemorySecretStore();
    await expect(importEnvironmentKey({}, store, 'nope')).rejects.toMatchObject({ code: 'not_found', field: 'preset' });
    await expect(importEnvironmentKey({}, store, 'lmstudio')).rejects.toMatchObject({
      code: 'invalid_request',
      message: 'LM Studio takes no key from the environment',
    });
    await expect(importEnvironmentKey({}, store, 'openai')).rejects.toMatchObject({
      code: 'not_found',
      message: 'OPENAI_API_KEY holds no key in the environment of this Switchyard',
    });
    await expect(importEnvironmentKey({ OPENAI_API_KEY: openaiKey }, new MemorySecretStore({}, 'no D-Bus session'), 'openai')).rejects.toMatchObject({
      status: 503,
      code: 'keychain_unavailable',
    });
    expect(await store.listAll()).toEqual(new Map());
  });
});
