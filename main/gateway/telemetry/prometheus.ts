// GET /metrics in the Prometheus text format, made with prom-client at scrape time from the finished requests'
// series (request-series.ts) and the gateway's live state (in-flight, circuits, rate-limit queues). Names follow the
// OpenTelemetry GenAI semantic conventions as Prometheus renders them where one exists (gen_ai_client_token_usage,
// gen_ai_client_operation_duration_seconds, gen_ai_server_time_to_first_token_seconds) and are switchyard_*
// otherwise. prom-client is loaded at the first scrape: a gateway nobody scrapes never loads it.
import type * as Prom from 'prom-client';
import type { LimiterStats } from '../limits/limiter.js';
import type { CircuitView } from '../routing/health.js';
import type { SharedStateView } from '../shared-state/shared-state.js';
import { Buckets, RequestSeries, durationBounds, firstTokenBounds, maxSeries, overheadBounds, tokenBounds, type Series } from './request-series.js';

/** What the scrape reads of the running gateway. */
export interface LiveState {
  inFlight(): number;
  circuits(): readonly CircuitView[];
  limiter(): LimiterStats | undefined;
  /** team mode (state.url): the shared state's backend; undefined without one */
  sharedState?(): SharedStateView | undefined;
  /** team mode (ledger.url): whether the client tokens shared in PostgreSQL are current; undefined without them */
  sharedTokens?(): { readonly state: 'live' | 'stale'; readonly active: number } | undefined;
}

type Labels = Record<string, string>;
type MetricData = Awaited<ReturnType<Prom.Histogram['get']>>;

export function operationName(endpoint: string): string {
  return endpoint === 'embeddings' ? 'embeddings' : 'chat';
}

export class PrometheusMetrics {
  readonly requests = new RequestSeries();
  private registry: Promise<Prom.Registry> | undefined;

  constructor(private readonly live: LiveState) {}

  async scrape(): Promise<{ readonly contentType: string; readonly text: string }> {
    this.registry ??= import('prom-client').then((prom) => build(prom, this.requests, this.live));
    const registry = await this.registry;
    return { contentType: registry.contentType, text: await registry.metrics() };
  }
}

/** Sums `value(series)` over the series, grouped by the labels `labelsOf` gives (undefined: the series is left out). */
export function grouped(
  all: readonly Series[],
  labelsOf: (series: Series) => Labels | undefined,
  value: (series: Series) => number,
): Array<{ labels: Labels; value: number }> {
  const groups = new Map<string, { labels: Labels; value: number }>();
  for (const series of all) {
    const labels = labelsOf(series);
    if (!labels) continue;
    const key = Object.values(labels).join('\u0000');
    const group = groups.get(key);
    if (group) group.value += value(series);
    else groups.set(key, { labels, value: value(series) });
  }
  return [...groups.values()];
}

