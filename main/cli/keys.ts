// `switchyard keys set|list|delete|test`: provider keys in the OS keychain. Keys are read from a hidden prompt or
// stdin, never argv; shown masked (…abcd) at most; and when there is no keychain nothing is written anywhere else.
import { maskSecret, registerSecret } from '../../shared/redact.js';
import { findConfigPath, loadConfig, resolveConfig, type ProviderSettings } from '../config/load.js';
import { isPresetId, presetIds } from '../config/presets.js';
import { checkKey } from '../gateway/providers/key-check.js';
import { readKeys, type KeyInput, type TextOutput } from '../secrets/key-input.js';
import { KeyResolver } from '../secrets/key-resolver.js';
import { KeychainStore } from '../secrets/keychain-store.js';
import { isValidProviderId, SecretStoreError, type SecretStore } from '../secrets/secret-store.js';
import { keysUsage } from './usage-text.js';

export interface KeysCommandOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly dataDir: string;
  readonly configFlag?: string | undefined;
  /** default: the OS keychain (service `switchyard`, or SWITCHYARD_KEYCHAIN_SERVICE) */
  readonly store?: SecretStore;
  readonly stdout?: TextOutput;
  readonly stderr?: TextOutput;
  /** after a change: makes a running gateway re-read its keys and says what happened (main.ts: reloadRunningGateway) */
  readonly reloadRunning?: () => Promise<string>;
}

export interface KeysSetOptions extends KeysCommandOptions {
  /** append to the provider's keys instead of replacing them */
  readonly add?: boolean;
  /** command-line words after the provider id: a key typed there is refused */
  readonly extraArguments?: readonly string[];
  readonly stdin?: KeyInput;
}

export interface KeysTestOptions extends KeysCommandOptions {
  /** 1-based; default every key */
  readonly position?: number;
  readonly timeoutMs?: number;
}

async function reloadLine(options: KeysCommandOptions): Promise<string> {
  return options.reloadRunning ? options.reloadRunning() : 'a running Switchyard uses the change after `switchyard reload` (or a restart)';
}

/** `switchyard keys …` with the words after `keys`; resolves with the exit code. */
export async function keysCommand(words: readonly string[], options: KeysSetOptions): Promise<number> {
  const [subcommand, providerId, ...rest] = words;
  const stderr = options.stderr ?? process.stderr;
  switch (subcommand) {
    case 'set':
      if (providerId === undefined) return fail(stderr, `keys set needs a provider id, e.g. \`switchyard keys set openai\``, 2);
      return keysSet(providerId, { ...options, extraArguments: rest });
    case 'list':
      return keysList(options);
    case 'delete':
    case 'test': {
      if (providerId === undefined) return fail(stderr, `keys ${subcommand} needs a provider id`, 2);
      if (rest.length > 1) return fail(stderr, `keys ${subcommand} takes a provider id and at most one key number`, 2);
      const position = rest[0] === undefined ? undefined : parsePosition(rest[0]);
      if (position === null) return fail(stderr, `the key number must be 1 or more, as \`switchyard keys list\` shows it`, 2);
      return subcommand === 'delete' ? keysDelete(providerId, position, options) : keysTest(providerId, { ...options, position });
    }
    default:
      return fail(stderr, `keys takes set, list, delete or test\n\n${keysUsage}`, 2);
  }
}

export async function keysSet(providerId: string, options: KeysSetOptions): Promise<number> {
  const { stdout, stderr } = streams(options);
  const extra = options.extraArguments ?? [];
  if (extra.length > 0) {
    for (const word of extra) registerSecret(word);
    return fail(
      stderr,
      `refusing to take a key from the command line: it would stay in your shell history and be visible to every user in the process list. ` +
        `Run \`switchyard keys set ${safeId(providerId)}\` and paste the key at the hidden prompt, or pipe it in: \`printenv MY_KEY | switchyard keys set ${safeId(providerId)}\`. ` +
        `If that was a real key, consider it exposed and rotate it at the provider.`,
      2,
    );
  }
  if (!isValidProviderId(providerId)) return fail(stderr, invalidIdMessage(), 2);
  const known = describeProvider(providerId, options);
  if (known.warning) stderr.write(`switchyard: warning: ${known.warning}\n`);
  const store = options.store ?? new KeychainStore({ env: options.env });
  const availability = await store.available();
  if (!availability.ok) return fail(stderr, noKeychainMessage(providerId, availability.reason, known.settings), 1);
  const input = await readKeys(options.stdin ?? process.stdin, stderr, `${known.label} API key`);
  if (!input.ok) return fail(stderr, input.cancelled ? 'cancelled; nothing was saved' : `${input.problem}; nothing was saved`, input.cancelled ? 130 : 1);
  try {
    if (options.add) for (const key of input.keys) await store.add(providerId, key);
    else await store.set(providerId, input.keys);
    const stored = await store.list(providerId);
    const missing = input.keys.filter((key) => !stored.includes(key));
    if (missing.length > 0) return fail(stderr, `the keychain did not keep ${missing.length} of the keys; nothing else was written`, 1);
    const masked = stored.map((key, index) => `#${index + 1} ${maskSecret(key)}`).join(', ');
    stdout.write(`saved ${input.keys.length} key(s) for ${providerId} in ${store.description}; ${providerId} now has ${stored.length}: ${masked}\n`);
    stdout.write(`${await reloadLine(options)}\n`);
    if (known.settings?.apiKeyEnv && options.env[known.settings.apiKeyEnv]) {
      stdout.write(`note: ${known.settings.apiKeyEnv} is set in this environment too; the keychain keys take precedence\n`);
    }
    return 0;
  } catch (error) {
    return fail(stderr, `could not save the key: ${reasonOf(error)}; nothing was written anywhere else`, 1);
  }
}

