// `switchyard providers detect`: local model servers answering on their default ports and cloud keys in the
// environment; `--add`/`--add-all` writes found servers into the config file (through the config editor, so the
// user's comments and other settings stay) and `--import-keys` moves environment keys into the keychain. Either
// way a running gateway is asked to reload, as `keys` does.
import { ConfigSource } from '../config/config-source.js';
import { findConfigPath, loadConfig, type ProviderSettings } from '../config/load.js';
import { providerPresets } from '../config/presets.js';
import { ConfigEditor } from '../control/config-editor.js';
import { discoverLocalServers, discoveryCandidates, type DiscoveredServer } from '../control/discover.js';
import { environmentKeys, importEnvironmentKey, type EnvironmentKey } from '../control/environment-keys.js';
import { findEntry, providersList } from '../control/provider-entries.js';
import { isLocalServerPreset, localServerPresets } from '../control/local-servers.js';
import type { TextOutput } from '../secrets/key-input.js';
import { KeychainStore } from '../secrets/keychain-store.js';
import type { SecretStore } from '../secrets/secret-store.js';
import { modelsPhrase } from './discovery-lines.js';
import { providersUsage } from './usage-text.js';

export interface ProvidersCommandOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly dataDir: string;
  readonly configFlag?: string | undefined;
  readonly json?: boolean;
  /** `--add`: the words after `detect` are the presets to add */
  readonly add?: boolean;
  readonly addAll?: boolean;
  readonly importKeys?: boolean;
  /** default: the OS keychain */
  readonly store?: SecretStore;
  readonly stdout?: TextOutput;
  readonly stderr?: TextOutput;
  /** after a change: makes a running gateway reload and says what happened (admin.ts: reloadRunningGateway) */
  readonly reloadRunning?: () => Promise<string>;
}

interface Outcome {
  readonly added: string[];
  readonly imported: string[];
  /** said, but not failures (a server that is configured already) */
  readonly notes: string[];
  readonly problems: string[];
}

/** `switchyard providers …` with the words after `providers`; resolves with the exit code. */
export async function providersCommand(words: readonly string[], options: ProvidersCommandOptions): Promise<number> {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const [subcommand, ...presets] = words;
  if (subcommand !== 'detect') return fail(stderr, `providers takes detect\n\n${providersUsage}`, 2);
  if (presets.length > 0 && !options.add)
    return fail(stderr, `unexpected '${presets[0] ?? ''}': name the servers to add after --add, e.g. \`switchyard providers detect --add lmstudio\``, 2);
  if (options.add && presets.length === 0) return fail(stderr, `--add needs a preset (${localServerPresets.join(', ')}), or use --add-all`, 2);
  const unknown = presets.find((preset) => !isLocalServerPreset(preset));
  if (unknown !== undefined) return fail(stderr, `'${unknown}' is not a local server preset (${localServerPresets.join(', ')})`, 2);

  let configured: readonly ProviderSettings[];
  let candidates;
  try {
    configured = loadConfig({ path: findConfigPath(options.configFlag, options.env, options.dataDir), env: options.env }).providers;
    candidates = discoveryCandidates(options.env);
  } catch (error) {
    return fail(stderr, error instanceof Error ? error.message : String(error), 2);
  }
  const store = options.store ?? new KeychainStore({ env: options.env });
  const [servers, keys, keychain] = await Promise.all([
    discoverLocalServers(configured, { candidates }),
    environmentKeys(options.env, store),
    store.available(),
  ]);

  const outcome: Outcome = { added: [], imported: [], notes: [], problems: [] };
  const wanted = options.addAll ? servers.filter((server) => !server.configured) : servers.filter((server) => presets.includes(server.preset));
  for (const preset of presets) {
    if (!servers.some((server) => server.preset === preset))
      outcome.problems.push(`no ${providerPresets[preset as keyof typeof providerPresets].label} answered on its port; start it, then run this again`);
  }
  if (wanted.length > 0) await addServers(wanted, options, outcome);
  if (options.importKeys) await importKeys(keys, options, store, outcome);
  const changed = outcome.added.length > 0 || outcome.imported.length > 0;
  const reloadLine = changed ? await (options.reloadRunning ?? (async () => 'a running Switchyard uses the change after `switchyard reload`'))() : undefined;

  if (options.json) {
    const keysAfter = outcome.imported.length > 0 ? await environmentKeys(options.env, store) : keys;
    stdout.write(
      `${JSON.stringify({ servers: withAdded(servers, outcome), environmentKeys: keysAfter, added: outcome.added, imported: outcome.imported, notes: outcome.notes, problems: outcome.problems }, null, 2)}\n`,
    );
  } else {
    stdout.write(formatDetected(servers, keys, outcome));
    if (!keychain.ok && keys.length > 0) stdout.write(`no keychain here (${keychain.reason}): the keys stay in the environment\n`);
    for (const note of outcome.notes) stdout.write(`${note}\n`);
    if (reloadLine) stdout.write(`${reloadLine}\n`);
  }
  for (const problem of outcome.problems) stderr.write(`switchyard: ${problem}\n`);
  return outcome.problems.length > 0 ? 1 : 0;
}