function build(prom: typeof Prom, requests: RequestSeries, live: LiveState): Prom.Registry {
  const registry = new prom.Registry();
  const registers = [registry];
  const counter = (name: string, help: string, labelNames: string[], rows: () => Array<{ labels: Labels; value: number }>): void => {
    new prom.Counter({
      name,
      help,
      labelNames,
      registers,
      collect() {
        this.reset();
        for (const row of rows()) if (row.value > 0) this.inc(row.labels, row.value);
      },
    });
  };
  const histogram = (
    name: string,
    help: string,
    labelNames: string[],
    bounds: readonly number[],
    pick: (series: Series) => ReadonlyArray<{ labels: Labels; buckets: Buckets }>,
  ): void => {
    // prom-client's Histogram renders what get() returns; the counts are this file's, grouped at each scrape
    class Computed extends prom.Histogram {
      /** what the registry renders (it prefers this to get() where a metric has it) */
      getForPromString(): Promise<MetricData> {
        return this.get();
      }

      override async get(): Promise<MetricData> {
        const groups = new Map<string, { labels: Labels; buckets: Buckets }>();
        for (const series of requests.series()) {
          for (const picked of pick(series)) {
            if (picked.buckets.count === 0) continue;
            const key = Object.values(picked.labels).join('\u0000');
            let group = groups.get(key);
            if (!group) {
              group = { labels: picked.labels, buckets: new Buckets(bounds) };
              groups.set(key, group);
            }
            group.buckets.add(picked.buckets);
          }
        }
        const values: MetricData['values'] = [];
        for (const { labels, buckets } of groups.values()) {
          let cumulative = 0;
          bounds.forEach((bound, index) => {
            cumulative += buckets.counts[index] ?? 0;
            values.push({ labels: { ...labels, le: bound }, value: cumulative, metricName: `${name}_bucket` });
          });
          values.push({ labels: { ...labels, le: '+Inf' }, value: buckets.count, metricName: `${name}_bucket` });
          values.push({ labels, value: buckets.sum, metricName: `${name}_sum` });
          values.push({ labels, value: buckets.count, metricName: `${name}_count` });
        }
        return { name, help, type: 'histogram', values, aggregator: 'sum' } as unknown as MetricData;
      }
    }
    new Computed({ name, help, labelNames, buckets: [...bounds], registers });
  };
  const all = (): readonly Series[] => requests.series();
  const target = (series: Series): Labels => ({ provider: series.labels.provider, model: series.labels.model, client: series.labels.client });

  counter(
    'switchyard_requests_total',
    'Client requests finished, by endpoint, client token, route, answering provider and model, and status (ok, error, cancelled)',
    ['endpoint', 'client', 'route', 'provider', 'model', 'status'],
    () =>
      grouped(
        all(),
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
  counter(
    'switchyard_errors_total',
    'Client requests that ended in an error, by endpoint, provider and error class (rate_limit_exceeded, budget_exceeded, server, timeout, auth, …)',
    ['endpoint', 'provider', 'error_class', 'http_status'],
    () =>
      grouped(
        all(),
        ({ labels }) =>
          labels.status === 'error'
            ? { endpoint: labels.endpoint, provider: labels.provider, error_class: labels.errorClass || 'unknown', http_status: labels.httpStatus }
            : undefined,
        (series) => series.requests,
      ),
  );
  counter(
    'switchyard_tokens_total',
    'Tokens by type: input (uncached), output, cache_read, cache_write, reasoning (part of output)',
    ['provider', 'model', 'client', 'type'],
    () => [
      ...grouped(
        all(),
        (series) => ({ ...target(series), type: 'input' }),
        (series) => series.input,
      ),
      ...grouped(
        all(),
        (series) => ({ ...target(series), type: 'output' }),
        (series) => series.output,
      ),
      ...grouped(
        all(),
        (series) => ({ ...target(series), type: 'cache_read' }),
        (series) => series.cacheRead,
      ),
      ...grouped(
        all(),
        (series) => ({ ...target(series), type: 'cache_write' }),
        (series) => series.cacheWrite,
      ),
      ...grouped(
        all(),
        (series) => ({ ...target(series), type: 'reasoning' }),
        (series) => series.reasoning,
      ),
    ],
  );
  counter('switchyard_cost_usd_total', 'Spend in USD at the prices in force (unpriced requests add nothing)', ['provider', 'model', 'client'], () =>
    grouped(all(), target, (series) => series.costUsd),
  );
  counter(
    'switchyard_fallbacks_total',
    'Requests that needed more than one upstream attempt (a retry or a fallback to another target)',
    ['route', 'status'],
    () =>
      grouped(
        all(),
        ({ labels }) => ({ route: labels.route, status: labels.status }),
        (series) => series.fallbacks,
      ),
  );
  counter(
    'switchyard_upstream_attempts_total',
    'Upstream attempts, by target and outcome (ok, skipped, or the error class)',
    ['provider', 'model', 'outcome'],
    () => requests.attempts().map((row) => ({ labels: { provider: row.provider, model: row.model, outcome: row.outcome }, value: row.count })),
  );
  counter(
    'switchyard_rate_limited_total',
    'Requests refused with a 429 by a Switchyard rate limit, by scope (client or route), its name and the kind of limit',
    ['scope', 'name', 'kind'],
    () =>
      (live.limiter()?.refusals ?? []).map((refusal) => ({ labels: { scope: refusal.scope, name: refusal.name, kind: refusal.kind }, value: refusal.count })),
  );
  counter('switchyard_metrics_series_dropped_total', `Finished requests not counted in these metrics (past ${maxSeries} label combinations)`, [], () => [
    { labels: {}, value: requests.dropped },
  ]);

  const genAi = (series: Series): Labels => ({
    gen_ai_operation_name: operationName(series.labels.endpoint),
    gen_ai_provider_name: series.labels.provider,
    gen_ai_request_model: series.labels.model,
  });
  histogram(
    'gen_ai_client_token_usage',
    'Tokens per request (OpenTelemetry gen_ai.client.token.usage; input includes cached)',
    ['gen_ai_operation_name', 'gen_ai_provider_name', 'gen_ai_request_model', 'gen_ai_token_type'],
    tokenBounds,
    (series) => [
      { labels: { ...genAi(series), gen_ai_token_type: 'input' }, buckets: series.inputTokens },
      { labels: { ...genAi(series), gen_ai_token_type: 'output' }, buckets: series.outputTokens },
    ],
  );
  histogram(
    'gen_ai_client_operation_duration_seconds',
    'Request duration, arrival to the last byte (OpenTelemetry gen_ai.client.operation.duration)',
    ['gen_ai_operation_name', 'gen_ai_provider_name', 'gen_ai_request_model', 'error_type'],
    durationBounds,
    (series) => [
      {
        labels: { ...genAi(series), error_type: series.labels.status === 'ok' ? '' : series.labels.errorClass || series.labels.status },
        buckets: series.duration,
      },
    ],
  );
  histogram(
    'gen_ai_server_time_to_first_token_seconds',
    'Time to the first content of a streamed answer (OpenTelemetry gen_ai.server.time_to_first_token)',
    ['gen_ai_operation_name', 'gen_ai_provider_name', 'gen_ai_request_model'],
    firstTokenBounds,
    (series) => [{ labels: genAi(series), buckets: series.firstToken }],
  );
  histogram('switchyard_overhead_seconds', "Switchyard's own time per answered request (total minus upstream time)", ['endpoint'], overheadBounds, (series) => [
    { labels: { endpoint: series.labels.endpoint }, buckets: series.overhead },
  ]);

  new prom.Gauge({
    name: 'switchyard_in_flight_requests',
    help: 'Requests being answered now (past the body, counted towards server.max_in_flight)',
    registers,
    collect() {
      this.set(live.inFlight());
    },
  });
  new prom.Gauge({
    name: 'switchyard_circuit_open',
    help: 'Targets whose circuit breaker is not closed: 1 open (cooling down), 0.5 half-open (one probe request allowed)',
    labelNames: ['target'],
    registers,
    collect() {
      this.reset();
      for (const circuit of live.circuits()) if (circuit.phase !== 'closed') this.set({ target: circuit.target }, circuit.phase === 'open' ? 1 : 0.5);
    },
  });
  if (live.sharedState?.() !== undefined) {
    new prom.Gauge({
      name: 'switchyard_state_backend',
      help: 'Where rate limits, budget totals and circuit breakers are kept: 1 on the backend in use (redis, or local_fallback at limit ÷ replicas while Redis is down)',
      labelNames: ['state'],
      registers,
      collect() {
        const backend = live.sharedState?.()?.backend;
        this.set({ state: 'redis' }, backend === 'redis' ? 1 : 0);
        this.set({ state: 'local_fallback' }, backend === 'local_fallback' ? 1 : 0);
      },
    });
    new prom.Gauge({
      name: 'switchyard_state_replicas',
      help: 'Replicas sharing the limits (heartbeats in Redis, or state.replicas): the fallback divides each limit by this',
      registers,
      collect() {
        this.set(live.sharedState?.()?.replicas ?? 1);
      },
    });
  }
  if (live.sharedTokens?.() !== undefined) {
    new prom.Gauge({
      name: 'switchyard_client_tokens_state',
      help: 'Client tokens shared in PostgreSQL: 1 on live (current), or on stale (PostgreSQL unreachable: the last set read is in force)',
      labelNames: ['state'],
      registers,
      collect() {
        const state = live.sharedTokens?.()?.state;
        this.set({ state: 'live' }, state === 'live' ? 1 : 0);
        this.set({ state: 'stale' }, state === 'stale' ? 1 : 0);
      },
    });
    new prom.Gauge({
      name: 'switchyard_client_tokens_active',
      help: "Active client tokens in this replica's in-memory set (read from PostgreSQL)",
      registers,
      collect() {
        this.set(live.sharedTokens?.()?.active ?? 0);
      },
    });
  }
  new prom.Gauge({
    name: 'switchyard_rate_limit_queue_length',
    help: "Requests waiting in a route's rate-limit queue",
    labelNames: ['route'],
    registers,
    collect() {
      this.reset();
      for (const queue of live.limiter()?.queues ?? []) this.set({ route: queue.route }, queue.length);
    },
  });
  return registry;
}
