// POST /v1/embeddings in OpenAI's dialect: the model resolves as for chat (a route or provider/model), and the
// targets that can embed are tried in order, once each; a failure moves on to the next unless the request itself
// was at fault (a 400 would fail the same way anywhere).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describeIssue, embeddingsRequestSchema, type EmbeddingsRequest } from '../../../../shared/openai-schema.js';
import { ProviderError } from '../../providers/errors.js';
import { formatAttempts, type AttemptRecord } from '../../routing/execute.js';
import { parseJsonBody, readBody } from '../../http/body.js';
import type { RequestContext } from '../../http/context.js';
import { GatewayError, sendJson, sendOpenAIError } from '../../http/errors.js';
import { estimateTokens } from '../../token-estimate.js';
import { headerValue } from '../../http/headers.js';
import { budgetGate, embeddingsCaptureText, meterFailure, startMeter } from '../../pipeline/metered.js';

/** key rotations tried on one target within one request */
const maxKeyTries = 4;

export async function handleEmbeddings(context: RequestContext, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const raw = await readBody(request, context.gateway.config.server.maxBodyBytes);
  const embeddingsRequest = validateEmbeddingsRequest(parseJsonBody(raw));
  const { routing, registry } = context.gateway;
  const input = embeddingsRequest.input;
  const meter = startMeter(context, request, {
    endpoint: 'embeddings',
    requestedModel: embeddingsRequest.model,
    stream: false,
    estimatedInputTokens: () => estimateTokens(typeof input === 'string' ? input : input.every((item) => typeof item === 'string') ? input.join('\n') : JSON.stringify(input)),
    requestBody: raw,
  }, null);
  try {
    const budget = budgetGate(context, () => meter);
    const planned = await routing.planEmbeddings(embeddingsRequest.model, { localOnly: budget.localOnly });
    if (!planned.ok) throw new GatewayError(planned.status, planned.message, 'invalid_request_error', planned.code, 'model');

    const attempts: AttemptRecord[] = planned.skipped.map(({ candidate, reason }) => ({ providerId: candidate.providerId, model: candidate.model, outcome: 'skipped', durationMs: 0, note: reason }));
    let lastError: ProviderError | undefined;
    targets: for (const target of planned.candidates) {
      const adapter = registry.get(target.providerId);
      if (!adapter?.embeddings) {
        attempts.push({ providerId: target.providerId, model: target.model, outcome: 'skipped', durationMs: 0, note: `${adapter?.type ?? 'this'} provider has no embeddings endpoint` });
        continue;
      }
      for (let keyTries = 1; ; keyTries += 1) {
        const started = performance.now();
        const keyGeneration = routing.embeddingsHealth.attempt(target);
        try {
          const result = await adapter.embeddings(embeddingsRequest, target.model, context.signal);
          const upstreamMs = performance.now() - started;
          routing.embeddingsHealth.success(target);
          attempts.push({ providerId: target.providerId, model: target.model, outcome: 'ok', durationMs: upstreamMs });
          const priced = meter.finish({
            status: 'ok',
            httpStatus: 200,
            providerId: target.providerId,
            model: target.model,
            locality: adapter.locality,
            attempts,
            usage: { prompt_tokens: result.usage.prompt_tokens, completion_tokens: 0, total_tokens: result.usage.total_tokens },
            upstreamMs,
            overheadMs: performance.now() - context.startedAt - upstreamMs,
          });
          meter.captureAnswer(() => embeddingsCaptureText(result));
          sendJson(response, 200, result, {
            ...budget.headers,
            ...(priced?.costUsd != null ? { 'x-switchyard-cost-usd': priced.costUsd.toFixed(8) } : {}),
            ...context.corsHeaders,
            'x-switchyard-provider': headerValue(target.providerId),
            'x-switchyard-model': headerValue(target.model),
            'x-switchyard-attempts': headerValue(formatAttempts(attempts)),
          });
          return;
        } catch (error) {
          if (!(error instanceof ProviderError)) throw error;
          const rotated = routing.embeddingsHealth.failure(target, error, keyGeneration);
          attempts.push({
            providerId: target.providerId,
            model: target.model,
            outcome: error.errorClass,
            status: error.status,
            durationMs: performance.now() - started,
            ...(rotated ? { note: 'retry with the next key' } : {}),
          });
          lastError = error;
          // the request's own fault would fail the same way anywhere; anything else may go better on the next target
          if (error.errorClass === 'bad_request' || context.signal.aborted) break targets;
          // a rejected key with another one stored: the same target once more with it (bounded, as for chat)
          if (rotated && keyTries < maxKeyTries) continue;
          break;
        }
      }
    }
    const trail = { ...context.corsHeaders, 'x-switchyard-attempts': headerValue(formatAttempts(attempts)) };
    meterFailure(meter, lastError ?? new GatewayError(400, 'no target can create embeddings', 'invalid_request_error', 'embeddings_not_supported'), attempts);
    if (lastError) {
      sendOpenAIError(response, lastError, trail);
      return;
    }
    const reasons = attempts.map((attempt) => `${attempt.providerId}/${attempt.model}: ${attempt.note ?? attempt.outcome}`).join('; ');
    sendOpenAIError(response, new GatewayError(400, `no target for '${embeddingsRequest.model}' can create embeddings — ${reasons}`, 'invalid_request_error', 'embeddings_not_supported', 'model'), trail);
  } catch (error) {
    // whatever ends the request here still settles its ledger row (finish is idempotent)
    meterFailure(meter, error);
    throw error;
  }
}

export function validateEmbeddingsRequest(value: unknown): EmbeddingsRequest {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new GatewayError(400, 'request body must be a JSON object', 'invalid_request_error', 'invalid_type');
  }
  const result = embeddingsRequestSchema.safeParse(value);
  if (!result.success) {
    const { param, message } = describeIssue(result.error);
    throw new GatewayError(400, message, 'invalid_request_error', 'invalid_value', param);
  }
  return result.data;
}
