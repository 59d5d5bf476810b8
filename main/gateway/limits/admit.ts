// The pipeline's rate-limit step (a sibling of the budget gate): once the plan names the route, the request claims
// its client token's and its route's counters, waits in the route's queue, or ends with a 429 in its dialect. The
// claim is settled when the request's ledger row is finished: token reservations take the real usage, slots go back.
import type { RequestContext } from '../http/context.js';
import type { Priced } from '../metering.js';
import type { LateMeter } from '../pipeline/metered.js';
import type { RoutedCall } from '../pipeline/routed.js';
import { minimumAnswerRoom, requirementsOf } from '../routing/requirements.js';
import type { RoutedPlan } from '../routing/service.js';

/** The x-ratelimit-* headers for the answer; undefined when no limit applies. Throws the 429 (already metered). */
export async function admitLimits(
  context: RequestContext,
  plan: RoutedPlan,
  call: RoutedCall,
  meter: LateMeter,
): Promise<Readonly<Record<string, string>> | undefined> {
  const limiter = context.gateway.limiter;
  if (!limiter) return undefined;
  const admission = await limiter.admit({ client: context.identity.name, route: plan.route, tokens: () => estimatedTokens(call) }, context.signal);
  if (!admission) return undefined;
  meter.onFinish((priced) => admission.settle(priced ? usedTokens(priced) : 0));
  return admission.headers;
}

/** What a token limit reserves before the call: the input (characters / 4) and the whole max_tokens, as OpenAI counts. */
export function estimatedTokens(call: RoutedCall): number {
  if ('embeddings' in call) return call.meter.estimatedInputTokens();
  const request = call.request;
  const answer = request.max_completion_tokens ?? request.max_tokens;
  const input = requirementsOf(request).contextTokens - Math.min(answer ?? 0, minimumAnswerRoom);
  return input + (answer ?? defaultAnswerReserve);
}

/** A request that names no max_tokens reserves this much for its answer until its real usage is known. */
export const defaultAnswerReserve = 1_024;

function usedTokens(priced: Priced): number {
  const { usage } = priced;
  return usage.input + usage.cacheRead + usage.cacheWrite + usage.output;
}
