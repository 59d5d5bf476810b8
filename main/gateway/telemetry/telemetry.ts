// What leaves Switchyard about its requests: Prometheus metrics on GET /metrics and, when turned on, OTLP traces.
// Both are fed in one place — the ledger's finish record, through the metering recorder (withTelemetry) — so no
// handler calls them. Neither SDK is loaded while the gateway starts or idles: prom-client at the first scrape, the
// OpenTelemetry SDK only when telemetry.otlp is on.
import type { TelemetrySettings } from '../../config/limits.js';
import type { RequestFinish } from '../../ledger/types.js';
import type { ClientTokenVerifier } from '../../secrets/token-verifier.js';
import type { Metering } from '../metering.js';
import type { OtlpTracing } from './otlp.js';
import { PrometheusMetrics, type LiveState } from './prometheus.js';

export class Telemetry {
  readonly prometheus: PrometheusMetrics;
  private tracing: OtlpTracing | undefined;
  private tracingStart: Promise<void> | undefined;
  private otlpKey: string | undefined;

  constructor(
    private settings: TelemetrySettings,
    live: LiveState,
    private readonly version: () => string,
    private readonly log: (line: string) => void,
    /** the admin credential, which may read /metrics from anywhere (headless mode) */
    readonly admin?: ClientTokenVerifier,
  ) {
    this.prometheus = new PrometheusMetrics(live);
  }

  get prometheusEnabled(): boolean {
    return this.settings.prometheus;
  }

  /** After listen: the OTLP exporter when configured (prom-client loads at the first scrape). */
  start(): void {
    this.applyOtlp();
  }

  update(settings: TelemetrySettings): void {
    this.settings = settings;
    this.applyOtlp();
  }

  /** One finished request (called by the metering recorder). */
  observe(record: RequestFinish): void {
    if (this.settings.prometheus) this.prometheus.requests.observe(record);
    this.tracing?.record(record);
  }

  async stop(): Promise<void> {
    await this.tracingStart;
    await this.tracing?.shutdown().catch(() => undefined);
    this.tracing = undefined;
  }

  private applyOtlp(): void {
    const otlp = this.settings.otlp;
    const key = otlp ? JSON.stringify(otlp) : undefined;
    if (key === this.otlpKey) return;
    this.otlpKey = key;
    const previous = this.tracing;
    this.tracing = undefined;
    void previous?.shutdown().catch(() => undefined);
    if (!otlp) return;
    this.tracingStart = import('./otlp.js')
      .then(({ startOtlpTracing }) => startOtlpTracing(otlp, this.version()))
      .then(
        (tracing) => {
          if (this.otlpKey === key) {
            this.tracing = tracing;
            this.log(`telemetry: OTLP traces to ${otlp.endpoint}/v1/traces`);
          } else void tracing.shutdown();
        },
        (error: unknown) => this.log(`telemetry: the OTLP exporter did not start: ${error instanceof Error ? error.message : String(error)}`),
      );
  }
}

/** The metering whose finish records also feed telemetry: the one place metrics and spans are made. */
export function withTelemetry(metering: Metering, telemetry: Telemetry): Metering {
  const recorder = metering.recorder;
  return {
    ...metering,
    recorder: {
      begin: (record) => recorder.begin(record),
      finish: (record) => {
        recorder.finish(record);
        telemetry.observe(record);
      },
    },
  };
}
