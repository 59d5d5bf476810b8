// OpenAI's rate-limit headers (x-ratelimit-limit-requests, -remaining-requests, -reset-requests and the same for
// tokens), so clients that pace themselves on OpenAI's answers pace themselves on Switchyard's too. Where a client
// token's and a route's limits both apply, the headers describe the tighter one (the fewest remaining).
import type { CounterClaim, CounterState } from './counter-store.js';

export function rateLimitHeaders(claims: readonly CounterClaim[], states: readonly CounterState[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const kind of ['requests', 'tokens'] as const) {
    let tightest = -1;
    for (let index = 0; index < claims.length; index += 1) {
      if ((claims[index] as CounterClaim).kind !== kind) continue;
      if (tightest === -1 || (states[index] as CounterState).remaining < (states[tightest] as CounterState).remaining) tightest = index;
    }
    if (tightest === -1) continue;
    const claim = claims[tightest] as CounterClaim;
    const state = states[tightest] as CounterState;
    headers[`x-ratelimit-limit-${kind}`] = String(claim.limit);
    headers[`x-ratelimit-remaining-${kind}`] = String(state.remaining);
    headers[`x-ratelimit-reset-${kind}`] = formatDuration(state.resetMs);
  }
  return headers;
}

/** OpenAI's duration form: `20ms`, `1s`, `6m0s`, `1.5s`. */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.max(0, Math.ceil(ms))}ms`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms - minutes * 60_000) / 10) / 100;
  return minutes > 0 ? `${minutes}m${seconds}s` : `${seconds}s`;
}

/** Reads OpenAI's duration form back (`6m0s`, `1.5s`, `20ms`, also Anthropic's RFC 3339 reset time); undefined when unreadable. */
export function parseDuration(value: string): number | undefined {
  const match = /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+(?:\.\d+)?)ms)?$/.exec(value.trim());
  if (!match || value.trim() === '') return undefined;
  const [, hours, minutes, seconds, millis] = match;
  return Number(hours ?? 0) * 3_600_000 + Number(minutes ?? 0) * 60_000 + Number(seconds ?? 0) * 1_000 + Number(millis ?? 0);
}

export function refusalMessage(claim: CounterClaim, scope: string, name: string, retryMs: number | undefined, reason: string | undefined): string {
  const what = claim.kind === 'requests' ? 'requests per minute' : claim.kind === 'tokens' ? 'tokens per minute' : 'concurrent requests';
  const owner = scope === 'client' ? `client token '${name}'` : `route '${name}'`;
  const setting = scope === 'client' ? `limits.clients.${name}` : `routes.${name}.limits`;
  if (reason) return `Rate limit reached for ${owner} on ${what} (limit ${claim.limit}): ${reason} (${setting} in the config)`;
  if (claim.kind === 'tokens' && claim.amount > claim.limit) {
    return `Request too large for ${owner}: it may use ${claim.amount} tokens (input plus max_tokens) and the limit is ${claim.limit} tokens per minute (${setting}); ask for fewer max_tokens or a shorter input`;
  }
  const wait = retryMs === undefined ? '' : ` Please try again in ${formatDuration(retryMs)}.`;
  return `Rate limit reached for ${owner} on ${what}: limit ${claim.limit} (${setting} in the config).${wait}`;
}
