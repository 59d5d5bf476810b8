// Runs a chat request against its plan of targets and returns the first outcome a client can be given: a
// complete response, or a stream that has passed the first-chunk gate. The attempt trail records every try.
import type { ChatRequest } from '../../../shared/openai-types.js';
import { ProviderError } from '../providers/errors.js';
import type { ProviderRegistry } from '../providers/registry.js';
import type { ChatCompletion } from '../../../shared/openai-types.js';
import type { StreamPart, UpstreamMetrics } from '../providers/types.js';
import { openGate } from '../streaming/gate.js';
import type { Target } from './resolve.js';

export interface AttemptRecord {
  readonly providerId: string;
  readonly model: string;
  /** 'ok' or the error class that ended the attempt */
  readonly outcome: string;
  readonly status?: number;
  readonly durationMs: number;
}

export type Executed =
  | {
      readonly kind: 'complete';
      readonly target: Target;
      readonly response: ChatCompletion;
      readonly raw: Buffer | undefined;
      readonly metrics: UpstreamMetrics | undefined;
      readonly upstreamMs: number;
      readonly attempts: readonly AttemptRecord[];
    }
  | {
      readonly kind: 'stream';
      readonly target: Target;
      readonly head: readonly StreamPart[];
      readonly rest: AsyncIterator<StreamPart>;
      /** time from sending the request upstream to the first content event */
      readonly upstreamMs: number;
      readonly attempts: readonly AttemptRecord[];
    };

export class ExecutionError extends Error {
  constructor(
    readonly error: ProviderError,
    readonly attempts: readonly AttemptRecord[],
  ) {
    super(error.message);
    this.name = 'ExecutionError';
  }
}

export interface ExecuteOptions {
  readonly registry: ProviderRegistry;
  readonly targets: readonly Target[];
  readonly request: ChatRequest;
  readonly rawBody: Buffer | undefined;
  readonly forceStreamUsage: boolean;
  readonly signal: AbortSignal;
}

export async function executeChat(options: ExecuteOptions): Promise<Executed> {
  const attempts: AttemptRecord[] = [];
  let lastError: ProviderError | undefined;
  for (const target of options.targets) {
    const adapter = options.registry.get(target.providerId);
    if (!adapter) continue;
    const started = performance.now();
    try {
      const outcome = await adapter.chat({
        request: options.request,
        rawBody: options.rawBody,
        upstreamModel: target.model,
        forceStreamUsage: options.forceStreamUsage,
        signal: options.signal,
      });
      if (outcome.kind === 'complete') {
        const upstreamMs = performance.now() - started;
        attempts.push({ providerId: target.providerId, model: target.model, outcome: 'ok', durationMs: upstreamMs });
        return { kind: 'complete', target, response: outcome.response, raw: outcome.raw, metrics: outcome.metrics, upstreamMs, attempts };
      }
      const gate = await openGate(outcome.parts);
      if (gate.kind === 'failed') throw gate.error;
      const upstreamMs = performance.now() - started;
      attempts.push({ providerId: target.providerId, model: target.model, outcome: 'ok', durationMs: upstreamMs });
      return { kind: 'stream', target, head: gate.head, rest: gate.rest, upstreamMs, attempts };
    } catch (error) {
      const providerError = asProviderError(error, target.providerId);
      attempts.push({
        providerId: target.providerId,
        model: target.model,
        outcome: providerError.errorClass,
        status: providerError.status,
        durationMs: performance.now() - started,
      });
      lastError = providerError;
      if (providerError.kind === 'aborted') break;
    }
  }
  throw new ExecutionError(
    lastError ??
      new ProviderError({ kind: 'http', errorClass: 'not_found', status: 404, message: 'no provider can serve this model', providerId: 'switchyard', retryable: false }),
    attempts,
  );
}

function asProviderError(error: unknown, providerId: string): ProviderError {
  if (error instanceof ProviderError) return error;
  return new ProviderError({
    kind: 'protocol',
    errorClass: 'protocol',
    status: 502,
    message: `provider '${providerId}' failed: ${error instanceof Error ? error.message : String(error)}`,
    providerId,
    retryable: false,
  });
}

/** `openai/gpt-4.1:ok, groq/llama:rate_limit(429)` — the x-switchyard-attempts header. */
export function formatAttempts(attempts: readonly AttemptRecord[]): string {
  return attempts.map((attempt) => `${attempt.providerId}/${attempt.model}:${attempt.outcome}${attempt.status ? `(${attempt.status})` : ''}`).join(', ');
}
