// Retry delays: full-jitter exponential backoff, with a provider's Retry-After honoured when it is short.
// A long Retry-After means "this target is busy for a while": move on rather than sleep.

import type { BackoffSettings } from '../../config/types.js';

/**
 * The wait before retry number `retry` (0-based) on the same target, or undefined when the provider asked for a
 * wait longer than the cap. `random` is injectable so tests are deterministic.
 */
export function retryDelay(retry: number, retryAfterMs: number | undefined, settings: BackoffSettings, random: () => number = Math.random): number | undefined {
  if (retryAfterMs !== undefined) {
    if (retryAfterMs > settings.retryAfterCapMs) return undefined;
    // Honour the hint, plus a little jitter so many clients do not return in lock-step.
    return Math.round(retryAfterMs + random() * Math.min(250, settings.initialMs));
  }
  const ceiling = Math.min(settings.maxMs, settings.initialMs * 2 ** Math.min(retry, 16));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
