// GET /metrics of a running `switchyard serve`, scraped and parsed: the counters match the requests made (answers,
// an error, a fallback, tokens in/out/cached, cost, time to first token), loopback may scrape without a credential,
// the admin token may too, a client token may not. And the OTLP export: a small loopback collector (OTLP/HTTP JSON)
// receives one SERVER span per request and one CLIENT span per upstream attempt, with gen_ai.* attributes, and the
// metrics (the GenAI histograms and switchyard.* sums) with the values of the requests made.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAI, serverError } from '../fakes/openai-fake.js';
import { exactCost, snapshotPrice } from '../support/ledger-reader.js';
import { startServe, type ServeProcess } from '../support/serve-process.js';

let openaiFake: FakeOpenAI;
let spareFake: FakeOpenAI;
const started: ServeProcess[] = [];

beforeAll(async () => {
  openaiFake = await FakeOpenAI.start();
  spareFake = await FakeOpenAI.start();
});

afterAll(async () => {
  for (const serve of started) await serve.stop();
  await openaiFake?.close();
  await spareFake?.close();
});

async function serveWith(extra: Record<string, unknown> = {}): Promise<ServeProcess> {
  const serve = await startServe({
    config: {
      providers: [
        { id: 'openai', type: 'openai-compatible', base_url: openaiFake.baseUrl, locality: 'cloud' },
        { id: 'spare', type: 'openai-compatible', base_url: spareFake.baseUrl, locality: 'cloud' },
      ],
      routes: { smart: { targets: ['openai/gpt-4o-mini', 'spare/gpt-4o-mini'] } },
      routing: { num_retries: 0, allowed_fails: 1_000, auto_offline: false },
      ledger: { price_refresh: false },
      ...extra,
    },
  });
  started.push(serve);
  return serve;
}

