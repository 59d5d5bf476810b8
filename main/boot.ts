// Starting the core the one way both front ends use: `switchyard serve` and the desktop app. Config lookup,
// tokens, secret registration and config reloading (file change or SIGHUP) happen here so the two never drift.
import { findConfigPath, loadConfig, type GatewayConfig } from './config/load.js';
import { watchConfigFile } from './config/watch.js';
import { startGateway, type Gateway } from './gateway/gateway.js';
import { setupMetering } from './metering-setup.js';
import { StaticTokenVerifier } from './gateway/server/auth.js';
import { clientTokens, loadOrCreateAdminToken } from './secrets/client-token-file.js';
import { KeyResolver } from './secrets/key-resolver.js';
import { KeychainStore } from './secrets/keychain-store.js';
import type { SecretStore } from './secrets/secret-store.js';
import { registerSecret } from '../shared/redact.js';

export interface BootOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly dataDir: string;
  readonly log: (line: string) => void;
  /** --config; otherwise SWITCHYARD_CONFIG or a config file in the data dir */
  readonly configFlag?: string | undefined;
  readonly host?: string | undefined;
  readonly port?: number | undefined;
  /** reload when the config file changes (default true) */
  readonly watchConfig?: boolean;
  /** where provider keys are kept (default: the OS keychain; tests pass a MemorySecretStore) */
  readonly secretStore?: SecretStore;
  /** better-sqlite3 built for Electron's ABI (the desktop app) */
  readonly nativeBinding?: string;
}

export interface Booted {
  readonly gateway: Gateway;
  /** true on the first start, when the client token was just generated */
  readonly tokenCreated: boolean;
  /** re-reads the config file and applies it; logs and keeps the running config when the file is bad */
  readonly reload: () => Promise<boolean>;
  /** stops watching the config file */
  readonly unwatch: () => void;
}

export async function bootGateway(options: BootOptions): Promise<Booted> {
  const configPath = findConfigPath(options.configFlag, options.env, options.dataDir);
  const load = (): GatewayConfig => {
    const config = loadConfig({ path: configPath, env: options.env, host: options.host, port: options.port });
    for (const provider of config.providers) if (provider.apiKeyEnv) registerSecret(options.env[provider.apiKeyEnv]);
    return config;
  };
  const config = load();
  // Read once here; requests only ever read the resolver's cache. No keychain: environment variables, said below.
  const keys = await KeyResolver.create(options.secretStore ?? new KeychainStore({ env: options.env }), options.env);
  const { tokens, created } = clientTokens(options.dataDir, options.env);
  const adminToken = loadOrCreateAdminToken(options.dataDir);
  for (const { token } of tokens) registerSecret(token);
  registerSecret(adminToken);
  const meteringSetup = setupMetering({ dataDir: options.dataDir, config, log: options.log, ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}) });
  let gateway: Gateway;
  try {
    gateway = await startGateway({
    config,
    env: options.env,
    tokens: new StaticTokenVerifier(tokens),
    adminTokens: new StaticTokenVerifier([{ name: 'admin', token: adminToken }]),
    log: options.log,
    reloadConfig: load,
    keys,
    metering: meteringSetup.metering,
    budgets: meteringSetup.budgets,
    onReload: (next) => meteringSetup.applyConfig(next),
    onStopped: async () => {
      const stats = await meteringSetup.close();
      if (stats.dropped > 0 || stats.queued > 0) options.log(`ledger: ${stats.dropped} row(s) dropped, ${stats.queued} still queued at close`);
    },
    });
  } catch (error) {
    await meteringSetup.close();
    throw error;
  }
  options.log(keys.startupLine());
  const reload = async (): Promise<boolean> => {
    try {
      await gateway.reload();
      return true;
    } catch (error) {
      options.log(`config reload failed, keeping the running config: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
  };
  const unwatch = configPath && options.watchConfig !== false ? watchConfigFile(configPath, () => void reload()) : () => undefined;
  return { gateway, tokenCreated: created, reload, unwatch };
}
