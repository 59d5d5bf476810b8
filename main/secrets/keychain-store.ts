// Provider keys in the OS keychain through @napi-rs/keyring (macOS Keychain, Windows Credential Manager, Linux
// Secret Service — pinned, so a machine without one fails loudly instead of falling back to the kernel keyring,
// which forgets everything at reboot). Every call is bounded by a deadline and turns failures into a reason.
import type * as Keyring from '@napi-rs/keyring';
import { redactSecrets, registerSecret } from '../../shared/redact.js';
import { accountName, groupAccounts, SecretStoreError, type SecretStore, type StoreAvailability } from './secret-store.js';

export const defaultKeychainService = 'switchyard';

export type KeyringModule = typeof Keyring;

export interface KeychainStoreOptions {
  /** the keychain service name; tests use a throwaway one (default `switchyard`) */
  readonly service?: string;
  /** how long one keychain call may take; a locked keychain can sit on a prompt forever (default 20 s) */
  readonly timeoutMs?: number;
  /** only for tests of the failure paths */
  readonly loadModule?: () => Promise<KeyringModule>;
  readonly env?: NodeJS.ProcessEnv;
}

/** SWITCHYARD_KEYCHAIN_SERVICE moves Switchyard to another keychain service (tests; a second profile). */
export function keychainServiceFrom(env: NodeJS.ProcessEnv): string {
  const service = env['SWITCHYARD_KEYCHAIN_SERVICE']?.trim();
  return service ? service : defaultKeychainService;
}

export class KeychainStore implements SecretStore {
  readonly service: string;
  readonly description: string;
  private readonly timeoutMs: number;
  private readonly env: NodeJS.ProcessEnv;
  private readonly loadModule: () => Promise<KeyringModule>;
  private module: Promise<KeyringModule> | undefined;

  constructor(options: KeychainStoreOptions = {}) {
    this.env = options.env ?? process.env;
    this.service = options.service ?? keychainServiceFrom(this.env);
    this.timeoutMs = options.timeoutMs ?? 20_000;
    this.loadModule = options.loadModule ?? (() => import('@napi-rs/keyring'));
    this.description = `the OS keychain (${platformStoreName()}, service '${this.service}')`;
  }

  async available(): Promise<StoreAvailability> {
    try {
      // Constructing an entry with the store pinned is what fails when there is no Secret Service.
      await this.entry(accountName('switchyard-probe', 0));
      await this.findAll();
      return { ok: true };
    } catch (error) {
      return { ok: false, reason: error instanceof SecretStoreError ? error.reason : this.explain(error) };
    }
  }

  async list(providerId: string): Promise<string[]> {
    return (await this.listAll()).get(providerId) ?? [];
  }

  async listAll(): Promise<Map<string, string[]>> {
    const grouped = groupAccounts(await this.findAll());
    for (const keys of grouped.values()) for (const key of keys) registerSecret(key);
    return grouped;
  }

  async set(providerId: string, keys: readonly string[]): Promise<void> {
    for (const key of keys) registerSecret(key);
    const current = await this.accountsOf(providerId);
    const wanted = new Map(keys.map((key, position) => [accountName(providerId, position), key]));
    // Write first, delete after: an interruption leaves a stale extra entry, never a lost key.
    for (const [account, key] of wanted) {
      if (current.get(account) === key) continue;
      const entry = await this.entry(account);
      await this.call(`saving a key for ${providerId}`, (signal) => entry.setPassword(key, signal));
    }
    for (const account of current.keys()) {
      if (wanted.has(account)) continue;
      const entry = await this.entry(account);
      await this.call(`deleting a key of ${providerId}`, (signal) => entry.deleteCredential(signal));
    }
  }

  async add(providerId: string, key: string): Promise<number> {
    registerSecret(key);
    const keys = await this.list(providerId);
    const existing = keys.indexOf(key);
    if (existing >= 0) return existing;
    await this.set(providerId, [...keys, key]);
    return keys.length;
  }

  async delete(providerId: string, index?: number): Promise<number> {
    const keys = await this.list(providerId);
    if (index === undefined) {
      await this.set(providerId, []);
      return keys.length;
    }
    if (!Number.isInteger(index) || index < 0 || index >= keys.length) return 0;
    await this.set(
      providerId,
      keys.filter((_key, position) => position !== index),
    );
    return 1;
  }

  /** The raw entries of one provider, by account name (gaps included), so set() can remove exactly those. */
  private async accountsOf(providerId: string): Promise<Map<string, string>> {
    const accounts = new Map<string, string>();
    for (const { account, password } of await this.findAll()) {
      if (account === providerId || account.startsWith(`${providerId}#`)) accounts.set(account, password);
    }
    return accounts;
  }

  private async findAll(): Promise<Array<{ account: string; password: string }>> {
    const keyring = await this.keyring();
    return this.call('reading the keys', (signal) => keyring.findCredentialsAsync(this.service, null, signal));
  }

  private async entry(account: string): Promise<Keyring.AsyncEntry> {
    const keyring = await this.keyring();
    try {
      return new keyring.AsyncEntry(this.service, account, { linux: { store: 'secret-service' } });
    } catch (error) {
      throw new SecretStoreError(this.explain(error));
    }
  }

  private async keyring(): Promise<KeyringModule> {
    this.module ??= this.loadModule();
    try {
      return await this.module;
    } catch (error) {
      this.module = undefined;
      throw new SecretStoreError(`the keychain module (@napi-rs/keyring) could not be loaded: ${firstLine(error)}`);
    }
  }

  /** Runs one keychain call within the deadline; the native call may keep running in its thread, but we stop waiting. */
  private async call<T>(what: string, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        const seconds = Math.round(this.timeoutMs / 100) / 10;
        reject(new SecretStoreError(`the keychain did not answer within ${seconds} s while ${what} (is it locked, or waiting on a password prompt?)`));
      }, this.timeoutMs);
      timer.unref();
    });
    try {
      return await Promise.race([run(controller.signal), deadline]);
    } catch (error) {
      if (error instanceof SecretStoreError) throw error;
      throw new SecretStoreError(`${this.explain(error)} (while ${what})`);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Turns a platform error into a reason a user can act on. */
  private explain(error: unknown): string {
    const raw = firstLine(error);
    if (/DBUS_SESSION_BUS_ADDRESS|autolaunch|Failed to connect to (?:address|socket)|dbus-launch/i.test(raw)) {
      const address = this.env['DBUS_SESSION_BUS_ADDRESS'];
      return `no D-Bus session bus to reach the Secret Service (${address ? 'DBUS_SESSION_BUS_ADDRESS is set but nothing answers there' : 'DBUS_SESSION_BUS_ADDRESS is not set'}) [${raw}]`;
    }
    if (/org\.freedesktop\.secrets|ServiceUnknown|not provided by any \.service files/i.test(raw)) {
      return `no Secret Service is running (install and start gnome-keyring, KWallet or KeePassXC's Secret Service) [${raw}]`;
    }
    if (/no result found/i.test(raw)) {
      return `the Secret Service has no default keyring to store keys in (create one, e.g. in Seahorse "Passwords and Keys") [${raw}]`;
    }
    if (/locked|prompt|dismissed|cancel/i.test(raw)) return `the keychain is locked or the unlock prompt was dismissed [${raw}]`;
    return `the keychain failed: ${raw}`;
  }
}

function platformStoreName(): string {
  if (process.platform === 'darwin') return 'macOS Keychain';
  if (process.platform === 'win32') return 'Windows Credential Manager';
  return 'Secret Service';
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return redactSecrets(text.split('\n')[0] ?? '').slice(0, 300);
}