function chat(serve: ServeProcess, model: string, stream = false): Promise<Response> {
  return fetch(`${serve.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${serve.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }], stream, ...(stream ? { stream_options: { include_usage: true } } : {}) }),
  });
}

interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** The Prometheus text format, line by line: `name{label="value",…} number`. */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[pair[1] as string] = (pair[2] as string).replace(/\\(.)/g, '$1');
    samples.push({ name: match[1] as string, labels, value: Number(match[3]) });
  }
  return samples;
}

function sum(samples: readonly Sample[], name: string, where: Record<string, string> = {}): number {
  return samples
    .filter((sample) => sample.name === name && Object.entries(where).every(([key, value]) => sample.labels[key] === value))
    .reduce((total, sample) => total + sample.value, 0);
}

describe('GET /metrics', () => {
  let serve: ServeProcess;
  let adminToken: string;

  beforeAll(async () => {
    serve = await serveWith();
    adminToken = readFileSync(join(serve.dataDir, 'admin-token'), 'utf8').trim();
  });

  it('counts the requests made, their tokens, cost, errors and fallbacks, as the Prometheus text format', async () => {
    openaiFake.onChat = () => ({ kind: 'reply', usage: { promptTokens: 1_000, completionTokens: 200, cachedTokens: 400 } });
    expect((await chat(serve, 'openai/gpt-4o-mini')).status).toBe(200);
    const streamed = await chat(serve, 'openai/gpt-4o-mini', true);
    expect(streamed.status).toBe(200);
    await streamed.text();
    // the first target fails: the route falls back to the second
    openaiFake.onChat = () => serverError();
    spareFake.onChat = () => ({ kind: 'reply', usage: { promptTokens: 10, completionTokens: 5 } });
    expect((await chat(serve, 'smart')).status).toBe(200);
    // no fallback: an error
    expect((await chat(serve, 'openai/gpt-4o-mini')).status).toBe(500);
    openaiFake.onChat = () => ({ kind: 'reply' });

    const response = await fetch(`${serve.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const samples = parseExposition(await response.text());
    expect(sum(samples, 'switchyard_requests_total')).toBe(4);
    expect(sum(samples, 'switchyard_requests_total', { status: 'ok' })).toBe(3);
    expect(sum(samples, 'switchyard_requests_total', { status: 'ok', provider: 'openai', model: 'gpt-4o-mini', client: 'default', endpoint: 'chat' })).toBe(2);
    expect(sum(samples, 'switchyard_requests_total', { status: 'ok', provider: 'spare', route: 'smart' })).toBe(1);
    expect(sum(samples, 'switchyard_errors_total', { error_class: 'server', http_status: '500', provider: 'openai' })).toBe(1);
    expect(sum(samples, 'switchyard_fallbacks_total', { route: 'smart', status: 'ok' })).toBe(1);
    expect(sum(samples, 'switchyard_upstream_attempts_total', { provider: 'openai', outcome: 'server' })).toBe(2);
    // two answers of 1,000 prompt tokens, 400 of them cached, and 200 completion tokens; one of 10 + 5
    expect(sum(samples, 'switchyard_tokens_total', { provider: 'openai', type: 'input' })).toBe(1_200);
    expect(sum(samples, 'switchyard_tokens_total', { provider: 'openai', type: 'cache_read' })).toBe(800);
    expect(sum(samples, 'switchyard_tokens_total', { provider: 'openai', type: 'output' })).toBe(400);
    expect(sum(samples, 'switchyard_tokens_total', { provider: 'spare', type: 'output' })).toBe(5);
    // at the bundled price: uncached input, cache reads (half price for gpt-4o-mini) and output
    const price = snapshotPrice('openai/gpt-4o-mini');
    expect(sum(samples, 'switchyard_cost_usd_total', { provider: 'openai' })).toBeCloseTo(
      exactCost([
        [1_200, price.input],
        [800, price.input / 2],
        [400, price.output],
      ]),
      10,
    );
    // OpenTelemetry GenAI names, as Prometheus renders them
    expect(sum(samples, 'gen_ai_client_token_usage_count', { gen_ai_token_type: 'input', gen_ai_provider_name: 'openai' })).toBe(2);
    expect(sum(samples, 'gen_ai_client_token_usage_sum', { gen_ai_token_type: 'input', gen_ai_provider_name: 'openai' })).toBe(2_000);
    expect(sum(samples, 'gen_ai_client_operation_duration_seconds_count')).toBe(4);
    expect(sum(samples, 'gen_ai_client_operation_duration_seconds_count', { error_type: 'server' })).toBe(1);
    expect(sum(samples, 'gen_ai_server_time_to_first_token_seconds_count', { gen_ai_provider_name: 'openai' })).toBe(1);
    expect(sum(samples, 'switchyard_overhead_seconds_count')).toBe(3);
    // live state: this scrape is not a routed request; no circuit is open (allowed_fails is high)
    expect(sum(samples, 'switchyard_in_flight_requests')).toBe(0);
    expect(samples.some((sample) => sample.name === 'switchyard_circuit_open')).toBe(false);
  });

  it('is for the admin credential or loopback: a client token is refused', async () => {
    const refused = await fetch(`${serve.url}/metrics`, { headers: { authorization: `Bearer ${serve.token}` } });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('admin_required');
    const admin = await fetch(`${serve.url}/metrics`, { headers: { authorization: `Bearer ${adminToken}` } });
    expect(admin.status).toBe(200);
    expect(await admin.text()).toContain('# TYPE switchyard_requests_total counter');
  });
});

interface OtlpAttribute {
  readonly key: string;
  readonly value: { readonly stringValue?: string; readonly intValue?: string | number; readonly doubleValue?: number; readonly arrayValue?: unknown };
}
interface OtlpSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly kind: number;
  readonly attributes: readonly OtlpAttribute[];
}

interface OtlpNumberPoint {
  readonly attributes: readonly OtlpAttribute[];
  readonly asInt?: string | number;
  readonly asDouble?: number;
}
interface OtlpHistogramPoint {
  readonly attributes: readonly OtlpAttribute[];
  readonly count: string | number;
  readonly sum?: number;
  readonly bucketCounts: ReadonlyArray<string | number>;
  readonly explicitBounds: readonly number[];
  readonly startTimeUnixNano: string | number;
  readonly timeUnixNano: string | number;
}
interface OtlpMetric {
  readonly name: string;
  readonly unit?: string;
  readonly sum?: { readonly dataPoints: readonly OtlpNumberPoint[]; readonly aggregationTemporality: number; readonly isMonotonic?: boolean };
  readonly gauge?: { readonly dataPoints: readonly OtlpNumberPoint[] };
  readonly histogram?: { readonly dataPoints: readonly OtlpHistogramPoint[]; readonly aggregationTemporality: number };
}
interface OtlpMetricsExport {
  readonly resourceMetrics: ReadonlyArray<{
    readonly resource: { readonly attributes: readonly OtlpAttribute[] };
    readonly scopeMetrics: ReadonlyArray<{ readonly scope: { readonly name: string }; readonly metrics: readonly OtlpMetric[] }>;
  }>;
}

