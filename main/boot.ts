// Starting the core the one way both front ends use: `switchyard serve` and the desktop app. Config lookup,
// tokens, secret registration and config reloading (file change or SIGHUP) happen here so the two never drift.
import { join } from 'node:path';
import { ConfigSource } from './config/config-source.js';
import { findConfigPath } from './config/load.js';
import { watchConfigFile } from './config/watch.js';
import type { GatewayConfig } from './config/load.js';
import type { Gateway, startGateway as StartGateway } from './gateway/gateway.js';
import { openBootListener, type BootListener } from './gateway/http/boot-listener.js';
import { lazyModule, type LazyModule } from './gateway/lazy-module.js';
import type * as MeteringSetup from './metering-setup.js';
import { adminTokenFor } from './secrets/client-token-file.js';
import type { ClientTokenStore } from './secrets/client-token-store.js';
import type { PostgresClientTokenStore } from './secrets/postgres-client-token-store.js';
import { environmentToken, setupClientTokens, type ClientTokensSetup } from './secrets/default-token.js';
import { KeyResolver } from './secrets/key-resolver.js';
import { KeychainStore } from './secrets/keychain-store.js';
import type { SecretStore } from './secrets/secret-store.js';
import type { ControlApi } from '../shared/control/contract.js';
import { registerSecret } from '../shared/redact.js';
import { playgroundSessionAuth } from './control/http/playground-session.js';
import { SessionStore, type BrowserSessions } from './control/http/sessions.js';
import { SignInNonceStore, type SignInNonces } from './control/http/sign-in-nonces.js';
import { discoverLocalServers, discoveryCandidates, type DiscoveredServer } from './control/discover.js';
import type { ControlHttpOptions } from './control/http/transport.js';
import type { ManagementHandler } from './gateway/http/dispatch.js';
import { PlaygroundAccess, playgroundClientName, withPlaygroundToken } from './secrets/playground-access.js';
import { sharedTokens, storeTokens } from './control/tokens.js';
import { switchyardVersion } from './version.js';
import { StaticTokenVerifier } from './secrets/token-verifier.js';

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
  /** `switchyard serve`: the control API and the UI (built into `uiRoot`) under /_switchyard/; the desktop app uses IPC */
  readonly headless?: { readonly uiRoot: string };
  /** the desktop shell applies start-at-login when the control service changes it */
  readonly onStartAtLoginChanged?: (enabled: boolean) => void;
  /**
   * The port, bound by the caller before the config module loaded (`serve`: cli/early-address.ts). Boot takes it
   * over: used when the config names the same host and port, else closed and the config's bound instead; closed
   * when boot fails.
   */
  readonly listener?: BootListener;
}

export interface Booted {
  readonly gateway: Gateway;
  /** true on the first start, when the default client token was just generated */
  readonly tokenCreated: boolean;
  /** the client tokens (hashed, in the ledger file; in team mode in PostgreSQL) the gateway checks; for tokens.* calls */
  readonly tokenStore: ClientTokenStore | PostgresClientTokenStore;
  /** re-reads the config file and applies it; logs and keeps the running config when the file is bad */
  readonly reload: () => Promise<boolean>;
  /** stops watching the config file */
  readonly unwatch: () => void;
  /** the management service (main/control): the IPC transport's target in the desktop app */
  readonly control: ControlApi;
  /**
   * The playground's in-memory client token (named 'playground' in the ledger): the desktop shell adds it to its own
   * window's requests to the gateway; it is never stored, never given to the page, and replaced at every start.
   */
  readonly playgroundToken: string;
  /** headless only: the store the UI's sign-in nonces live in, so `serve` can mint its start-up link in-process */
  readonly signInNonces?: SignInNonces;
  /** the control call providers.discover, without loading the control service (`serve`'s "found:" lines at start) */
  readonly discoverLocalServers: () => Promise<DiscoveredServer[]>;
}

