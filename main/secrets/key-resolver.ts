// Which key each provider's requests carry: keychain keys first (read once, at start-up or when they change), then
// the provider's environment variable, then a file the environment names (key-file.ts: `<VARIABLE>_FILE`, systemd's
// $CREDENTIALS_DIRECTORY; read once, and again at a reload). Lookups are synchronous map reads, so neither the
// keychain nor a file is on the hot path.
// On a 401 or a quota error the next key of that provider takes over (no wrapping: the last one stays), and it says so.
import { maskSecret, registerSecret } from '../../shared/redact.js';
import type { ProviderSettings } from '../config/load.js';
import { readKeyFile, type FileKey } from './key-file.js';
import { SecretStoreError, type SecretStore, type StoreAvailability } from './secret-store.js';
import type { ProviderErrorClass } from '../config/types.js';
import type { KeyLookup } from './key-lookup.js';

export type KeyOrigin = 'keychain' | 'env' | 'missing' | 'not-needed';

export interface MaskedKey {
  /** 1-based, as `switchyard keys list` shows it */
  readonly position: number;
  /** `…abcd`: never more of the key than this */
  readonly masked: string;
  readonly active: boolean;
  /** why this key was given up on since it was loaded */
  readonly failed?: 'auth' | 'quota';
}

export interface ProviderKeyView {
  readonly providerId: string;
  readonly origin: KeyOrigin;
  /** `keychain (2 keys)`, `env OPENAI_API_KEY`, `missing (…)`, `none needed` */
  readonly source: string;
  readonly keys: readonly MaskedKey[];
  /** the last rotation message, if any */
  readonly lastRotation: string | undefined;
}

export interface KeyRotation {
  readonly providerId: string;
  /** true: a next key is in use now; false: the failing key was the last, and it stays in use */
  readonly rotated: boolean;
  /** for the log and status, e.g. "openai: key #1 …abcd rejected (401); now using key #2 …wxyz" */
  readonly message: string;
}

interface RotationState {
  active: number;
  /** bumped whenever the key in use changes; a failure reported against an older one is stale */
  generation: number;
  readonly failed: Map<number, 'auth' | 'quota'>;
  /** the key position whose "no more keys" line was already given, so the log says it once */
  exhaustedAt: number | undefined;
  lastMessage: string | undefined;
}

interface EnvironmentKey {
  readonly variable: string;
  readonly key: string;
  /** set when the key came from a file: `file /run/secrets/openai (OPENAI_API_KEY_FILE)` */
  readonly source?: string;
}

export class KeyResolver {
  private keychainKeys = new Map<string, readonly string[]>();
  private keychainState: StoreAvailability = { ok: false, reason: 'not read yet' };
  private readonly rotation = new Map<string, RotationState>();
  /** the environment key each provider used last, so a failure can be described without its settings */
  private readonly environmentKeys = new Map<string, EnvironmentKey>();
  /** key files by variable, read at the first lookup after a (re)load; undefined: the environment names none */
  private readonly fileKeys = new Map<string, FileKey | undefined>();
  private generations = 0;

