import { AggregationTemporality, DataPointType, type MetricData } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { telemetryFinish } from '../../../test/support/telemetry-finish.js';
import { hrTime, otlpMetricData } from './otlp-metric-data.js';
import { RequestSeries } from './request-series.js';

const finish = telemetryFinish;

const live = {
  inFlight: () => 3,
  circuits: () => [{ target: 'openai/gpt-4o-mini', phase: 'half-open' as const }],
  limiter: () => ({ refusals: [{ scope: 'client' as const, name: 'cursor', kind: 'requests' as const, count: 2 }], queues: [] }),
};

function metric(all: readonly MetricData[], name: string): MetricData {
  const found = all.find((entry) => entry.descriptor.name === name);
  if (!found) throw new Error(`no metric ${name} in ${all.map((entry) => entry.descriptor.name).join(', ')}`);
  return found;
}

describe('otlpMetricData', () => {
  it('gives the GenAI histograms and switchyard.* sums and gauges of the series, cumulative since the start', () => {
    const requests = new RequestSeries();
    requests.observe(finish());
    requests.observe(finish({ id: 'r2', tokens: { input: 30, output: 7, cacheRead: 0, cacheWrite: 0, reasoning: 0 }, latencyMs: 3_000 }));
    requests.observe(finish({ id: 'r3', status: 'error', errorClass: 'server', httpStatus: 500, stream: false, ttftMs: null, costUsd: null }));
    const all = otlpMetricData(requests, live, 1_000_500, 1_060_250);

    const usage = metric(all, 'gen_ai.client.token.usage');
    expect(usage.descriptor.unit).toBe('{token}');
    expect(usage.dataPointType).toBe(DataPointType.HISTOGRAM);
    expect(usage.aggregationTemporality).toBe(AggregationTemporality.CUMULATIVE);
    const input = usage.dataPoints.find((point) => point.attributes['gen_ai.token.type'] === 'input');
    expect(input?.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.token.type': 'input',
    });
    // the error answered nothing: two answers of 12 and 30 input tokens
    expect(input?.value).toMatchObject({ count: 2, sum: 42 });
    expect(input?.startTime).toEqual([1_000, 500_000_000]);
    expect(input?.endTime).toEqual([1_060, 250_000_000]);

    const duration = metric(all, 'gen_ai.client.operation.duration');
    expect(duration.descriptor.unit).toBe('s');
    expect(duration.dataPoints.map((point) => [point.attributes['error.type'], (point.value as { count: number }).count])).toEqual([
      [undefined, 2],
      ['server', 1],
    ]);
    expect(metric(all, 'gen_ai.server.time_to_first_token').dataPoints.map((point) => (point.value as { count: number }).count)).toEqual([2]);

    const requestSum = metric(all, 'switchyard.requests');
    expect(requestSum.dataPointType).toBe(DataPointType.SUM);
    expect(requestSum.dataPointType === DataPointType.SUM && requestSum.isMonotonic).toBe(true);
    expect(requestSum.dataPoints.map((point) => [point.attributes['status'], point.value])).toEqual([
      ['ok', 2],
      ['error', 1],
    ]);
    expect(metric(all, 'switchyard.errors').dataPoints[0]?.attributes).toEqual({
      endpoint: 'chat',
      provider: 'openai',
      error_class: 'server',
      http_status: '500',
    });
    const tokens = metric(all, 'switchyard.tokens').dataPoints;
    expect(tokens.find((point) => point.attributes['type'] === 'input')?.value).toBe(50);
    expect(tokens.find((point) => point.attributes['type'] === 'cache_read')?.value).toBe(4);
    expect(tokens.some((point) => point.attributes['type'] === 'reasoning')).toBe(false);
    expect(metric(all, 'switchyard.cost_usd').dataPoints[0]?.value).toBeCloseTo(0.002, 12);
    expect(metric(all, 'switchyard.rate_limited').dataPoints[0]).toMatchObject({ attributes: { scope: 'client', name: 'cursor', kind: 'requests' }, value: 2 });
    expect(metric(all, 'switchyard.in_flight_requests')).toMatchObject({ dataPointType: DataPointType.GAUGE, dataPoints: [{ value: 3 }] });
    expect(metric(all, 'switchyard.circuit_open').dataPoints[0]).toMatchObject({ attributes: { target: 'openai/gpt-4o-mini' }, value: 0.5 });
    // nothing to report is left out: no queue, no fallback, nothing dropped
    expect(all.map((entry) => entry.descriptor.name)).not.toContain('switchyard.rate_limit_queue_length');
    expect(all.map((entry) => entry.descriptor.name)).not.toContain('switchyard.fallbacks');
    expect(all.map((entry) => entry.descriptor.name)).not.toContain('switchyard.metrics_series_dropped');
  });

  it('converts milliseconds to [seconds, nanoseconds]', () => {
    expect(hrTime(1_700_000_000_123.5)).toEqual([1_700_000_000, 123_500_000]);
  });
});
