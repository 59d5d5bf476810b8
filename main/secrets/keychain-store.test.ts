// KeychainStore against a stand-in for @napi-rs/keyring: the entry layout it writes, the store pinned to the
// Secret Service, and failures (module missing, no D-Bus, a hung keychain) turned into reasons. The real Secret
// Service is exercised by test/e2e/keychain.test.ts.
import { describe, expect, it } from 'vitest';
import { KeychainStore, keychainServiceFrom, type KeyringModule } from './keychain-store.js';

interface FakeKeychain {
  readonly module: KeyringModule;
  readonly entries: Map<string, string>;
  readonly options: unknown[];
  readonly writes: string[];
}

function fakeKeychain(behaviour: { constructError?: string; hang?: boolean; findError?: string } = {}): FakeKeychain {
  const entries = new Map<string, string>(); // `${service}\u0000${account}` → password
  const options: unknown[] = [];
  const writes: string[] = [];
  const settle = <T>(value: () => T): Promise<T> => (behaviour.hang ? new Promise<T>(() => undefined) : Promise.resolve().then(value));
  class AsyncEntry {
    constructor(
      private readonly service: string,
      private readonly account: string,
      entryOptions?: unknown,
    ) {
      if (behaviour.constructError) throw new Error(behaviour.constructError);
      options.push(entryOptions);
    }
    setPassword(password: string): Promise<void> {
      return settle(() => {
        writes.push(`set ${this.account}`);
        entries.set(`${this.service}\u0000${this.account}`, password);
      });
    }
    getPassword(): Promise<string | null> {
      return settle(() => entries.get(`${this.service}\u0000${this.account}`) ?? null);
    }
    deleteCredential(): Promise<boolean> {
      return settle(() => {
        writes.push(`delete ${this.account}`);
        return entries.delete(`${this.service}\u0000${this.account}`);
      });
    }
  }
  const findCredentialsAsync = (service: string): Promise<Array<{ account: string; password: string }>> =>
    settle(() => {
      if (behaviour.findError) throw new Error(behaviour.findError);
      return [...entries]
        .filter(([name]) => name.startsWith(`${service}\u0000`))
        .map(([name, password]) => ({ account: name.slice(service.length + 1), password }));
    });
  const module = { AsyncEntry, findCredentialsAsync } as unknown as KeyringModule;
  return { module, entries, options, writes };
}

describe('KeychainStore layout', () => {
  it('keeps one entry per key under the service, accounts openai, openai#2, …, pinned to the Secret Service', async () => {
    const keychain = fakeKeychain();
    const store = new KeychainStore({ service: 'switchyard-unit', loadModule: async () => keychain.module, env: {} });
    await store.set('openai', ['key-one-1111', 'key-two-2222', 'key-three-3333']);
    expect([...keychain.entries.keys()].sort()).toEqual(['switchyard-unit\u0000openai', 'switchyard-unit\u0000openai#2', 'switchyard-unit\u0000openai#3']);
    expect(keychain.options.every((entryOptions) => JSON.stringify(entryOptions) === JSON.stringify({ linux: { store: 'secret-service' } }))).toBe(true);
    expect(await store.list('openai')).toEqual(['key-one-1111', 'key-two-2222', 'key-three-3333']);
  });

  it('renumbers on delete and removes stale entries only after writing the new ones', async () => {
    const keychain = fakeKeychain();
    const store = new KeychainStore({ service: 'switchyard-unit', loadModule: async () => keychain.module, env: {} });
    await store.set('openai', ['key-one-1111', 'key-two-2222', 'key-three-3333']);
    keychain.writes.length = 0;
    expect(await store.delete('openai', 0)).toBe(1);
    expect(await store.list('openai')).toEqual(['key-two-2222', 'key-three-3333']);
    expect(keychain.writes).toEqual(['set openai', 'set openai#2', 'delete openai#3']);
    expect(await store.add('openai', 'key-two-2222')).toBe(0);
    expect(await store.add('openai', 'key-four-4444')).toBe(2);
    expect(await store.delete('openai')).toBe(3);
    expect(keychain.entries.size).toBe(0);
  });

  it('leaves other providers and other services alone', async () => {
    const keychain = fakeKeychain();
    const mine = new KeychainStore({ service: 'switchyard-unit', loadModule: async () => keychain.module, env: {} });
    const other = new KeychainStore({ service: 'switchyard-other', loadModule: async () => keychain.module, env: {} });
    await mine.set('openai', ['key-one-1111']);
    await mine.set('openai.eu', ['key-eu-1111']);
    await other.set('openai', ['key-other-1111']);
    await mine.delete('openai');
    expect(await mine.listAll()).toEqual(new Map([['openai.eu', ['key-eu-1111']]]));
    expect(await other.list('openai')).toEqual(['key-other-1111']);
  });

  it('takes its service name from SWITCHYARD_KEYCHAIN_SERVICE, default switchyard', () => {
    expect(keychainServiceFrom({})).toBe('switchyard');
    expect(keychainServiceFrom({ SWITCHYARD_KEYCHAIN_SERVICE: 'switchyard-test-1' })).toBe('switchyard-test-1');
  });
});

describe('KeychainStore failures', () => {
  it('reports a module that cannot load', async () => {
    const store = new KeychainStore({ loadModule: async () => Promise.reject(new Error('Cannot find native binding')), env: {} });
    expect(await store.available()).toEqual({ ok: false, reason: 'the keychain module (@napi-rs/keyring) could not be loaded: Cannot find native binding' });
  });

  it('explains a missing D-Bus session instead of falling back', async () => {
    const keychain = fakeKeychain({
      constructError:
        'Platform failure: DBus error: Using X11 for dbus-daemon autolaunch was disabled at compile time, set your DBUS_SESSION_BUS_ADDRESS instead',
    });
    const store = new KeychainStore({ loadModule: async () => keychain.module, env: {} });
    const availability = await store.available();
    expect(availability.ok).toBe(false);
    expect(availability.ok ? '' : availability.reason).toMatch(/^no D-Bus session bus to reach the Secret Service \(DBUS_SESSION_BUS_ADDRESS is not set\)/);
    await expect(store.set('openai', ['key-one-1111'])).rejects.toThrow(/no D-Bus session bus/);
    const deadSocket = fakeKeychain({
      constructError: 'Platform failure: DBus error: Failed to connect to socket /run/user/1000/bus: No such file or directory',
    });
    const pointed = new KeychainStore({ loadModule: async () => deadSocket.module, env: { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/user/1000/bus' } });
    const reason = await pointed.available();
    expect(reason.ok ? '' : reason.reason).toMatch(
      /^no D-Bus session bus to reach the Secret Service \(DBUS_SESSION_BUS_ADDRESS is set but nothing answers there\)/,
    );
  });

  it('explains a Secret Service without a keyring to store into', async () => {
    const keychain = fakeKeychain({ findError: "Couldn't access platform storage: Secret Service: no result found" });
    const store = new KeychainStore({ loadModule: async () => keychain.module, env: {} });
    const availability = await store.available();
    expect(availability.ok ? '' : availability.reason).toMatch(/no default keyring/);
  });

  it('gives up on a keychain that does not answer (a locked one waiting on a prompt)', async () => {
    const keychain = fakeKeychain({ hang: true });
    const store = new KeychainStore({ loadModule: async () => keychain.module, timeoutMs: 50, env: {} });
    const started = performance.now();
    const availability = await store.available();
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(availability).toEqual({
      ok: false,
      reason: 'the keychain did not answer within 0.1 s while reading the keys (is it locked, or waiting on a password prompt?)',
    });
  });
});
