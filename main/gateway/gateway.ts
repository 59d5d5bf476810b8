// The headless gateway as one object: build providers, routing and guards from a config, listen, reload without
// dropping requests, report status, and stop gracefully. `switchyard serve` and the desktop app both use it.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GatewayConfig, ProviderSettings } from '../config/load.js';
import { describeBudgetCheck } from '../ledger/budgets.js';
import type { ResponseCache } from '../ledger/response-cache.js';
import type { ResponseStore } from '../ledger/response-store.js';
import type { BudgetGuard } from './budget-guard.js';
import type { Metering } from './metering.js';
import { ProviderError } from './providers/errors.js';
import { ProviderRegistry, keyFromEnvironment, loadAdapters } from './providers/registry.js';
import type { KeyRotation } from './routing/execute.js';
import type { ModelDetails, ProbeResult } from './providers/types.js';
import type { CircuitView } from './routing/health.js';
import { HealthMonitor } from './routing/health-monitor.js';
import { RoutingService } from './routing/service.js';
import type { PlaygroundSessionAuth } from './http/auth.js';
import type { GatewayState } from './http/context.js';
import { RequestGuard } from './http/guard.js';
import { ModelCatalog } from './routing/model-catalog.js';
import { GatewayRouter, type ManagementHandler } from './http/dispatch.js';
import type { CounterStore } from './limits/counter-store.js';
import { RateLimiter } from './limits/limiter.js';
import type { SharedState, SharedStateView } from './shared-state/shared-state.js';
import { ProviderPacing } from './providers/pacing.js';
import { Telemetry, withTelemetry } from './telemetry/telemetry.js';
import type { TelemetrySettings } from '../config/limits.js';
import { switchyardVersion } from '../version.js';
import { ListenerAwareGuard, ownListenerHandler, probeOllama } from './dialects/ollama/listener.js';
import { createListener, ListenError, listenOn, type BootListener } from './http/boot-listener.js';
import type { KeyLookup } from '../secrets/key-lookup.js';
import type { ClientTokenVerifier } from '../secrets/token-verifier.js';
import type { SharedTokensView } from '../secrets/postgres-client-token-store.js';

export { ListenError };

export interface GatewayOptions {
  readonly config: GatewayConfig;
  readonly tokens: ClientTokenVerifier;
  /** headless mode: the control API and UI under /_switchyard (main/control/http); the desktop app has none */
  readonly management?: ManagementHandler;
  /** headless mode: the UI session, accepted as the `playground` client on /_switchyard/v1/chat/completions */
  readonly playgroundSessions?: PlaygroundSessionAuth;
  readonly env: NodeJS.ProcessEnv;
  readonly keyLookup?: KeyLookup;
  /** keychain-backed keys (main/secrets/key-resolver.ts): lookup, where each key comes from, rotation, reload */
  readonly keys?: KeyRotation & { readonly keyLookup: KeyLookup; keySource(provider: ProviderSettings): string; reloadAll(): Promise<unknown> };
  readonly log?: (line: string) => void;
  /** the usage ledger and prices (boot.ts); without it nothing is metered */
  readonly metering?: Metering;
  /** budget limits against the ledger's spend */
  readonly budgets?: BudgetGuard;
  /** stored Responses-API responses (ledger.responses.store); without it previous_response_id is refused */
  readonly responses?: ResponseStore;
  /** the response cache's store (in the ledger's file); without it no route caches */
  readonly responseCache?: ResponseCache;
  /** called after a config reload was applied (the ledger takes new prices and budgets) */
  readonly onReload?: (config: GatewayConfig) => void;
  /** called once every request has finished or been cancelled at shutdown (the ledger flushes and closes) */
  readonly onStopped?: () => Promise<void>;
  /** the admin credential: it may read GET /metrics from anywhere (loopback needs none) */
  readonly adminTokens?: ClientTokenVerifier;
  /** the rate limiter's counters; default: the shared state's, else this process's memory */
  readonly counterStore?: CounterStore;
  /** rate limits, budget totals and circuit breakers shared with other replicas in Redis (startGateway opens it when state.url is set) */
  readonly sharedState?: SharedState;
  /** team mode (ledger.url): the client tokens shared in PostgreSQL, for /health and status */
  readonly sharedTokens?: { view(): SharedTokensView };
  /** re-reads the config for a reload; without it, reload() needs a config passed in */
  readonly reloadConfig?: () => GatewayConfig;
  /** the port, already bound by boot.ts and holding requests (http/boot-listener.ts); handed over once listening */
  readonly listener?: BootListener;
}

