// Provider-side pacing: what each provider's own rate-limit headers say, learnt from every answer it sends (OpenAI's
// x-ratelimit-remaining-*/x-ratelimit-reset-*, Anthropic's anthropic-ratelimit-*-remaining/-reset). While a provider
// says nothing is left until a moment still ahead, routing skips it for the next target, naming the reason in the
// attempt trail, instead of spending an attempt on a certain 429. Learnt from successful answers only: a 429 is
// already handled by the retry rules (Retry-After, the circuit breaker). Per provider, not per model: OpenAI's limits are
// per model, so a model of the same provider whose own limit is not reached may be skipped until the reset too.
import { ProviderError } from './errors.js';
import { parseDuration } from '../limits/rate-headers.js';

/** The header names a provider family reports its limits under: [remaining, reset] per limit. */
const families = {
  openai: [
    ['x-ratelimit-remaining-requests', 'x-ratelimit-reset-requests', 'requests'],
    ['x-ratelimit-remaining-tokens', 'x-ratelimit-reset-tokens', 'tokens'],
  ],
  anthropic: [
    ['anthropic-ratelimit-requests-remaining', 'anthropic-ratelimit-requests-reset', 'requests'],
    ['anthropic-ratelimit-tokens-remaining', 'anthropic-ratelimit-tokens-reset', 'tokens'],
    ['anthropic-ratelimit-input-tokens-remaining', 'anthropic-ratelimit-input-tokens-reset', 'input tokens'],
    ['anthropic-ratelimit-output-tokens-remaining', 'anthropic-ratelimit-output-tokens-reset', 'output tokens'],
  ],
} as const;

export type PacingFamily = keyof typeof families;

/** A response head as far as pacing reads it (upstream-body.ts's UpstreamHead). */
export interface HeaderSource {
  readonly status: number;
  header(name: string): string | undefined;
}

interface Exhausted {
  /** Date.now() when the provider's limit resets */
  readonly until: number;
  readonly what: string;
}

export class ProviderPacing {
  private readonly exhausted = new Map<string, Exhausted>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The observer an adapter's HTTP client calls with every response head; undefined for families without headers. */
  observer(providerId: string, family: PacingFamily | undefined): ((head: HeaderSource) => void) | undefined {
    if (!family) return undefined;
    const limits = families[family];
    return (head) => {
      // only answers count: a 429 is the retry logic's (Retry-After, circuit breaker); pacing acts before one
      if (head.status >= 300) return;
      for (const [remainingHeader, resetHeader, what] of limits) {
        if (head.header(remainingHeader) !== '0') continue;
        const reset = head.header(resetHeader);
        const until = reset === undefined ? undefined : resetTime(reset, this.now());
        if (until !== undefined && until > this.now()) {
          this.exhausted.set(providerId, { until, what });
          return;
        }
      }
      // an answer with something left (or no headers at all) ends what an earlier one said
      if (this.exhausted.size > 0) this.exhausted.delete(providerId);
    };
  }

  /** Why `providerId` would certainly refuse a request now, or undefined. */
  refusal(providerId: string): { readonly reason: string; readonly error: ProviderError } | undefined {
    if (this.exhausted.size === 0) return undefined;
    const state = this.exhausted.get(providerId);
    if (!state) return undefined;
    const waitMs = state.until - this.now();
    if (waitMs <= 0) {
      this.exhausted.delete(providerId);
      return undefined;
    }
    const reason = `provider rate limit: 0 ${state.what} remaining until ${new Date(state.until).toISOString()} (its own headers said so)`;
    const error = new ProviderError({
      kind: 'http',
      errorClass: 'rate_limit',
      status: 429,
      message: `provider '${providerId}' has no ${state.what} left until ${new Date(state.until).toISOString()}; not sent`,
      providerId,
      retryable: false,
      retryAfterMs: waitMs,
    });
    return { reason, error };
  }
}

/** A reset as a moment: OpenAI sends a duration (`6m0s`), Anthropic an RFC 3339 time. */
function resetTime(value: string, now: number): number | undefined {
  const duration = parseDuration(value);
  if (duration !== undefined) return now + duration;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : time;
}
