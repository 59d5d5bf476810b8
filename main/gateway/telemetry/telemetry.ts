// What leaves Switchyard about its requests: Prometheus metrics on GET /metrics and, when turned on, OTLP traces and
// metrics. All are fed in one place — the ledger's finish record, through the metering recorder (withTelemetry) — so
// no handler calls them; the OTLP metrics are read from the same series /metrics renders. No SDK is loaded while the
// gateway starts or idles: prom-client at the first scrape, the OpenTelemetry SDK only when telemetry.otlp is on.
import type { TelemetrySettings } from '../../config/limits.js';
import type { RequestFinish } from '../../ledger/types.js';
import type { Metering } from '../metering.js';
import type { OtlpMetrics } from './otlp-metrics.js';
import type { OtlpTracing } from './otlp.js';
import { PrometheusMetrics, type LiveState } from './prometheus.js';
import type { ClientTokenVerifier } from '../../secrets/token-verifier.js';

/** How long stop() waits for the OTLP exporters' last export. */
const shutdownWaitMs = 5_000;

export class Telemetry {
  readonly prometheus: PrometheusMetrics;
  private tracing: OtlpTracing | undefined;
  private metrics: OtlpMetrics | undefined;
  private otlpStart: Promise<unknown> | undefined;
  private otlpKey: string | undefined;
  /** when the request series began (the OTLP sums' start time) */
  private readonly seriesStartedAt = Date.now();

  constructor(
    private settings: TelemetrySettings,
    private readonly live: LiveState,
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

  /** After listen: the OTLP exporters when configured (prom-client loads at the first scrape). */
  start(): void {
    this.applyOtlp();
  }

  update(settings: TelemetrySettings): void {
    this.settings = settings;
    this.applyOtlp();
  }

  /** One finished request (called by the metering recorder). */
  observe(record: RequestFinish): void {
    if (this.settings.prometheus || this.settings.otlp?.metrics) this.prometheus.requests.observe(record);
    this.tracing?.record(record);
  }

  async stop(): Promise<void> {
    await this.otlpStart;
    const running = [this.tracing, this.metrics];
    this.tracing = undefined;
    this.metrics = undefined;
    // the last export is worth a short wait at exit, not a hang on a collector that does not answer
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), shutdownWaitMs)));
    const done = Promise.all(running.map((exporter) => exporter?.shutdown().catch(() => undefined)));
    if ((await Promise.race([done, bound])) === 'late')
      this.log(`telemetry: the last OTLP export did not finish within ${shutdownWaitMs / 1000} s; not waiting longer`);
    clearTimeout(timer);
  }

  private applyOtlp(): void {
    const otlp = this.settings.otlp;
    const key = otlp ? JSON.stringify(otlp) : undefined;
    if (key === this.otlpKey) return;
    this.otlpKey = key;
    for (const previous of [this.tracing, this.metrics]) void previous?.shutdown().catch(() => undefined);
    this.tracing = undefined;
    this.metrics = undefined;
    if (!otlp) return;
    const failed = (what: string) => (error: unknown) =>
      this.log(`telemetry: the OTLP ${what} exporter did not start: ${error instanceof Error ? error.message : String(error)}`);
    const traces = otlp.traces
      ? import('./otlp.js')
          .then(({ startOtlpTracing }) => startOtlpTracing(otlp, this.version()))
          .then((tracing) => {
            if (this.otlpKey !== key) return void tracing.shutdown();
            this.tracing = tracing;
            this.log(`telemetry: OTLP traces to ${otlp.endpoint}/v1/traces`);
          }, failed('trace'))
      : undefined;
    const metrics = otlp.metrics
      ? import('./otlp-metrics.js')
          .then(({ startOtlpMetrics }) => startOtlpMetrics(otlp, this.version(), this.prometheus.requests, this.live, this.seriesStartedAt))
          .then((metrics) => {
            if (this.otlpKey !== key) return void metrics.shutdown();
            this.metrics = metrics;
            this.log(`telemetry: OTLP metrics to ${otlp.endpoint}/v1/metrics every ${otlp.metricsIntervalMs / 1000} s`);
          }, failed('metric'))
      : undefined;
    this.otlpStart = Promise.all([traces, metrics]);
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