export async function keysList(options: KeysCommandOptions): Promise<number> {
  const { stdout, stderr } = streams(options);
  const store = options.store ?? new KeychainStore({ env: options.env });
  const resolver = await KeyResolver.create(store, options.env);
  const configured = loadProviders(options);
  if (configured.problem) stderr.write(`switchyard: warning: ${configured.problem}\n`);
  const providers = [...configured.providers];
  for (const providerId of resolver.keychainProviderIds()) {
    if (!providers.some((provider) => provider.id === providerId)) providers.push(settingsFor(providerId, options.env) ?? bareSettings(providerId));
  }
  stdout.write(
    resolver.keychain.ok
      ? `keys in ${store.description} and the environment:\n`
      : `keychain unavailable (${resolver.keychain.reason}); environment variables only:\n`,
  );
  if (providers.length === 0) stdout.write('  no providers configured and no keys stored\n');
  const width = Math.max(12, ...providers.map((provider) => provider.id.length + 2));
  for (const provider of providers) {
    const view = resolver.describe(provider);
    const count = `${view.keys.length} ${view.keys.length === 1 ? 'key ' : 'keys'}`;
    const keys = view.keys.map((key) => (view.keys.length > 1 ? `#${key.position} ${key.masked}` : key.masked)).join('  ');
    stdout.write(`  ${provider.id.padEnd(width)}${count}  ${keys ? `${keys}  ` : ''}(${view.source})\n`);
  }
  return 0;
}

/** `position` is 1-based, as `keys list` shows it; undefined deletes every key of the provider. */
export async function keysDelete(providerId: string, position: number | undefined, options: KeysCommandOptions): Promise<number> {
  const { stdout, stderr } = streams(options);
  if (!isValidProviderId(providerId)) return fail(stderr, invalidIdMessage(), 2);
  const store = options.store ?? new KeychainStore({ env: options.env });
  try {
    const keys = await store.list(providerId);
    if (keys.length === 0) return fail(stderr, `${providerId} has no keys in ${store.description}; nothing to delete`, 1);
    if (position !== undefined && position > keys.length) return fail(stderr, `${providerId} has ${keys.length} key(s); there is no #${position}`, 1);
    if (position === undefined) {
      const removed = await store.delete(providerId);
      stdout.write(`deleted ${removed} key(s) of ${providerId} from ${store.description}\n`);
    } else {
      await store.delete(providerId, position - 1);
      const left = await store.list(providerId);
      const rest = left.map((key, index) => `#${index + 1} ${maskSecret(key)}`).join(', ');
      stdout.write(`deleted key #${position} (${maskSecret(keys[position - 1] ?? '')}) of ${providerId}; ${left.length} left${rest ? `: ${rest}` : ''}\n`);
    }
    const variable =
      settingsFor(providerId, options.env)?.apiKeyEnv ?? loadProviders(options).providers.find((provider) => provider.id === providerId)?.apiKeyEnv;
    if (variable && options.env[variable]) stdout.write(`note: ${variable} is still set in this environment and is used when the keychain has no key\n`);
    stdout.write(`${await reloadLine(options)}\n`);
    return 0;
  } catch (error) {
    return fail(stderr, `could not delete: ${reasonOf(error)}`, 1);
  }
}

export async function keysTest(providerId: string, options: KeysTestOptions): Promise<number> {
  const { stdout, stderr } = streams(options);
  if (!isValidProviderId(providerId)) return fail(stderr, invalidIdMessage(), 2);
  const known = describeProvider(providerId, options);
  if (!known.settings) return fail(stderr, `${known.warning ?? `'${providerId}' is unknown`}; cannot tell where to send the test call`, 2);
  const settings = known.settings;
  const resolver = await KeyResolver.create(options.store ?? new KeychainStore({ env: options.env }), options.env);
  if (!resolver.keychain.ok) stderr.write(`switchyard: keychain unavailable (${resolver.keychain.reason}); testing environment keys only\n`);
  const view = resolver.describe(settings);
  const environmentKey = view.origin === 'env' ? resolver.keyLookup(settings) : undefined;
  const keys = view.origin === 'keychain' ? await keychainKeys(options, providerId) : environmentKey !== undefined ? [environmentKey] : [];
  if (keys.length === 0 && view.origin === 'missing') return fail(stderr, `no key for ${providerId}: ${view.source}`, 1);
  // A provider that needs no key gets one call without one.
  const positions = keys.length === 0 ? [1] : options.position === undefined ? keys.map((_key, index) => index + 1) : [options.position];
  let failures = 0;
  for (const position of positions) {
    if (keys.length > 0 && position > keys.length) return fail(stderr, `${providerId} has ${keys.length} key(s); there is no #${position}`, 1);
    const key = keys[position - 1];
    const name =
      key === undefined
        ? `${providerId} (no key)`
        : `${providerId} key${keys.length > 1 ? ` #${position}` : ''} ${maskSecret(key)} (${view.origin === 'keychain' ? 'keychain' : view.source})`;
    const result = await checkKey(settings, key, options.timeoutMs);
    if (result.ok) stdout.write(`${name}: ok — ${result.detail}, ${result.latencyMs} ms\n`);
    else {
      failures += 1;
      const status = result.status === undefined ? '' : ` (HTTP ${result.status})`;
      stdout.write(`${name}: ${result.errorClass}${status} — ${result.detail}\n`);
    }
  }
  return failures === 0 ? 0 : 1;
}

