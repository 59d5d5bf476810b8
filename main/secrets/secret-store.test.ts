// The keychain layout (account names), key normalisation and the in-memory store's semantics, which the keychain
// store must match (test/e2e/keychain.test.ts runs the same expectations against the real Secret Service).
import { describe, expect, it } from 'vitest';
import { accountName, groupAccounts, MemorySecretStore, normaliseKey, parseAccount } from './secret-store.js';

describe('keychain layout', () => {
  it('names the first key after the provider and the others provider#N', () => {
    expect([0, 1, 2].map((position) => accountName('openai', position))).toEqual(['openai', 'openai#2', 'openai#3']);
    expect(parseAccount('openai')).toEqual({ providerId: 'openai', position: 0 });
    expect(parseAccount('openai#3')).toEqual({ providerId: 'openai', position: 2 });
    for (const foreign of ['openai#1', 'openai#0', 'openai#x', 'Not-Ours', '#2', 'a#2#3', '']) expect(parseAccount(foreign)).toBeUndefined();
  });

  it('groups entries by provider in key order and closes gaps left by hand edits', () => {
    const grouped = groupAccounts([
      { account: 'openai#3', password: 'third' },
      { account: 'groq', password: 'groq-one' },
      { account: 'openai', password: 'first' },
      { account: 'openai#5', password: 'fifth' },
      { account: 'something-else#1', password: 'ignored' },
      { account: 'anthropic', password: '' },
    ]);
    expect([...grouped]).toEqual([
      ['groq', ['groq-one']],
      ['openai', ['first', 'third', 'fifth']],
    ]);
  });
});

describe('normaliseKey', () => {
  it('trims a pasted newline and refuses what cannot be a key, without quoting it', () => {
    expect(normaliseKey('  sk-abc12345678\r\n')).toEqual({ ok: true, key: 'sk-abc12345678' });
    expect(normaliseKey('')).toMatchObject({ ok: false, problem: 'the key is empty' });
    expect(normaliseKey('short')).toMatchObject({ ok: false });
    expect(normaliseKey('sk-one12345 sk-two12345')).toMatchObject({ ok: false, problem: expect.stringContaining('spaces') });
    expect(normaliseKey('sk-ünïcode12345')).toMatchObject({ ok: false, problem: expect.not.stringContaining('code12') });
  });
});

describe('MemorySecretStore', () => {
  it('sets, adds (once), deletes one key or all, keeping the order', async () => {
    const store = new MemorySecretStore();
    await store.set('openai', ['key-one-1111', 'key-two-2222']);
    expect(await store.add('openai', 'key-three-3333')).toBe(2);
    expect(await store.add('openai', 'key-one-1111')).toBe(0);
    expect(await store.list('openai')).toEqual(['key-one-1111', 'key-two-2222', 'key-three-3333']);
    expect(await store.delete('openai', 1)).toBe(1);
    expect(await store.list('openai')).toEqual(['key-one-1111', 'key-three-3333']);
    expect(await store.delete('openai', 5)).toBe(0);
    expect(await store.delete('openai')).toBe(2);
    expect(await store.listAll()).toEqual(new Map());
  });

  it('fails every call with the reason when unavailable', async () => {
    const store = new MemorySecretStore({}, 'no keychain here');
    expect(await store.available()).toEqual({ ok: false, reason: 'no keychain here' });
    await expect(store.list('openai')).rejects.toThrow('no keychain here');
    await expect(store.set('openai', ['key-one-1111'])).rejects.toThrow('no keychain here');
  });
});