export interface ProviderStatus {
  readonly id: string;
  readonly type: string;
  readonly baseUrl: string;
  readonly locality: 'local' | 'cloud';
  /** where the key comes from, never the key */
  readonly keySource: string;
  readonly reachable: boolean | undefined;
  readonly keyRejected: boolean;
  readonly lastError: string | undefined;
}

export interface GatewayStatus {
  readonly url: string;
  readonly configSource: string | undefined;
  readonly providers: readonly ProviderStatus[];
  readonly routes: ReadonlyArray<{ readonly name: string; readonly targets: readonly string[] }>;
  readonly cooldowns: readonly CircuitView[];
  readonly offline: string | undefined;
  readonly inFlight: number;
  /** every configured budget limit (global) with its state; empty without budgets */
  readonly budgets: ReadonlyArray<{ readonly description: string; readonly state: string; readonly fraction: number }>;
  /** team mode (state.url): whether the shared state in Redis is in use or this replica is on its fallback counters */
  readonly sharedState?: SharedStateView;
  /** team mode (ledger.url): whether this replica's set of client tokens is current or the last one read */
  readonly sharedTokens?: SharedTokensView;
}

export class Gateway {
  private readonly server: Server;
  /** the Ollama surface's own listener (ollama_api.port), sharing the dispatcher; absent unless configured and on */
  private ollamaServer: Server | undefined;
  private readonly router: GatewayRouter;
  private readonly keyLookup: KeyLookup;
  private readonly routing: RoutingService;
  private readonly monitor: HealthMonitor;
  private state: GatewayState;
  private stopping: Promise<void> | undefined;
  private readonly log: (line: string) => void;
  private readonly pacing: ProviderPacing;
  private readonly limiter: RateLimiter;
  private readonly telemetry: Telemetry;

  /** startGateway is the way in; a direct caller loads the providers' adapters first (providers/registry.ts loadAdapters) */
  constructor(private readonly options: GatewayOptions) {
    this.keyLookup = options.keys?.keyLookup ?? options.keyLookup ?? keyFromEnvironment(options.env);
    this.log = options.log ?? (() => undefined);
    this.pacing = new ProviderPacing();
    const shared = options.sharedState;
    this.limiter = new RateLimiter(options.counterStore ?? shared?.counterStore, this.log);
    this.limiter.update(options.config.limits, options.config.routes);
    this.telemetry = new Telemetry(
      options.config.telemetry ?? defaultTelemetry,
      {
        inFlight: () => this.router.inFlight.size,
        circuits: () => this.routing.health.circuitsView(),
        limiter: () => this.limiter.stats(),
        sharedState: () => shared?.view(),
        sharedTokens: () => options.sharedTokens?.view(),
      },
      switchyardVersion,
      this.log,
      options.adminTokens,
    );
    const registry = new ProviderRegistry(options.config.providers, this.keyLookup, options.config.routing.timeouts, this.pacing);
    const catalog = new ModelCatalog(registry);
    this.routing = new RoutingService(options.config, registry, catalog);
    if (options.keys) this.routing.keys = { rotation: options.keys, log: this.log };
    this.routing.pacing = this.pacing;
    shared?.attachCircuits(this.routing.health, (target) => this.state.registry.get(target.slice(0, target.indexOf('/'))) !== undefined);
    const metering = options.metering && withTelemetry(options.metering, this.telemetry);
    this.state = {
      config: options.config,
      registry,
      catalog,
      routing: this.routing,
      tokens: options.tokens,
      guard: buildGuard(options.config, 0),
      metering: metering && shared ? shared.withSpend(metering) : metering,
      budgets: shared ? shared.budgetGuard(options.budgets, () => this.state.config.budgets) : options.budgets,
      responses: options.responses,
      responseCache: options.responseCache,
      limiter: this.limiter.active ? this.limiter : undefined,
      telemetry: this.telemetry,
      sharedState: shared,
      sharedTokens: options.sharedTokens,
    };
    this.router = new GatewayRouter(() => this.state, this.log, options.management, options.playgroundSessions);
    this.monitor = new HealthMonitor(() => this.state, this.routing);
    this.server = options.listener?.server ?? createListener(this.router.handle);
  }

