// Cheap background recovery checks. Health is learnt from real traffic; probes run only at start-up and, every
// `recovery_check_ms`, for providers that are known to be down (a local server that went away, or every cloud provider
// while automatic offline mode is on), so the gateway notices when they come back.
import type { ProbeResult } from '../providers/types.js';
import type { GatewayState } from '../http/context.js';
import type { RoutingService } from './service.js';

export class HealthMonitor {
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly state: () => GatewayState,
    private readonly routing: RoutingService,
  ) {}

  start(): void {
    const tick = (): void => {
      void this.checkDown().finally(() => {
        if (this.timer !== undefined) this.schedule(tick);
      });
    };
    this.schedule(tick);
  }

  /** The interval is read each time, so a reload that changes recovery_check_ms applies at once. */
  private schedule(tick: () => void): void {
    this.timer = setTimeout(tick, this.state().config.routing.recoveryCheckMs);
    this.timer.unref();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  async probeAll(timeoutMs: number): Promise<Array<{ id: string; result: ProbeResult }>> {
    const { registry } = this.state();
    return Promise.all(
      registry.all().map(async (adapter) => {
        const result = await adapter
          .probe(AbortSignal.timeout(timeoutMs))
          .catch((error: unknown): ProbeResult => ({ reachable: false, detail: String(error) }));
        this.routing.health.probed(adapter.id, adapter.locality, result.reachable, result.detail);
        return { id: adapter.id, result };
      }),
    );
  }

  private async checkDown(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const { registry } = this.state();
      const offline = this.routing.offlineReason() !== undefined;
      const due = registry.all().filter((adapter) => {
        const reachable = this.routing.health.providerHealth(adapter.id)?.reachable;
        return reachable === false || (offline && adapter.locality === 'cloud');
      });
      await Promise.all(
        due.map(async (adapter) => {
          const result = await adapter.probe(AbortSignal.timeout(3_000)).catch((error: unknown): ProbeResult => ({ reachable: false, detail: String(error) }));
          this.routing.health.probed(adapter.id, adapter.locality, result.reachable, result.detail);
        }),
      );
    } finally {
      this.running = false;
    }
  }
}
