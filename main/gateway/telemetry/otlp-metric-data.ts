// The OTLP metrics, made at each export from the same finished-request series and live state as GET /metrics, in the
// OpenTelemetry SDK's data model (a MetricProducer's answer). The GenAI instruments carry their semantic-convention
// names, units and attributes (gen_ai.client.token.usage, gen_ai.client.operation.duration,
// gen_ai.server.time_to_first_token); the rest are switchyard.* with the labels /metrics has, so a collector's
// Prometheus exporter shows the series /metrics shows. Sums and histograms are cumulative since `startedAt`.
// Nothing is recorded per request: like prom-client, the SDK's instruments hash their attributes on every call.
import { ValueType, type Attributes, type HrTime } from '@opentelemetry/api';
import { AggregationTemporality, DataPointType, type MetricData } from '@opentelemetry/sdk-metrics';
import { grouped, operationName, type LiveState } from './prometheus.js';
import { Buckets, type RequestSeries, type Series } from './request-series.js';

type Labels = Record<string, string>;
type Rows = ReadonlyArray<{ readonly labels: Labels; readonly value: number }>;

/** Milliseconds since the epoch as the SDK's [seconds, nanoseconds]. */
export function hrTime(milliseconds: number): HrTime {
  const seconds = Math.floor(milliseconds / 1000);
  return [seconds, Math.round((milliseconds - seconds * 1000) * 1e6)];
}

