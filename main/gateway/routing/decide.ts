// After a failed attempt: retry the same target (and after how long), move to the next target, or stop.
// A plain function of the error and the budget so far, so every branch is testable without sockets.
import type { ProviderError } from '../providers/errors.js';
import { retryDelay } from './backoff.js';
import type { BackoffSettings } from '../../config/types.js';

export type Decision =
  | { readonly action: 'retry'; readonly delayMs: number }
  | { readonly action: 'next'; readonly reason: string }
  | { readonly action: 'stop'; readonly reason: string };

export interface DecisionInput {
  readonly error: ProviderError;
  /** retries already made on this target */
  readonly retries: number;
  readonly numRetries: number;
  /** upstream calls made so far for this client request, all targets */
  readonly attemptsUsed: number;
  readonly maxAttempts: number;
  readonly backoff: BackoffSettings;
  readonly random: () => number;
}

export function decideAfterFailure(input: DecisionInput): Decision {
  const { error } = input;
  if (error.kind === 'aborted') return { action: 'stop', reason: 'the client went away' };
  if (input.attemptsUsed >= input.maxAttempts) return { action: 'stop', reason: `attempt budget of ${input.maxAttempts} used` };
  if (error.errorClass === 'context_length') return { action: 'next', reason: 'context window too small' };
  if (!error.retryable) return { action: 'next', reason: `${error.errorClass} is not retried on the same target` };
  // A stall is not worth waiting out twice on the same target: the next one may answer at once.
  if (error.code === 'first_token_timeout' || error.code === 'idle_timeout' || error.code === 'total_timeout') return { action: 'next', reason: 'timed out' };
  if (input.retries >= input.numRetries) return { action: 'next', reason: `retried ${input.retries} time(s)` };
  const delayMs = retryDelay(input.retries, error.retryAfterMs, input.backoff, input.random);
  if (delayMs === undefined) return { action: 'next', reason: `asked to wait ${Math.round((error.retryAfterMs ?? 0) / 1000)} s` };
  return { action: 'retry', delayMs };
}