  async listen(): Promise<void> {
    const { host, port } = this.options.config.server;
    const ollamaPort = this.options.config.ollamaApi.enabled ? this.options.config.ollamaApi.port : undefined;
    if (ollamaPort !== undefined) {
      // never over a real Ollama: asked before anything is bound, so a refused start leaves nothing behind
      const version = await probeOllama(host, ollamaPort);
      if (version !== undefined) {
        throw new ListenError(
          `an Ollama server (version ${version}) already answers on ${host}:${ollamaPort}; Switchyard will not take its place. Choose another ollama_api.port (e.g. 11435), or stop that Ollama and point no provider at this port`,
          'OLLAMA_RUNNING',
        );
      }
    }
    if (!this.options.listener) await listenOn(this.server, host, port, '--port');
    if (ollamaPort !== undefined) {
      const ollamaServer = createListener(ownListenerHandler(this.router.handle));
      try {
        await listenOn(ollamaServer, host, ollamaPort, 'ollama_api.port');
      } catch (error) {
        await new Promise<void>((resolve) => this.server.close(() => resolve()));
        throw error;
      }
      this.ollamaServer = ollamaServer;
      this.log(`Ollama-compatible API also listening on http://${host.includes(':') ? `[${host}]` : host}:${ollamaPort}`);
    }
    // The guard needs the real port (port 0 picks one).
    this.state = { ...this.state, guard: buildGuard(this.state.config, this.port, this.ollamaPort) };
    this.options.listener?.handOver(this.router.handle); // the requests held while booting, then every new one
    this.monitor.start();
    this.telemetry.start();
  }

  /** the Ollama surface's own port, when its listener is open */
  get ollamaPort(): number | undefined {
    return (this.ollamaServer?.address() as AddressInfo | null | undefined)?.port;
  }

  get port(): number {
    return (this.server.address() as AddressInfo | null)?.port ?? this.options.config.server.port;
  }

  get url(): string {
    const host = this.options.config.server.host;
    return `http://${host.includes(':') ? `[${host}]` : host}:${this.port}`;
  }

  get registry(): ProviderRegistry {
    return this.state.registry;
  }

  /**
   * Context window and capabilities of a provider's models, from routing's own cache of them (the provider is asked
   * where it can say, Ollama's /api/show, waiting at most `timeoutMs`; a late answer still lands in the cache).
   */
  async modelDetails(providerId: string, models: readonly string[], timeoutMs: number): Promise<Map<string, ModelDetails>> {
    const targets = models.map((model) => ({ providerId, model }));
    await this.routing.details.ensure(targets, (id) => this.registry.get(id), timeoutMs);
    const found = new Map<string, ModelDetails>();
    for (const target of targets) {
      const details = this.routing.details.get(target);
      if (details !== undefined) found.set(target.model, details);
    }
    return found;
  }

  get config(): GatewayConfig {
    return this.state.config;
  }

  /**
   * Applies a new config (re-read from its file when none is given) without dropping requests: requests in flight
   * finish on the providers they started with; new ones use the new config. Host and port stay as they are.
   */
  async reload(config?: GatewayConfig): Promise<void> {
    const next = config ?? this.options.reloadConfig?.();
    if (!next) throw new Error('no config to reload from');
    await this.options.keys?.reloadAll();
    const registry = await ProviderRegistry.create(next.providers, this.keyLookup, next.routing.timeouts, this.pacing);
    this.limiter.update(next.limits, next.routes);
    this.telemetry.update(next.telemetry ?? defaultTelemetry);
    const catalog = new ModelCatalog(registry);
    const previous = this.state;
    const inFlight = [...this.router.inFlight];
    this.routing.update(next, registry, catalog);
    const server = { ...next.server, host: previous.config.server.host, port: previous.config.server.port };
    this.state = {
      ...previous,
      config: { ...next, server },
      registry,
      catalog,
      guard: buildGuard({ ...next, server }, this.port, this.ollamaPort),
      limiter: this.limiter.active ? this.limiter : undefined,
    };
    this.options.onReload?.(next);
    if (next.state?.url !== previous.config.state?.url) this.log('config reload: state.url changed; the shared state keeps its connection until a restart');
    this.log(`config reloaded: ${next.providers.length} provider(s), ${next.routes.length} route(s)`);
    void Promise.all(inFlight.map((entry) => entry.done)).then(() => previous.registry.close());
  }

