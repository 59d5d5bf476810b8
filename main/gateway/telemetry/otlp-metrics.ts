// The optional OTLP metric export (telemetry.otlp.metrics), with the official OpenTelemetry JS SDK, loaded only when
// turned on: a MeterProvider whose PeriodicExportingMetricReader asks one MetricProducer — the snapshot of the
// finished-request series and live state that /metrics renders (otlp-metric-data.ts) — every interval, and the
// OTLP/HTTP exporter (JSON) sends it to <endpoint>/v1/metrics. Shutdown exports once more.
import type { MetricProducer } from '@opentelemetry/sdk-metrics';
import type { OtlpSettings } from '../../config/limits.js';
import type { LiveState } from './prometheus.js';
import type { RequestSeries } from './request-series.js';

export interface OtlpMetrics {
  /** exports once more and stops */
  shutdown(): Promise<void>;
}

export async function startOtlpMetrics(
  settings: OtlpSettings,
  version: string,
  requests: RequestSeries,
  live: LiveState,
  /** when the series started counting (the cumulative sums' start time) */
  startedAt: number,
): Promise<OtlpMetrics> {
  const [sdk, exporterModule, resources, { otlpMetricData }] = await Promise.all([
    import('@opentelemetry/sdk-metrics'),
    import('@opentelemetry/exporter-metrics-otlp-http'),
    import('@opentelemetry/resources'),
    import('./otlp-metric-data.js'),
  ]);
  const resource = resources.resourceFromAttributes({ 'service.name': settings.serviceName, 'service.version': version });
  const scope = { name: 'switchyard', version };
  const producer: MetricProducer = {
    collect: () =>
      Promise.resolve({
        resourceMetrics: { resource, scopeMetrics: [{ scope, metrics: otlpMetricData(requests, live, startedAt, Date.now()) }] },
        errors: [],
      }),
  };
  const exporter = new exporterModule.OTLPMetricExporter({ url: `${settings.endpoint}/v1/metrics`, headers: { ...settings.headers } });
  const reader = new sdk.PeriodicExportingMetricReader({
    exporter,
    exportIntervalMillis: settings.metricsIntervalMs,
    exportTimeoutMillis: Math.min(settings.metricsIntervalMs, 30_000),
    metricProducers: [producer],
  });
  const provider = new sdk.MeterProvider({ resource, readers: [reader] });
  return {
    async shutdown() {
      await provider.shutdown();
    },
  };
}
