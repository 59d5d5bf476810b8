// The optional OTLP trace export (telemetry.otlp), with the official OpenTelemetry JS SDK, loaded only when turned
// on. Spans are made from the ledger's finish record, after the request ended, so the request path does no tracing
// work: one SERVER span per client request, and one CLIENT span per upstream attempt laid end to end from the
// trail's durations (the answering attempt ends with the request, a stream included). Attributes follow the GenAI
// semantic conventions (gen_ai.*); no prompt or answer text is ever exported.
import type { OtlpSettings } from '../../config/limits.js';
import type { RequestFinish } from '../../ledger/types.js';
import { operationName } from './prometheus.js';

export interface OtlpTracing {
  record(finish: RequestFinish): void;
  /** exports what is batched and stops */
  shutdown(): Promise<void>;
}

type Attributes = Record<string, string | number | boolean | string[]>;

export async function startOtlpTracing(settings: OtlpSettings, version: string): Promise<OtlpTracing> {
  const [api, sdk, exporterModule, resources] = await Promise.all([
    import('@opentelemetry/api'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
  ]);
  const exporter = new exporterModule.OTLPTraceExporter({ url: `${settings.endpoint}/v1/traces`, headers: { ...settings.headers } });
  const provider = new sdk.BasicTracerProvider({
    resource: resources.resourceFromAttributes({ 'service.name': settings.serviceName, 'service.version': version }),
    spanProcessors: [new sdk.BatchSpanProcessor(exporter, { scheduledDelayMillis: 1_000, maxQueueSize: 4_096 })],
  });
  const tracer = provider.getTracer('switchyard', version);

  return {
    record(finish) {
      const operation = operationName(finish.endpoint);
      const failed = finish.status !== 'ok';
      const attributes: Attributes = {
        'gen_ai.operation.name': operation,
        'gen_ai.request.model': finish.requestedModel,
        'switchyard.request.id': finish.id,
        'switchyard.client': finish.clientTokenName ?? '',
        'switchyard.endpoint': finish.endpoint,
        'switchyard.status': finish.status,
        'gen_ai.usage.input_tokens': finish.tokens.input + finish.tokens.cacheRead + finish.tokens.cacheWrite,
        'gen_ai.usage.output_tokens': finish.tokens.output,
      };
      if (finish.providerId) attributes['gen_ai.provider.name'] = finish.providerId;
      if (finish.model) attributes['gen_ai.response.model'] = finish.model;
      if (finish.route) attributes['switchyard.route'] = finish.route;
      if (finish.finishReason) attributes['gen_ai.response.finish_reasons'] = [finish.finishReason];
      if (finish.costUsd !== null) attributes['switchyard.cost_usd'] = finish.costUsd;
      if (finish.httpStatus !== null) attributes['http.response.status_code'] = finish.httpStatus;
      if (failed) attributes['error.type'] = finish.errorClass ?? finish.status;
      const span = tracer.startSpan(`${operation} ${finish.requestedModel}`, { kind: api.SpanKind.SERVER, startTime: finish.startedAt, attributes });
      if (failed && finish.status === 'error') span.setStatus({ code: api.SpanStatusCode.ERROR, message: finish.errorClass ?? 'error' });
      const parent = api.trace.setSpan(api.ROOT_CONTEXT, span);
      let at = finish.startedAt;
      const tried = finish.attempts.filter((attempt) => attempt.outcome !== 'skipped');
      tried.forEach((attempt, index) => {
        const last = index === tried.length - 1;
        const end = last && attempt.outcome === 'ok' ? Math.max(finish.finishedAt, at + attempt.durationMs) : at + attempt.durationMs;
        const child = tracer.startSpan(
          `${operation} ${attempt.model}`,
          {
            kind: api.SpanKind.CLIENT,
            startTime: at,
            attributes: {
              'gen_ai.operation.name': operation,
              'gen_ai.provider.name': attempt.providerId,
              'gen_ai.request.model': attempt.model,
              'switchyard.attempt.outcome': attempt.outcome,
              ...(attempt.status !== undefined ? { 'http.response.status_code': attempt.status } : {}),
              ...(attempt.outcome !== 'ok' ? { 'error.type': attempt.outcome } : {}),
            },
          },
          parent,
        );
        if (attempt.outcome !== 'ok') child.setStatus({ code: api.SpanStatusCode.ERROR, message: attempt.outcome });
        child.end(end);
        at = end;
      });
      span.end(Math.max(finish.finishedAt, finish.startedAt));
    },
    async shutdown() {
      await provider.shutdown();
    },
  };
}