// ---------------------------------------------------------------------------------------------------------

interface KnownProvider {
  readonly settings: ProviderSettings | undefined;
  readonly label: string;
  readonly warning: string | undefined;
}

/** The provider as the config (or, failing that, its preset) describes it, with a warning when it is neither. */
function describeProvider(providerId: string, options: KeysCommandOptions): KnownProvider {
  const configured = loadProviders(options);
  const fromConfig = configured.providers.find((provider) => provider.id === providerId);
  if (fromConfig) return { settings: fromConfig, label: fromConfig.label, warning: undefined };
  const fromPreset = settingsFor(providerId, options.env);
  const where = configured.source ? `the config file ${configured.source}` : 'the built-in default config';
  if (fromPreset) {
    // Without a config file the defaults take every cloud preset that has a key, so there is nothing to warn about.
    const notRouted = configured.source
      ? `'${providerId}' is a known preset but not a provider in ${where}; add \`- id: ${providerId}\` under providers to route to it`
      : undefined;
    return { settings: fromPreset, label: fromPreset.label, warning: configured.problem ?? notRouted };
  }
  const problem = configured.problem ? `${configured.problem}; ` : '';
  return {
    settings: undefined,
    label: providerId,
    warning: `${problem}'${providerId}' is neither a provider in ${where} nor a known preset (${presetIds.join(', ')})`,
  };
}

function loadProviders(options: KeysCommandOptions): { providers: readonly ProviderSettings[]; source: string | undefined; problem: string | undefined } {
  try {
    const path = findConfigPath(options.configFlag, options.env, options.dataDir);
    return { providers: loadConfig({ path, env: options.env }).providers, source: path, problem: undefined };
  } catch (error) {
    return {
      providers: [],
      source: undefined,
      problem: `could not read the config (${(error instanceof Error ? error.message : String(error)).split('\n')[0]})`,
    };
  }
}

function settingsFor(providerId: string, env: NodeJS.ProcessEnv): ProviderSettings | undefined {
  if (!isPresetId(providerId)) return undefined;
  return resolveConfig({ providers: [{ id: providerId }] }, { path: undefined, env }).providers[0];
}

function bareSettings(providerId: string): ProviderSettings {
  return {
    id: providerId,
    type: 'openai-compatible',
    preset: undefined,
    label: providerId,
    baseUrl: '',
    locality: 'cloud',
    apiKeyEnv: undefined,
    headers: {},
    models: [],
  };
}

async function keychainKeys(options: KeysCommandOptions, providerId: string): Promise<string[]> {
  return (options.store ?? new KeychainStore({ env: options.env })).list(providerId);
}

function noKeychainMessage(providerId: string, reason: string, settings: ProviderSettings | undefined): string {
  const variable = settings?.apiKeyEnv ?? `${providerId.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_API_KEY`;
  const configHint = settings?.apiKeyEnv ? '' : ` (and \`api_key_env: ${variable}\` on the provider in the config file)`;
  return `no keychain to store the key in: ${reason}. Nothing was saved, and Switchyard never falls back to a plaintext file. Set ${variable} in the environment of \`switchyard serve\` instead${configHint}.`;
}

function parsePosition(word: string): number | null {
  return /^[1-9][0-9]{0,3}$/.test(word) ? Number(word) : null;
}

/** An argument that is not a valid id may well be a key typed in the wrong place: never echo it. */
function safeId(providerId: string): string {
  return isValidProviderId(providerId) ? providerId : '<provider>';
}

function invalidIdMessage(): string {
  return 'that is not a provider id (lowercase letters, digits, ".", "_" or "-", as in the config file); a key never goes on the command line';
}

function streams(options: KeysCommandOptions): { stdout: TextOutput; stderr: TextOutput } {
  return { stdout: options.stdout ?? process.stdout, stderr: options.stderr ?? process.stderr };
}

function fail(stderr: TextOutput, message: string, code: number): number {
  stderr.write(`switchyard: ${message}\n`);
  return code;
}

function reasonOf(error: unknown): string {
  return error instanceof SecretStoreError ? error.reason : error instanceof Error ? error.message : String(error);
}