/** One config edit for all of them: each becomes `- id: <preset>` (with base_url when not the preset's default). */
async function addServers(servers: readonly DiscoveredServer[], options: ProvidersCommandOptions, outcome: Outcome): Promise<void> {
  const source = new ConfigSource({ path: findConfigPath(options.configFlag, options.env, options.dataDir), env: options.env });
  const editor = new ConfigEditor({ source, dataDir: options.dataDir, apply: async () => undefined });
  const fresh = servers.filter((server) => !server.configured);
  for (const server of servers) if (server.configured) outcome.notes.push(`${server.label} at ${server.baseUrl} is a configured provider already`);
  if (fresh.length === 0) return;
  try {
    const added = await editor.edit((document) => {
      const list = providersList(document, options.env);
      const ids: string[] = [];
      for (const server of fresh) {
        if (findEntry(list, server.preset)) {
          outcome.problems.push(`the config file has a provider '${server.preset}' already, pointing elsewhere; edit it there to use ${server.baseUrl}`);
          continue;
        }
        const presetUrl = providerPresets[server.preset as keyof typeof providerPresets].baseUrl;
        list.add(document.createNode({ id: server.preset, ...(server.baseUrl === presetUrl ? {} : { base_url: server.baseUrl }) }));
        ids.push(server.preset);
      }
      return ids;
    });
    outcome.added.push(...added);
  } catch (error) {
    outcome.problems.push(`could not add to the config file: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function importKeys(keys: readonly EnvironmentKey[], options: ProvidersCommandOptions, store: SecretStore, outcome: Outcome): Promise<void> {
  for (const key of keys.filter((candidate) => !candidate.inKeychain)) {
    try {
      if ((await importEnvironmentKey(options.env, store, key.preset)).added) outcome.imported.push(key.preset);
    } catch (error) {
      outcome.problems.push(`${key.envVar} was not stored: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/** The servers as they stand after --add: the ones just added are configured now. */
function withAdded(servers: readonly DiscoveredServer[], outcome: Outcome): DiscoveredServer[] {
  return servers.map((server) => (outcome.added.includes(server.preset) ? { ...server, configured: true } : server));
}

export function formatDetected(
  servers: readonly DiscoveredServer[],
  keys: readonly EnvironmentKey[],
  outcome: Outcome = { added: [], imported: [], notes: [], problems: [] },
): string {
  const lines = ['local model servers:'];
  if (servers.length === 0)
    lines.push(`  none answered on the default ports of ${localServerPresets.map((preset) => providerPresets[preset].label).join(', ')}`);
  for (const server of servers) {
    const state = outcome.added.includes(server.preset)
      ? 'added to the config file'
      : server.configured
        ? 'already added'
        : `add: switchyard providers detect --add ${server.preset}`;
    lines.push(`  ${server.label.padEnd(18)} ${server.baseUrl.padEnd(28)} ${modelsPhrase(server).padEnd(22)} ${state}`);
    if (server.keyRequired && !server.configured) lines.push(`  ${''.padEnd(18)} needs its API key: \`switchyard keys set ${server.preset}\` after adding it`);
  }
  lines.push('cloud keys in the environment:');
  if (keys.length === 0) lines.push('  none');
  for (const key of keys) {
    const state = outcome.imported.includes(key.preset)
      ? 'stored in the keychain now'
      : key.inKeychain
        ? 'in the keychain too'
        : 'not in the keychain: switchyard providers detect --import-keys';
    lines.push(`  ${key.envVar.padEnd(20)} ${key.label.padEnd(14)} ${state}`);
  }
  return `${lines.join('\n')}\n`;
}

function fail(stderr: TextOutput, message: string, code: number): number {
  stderr.write(`switchyard: ${message}\n`);
  return code;
}
