// The headless gateway as one object: build providers and guards from a config, listen, report status, and stop
// gracefully. `switchyard serve` and the desktop app both start it through here.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GatewayConfig } from '../config/load.js';
import { ProviderError } from './providers/errors.js';
import { ProviderRegistry, keyFromEnvironment, type KeyLookup } from './providers/registry.js';
import type { ProbeResult } from './providers/types.js';
import type { ClientTokenVerifier } from './server/auth.js';
import type { GatewayState } from './server/context.js';
import { RequestGuard } from './server/guard.js';
import { ModelCatalog } from './server/model-catalog.js';
import { GatewayRouter } from './server/router.js';

export interface GatewayOptions {
  readonly config: GatewayConfig;
  readonly tokens: ClientTokenVerifier;
  readonly env: NodeJS.ProcessEnv;
  readonly keyLookup?: KeyLookup;
  readonly log?: (line: string) => void;
}

export interface ProviderStatus {
  readonly id: string;
  readonly type: string;
  readonly baseUrl: string;
  readonly locality: 'local' | 'cloud';
  /** where the key comes from, never the key */
  readonly keySource: string;
}

export interface GatewayStatus {
  readonly url: string;
  readonly configSource: string | undefined;
  readonly providers: readonly ProviderStatus[];
  readonly inFlight: number;
}

export class ListenError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'ListenError';
  }
}

export class Gateway {
  private readonly server: Server;
  private readonly router: GatewayRouter;
  private state: GatewayState;
  private readonly keyLookup: KeyLookup;
  private stopping: Promise<void> | undefined;

  constructor(private readonly options: GatewayOptions) {
    this.keyLookup = options.keyLookup ?? keyFromEnvironment(options.env);
    this.state = this.buildState(options.config, 0);
    this.router = new GatewayRouter(() => this.state, options.log ?? (() => undefined));
    this.server = createServer(
      {
        headersTimeout: 10_000, // a client trickling its headers is cut off…
        connectionsCheckingInterval: 1_000, // …checked every second (Node's default is 30 s)
        requestTimeout: 120_000, // the whole request body must arrive within this
        keepAliveTimeout: 5_000,
      },
      this.router.handle,
    );
    this.server.timeout = 0;
  }

  private buildState(config: GatewayConfig, port: number): GatewayState {
    const registry = new ProviderRegistry(config.providers, this.keyLookup);
    return { config, registry, tokens: this.options.tokens, guard: buildGuard(config, port), catalog: new ModelCatalog(registry) };
  }

  async listen(): Promise<void> {
    const { host, port } = this.options.config.server;
    await new Promise<void>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException): void => {
        this.server.off('listening', onListening);
        if (error.code === 'EADDRINUSE') reject(new ListenError(`port ${port} on ${host} is already in use (another Switchyard, or another program); choose another with --port`, error.code));
        else if (error.code === 'EACCES') reject(new ListenError(`no permission to listen on ${host}:${port}; choose a port above 1023 with --port`, error.code));
        else if (error.code === 'EADDRNOTAVAIL') reject(new ListenError(`cannot listen on ${host}: no such address on this machine`, error.code));
        else reject(error);
      };
      const onListening = (): void => {
        this.server.off('error', onError);
        resolve();
      };
      this.server.once('error', onError);
      this.server.once('listening', onListening);
      this.server.listen({ host, port, exclusive: true });
    });
    // The guard needs the real port (port 0 picks one).
    this.state = { ...this.state, guard: buildGuard(this.state.config, this.port) };
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

  status(): GatewayStatus {
    return {
      url: this.url,
      configSource: this.state.config.source,
      inFlight: this.router.inFlight.size,
      providers: this.state.config.providers.map((provider) => ({
        id: provider.id,
        type: provider.type,
        baseUrl: provider.baseUrl,
        locality: provider.locality,
        keySource: provider.apiKeyEnv ? (this.keyLookup(provider) ? `env ${provider.apiKeyEnv}` : `missing (set ${provider.apiKeyEnv})`) : 'none needed',
      })),
    };
  }

  /** Asks every provider whether it is reachable, in parallel, each within `timeoutMs`. */
  async probeProviders(timeoutMs = 2_000): Promise<Array<{ id: string; result: ProbeResult }>> {
    return Promise.all(
      this.state.registry.all().map(async (adapter) => ({
        id: adapter.id,
        result: await adapter.probe(AbortSignal.timeout(timeoutMs)).catch((error: unknown) => ({ reachable: false, detail: String(error) })),
      })),
    );
  }

  /** Stop accepting, let in-flight requests finish for `graceMs`, cancel the rest, close everything. */
  stop(graceMs = this.options.config.server.shutdownGraceMs): Promise<void> {
    this.stopping ??= this.shutdown(graceMs);
    return this.stopping;
  }

  private async shutdown(graceMs: number): Promise<void> {
    this.router.startDraining();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
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
    await closed;
    await this.state.registry.close();
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

function buildGuard(config: GatewayConfig, port: number): RequestGuard {
  const { host, allowedHosts, allowedOrigins } = config.server;
  return new RequestGuard({ port, host, allowedHosts, allowedOrigins });
}

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const gateway = new Gateway(options);
  await gateway.listen();
  return gateway;
}
