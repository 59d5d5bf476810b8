// One finished request as the telemetry tests (Prometheus and OTLP) record it: a streamed, cached chat request of
// the `cursor` token through route `smart` to openai/gpt-4o-mini. Each test changes only what it is about.
import type { RequestFinish } from '../../main/ledger/types.js';

export function telemetryFinish(changes: Partial<RequestFinish> = {}): RequestFinish {
  return {
    id: 'r1',
    startedAt: 0,
    clientTokenName: 'cursor',
    clientFamily: 'other',
    endpoint: 'chat',
    requestedModel: 'smart',
    route: 'smart',
    providerId: 'openai',
    model: 'gpt-4o-mini',
    stream: true,
    finishedAt: 120,
    status: 'ok',
    errorClass: null,
    httpStatus: 200,
    tokens: { input: 10, output: 5, cacheRead: 2, cacheWrite: 0, reasoning: 0 },
    tokensEstimated: false,
    costUsd: 0.001,
    costReferenceUsd: null,
    latencyMs: 120,
    ttftMs: 30,
    upstreamMs: 100,
    overheadMs: 1.5,
    localComputeMs: null,
    finishReason: 'stop',
    nativeFinishReason: null,
    attempts: [{ providerId: 'openai', model: 'gpt-4o-mini', outcome: 'ok', durationMs: 100 }],
    ...changes,
  };
}
