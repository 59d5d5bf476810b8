// What the desktop shell knows about its gateway: whether it runs, at which address, and whether each provider
// answered its last reachability check. Turns the core's status into the AppStatus the window and tray show,
// copying field by field so nothing the core adds later (or a key) leaks to the renderer by accident.
import { redactSecrets } from '../../shared/redact.js';
import type { AppStatus, GatewayPhase, ProviderStatusView } from '../../preload/bridge-api.js';
import type { GatewayStatus } from '../gateway/gateway.js';
import type { ProbeResult } from '../gateway/providers/types.js';

/** The part of the core's Gateway the shell uses (so tests can hand in a fake). */
export interface MonitoredGateway {
  status(): GatewayStatus;
  probeProviders(timeoutMs?: number): Promise<Array<{ id: string; result: ProbeResult }>>;
}

export interface MonitorOptions {
  readonly now?: () => number;
  /** reachability older than this is checked again when someone asks for the status */
  readonly maxProbeAgeMs?: number;
  readonly probeTimeoutMs?: number;
}

const maxDetailLength = 200;

export class GatewayMonitor {
  private phase: GatewayPhase = 'starting';
  private gateway: MonitoredGateway | undefined;
  private message: string | null = null;
  private probes = new Map<string, ProbeResult>();
  private checkedAt: number | undefined;
  private probing: Promise<void> | undefined;
  private readonly listeners = new Set<() => void>();
  private readonly now: () => number;

  constructor(private readonly options: MonitorOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  running(gateway: MonitoredGateway): void {
    this.gateway = gateway;
    this.setPhase('running', null);
  }

  failed(message: string): void {
    this.setPhase('failed', redactSecrets(message));
  }

  stopping(): void {
    if (this.phase === 'running') this.setPhase('stopping', null);
  }

  stopped(): void {
    if (this.phase !== 'failed') this.setPhase('stopped', null);
  }

  /** Called whenever the phase or the reachability changes; returns the unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The status as known now, without asking any provider (for the tray). */
  snapshot(): AppStatus {
    const status = this.gateway?.status();
    return {
      phase: this.phase,
      gatewayUrl: status && (this.phase === 'running' || this.phase === 'stopping') ? `${status.url}/v1` : null,
      message: this.message,
      configSource: status?.configSource ?? null,
      inFlight: status?.inFlight ?? 0,
      providers: (status?.providers ?? []).map((provider) => this.providerView(provider)),
      checkedAt: this.checkedAt === undefined ? null : new Date(this.checkedAt).toISOString(),
    };
  }

  /** The status, re-checking reachability first when the last check is stale. */
  async status(): Promise<AppStatus> {
    const maxAge = this.options.maxProbeAgeMs ?? 30_000;
    if (this.phase === 'running' && (this.checkedAt === undefined || this.now() - this.checkedAt > maxAge)) await this.refresh();
    return this.snapshot();
  }

  /** Checks every provider; concurrent callers share one check. */
  refresh(): Promise<void> {
    const gateway = this.gateway;
    if (!gateway || this.phase !== 'running') return Promise.resolve();
    this.probing ??= gateway
      .probeProviders(this.options.probeTimeoutMs ?? 2_000)
      .then(
        (results) => {
          this.probes = new Map(results.map(({ id, result }) => [id, result]));
          this.checkedAt = this.now();
          this.notify();
        },
        () => undefined, // a failed check leaves the previous answer; the next call tries again
      )
      .finally(() => {
        this.probing = undefined;
      });
    return this.probing;
  }

  private providerView(provider: GatewayStatus['providers'][number]): ProviderStatusView {
    const probe = this.probes.get(provider.id);
    return {
      id: provider.id,
      type: provider.type,
      locality: provider.locality,
      address: displayAddress(provider.baseUrl),
      keySource: provider.keySource,
      reachability: probe === undefined ? 'unknown' : probe.reachable ? 'reachable' : 'unreachable',
      detail: probe === undefined ? '' : redactSecrets(probe.detail).slice(0, maxDetailLength),
      latencyMs: probe?.latencyMs ?? null,
    };
  }

  private setPhase(phase: GatewayPhase, message: string | null): void {
    this.phase = phase;
    this.message = message;
    this.notify();
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }
}

/** A provider's base URL as the user may see it: no user name, password, query or fragment. */
export function displayAddress(baseUrl: string): string {
  try {
    const url = new URL(baseUrl);
    return `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}`;
  } catch {
    return '(not a valid URL)';
  }
}
