// What /metrics reports of finished requests, added up as they finish: one series per combination of endpoint, client
// token, route, answering provider and model, status and error class, found through nested maps (no key strings are
// built per request) and holding plain numbers and bucket counts. The metrics' own label sets are grouped from these
// series when scraped. prom-client validates and hashes labels on every observation, which cost ~15 µs of CPU per
// request in the gateway bench; this costs one map walk and a few additions.
import type { RequestFinish } from '../../ledger/types.js';

/** Series kept; past it a new combination is not counted (a client cannot grow memory without bound). */
export const maxSeries = 5_000;

// OpenTelemetry's advised bucket boundaries for these instruments
export const tokenBounds = [1, 4, 16, 64, 256, 1_024, 4_096, 16_384, 65_536, 262_144, 1_048_576, 4_194_304, 16_777_216, 67_108_864];
export const durationBounds = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
export const firstTokenBounds = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
export const overheadBounds = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25];

/** One histogram's counts: per bucket (not cumulative; the last is +Inf), sum and count. */
export class Buckets {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    const bounds = this.bounds;
    let index = 0;
    while (index < bounds.length && value > (bounds[index] as number)) index += 1;
    this.counts[index] = (this.counts[index] ?? 0) + 1;
    this.sum += value;
    this.count += 1;
  }

  add(other: Buckets): void {
    for (let index = 0; index < this.counts.length; index += 1) this.counts[index] = (this.counts[index] ?? 0) + (other.counts[index] ?? 0);
    this.sum += other.sum;
    this.count += other.count;
  }
}

export interface SeriesLabels {
  readonly endpoint: string;
  readonly client: string;
  readonly route: string;
  readonly provider: string;
  readonly model: string;
  readonly status: string;
  readonly errorClass: string;
  readonly httpStatus: string;
}

export class Series {
  requests = 0;
  fallbacks = 0;
  input = 0;
  output = 0;
  cacheRead = 0;
  cacheWrite = 0;
  reasoning = 0;
  costUsd = 0;
  readonly duration = new Buckets(durationBounds);
  readonly firstToken = new Buckets(firstTokenBounds);
  readonly overhead = new Buckets(overheadBounds);
  readonly inputTokens = new Buckets(tokenBounds);
  readonly outputTokens = new Buckets(tokenBounds);

  constructor(readonly labels: SeriesLabels) {}
}

type Level = Map<string | number | null, Level | Series>;

export class RequestSeries {
  private readonly root: Level = new Map();
  private readonly all: Series[] = [];
  /** attempts by provider, model and outcome */
  private readonly attemptCounts = new Map<string, Map<string, Map<string, number>>>();
  private attemptSeries = 0;
  /** finished requests not counted because maxSeries was reached */
  dropped = 0;

  observe(record: RequestFinish): void {
    const series = this.seriesOf(record);
    let tried = 0;
    for (const attempt of record.attempts) {
      if (attempt.outcome !== 'skipped') tried += 1;
      this.countAttempt(attempt.providerId, attempt.model, attempt.outcome);
    }
    if (!series) {
      this.dropped += 1;
      return;
    }
    series.requests += 1;
    if (tried > 1) series.fallbacks += 1;
    const { tokens } = record;
    series.input += tokens.input;
    series.output += tokens.output;
    series.cacheRead += tokens.cacheRead;
    series.cacheWrite += tokens.cacheWrite;
    series.reasoning += tokens.reasoning;
    if (record.costUsd !== null && record.costUsd > 0) series.costUsd += record.costUsd;
    if (record.providerId !== null && record.status === 'ok') {
      series.inputTokens.observe(tokens.input + tokens.cacheRead + tokens.cacheWrite);
      if (record.endpoint !== 'embeddings') series.outputTokens.observe(tokens.output);
    }
    if (record.latencyMs !== null) series.duration.observe(record.latencyMs / 1000);
    if (record.stream && record.ttftMs !== null && record.status !== 'error') series.firstToken.observe(record.ttftMs / 1000);
    if (record.overheadMs !== null) series.overhead.observe(Math.max(0, record.overheadMs) / 1000);
  }

  series(): readonly Series[] {
    return this.all;
  }

  attempts(): Array<{ readonly provider: string; readonly model: string; readonly outcome: string; readonly count: number }> {
    const rows: Array<{ provider: string; model: string; outcome: string; count: number }> = [];
    for (const [provider, models] of this.attemptCounts)
      for (const [model, outcomes] of models) for (const [outcome, count] of outcomes) rows.push({ provider, model, outcome, count });
    return rows;
  }

  private seriesOf(record: RequestFinish): Series | undefined {
    const path: ReadonlyArray<string | number | null> = [
      record.endpoint,
      record.clientTokenName,
      record.route,
      record.providerId,
      record.model,
      record.status,
      record.errorClass,
      record.httpStatus,
    ];
    let level = this.root;
    for (let depth = 0; depth < path.length - 1; depth += 1) {
      const key = path[depth] as string | number | null;
      let next = level.get(key) as Level | undefined;
      if (next === undefined) {
        if (this.all.length >= maxSeries) return undefined;
        next = new Map();
        level.set(key, next);
      }
      level = next;
    }
    const last = path[path.length - 1] as string | number | null;
    let series = level.get(last) as Series | undefined;
    if (series === undefined) {
      if (this.all.length >= maxSeries) return undefined;
      series = new Series({
        endpoint: record.endpoint,
        client: record.clientTokenName ?? '',
        route: record.route ?? '',
        provider: record.providerId ?? '',
        model: record.model ?? '',
        status: record.status,
        errorClass: record.errorClass ?? '',
        httpStatus: record.httpStatus === null ? '' : String(record.httpStatus),
      });
      level.set(last, series);
      this.all.push(series);
    }
    return series;
  }

  private countAttempt(provider: string, model: string, outcome: string): void {
    let models = this.attemptCounts.get(provider);
    if (models === undefined) {
      if (this.attemptSeries >= maxSeries) return;
      models = new Map();
      this.attemptCounts.set(provider, models);
    }
    let outcomes = models.get(model);
    if (outcomes === undefined) {
      if (this.attemptSeries >= maxSeries) return;
      outcomes = new Map();
      models.set(model, outcomes);
    }
    const count = outcomes.get(outcome);
    if (count === undefined) {
      if (this.attemptSeries >= maxSeries) return;
      this.attemptSeries += 1;
    }
    outcomes.set(outcome, (count ?? 0) + 1);
  }
}
