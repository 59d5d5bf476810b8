// Per-target circuit breaker (LiteLLM's allowed_fails / cooldown_time). Closed: requests flow; after
// `allowedFails` failures within `windowMs` the circuit opens for `cooldownMs`; then half-open: exactly one trial
// request is let through, and its outcome closes the circuit or re-opens it with a longer cooldown.
// Pure state transitions with an injected clock, so routing decisions are testable without sockets.

import type { CircuitSettings } from '../../config/types.js';

export type CircuitState =
  | { readonly phase: 'closed'; readonly failures: readonly number[] }
  | { readonly phase: 'open'; readonly until: number; readonly cooldownMs: number }
  | { readonly phase: 'half-open'; readonly trialStartedAt: number; readonly cooldownMs: number };

export const closedCircuit: CircuitState = { phase: 'closed', failures: [] };

/** How long a half-open trial that never reported back blocks further trials. */
export const defaultTrialTimeoutMs = 60_000;

/** Whether a request may use the target now; a half-open circuit admits one trial at a time. */
export function admits(state: CircuitState, now: number, trialTimeoutMs = defaultTrialTimeoutMs): boolean {
  if (state.phase === 'closed') return true;
  if (state.phase === 'open') return now >= state.until;
  return now - state.trialStartedAt > trialTimeoutMs; // a trial that never reported back does not block forever
}

/** Called when a request is sent to the target: an expired open circuit becomes half-open with this trial. */
export function onAttempt(state: CircuitState, now: number): CircuitState {
  if (state.phase === 'open' && now >= state.until) return { phase: 'half-open', trialStartedAt: now, cooldownMs: state.cooldownMs };
  if (state.phase === 'half-open') return { phase: 'half-open', trialStartedAt: now, cooldownMs: state.cooldownMs };
  return state;
}

export function onSuccess(_state: CircuitState): CircuitState {
  return closedCircuit;
}

export function onFailure(state: CircuitState, now: number, settings: CircuitSettings): CircuitState {
  if (state.phase === 'half-open') {
    const cooldownMs = Math.min(settings.maxCooldownMs, state.cooldownMs * 2);
    return { phase: 'open', until: now + cooldownMs, cooldownMs };
  }
  if (state.phase === 'open') return state;
  const failures = [...state.failures.filter((at) => now - at < settings.windowMs), now];
  if (failures.length >= settings.allowedFails) return { phase: 'open', until: now + settings.cooldownMs, cooldownMs: settings.cooldownMs };
  return { phase: 'closed', failures };
}