  constructor(
    private readonly store: SecretStore,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  /** A resolver with the keychain already read: what boot awaits before the gateway starts. */
  static async create(store: SecretStore, env: NodeJS.ProcessEnv): Promise<KeyResolver> {
    const resolver = new KeyResolver(store, env);
    await resolver.reloadAll();
    return resolver;
  }

  /**
   * Reads every provider's keys from the store in one call. When the store fails, the keys read before stay in
   * use (a reload must not drop working keys) and `keychain` says why; nothing falls back to a file.
   */
  async reloadAll(): Promise<StoreAvailability> {
    this.fileKeys.clear();
    try {
      const all = await this.store.listAll();
      for (const keys of all.values()) for (const key of keys) registerSecret(key);
      // A provider whose keys did not change keeps its place in the rotation; the others start again.
      for (const providerId of new Set([...this.keychainKeys.keys(), ...all.keys()])) {
        if (!sameKeys(this.keychainKeys.get(providerId), all.get(providerId))) this.restart(providerId);
      }
      this.keychainKeys = all;
      this.keychainState = { ok: true };
    } catch (error) {
      this.keychainState = { ok: false, reason: reasonOf(error) };
    }
    return this.keychainState;
  }

  /** Re-reads one provider's keys (after `keys set`/`delete`) and starts again from its first key. */
  async keysChanged(providerId: string): Promise<void> {
    const keys = await this.store.list(providerId);
    for (const key of keys) registerSecret(key);
    const next = new Map(this.keychainKeys);
    if (keys.length > 0) next.set(providerId, keys);
    else next.delete(providerId);
    this.keychainKeys = next;
    this.restart(providerId);
    this.keychainState = { ok: true };
  }

  /** Whether the keychain could be read at the last (re)load, and why not. */
  get keychain(): StoreAvailability {
    return this.keychainState;
  }

  /** Providers that have keys in the keychain (so a preset with no config entry can still be offered). */
  keychainProviderIds(): string[] {
    return [...this.keychainKeys.keys()];
  }

  /** The gateway's KeyLookup: synchronous, a map read, called for every upstream request. */
  readonly keyLookup: KeyLookup = (provider) => {
    const keys = this.keychainKeys.get(provider.id);
    if (keys && keys.length > 0) return keys[this.activeIndex(provider.id, keys.length)];
    const fromEnvironment = this.environmentKey(provider);
    if (fromEnvironment) this.environmentKeys.set(provider.id, fromEnvironment);
    return fromEnvironment?.key;
  };

  /** Where the provider's key comes from, for the start-up banner and status. Never the key. */
  keySource(provider: ProviderSettings): string {
    return this.describe(provider).source;
  }

  describe(provider: ProviderSettings): ProviderKeyView {
    const state = this.rotation.get(provider.id);
    const lastRotation = state?.lastMessage;
    const keychainKeys = this.keychainKeys.get(provider.id) ?? [];
    if (keychainKeys.length > 0) {
      const active = this.activeIndex(provider.id, keychainKeys.length);
      const count = `${keychainKeys.length} ${keychainKeys.length === 1 ? 'key' : 'keys'}`;
      const using = active > 0 ? `, using #${active + 1}` : '';
      const shadowed = this.environmentKey(provider) ? `; ${provider.apiKeyEnv ?? 'its variable'} is set too but not used` : '';
      return {
        providerId: provider.id,
        origin: 'keychain',
        source: `keychain (${count}${using})${shadowed}`,
        keys: this.masked(provider.id, keychainKeys, active),
        lastRotation,
      };
    }
    const fromEnvironment = this.environmentKey(provider);
    if (fromEnvironment) {
      return {
        providerId: provider.id,
        origin: 'env',
        source: fromEnvironment.source ?? `env ${fromEnvironment.variable}`,
        keys: this.masked(provider.id, [fromEnvironment.key], 0),
        lastRotation,
      };
    }
    if (!provider.apiKeyEnv) return { providerId: provider.id, origin: 'not-needed', source: 'none needed', keys: [], lastRotation };
    const keychainHint = this.keychainState.ok ? `run \`switchyard keys set ${provider.id}\` or ` : '';
    const unavailable = this.keychainState.ok ? '' : '; the keychain is unavailable';
    const problem = this.fileKey(provider.apiKeyEnv)?.problem;
    const file = problem ? `; ${problem}` : '';
    return {
      providerId: provider.id,
      origin: 'missing',
      source: `missing (${keychainHint}set ${provider.apiKeyEnv}${unavailable}${file})`,
      keys: [],
      lastRotation,
    };
  }

  /** One start-up line on where keys come from, said plainly when the keychain cannot be used. */
  startupLine(): string {
    if (this.keychainState.ok) {
      const count = this.keychainKeys.size;
      return `keys: ${this.store.description}, ${count} provider(s) with keys there; environment variables for the rest`;
    }
    return `keys: keychain unavailable (${this.keychainState.reason}); provider keys come from environment variables only — nothing is stored elsewhere`;
  }

  /** An opaque number that changes whenever the provider's key in use changes; pass it back to reportFailure. */
  keyGeneration(providerId: string): number {
    return this.rotation.get(providerId)?.generation ?? 0;
  }

  /**
   * Tells the resolver a request to `providerId` failed. On 'auth' (401) or 'quota' the next key takes over; the
   * last key stays in use (no wrapping round to keys already refused). Returns a line for the log and status when
   * something changed or needs saying, undefined otherwise. `generation` (from keyGeneration before the attempt)
   * makes the many requests that were in flight on the old key count once, not skip the good keys after it.
   */
  reportFailure(providerId: string, errorClass: ProviderErrorClass, generation?: number): KeyRotation | undefined {
    if (errorClass !== 'auth' && errorClass !== 'quota') return undefined;
    const keychainKeys = this.keychainKeys.get(providerId) ?? [];
    const environmentKey = this.environmentKeys.get(providerId);
    const keys = keychainKeys.length > 0 ? keychainKeys : environmentKey ? [environmentKey.key] : [];
    if (keys.length === 0) return undefined;
    const state = this.state(providerId);
    if (generation !== undefined && generation !== state.generation) return undefined;
    const current = Math.min(state.active, keys.length - 1);
    const failing = keys[current] ?? '';
    const why = errorClass === 'auth' ? 'rejected (401)' : 'out of quota';
    const label = keys.length > 1 ? `key #${current + 1} ${maskSecret(failing)}` : `key ${maskSecret(failing)}`;
    state.failed.set(current, errorClass);
    const next = keys[current + 1];
    if (next !== undefined) {
      state.active = current + 1;
      this.generations += 1;
      state.generation = this.generations;
      state.lastMessage = `${providerId}: ${label} ${why}; now using key #${current + 2} ${maskSecret(next)}`;
      return { providerId, rotated: true, message: state.lastMessage };
    }
    if (state.exhaustedAt === current) return undefined;
    state.exhaustedAt = current;
    const where = keychainKeys.length > 0 ? 'the keychain' : `env ${environmentKey?.variable ?? ''}`;
    const which = keys.length > 1 ? `it is the last of ${keys.length} keys, so it stays in use` : `it is the only key (${where})`;
    state.lastMessage = `${providerId}: ${label} ${why}; ${which} — add another with \`switchyard keys set ${providerId} --add\``;
    return { providerId, rotated: false, message: state.lastMessage };
  }

  /** Back to the first key; failures reported for requests that started before this are stale. */
  private restart(providerId: string): void {
    const state = this.state(providerId);
    state.active = 0;
    state.failed.clear();
    state.exhaustedAt = undefined;
    state.lastMessage = undefined;
    this.generations += 1;
    state.generation = this.generations;
  }

  private activeIndex(providerId: string, count: number): number {
    return Math.min(this.rotation.get(providerId)?.active ?? 0, count - 1);
  }

  private state(providerId: string): RotationState {
    let state = this.rotation.get(providerId);
    if (!state) {
      state = { active: 0, generation: 0, failed: new Map(), exhaustedAt: undefined, lastMessage: undefined };
      this.rotation.set(providerId, state);
    }
    return state;
  }

  private masked(providerId: string, keys: readonly string[], active: number): MaskedKey[] {
    const failed = this.rotation.get(providerId)?.failed;
    return keys.map((key, index) => {
      const failure = failed?.get(index);
      return { position: index + 1, masked: maskSecret(key), active: index === active, ...(failure ? { failed: failure } : {}) };
    });
  }

  private environmentKey(provider: ProviderSettings): EnvironmentKey | undefined {
    if (!provider.apiKeyEnv) return undefined;
    const own = this.env[provider.apiKeyEnv]?.trim();
    if (own) {
      registerSecret(own);
      return { variable: provider.apiKeyEnv, key: own };
    }
    // Google's own SDKs read GOOGLE_API_KEY as well as GEMINI_API_KEY.
    const google = provider.apiKeyEnv === 'GEMINI_API_KEY' ? this.env['GOOGLE_API_KEY']?.trim() : undefined;
    if (google) {
      registerSecret(google);
      return { variable: 'GOOGLE_API_KEY', key: google };
    }
    const file = this.fileKey(provider.apiKeyEnv);
    if (file?.key !== undefined) return { variable: provider.apiKeyEnv, key: file.key, source: `file ${file.path} (${file.via})` };
    return undefined;
  }

  private fileKey(variable: string): FileKey | undefined {
    if (this.fileKeys.has(variable)) return this.fileKeys.get(variable);
    const file = readKeyFile(variable, this.env);
    if (file?.key !== undefined) registerSecret(file.key);
    this.fileKeys.set(variable, file);
    return file;
  }
}

function sameKeys(before: readonly string[] | undefined, after: readonly string[] | undefined): boolean {
  if (before === undefined || after === undefined) return before === after;
  return before.length === after.length && before.every((key, index) => key === after[index]);
}

function reasonOf(error: unknown): string {
  if (error instanceof SecretStoreError) return error.reason;
  return error instanceof Error ? error.message : String(error);
}