/** The metrics at `now`: sums and histograms cumulative since `startedAt`, gauges as they are now. */
export function otlpMetricData(requests: RequestSeries, live: LiveState, startedAt: number, now: number): MetricData[] {
  const startTime = hrTime(startedAt);
  const endTime = hrTime(now);
  const all = requests.series();
  const metrics: MetricData[] = [];

  const sum = (name: string, unit: string, description: string, rows: Rows, valueType = ValueType.INT): void => {
    const dataPoints = rows.filter((row) => row.value > 0).map((row) => ({ startTime, endTime, attributes: row.labels, value: row.value }));
    if (dataPoints.length === 0) return;
    metrics.push({
      descriptor: { name, unit, description, valueType },
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.SUM,
      isMonotonic: true,
      dataPoints,
    });
  };
  const gauge = (name: string, unit: string, description: string, rows: Rows): void => {
    if (rows.length === 0) return;
    metrics.push({
      descriptor: { name, unit, description, valueType: ValueType.DOUBLE },
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.GAUGE,
      dataPoints: rows.map((row) => ({ startTime: endTime, endTime, attributes: row.labels, value: row.value })),
    });
  };
  const histogram = (
    name: string,
    unit: string,
    description: string,
    pick: (series: Series) => ReadonlyArray<{ readonly labels: Attributes; readonly buckets: Buckets }>,
  ): void => {
    const groups = new Map<string, { labels: Attributes; buckets: Buckets }>();
    for (const series of all) {
      for (const picked of pick(series)) {
        if (picked.buckets.count === 0) continue;
        const key = Object.values(picked.labels).join('\u0000');
        let group = groups.get(key);
        if (!group) {
          group = { labels: picked.labels, buckets: new Buckets(picked.buckets.bounds) };
          groups.set(key, group);
        }
        group.buckets.add(picked.buckets);
      }
    }
    if (groups.size === 0) return;
    metrics.push({
      descriptor: { name, unit, description, valueType: ValueType.DOUBLE },
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.HISTOGRAM,
      dataPoints: [...groups.values()].map(({ labels, buckets }) => ({
        startTime,
        endTime,
        attributes: labels,
        value: { buckets: { boundaries: [...buckets.bounds], counts: [...buckets.counts] }, sum: buckets.sum, count: buckets.count },
      })),
    });
  };

  const target = (series: Series): Labels => ({ provider: series.labels.provider, model: series.labels.model, client: series.labels.client });
  const genAi = (series: Series): Attributes => ({
    'gen_ai.operation.name': operationName(series.labels.endpoint),
    'gen_ai.provider.name': series.labels.provider,
    'gen_ai.request.model': series.labels.model,
  });

  histogram('gen_ai.client.token.usage', '{token}', 'Tokens per request (input includes cached)', (series) => [
    { labels: { ...genAi(series), 'gen_ai.token.type': 'input' }, buckets: series.inputTokens },
    { labels: { ...genAi(series), 'gen_ai.token.type': 'output' }, buckets: series.outputTokens },
  ]);
  histogram('gen_ai.client.operation.duration', 's', 'Request duration, arrival to the last byte', (series) => [
    {
      labels: series.labels.status === 'ok' ? genAi(series) : { ...genAi(series), 'error.type': series.labels.errorClass || series.labels.status },
      buckets: series.duration,
    },
  ]);
  histogram('gen_ai.server.time_to_first_token', 's', 'Time to the first content of a streamed answer', (series) => [
    { labels: genAi(series), buckets: series.firstToken },
  ]);
  histogram('switchyard.overhead', 's', "Switchyard's own time per answered request (total minus upstream time)", (series) => [
    { labels: { endpoint: series.labels.endpoint }, buckets: series.overhead },
  ]);

  sum(
    'switchyard.requests',
    '{request}',
    'Client requests finished, by endpoint, client token, route, answering provider and model, and status',
    grouped(
      all,
      ({ labels }) => ({
        endpoint: labels.endpoint,
        client: labels.client,
        route: labels.route,
        provider: labels.provider,
        model: labels.model,
        status: labels.status,
      }),
      (series) => series.requests,
    ),
  );
  sum(
    'switchyard.errors',
    '{request}',
    'Client requests that ended in an error, by endpoint, provider and error class',
    grouped(
      all,
      ({ labels }) =>
        labels.status === 'error'
          ? { endpoint: labels.endpoint, provider: labels.provider, error_class: labels.errorClass || 'unknown', http_status: labels.httpStatus }
          : undefined,
      (series) => series.requests,
    ),
  );
  const tokenTypes: ReadonlyArray<readonly [string, (series: Series) => number]> = [
    ['input', (series) => series.input],
    ['output', (series) => series.output],
    ['cache_read', (series) => series.cacheRead],
    ['cache_write', (series) => series.cacheWrite],
    ['reasoning', (series) => series.reasoning],
  ];
  sum(
    'switchyard.tokens',
    '{token}',
    'Tokens by type: input (uncached), output, cache_read, cache_write, reasoning (part of output)',
    tokenTypes.flatMap(([type, value]) => grouped(all, (series) => ({ ...target(series), type }), value)),
  );
  sum(
    'switchyard.cost_usd',
    '{USD}',
    'Spend in USD at the prices in force',
    grouped(all, target, (series) => series.costUsd),
    ValueType.DOUBLE,
  );
  sum(
    'switchyard.fallbacks',
    '{request}',
    'Requests that needed more than one upstream attempt',
    grouped(
      all,
      ({ labels }) => ({ route: labels.route, status: labels.status }),
      (series) => series.fallbacks,
    ),
  );
  sum(
    'switchyard.upstream_attempts',
    '{attempt}',
    'Upstream attempts, by target and outcome (ok, skipped, or the error class)',
    requests.attempts().map((row) => ({ labels: { provider: row.provider, model: row.model, outcome: row.outcome }, value: row.count })),
  );
  sum(
    'switchyard.rate_limited',
    '{request}',
    'Requests refused with a 429 by a Switchyard rate limit',
    (live.limiter()?.refusals ?? []).map((refusal) => ({ labels: { scope: refusal.scope, name: refusal.name, kind: refusal.kind }, value: refusal.count })),
  );
  sum('switchyard.metrics_series_dropped', '{request}', 'Finished requests not counted (past the label-combination cap)', [
    { labels: {}, value: requests.dropped },
  ]);

  gauge('switchyard.in_flight_requests', '{request}', 'Requests being answered now', [{ labels: {}, value: live.inFlight() }]);
  gauge(
    'switchyard.circuit_open',
    '1',
    'Targets whose circuit breaker is not closed: 1 open, 0.5 half-open',
    live
      .circuits()
      .filter((circuit) => circuit.phase !== 'closed')
      .map((circuit) => ({ labels: { target: circuit.target }, value: circuit.phase === 'open' ? 1 : 0.5 })),
  );
  gauge(
    'switchyard.rate_limit_queue_length',
    '{request}',
    "Requests waiting in a route's rate-limit queue",
    (live.limiter()?.queues ?? []).map((queue) => ({ labels: { route: queue.route }, value: queue.length })),
  );
  return metrics;
}