export async function bootGateway(options: BootOptions): Promise<Booted> {
  // Started before the config is read, so they overlap its parsing and validation (issue 20): the keychain read
  // (a D-Bus round trip off the main thread) and the loading of the gateway's and the ledger's modules. Neither
  // changes anything; when boot fails they are left to finish unused.
  const secretStore = options.secretStore ?? new KeychainStore({ env: options.env });
  const keysRead = KeyResolver.create(secretStore, options.env); // never rejects: an unreachable keychain is a state
  const modules = Promise.all([import('./metering-setup.js'), import('./gateway/gateway.js')]);
  modules.catch(() => undefined); // awaited below; a failure is reported there, not as an unhandled rejection
  // The control service may create the first config file; from then on it is watched and reloaded like any other.
  let unwatchFile: () => void = () => undefined;
  const watch = (path: string): void => {
    unwatchFile();
    unwatchFile = options.watchConfig !== false ? watchConfigFile(path, () => void reload()) : () => undefined;
  };
  const source = new ConfigSource({
    path: findConfigPath(options.configFlag, options.env, options.dataDir),
    env: options.env,
    host: options.host,
    port: options.port,
    onAdopt: watch,
  });
  // Running on the defaults, a reload adopts a config file created in the data dir since (`providers detect --add`).
  const load = () => {
    if (source.path === undefined && !options.configFlag) {
      const created = findConfigPath(undefined, options.env, options.dataDir);
      if (created !== undefined) source.adopt(created);
    }
    return source.load();
  };
  let discovery: { readonly candidates: ReturnType<typeof discoveryCandidates> };
  let config: GatewayConfig;
  try {
    discovery = { candidates: discoveryCandidates(options.env) }; // first: a bad test setting stops nothing half-started
    config = load();
  } catch (error) {
    await options.listener?.close();
    throw error;
  }
  // Bound before the gateway's modules load and the keychain and ledger open (issue 20): a request arriving meanwhile
  // is held and handed to the gateway once it is in place (gateway/http/boot-listener.ts), not refused. A listener
  // bound earlier still, from a guess at the config's address, is kept only when the guess was right.
  const { host, port } = config.server;
  let listener = options.listener;
  if (listener && (listener.requested.host !== host || listener.requested.port !== port)) {
    await listener.close();
    listener = undefined;
  }
  listener ??= await openBootListener(host, port);
  // Read once (above); requests only ever read the resolver's cache. No keychain: environment variables, said below.
  let keys: KeyResolver;
  let adminToken: string;
  let metering: typeof MeteringSetup;
  let startGateway: typeof StartGateway;
  try {
    // the provider adapters (gateway) and the ledger (metering), most of start-up's modules, started loading above
    [[metering, { startGateway }], keys] = await Promise.all([modules, keysRead]);
    adminToken = adminTokenFor(options.dataDir, options.env);
  } catch (error) {
    await listener.close();
    throw error;
  }
  registerSecret(adminToken);
  registerSecret(environmentToken(options.env));
  let meteringSetup: ReturnType<typeof metering.setupMetering>;
  try {
    meteringSetup = metering.setupMetering({
      dataDir: options.dataDir,
      config,
      log: options.log,
      ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
    });
    await meteringSetup.ready; // team mode: the PostgreSQL ledger is open before a request is taken
  } catch (error) {
    await listener.close();
    throw error;
  }
  let gateway: Gateway;
  let clientTokens: ClientTokensSetup | undefined;
  let control: ControlApi | undefined = undefined; // the HTTP transport answers "starting" until it is set
  const adminTokens = new StaticTokenVerifier([{ name: 'admin', token: adminToken }]);
  // the UI's browser sessions and sign-in nonces: in memory, or in team mode in PostgreSQL (set below), so any
  // replica behind the load balancer redeems a link, knows a session and sees a sign-out
  let sessions: BrowserSessions = new SessionStore();
  let signInNonces: SignInNonces = new SignInNonceStore();
  let sharedBrowserAuth: { close(): Promise<void> } | undefined;
  let playground: PlaygroundAccess | undefined;
  try {
    // team mode (ledger.url): the tokens every replica shares, in PostgreSQL; its module (and `pg`) loads only then
    clientTokens =
      config.ledger.url === undefined
        ? setupClientTokens({
            ledgerPath: join(options.dataDir, metering.ledgerFileName),
            dataDir: options.dataDir,
            env: options.env,
            log: options.log,
            ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
          })
        : await (
            await import('./secrets/postgres-client-token-store.js')
          ).setupSharedClientTokens({ url: config.ledger.url, env: options.env, log: options.log });
    const store = clientTokens.store;
    if (options.headless && config.ledger.url !== undefined) {
      const shared = await (await import('./control/http/postgres-sessions.js')).openSharedBrowserAuth(config.ledger.url);
      sharedBrowserAuth = shared;
      sessions = shared.sessions;
      signInNonces = shared.signInNonces;
    }
    playground = new PlaygroundAccess(() =>
      store.kind === 'postgres' ? store.isRevoked(playgroundClientName) : (store.get(playgroundClientName)?.revokedAt ?? null) !== null,
    );
    registerSecret(playground.token);
    gateway = await startGateway({
      config,
      env: options.env,
      tokens: withPlaygroundToken(clientTokens.verifier, playground),
      ...(options.headless
        ? {
            management: controlHttpOnFirstUse({ adminTokens, api: () => control, uiRoot: options.headless.uiRoot, sessions, signInNonces, log: options.log }),
            playgroundSessions: playgroundSessionAuth(sessions, playground),
          }
        : {}),
      log: options.log,
      reloadConfig: load,
      adminTokens,
      keys,
      metering: meteringSetup.metering,
      budgets: meteringSetup.budgets,
      responses: meteringSetup.responses,
      responseCache: meteringSetup.responseCache,
      ...(store.kind === 'postgres' ? { sharedTokens: store } : {}),
      onReload: (next) => meteringSetup.applyConfig(next),
      onStopped: async () => {
        await clientTokens?.store.close();
        await sharedBrowserAuth?.close();
        const stats = await meteringSetup.close();
        if (stats.dropped > 0 || stats.queued > 0) options.log(`ledger: ${stats.dropped} row(s) dropped, ${stats.queued} still queued at close`);
      },
      listener,
    });
  } catch (error) {
    await clientTokens?.store.close();
    await sharedBrowserAuth?.close();
    await meteringSetup.close();
    await listener.close();
    throw error;
  }
  options.log(keys.startupLine());
  options.log(clientTokens.startupLine);
  const reload = async (): Promise<boolean> => {
    try {
      await gateway.reload();
      return true;
    } catch (error) {
      options.log(`config reload failed, keeping the running config: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
  };
  if (source.path !== undefined) watch(source.path);
  const running = gateway;
  const tokenStore = clientTokens.store;
  // The control service and the config editor load at the first control call (the UI, `switchyard status`, the
  // desktop window), not at start (issue 20): no model request needs them, and together they pull in most of
  // main/control and yaml's document model — ~8 MiB that an idle gateway would hold for nothing.
  const service = lazyModule(async (): Promise<ControlApi> => {
    const [serviceModule, editorModule] = await Promise.all([import('./control/service.js'), import('./control/config-editor.js')]);
    return new serviceModule.ControlService({
      gateway: running,
      editor: new editorModule.ConfigEditor({ source, dataDir: options.dataDir, apply: () => running.reload() }),
      env: options.env,
      keys,
      secretStore,
      ledger: meteringSetup.ledger,
      ...(meteringSetup.backend ? { backend: meteringSetup.backend } : {}),
      prices: () => meteringSetup.catalog(),
      tokens: tokenStore.kind === 'postgres' ? sharedTokens(tokenStore) : storeTokens(tokenStore, options.dataDir),
      version: switchyardVersion(),
      discovery,
      log: options.log,
      ...(options.onStartAtLoginChanged ? { onStartAtLoginChanged: options.onStartAtLoginChanged } : {}),
    });
  });
  control = controlOnFirstCall(service);
  return {
    gateway,
    tokenCreated: clientTokens.created,
    tokenStore: clientTokens.store,
    reload,
    unwatch: () => unwatchFile(),
    control,
    playgroundToken: playground.token,
    ...(options.headless ? { signInNonces } : {}),
    discoverLocalServers: () => discoverLocalServers(running.config.providers, discovery),
  };
}

/**
 * The control API whose service loads at its first call (which awaits it; later calls go straight through). A call
 * is looked up by name, as both transports do, so the contract's list of calls (zod schemas) need not load for this.
 */
function controlOnFirstCall(service: LazyModule<ControlApi>): ControlApi {
  const calls = new Map<string, (request: unknown) => Promise<unknown>>();
  const methodOf = (api: ControlApi, name: string): ((request: unknown) => Promise<unknown>) | undefined => {
    const method: unknown = (api as unknown as Record<string, unknown>)[name];
    return typeof method === 'function' ? (method as (request: unknown) => Promise<unknown>).bind(api) : undefined;
  };
  return new Proxy({} as ControlApi, {
    get(_target, name) {
      // `then` stays undefined: the object is not a promise, and awaiting it must not start the load
      if (typeof name !== 'string' || name === 'then') return undefined;
      let call = calls.get(name);
      if (call === undefined) {
        call = async (request) => {
          const method = methodOf(service.loaded ?? (await service.load()), name);
          if (method === undefined) throw new TypeError(`no such control call: '${name}'`);
          return method(request);
        };
        calls.set(name, call);
      }
      return call;
    },
  });
}

/**
 * The control API's HTTP transport, loaded at the first /_switchyard/ request rather than at start: it brings the
 * control contract's zod schemas (every call's), which no model request needs.
 */
function controlHttpOnFirstUse(options: ControlHttpOptions): ManagementHandler {
  let handler: ManagementHandler | undefined;
  return async (request, response) => {
    handler ??= (await import('./control/http/transport.js')).createControlHttpHandler(options);
    return handler(request, response);
  };
}