  status(): GatewayStatus {
    const { config } = this.state;
    return {
      url: this.url,
      configSource: config.source,
      inFlight: this.router.inFlight.size,
      offline: this.routing.offlineReason(),
      budgets: (this.state.budgets?.decide(null)?.checks ?? []).map((check) => ({
        description: describeBudgetCheck(check),
        state: check.state,
        fraction: check.fraction,
      })),
      cooldowns: this.routing.health.circuitsView(),
      ...(this.options.sharedState ? { sharedState: this.options.sharedState.view() } : {}),
      ...(this.options.sharedTokens ? { sharedTokens: this.options.sharedTokens.view() } : {}),
      routes: config.routes.map((route) => ({
        name: route.name,
        targets: [...route.tiers.flat(), ...route.fallbacks].map((target) => `${target.providerId}/${target.model}`),
      })),
      providers: config.providers.map((provider) => {
        const health = this.routing.health.providerHealth(provider.id);
        return {
          id: provider.id,
          type: provider.type,
          baseUrl: provider.baseUrl,
          locality: provider.locality,
          keySource: this.options.keys
            ? this.options.keys.keySource(provider)
            : provider.apiKeyEnv
              ? this.keyLookup(provider)
                ? `env ${provider.apiKeyEnv}`
                : `missing (set ${provider.apiKeyEnv})`
              : 'none needed',
          reachable: health?.reachable,
          keyRejected: health?.keyRejected ?? false,
          lastError: health?.lastError,
        };
      }),
    };
  }

  setOffline(offline: boolean | undefined): void {
    this.routing.setOffline(offline);
  }

  /** the user's offline switch; undefined: as the config says */
  get offlineSwitch(): boolean | undefined {
    return this.routing.offlineSwitch;
  }

  /** Asks every provider whether it is reachable, in parallel, each within `timeoutMs`; routing learns the answers. */
  async probeProviders(timeoutMs = 2_000): Promise<Array<{ id: string; result: ProbeResult }>> {
    return this.monitor.probeAll(timeoutMs);
  }

  /** Stop accepting, let in-flight requests finish for `graceMs`, cancel the rest, close everything. */
  stop(graceMs = this.options.config.server.shutdownGraceMs): Promise<void> {
    this.stopping ??= this.shutdown(graceMs);
    return this.stopping;
  }

  private async shutdown(graceMs: number): Promise<void> {
    this.monitor.stop();
    this.router.startDraining();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    const ollamaServer = this.ollamaServer;
    const ollamaClosed = ollamaServer ? new Promise<void>((resolve) => ollamaServer.close(() => resolve())) : Promise.resolve();
    this.server.closeIdleConnections();
    ollamaServer?.closeIdleConnections();
    const inFlight = [...this.router.inFlight];
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([Promise.all(inFlight.map((entry) => entry.done)), graceOver]);
    clearTimeout(timer);
    for (const entry of this.router.inFlight) entry.controller.abort(shutdownCancellation());
    await Promise.race([Promise.all([...this.router.inFlight].map((entry) => entry.done)), new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
    this.server.closeAllConnections();
    ollamaServer?.closeAllConnections();
    await Promise.all([closed, ollamaClosed]);
    await this.state.registry.close();
    await this.telemetry.stop();
    await this.options.sharedState?.close();
    await this.options.onStopped?.();
  }
}

/** The abort reason for requests still running when the grace period ends; adapters report it as the error. */
function shutdownCancellation(): ProviderError {
  return new ProviderError({
    kind: 'aborted',
    errorClass: 'cancelled',
    status: 503,
    message: 'Switchyard is shutting down: the request was cancelled before it finished',
    providerId: 'switchyard',
    retryable: false,
  });
}

/** hand-made configs (tests) carry no telemetry section: /metrics on, OTLP off, as a loaded config's defaults */
const defaultTelemetry: TelemetrySettings = { prometheus: true, otlp: undefined };

function buildGuard(config: GatewayConfig, port: number, ollamaPort?: number): RequestGuard {
  const { host, allowedHosts, allowedOrigins } = config.server;
  // with the Ollama surface's own listener, its requests' Host names that listener's port
  return ollamaPort === undefined
    ? new RequestGuard({ port, host, allowedHosts, allowedOrigins })
    : new ListenerAwareGuard({ port, host, allowedHosts, allowedOrigins }, ollamaPort);
}

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const settings = options.config.state;
  // team mode only: neither the shared-state code nor the Redis client is loaded otherwise
  const sharedState =
    options.sharedState ??
    (settings
      ? await import('./shared-state/shared-state.js').then(({ SharedState }) => SharedState.open(settings, options.log ?? (() => undefined)))
      : undefined);
  await loadAdapters(options.config.providers); // the constructor builds the registry from them
  const gateway = new Gateway(sharedState ? { ...options, sharedState } : options);
  try {
    await gateway.listen();
  } catch (error) {
    if (!options.sharedState) await sharedState?.close();
    throw error;
  }
  return gateway;
}
