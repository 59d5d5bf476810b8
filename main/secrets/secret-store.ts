// Where provider keys are kept: the SecretStore interface, the keychain layout (one entry per key, accounts
// `openai`, `openai#2`, … under one service) and an in-memory store for tests. The keychain one is keychain-store.ts.

export type StoreAvailability = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/**
 * Several keys per provider, in the order they are tried. Positions are 0-based here; the CLI shows them 1-based.
 * Every call may be slow and may fail (a locked keychain, no D-Bus): callers read at start-up and cache.
 */
export interface SecretStore {
  /** for messages, e.g. "the OS keychain (service 'switchyard')" */
  readonly description: string;
  available(): Promise<StoreAvailability>;
  /** the provider's keys in order; [] when it has none */
  list(providerId: string): Promise<string[]>;
  /** every provider's keys, in one call (start-up and `keys list`) */
  listAll(): Promise<Map<string, string[]>>;
  /** replaces the provider's keys */
  set(providerId: string, keys: readonly string[]): Promise<void>;
  /** appends a key unless it is already there; resolves with its position */
  add(providerId: string, key: string): Promise<number>;
  /** removes the key at `index`, or every key of the provider; resolves with how many were removed */
  delete(providerId: string, index?: number): Promise<number>;
}

/** A store call failed; `reason` says why in words a user can act on (never a key). */
export class SecretStoreError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'SecretStoreError';
  }
}

const providerIdPattern = /^[a-z0-9][a-z0-9_.-]{0,63}$/;

export function isValidProviderId(providerId: string): boolean {
  return providerIdPattern.test(providerId);
}

/**
 * The keychain account of a provider's key at `position`: the first key is the provider id itself (what the design
 * names, and what a user looking in Keychain Access or Seahorse expects), later ones `openai#2`, `openai#3`.
 * Provider ids never contain `#`, so the two cannot collide.
 */
export function accountName(providerId: string, position: number): string {
  return position === 0 ? providerId : `${providerId}#${position + 1}`;
}

/** The inverse of accountName; undefined for accounts that are not ours. */
export function parseAccount(account: string): { providerId: string; position: number } | undefined {
  const match = /^([^#]+)(?:#([1-9][0-9]{0,3}))?$/.exec(account);
  if (!match?.[1] || !isValidProviderId(match[1])) return undefined;
  const number = match[2] === undefined ? 1 : Number(match[2]);
  if (number < 2 && match[2] !== undefined) return undefined; // `openai#1` is not a name we write
  return { providerId: match[1], position: number - 1 };
}

/** Groups keychain entries (account → key) into providers' ordered key lists; gaps left by hand edits close up. */
export function groupAccounts(entries: Iterable<{ readonly account: string; readonly password: string }>): Map<string, string[]> {
  const byProvider = new Map<string, Array<{ position: number; key: string }>>();
  for (const { account, password } of entries) {
    const parsed = parseAccount(account);
    if (!parsed || password.length === 0) continue;
    const list = byProvider.get(parsed.providerId) ?? [];
    list.push({ position: parsed.position, key: password });
    byProvider.set(parsed.providerId, list);
  }
  const grouped = new Map<string, string[]>();
  for (const [providerId, list] of [...byProvider].sort(([left], [right]) => left.localeCompare(right))) {
    grouped.set(
      providerId,
      list.sort((left, right) => left.position - right.position).map((entry) => entry.key),
    );
  }
  return grouped;
}

/**
 * Checks a key as typed or piped: surrounding whitespace is dropped (a pasted newline), anything else that is not
 * a printable ASCII character is refused. The message never contains the key.
 */
export function normaliseKey(raw: string): { ok: true; key: string } | { ok: false; problem: string } {
  const key = raw.trim();
  if (key.length === 0) return { ok: false, problem: 'the key is empty' };
  if (key.length < 8) return { ok: false, problem: `the key is only ${key.length} characters long; provider keys are longer` };
  if (key.length > 4096) return { ok: false, problem: 'the key is longer than 4096 characters' };
  if (/\s/.test(key)) return { ok: false, problem: 'the key contains spaces or line breaks (one key per line)' };
  if (!/^[\x21-\x7e]+$/.test(key)) return { ok: false, problem: 'the key contains characters that are not printable ASCII' };
  return { ok: true, key };
}

/** Keys in process memory only: for unit tests, and for showing what the CLI would do without touching a keychain. */
export class MemorySecretStore implements SecretStore {
  readonly description = 'an in-memory store';
  private readonly keys = new Map<string, string[]>();

  /** `unavailable` makes every call fail with that reason, as a machine without a keychain would. */
  constructor(
    initial: Readonly<Record<string, readonly string[]>> = {},
    private readonly unavailable?: string,
  ) {
    for (const [providerId, keys] of Object.entries(initial)) if (keys.length > 0) this.keys.set(providerId, [...keys]);
  }

  async available(): Promise<StoreAvailability> {
    return this.unavailable === undefined ? { ok: true } : { ok: false, reason: this.unavailable };
  }

  async list(providerId: string): Promise<string[]> {
    this.check();
    return [...(this.keys.get(providerId) ?? [])];
  }

  async listAll(): Promise<Map<string, string[]>> {
    this.check();
    return new Map([...this.keys].map(([providerId, keys]) => [providerId, [...keys]]));
  }

  async set(providerId: string, keys: readonly string[]): Promise<void> {
    this.check();
    if (keys.length === 0) this.keys.delete(providerId);
    else this.keys.set(providerId, [...keys]);
  }

  async add(providerId: string, key: string): Promise<number> {
    this.check();
    const keys = this.keys.get(providerId) ?? [];
    const existing = keys.indexOf(key);
    if (existing >= 0) return existing;
    keys.push(key);
    this.keys.set(providerId, keys);
    return keys.length - 1;
  }

  async delete(providerId: string, index?: number): Promise<number> {
    this.check();
    const keys = this.keys.get(providerId) ?? [];
    if (index === undefined) {
      this.keys.delete(providerId);
      return keys.length;
    }
    if (index < 0 || index >= keys.length) return 0;
    keys.splice(index, 1);
    if (keys.length === 0) this.keys.delete(providerId);
    return 1;
  }

  private check(): void {
    if (this.unavailable !== undefined) throw new SecretStoreError(this.unavailable);
  }
}