/** A loopback OTLP/HTTP receiver: accepts POST /v1/traces and /v1/metrics (JSON, as the exporters send) and keeps them. */
async function startCollector(): Promise<{
  readonly url: string;
  readonly spans: OtlpSpan[];
  readonly metricExports: OtlpMetricsExport[];
  readonly contentTypes: string[];
  close(): Promise<void>;
}> {
  const spans: OtlpSpan[] = [];
  const metricExports: OtlpMetricsExport[] = [];
  const contentTypes: string[] = [];
  const server: Server = createServer((request: IncomingMessage, response) => {
    const parts: Buffer[] = [];
    request.on('data', (part: Buffer) => parts.push(part));
    request.on('end', () => {
      contentTypes.push(String(request.headers['content-type']));
      if (request.url === '/v1/traces' && String(request.headers['content-type']).includes('json')) {
        const body = JSON.parse(Buffer.concat(parts).toString('utf8')) as { resourceSpans?: Array<{ scopeSpans?: Array<{ spans?: OtlpSpan[] }> }> };
        for (const resource of body.resourceSpans ?? []) for (const scope of resource.scopeSpans ?? []) spans.push(...(scope.spans ?? []));
      }
      if (request.url === '/v1/metrics' && String(request.headers['content-type']).includes('json'))
        metricExports.push(JSON.parse(Buffer.concat(parts).toString('utf8')) as OtlpMetricsExport);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, spans, metricExports, contentTypes, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const attribute = (span: OtlpSpan, key: string): string | number | undefined => {
  const value = span.attributes.find((entry) => entry.key === key)?.value;
  return value?.stringValue ?? (value?.intValue !== undefined ? Number(value.intValue) : value?.doubleValue);
};

describe('OTLP trace export', () => {
  it('sends one SERVER span per request and one CLIENT span per upstream attempt, with gen_ai.* attributes and no prompt text', async () => {
    const collector = await startCollector();
    try {
      const serve = await serveWith({ telemetry: { otlp: { enabled: true, endpoint: collector.url, service_name: 'switchyard-test' } } });
      openaiFake.onChat = () => serverError();
      spareFake.onChat = () => ({ kind: 'reply', usage: { promptTokens: 12, completionTokens: 7 } });
      expect((await chat(serve, 'smart')).status).toBe(200);
      openaiFake.onChat = () => ({ kind: 'reply' });
      const deadline = Date.now() + 15_000;
      while (collector.spans.length < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(collector.contentTypes[0]).toContain('application/json');
      const server = collector.spans.filter((span) => span.kind === 2);
      const clients = collector.spans.filter((span) => span.kind === 3);
      expect(server).toHaveLength(1);
      expect(clients).toHaveLength(2);
      const [request] = server as [OtlpSpan];
      expect(request.name).toBe('chat smart');
      expect(attribute(request, 'gen_ai.operation.name')).toBe('chat');
      expect(attribute(request, 'gen_ai.request.model')).toBe('smart');
      expect(attribute(request, 'gen_ai.provider.name')).toBe('spare');
      expect(attribute(request, 'gen_ai.usage.input_tokens')).toBe(12);
      expect(attribute(request, 'gen_ai.usage.output_tokens')).toBe(7);
      for (const client of clients) {
        expect(client.traceId).toBe(request.traceId);
        expect(client.parentSpanId).toBe(request.spanId);
      }
      expect(clients.map((client) => [attribute(client, 'gen_ai.provider.name'), attribute(client, 'switchyard.attempt.outcome')])).toEqual([
        ['openai', 'server'],
        ['spare', 'ok'],
      ]);
      expect(JSON.stringify(collector.spans)).not.toContain('"hi"');
    } finally {
      await collector.close();
    }
  });
});

/** The metrics of the collector's latest export that has `name`: each export of cumulative sums holds the totals so far. */
function latestMetric(exports: readonly OtlpMetricsExport[], name: string): OtlpMetric | undefined {
  for (let index = exports.length - 1; index >= 0; index -= 1) {
    for (const resource of exports[index]?.resourceMetrics ?? [])
      for (const scope of resource.scopeMetrics) for (const metric of scope.metrics) if (metric.name === name) return metric;
  }
  return undefined;
}

const attributesOf = (point: { readonly attributes: readonly OtlpAttribute[] }): Record<string, string | number | undefined> =>
  Object.fromEntries(
    point.attributes.map((entry) => [
      entry.key,
      entry.value.stringValue ?? (entry.value.intValue !== undefined ? Number(entry.value.intValue) : entry.value.doubleValue),
    ]),
  );

const numberOf = (point: OtlpNumberPoint): number => (point.asInt !== undefined ? Number(point.asInt) : (point.asDouble ?? Number.NaN));

function sumOf(metric: OtlpMetric | undefined, where: Record<string, string> = {}): number {
  return (metric?.sum?.dataPoints ?? [])
    .filter((point) => Object.entries(where).every(([key, value]) => attributesOf(point)[key] === value))
    .reduce((total, point) => total + numberOf(point), 0);
}

function histogramPoints(metric: OtlpMetric | undefined, where: Record<string, string> = {}): OtlpHistogramPoint[] {
  return (metric?.histogram?.dataPoints ?? []).filter((point) => Object.entries(where).every(([key, value]) => attributesOf(point)[key] === value));
}

describe('OTLP metric export', () => {
  it('sends the GenAI histograms and switchyard.* metrics of the requests made to <endpoint>/v1/metrics', async () => {
    const collector = await startCollector();
    try {
      const serve = await serveWith({
        telemetry: { otlp: { enabled: true, traces: false, endpoint: collector.url, service_name: 'switchyard-metrics', metrics_interval_ms: 250 } },
      });
      openaiFake.onChat = () => ({ kind: 'reply', usage: { promptTokens: 1_000, completionTokens: 200, cachedTokens: 400 } });
      expect((await chat(serve, 'openai/gpt-4o-mini')).status).toBe(200);
      const streamed = await chat(serve, 'openai/gpt-4o-mini', true);
      expect(streamed.status).toBe(200);
      await streamed.text();
      openaiFake.onChat = () => serverError();
      spareFake.onChat = () => ({ kind: 'reply', usage: { promptTokens: 10, completionTokens: 5 } });
      expect((await chat(serve, 'smart')).status).toBe(200);
      expect((await chat(serve, 'openai/gpt-4o-mini')).status).toBe(500);
      openaiFake.onChat = () => ({ kind: 'reply' });

      // cumulative sums: wait for an export that counts all four requests (bounded)
      const deadline = Date.now() + 15_000;
      while (sumOf(latestMetric(collector.metricExports, 'switchyard.requests')) < 4 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 100));
      const exports = collector.metricExports;
      expect(collector.contentTypes.filter((type) => type.includes('application/json')).length).toBeGreaterThan(0);
      expect(JSON.stringify(collector.spans)).toBe('[]');
      const resource = exports.at(-1)?.resourceMetrics[0];
      expect(resource?.resource.attributes.find((entry) => entry.key === 'service.name')?.value.stringValue).toBe('switchyard-metrics');
      expect(resource?.scopeMetrics.map((scope) => scope.scope.name)).toContain('switchyard');

      const requests = latestMetric(exports, 'switchyard.requests');
      expect(requests?.sum?.isMonotonic).toBe(true);
      expect(requests?.sum?.aggregationTemporality).toBe(2); // AGGREGATION_TEMPORALITY_CUMULATIVE
      expect(sumOf(requests)).toBe(4);
      expect(sumOf(requests, { status: 'ok', provider: 'openai', model: 'gpt-4o-mini', client: 'default', endpoint: 'chat' })).toBe(2);
      expect(sumOf(requests, { status: 'ok', provider: 'spare', route: 'smart' })).toBe(1);
      expect(sumOf(latestMetric(exports, 'switchyard.errors'), { error_class: 'server', http_status: '500', provider: 'openai' })).toBe(1);
      expect(sumOf(latestMetric(exports, 'switchyard.fallbacks'), { route: 'smart' })).toBe(1);
      expect(sumOf(latestMetric(exports, 'switchyard.upstream_attempts'), { provider: 'openai', outcome: 'server' })).toBe(2);
      const tokens = latestMetric(exports, 'switchyard.tokens');
      expect(sumOf(tokens, { provider: 'openai', type: 'input' })).toBe(1_200);
      expect(sumOf(tokens, { provider: 'openai', type: 'cache_read' })).toBe(800);
      expect(sumOf(tokens, { provider: 'openai', type: 'output' })).toBe(400);
      expect(sumOf(latestMetric(exports, 'switchyard.cost_usd'), { provider: 'openai' })).toBeGreaterThan(0);

      const usage = latestMetric(exports, 'gen_ai.client.token.usage');
      expect(usage?.unit).toBe('{token}');
      const input = histogramPoints(usage, { 'gen_ai.token.type': 'input', 'gen_ai.provider.name': 'openai' });
      expect(input).toHaveLength(1);
      expect(attributesOf(input[0] as OtlpHistogramPoint)).toEqual({
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.token.type': 'input',
      });
      expect(Number(input[0]?.count)).toBe(2);
      expect(input[0]?.sum).toBe(2_000);
      expect(input[0]?.explicitBounds.slice(0, 4)).toEqual([1, 4, 16, 64]);
      expect(input[0]?.bucketCounts.reduce<number>((total, count) => total + Number(count), 0)).toBe(2);
      expect(BigInt(input[0]?.timeUnixNano ?? 0)).toBeGreaterThan(BigInt(input[0]?.startTimeUnixNano ?? 0));
      const duration = latestMetric(exports, 'gen_ai.client.operation.duration');
      expect(duration?.unit).toBe('s');
      expect(histogramPoints(duration).reduce((total, point) => total + Number(point.count), 0)).toBe(4);
      expect(histogramPoints(duration, { 'error.type': 'server' }).map((point) => Number(point.count))).toEqual([1]);
      const firstToken = histogramPoints(latestMetric(exports, 'gen_ai.server.time_to_first_token'), { 'gen_ai.provider.name': 'openai' });
      expect(firstToken.map((point) => Number(point.count))).toEqual([1]);
      expect(latestMetric(exports, 'switchyard.in_flight_requests')?.gauge?.dataPoints.map(numberOf)).toEqual([0]);
      expect(JSON.stringify(exports)).not.toContain('"hi"');
    } finally {
      await collector.close();
    }
  });

  it('exports once more when the gateway stops, so the last interval is not lost', async () => {
    const collector = await startCollector();
    try {
      const serve = await serveWith({ telemetry: { otlp: { enabled: true, traces: false, endpoint: collector.url, metrics_interval_ms: 600_000 } } });
      expect((await chat(serve, 'openai/gpt-4o-mini')).status).toBe(200);
      expect(collector.metricExports).toHaveLength(0);
      expect(await serve.stop()).toBe(0);
      expect(collector.metricExports).toHaveLength(1);
      expect(sumOf(latestMetric(collector.metricExports, 'switchyard.requests'), { status: 'ok', provider: 'openai' })).toBe(1);
    } finally {
      await collector.close();
    }
  });

  it('does not hang at stop on a collector that never answers', async () => {
    // accepts the export and never answers it: the gateway's stop gives up on it (serve.stop SIGKILLs after 15 s: code null)
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    try {
      const serve = await serveWith({ telemetry: { otlp: { enabled: true, endpoint: url, metrics_interval_ms: 600_000 } } });
      expect((await chat(serve, 'openai/gpt-4o-mini')).status).toBe(200);
      expect(await serve.stop()).toBe(0);
      expect(serve.output()).toContain('telemetry: the last OTLP export did not finish within 5 s; not waiting longer');
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
