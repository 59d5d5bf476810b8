import { describe, expect, it } from 'vitest';
import { telemetryFinish } from '../../../test/support/telemetry-finish.js';
import { PrometheusMetrics } from './prometheus.js';

const finish = telemetryFinish;

describe('PrometheusMetrics', () => {
  it('renders counters and histograms grouped from the finished requests, with the live gauges', async () => {
    const metrics = new PrometheusMetrics({
      inFlight: () => 3,
      circuits: () => [{ target: 'openai/gpt-4o-mini', phase: 'open' }],
      limiter: () => ({ refusals: [{ scope: 'client', name: 'cursor', kind: 'requests', count: 2 }], queues: [{ route: 'smart', length: 1 }] }),
    });
    metrics.requests.observe(finish());
    metrics.requests.observe(finish({ id: 'r2', tokens: { input: 30, output: 7, cacheRead: 0, cacheWrite: 0, reasoning: 0 }, latencyMs: 3_000 }));
    metrics.requests.observe(
      finish({
        id: 'r3',
        status: 'error',
        errorClass: 'rate_limit_exceeded',
        httpStatus: 429,
        providerId: null,
        model: null,
        route: null,
        stream: false,
        ttftMs: null,
        overheadMs: null,
        costUsd: 0,
        tokens: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0 },
        attempts: [],
      }),
    );
    const { text, contentType } = await metrics.scrape();
    expect(contentType).toContain('text/plain');
    const lines = text.split('\n');
    expect(lines).toContain('switchyard_requests_total{endpoint="chat",client="cursor",route="smart",provider="openai",model="gpt-4o-mini",status="ok"} 2');
    expect(lines).toContain('switchyard_errors_total{endpoint="chat",provider="",error_class="rate_limit_exceeded",http_status="429"} 1');
    expect(lines).toContain('switchyard_tokens_total{provider="openai",model="gpt-4o-mini",client="cursor",type="input"} 40');
    expect(lines).toContain('switchyard_tokens_total{provider="openai",model="gpt-4o-mini",client="cursor",type="cache_read"} 2');
    expect(lines).toContain('# TYPE gen_ai_client_token_usage histogram');
    expect(lines).toContain(
      'gen_ai_client_token_usage_bucket{gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o-mini",gen_ai_token_type="input",le="16"} 1',
    );
    expect(lines).toContain(
      'gen_ai_client_token_usage_bucket{gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o-mini",gen_ai_token_type="input",le="64"} 2',
    );
    expect(lines).toContain(
      'gen_ai_client_token_usage_sum{gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o-mini",gen_ai_token_type="input"} 42',
    );
    expect(lines).toContain(
      'gen_ai_client_token_usage_count{gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o-mini",gen_ai_token_type="output"} 2',
    );
    expect(lines).toContain(
      'gen_ai_client_operation_duration_seconds_bucket{gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o-mini",error_type="",le="0.16"} 1',
    );
    expect(lines).toContain(
      'gen_ai_client_operation_duration_seconds_bucket{gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o-mini",error_type="",le="+Inf"} 2',
    );
    expect(lines).toContain(
      'gen_ai_server_time_to_first_token_seconds_count{gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o-mini"} 2',
    );
    expect(lines).toContain('switchyard_in_flight_requests 3');
    expect(lines).toContain('switchyard_circuit_open{target="openai/gpt-4o-mini"} 1');
    expect(lines).toContain('switchyard_rate_limited_total{scope="client",name="cursor",kind="requests"} 2');
    expect(lines).toContain('switchyard_rate_limit_queue_length{route="smart"} 1');
    // a second scrape reports the same totals (nothing counted twice)
    expect((await metrics.scrape()).text).toBe(text);
  });
});
