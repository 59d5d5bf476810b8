// Cheap background recovery checks. Health is learnt from real traffic; probes run only at start-up and, every
// `intervalMs`, for providers that are known to be down (a local server that went away, or every cloud provider
// while automatic offline mode is on), so the gateway notices when they come back.
import type { ProbeResult } from '../providers/types.js';
import type { GatewayState } from '../server/context.js';
import type { RoutingService } from './service.js';

export class HealthMonitor {
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly state: () => GatewayState,
    private readonly routing: RoutingService,
    private readonly intervalMs = 15_000,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.checkDown(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async probeAll(timeoutMs: number): Promise<Array<{ id: string; result: ProbeResult }>> {
    const { registry } = this.state();
    return Promise.all(
      registry.all().map(async (adapter) => {
        const result = await adapter.probe(AbortSignal.timeout(timeoutMs)).catch((error: unknown): ProbeResult => ({ reachable: false, detail: String(error) }));
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
