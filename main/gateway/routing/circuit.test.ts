// The per-target circuit breaker: closed → open after allowedFails failures in the window, open → half-open for
// one trial after the cooldown, and the trial's outcome closes it or re-opens it for twice as long (capped).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { admits, closedCircuit, onAttempt, onFailure, onSuccess, type CircuitState } from './circuit.js';
import { defaultCircuit } from '../../config/defaults.js';
import type { CircuitSettings } from '../../config/types.js';

const settings: CircuitSettings = { allowedFails: 3, windowMs: 60_000, cooldownMs: 30_000, maxCooldownMs: 100_000 };

function failAt(times: readonly number[], start: CircuitState = closedCircuit, circuit = settings): CircuitState {
  return times.reduce((state, at) => onFailure(state, at, circuit), start);
}

describe('closed', () => {
  it('admits, and stays closed below allowedFails', () => {
    const state = failAt([0, 1_000]);
    expect(state).toEqual({ phase: 'closed', failures: [0, 1_000] });
    expect(admits(state, 1_001)).toBe(true);
  });

  it('opens on the allowedFails-th failure within the window, for cooldownMs', () => {
    const state = failAt([0, 1_000, 2_000]);
    expect(state).toEqual({ phase: 'open', until: 32_000, cooldownMs: 30_000 });
  });

  it('does not count failures older than windowMs', () => {
    // 0 drops out of the window at 60 000 (exactly windowMs old no longer counts)
    const state = failAt([0, 30_000, 60_000]);
    expect(state).toEqual({ phase: 'closed', failures: [30_000, 60_000] });
    expect(failAt([0, 30_000, 59_999]).phase).toBe('open');
  });

  it('allowedFails 1 opens on the first failure', () => {
    expect(onFailure(closedCircuit, 5, { ...settings, allowedFails: 1 })).toEqual({ phase: 'open', until: 30_005, cooldownMs: 30_000 });
  });

  it('a success forgets earlier failures', () => {
    const state = onSuccess(failAt([0, 1_000]));
    expect(state).toEqual(closedCircuit);
    expect(failAt([2_000, 3_000], state).phase).toBe('closed');
  });

  it('onAttempt leaves a closed circuit alone', () => {
    const state = failAt([0]);
    expect(onAttempt(state, 10)).toBe(state);
  });

  it('the defaults are LiteLLM-like: 3 fails a minute, 30 s cooldown', () => {
    expect(defaultCircuit).toEqual({ allowedFails: 3, windowMs: 60_000, cooldownMs: 30_000, maxCooldownMs: 300_000 });
  });
});

describe('open', () => {
  const open = failAt([0, 0, 0]);

  it('admits nothing until `until`, then admits', () => {
    expect(admits(open, 0)).toBe(false);
    expect(admits(open, 29_999)).toBe(false);
    expect(admits(open, 30_000)).toBe(true);
  });

  it('an attempt before `until` changes nothing; a late failure report does not extend the cooldown', () => {
    expect(onAttempt(open, 10_000)).toBe(open);
    expect(onFailure(open, 20_000, settings)).toBe(open);
  });

  it('an attempt at or after `until` turns it half-open with that trial', () => {
    expect(onAttempt(open, 30_000)).toEqual({ phase: 'half-open', trialStartedAt: 30_000, cooldownMs: 30_000 });
  });
});

describe('half-open', () => {
  const trial = onAttempt(failAt([0, 0, 0]), 30_000);

  it('admits one trial at a time: a second request is refused until trialTimeoutMs has passed', () => {
    expect(admits(trial, 30_001)).toBe(false);
    expect(admits(trial, 90_000)).toBe(false);
    expect(admits(trial, 90_001)).toBe(true);
    expect(admits(trial, 30_101, 100)).toBe(true);
  });

  it('a new attempt after a stale trial restarts the trial clock', () => {
    const restarted = onAttempt(trial, 100_000);
    expect(restarted).toEqual({ phase: 'half-open', trialStartedAt: 100_000, cooldownMs: 30_000 });
    expect(admits(restarted, 100_001)).toBe(false);
  });

  it('success closes the circuit', () => {
    expect(onSuccess(trial)).toEqual(closedCircuit);
    expect(admits(onSuccess(trial), 30_001)).toBe(true);
  });

  it('failure re-opens with double the cooldown, capped at maxCooldownMs', () => {
    const reopened = onFailure(trial, 31_000, settings);
    expect(reopened).toEqual({ phase: 'open', until: 91_000, cooldownMs: 60_000 });
    expect(admits(reopened, 90_999)).toBe(false);
    const again = onFailure(onAttempt(reopened, 91_000), 92_000, settings);
    expect(again).toEqual({ phase: 'open', until: 192_000, cooldownMs: 100_000 });
    const capped = onFailure(onAttempt(again, 192_000), 193_000, settings);
    expect(capped).toEqual({ phase: 'open', until: 293_000, cooldownMs: 100_000 });
  });
});

describe('properties over random event sequences with a monotone clock', () => {
  type Event = { readonly dt: number; readonly kind: 'attempt' | 'success' | 'failure' | 'admit-and-attempt' };
  const event = fc.record({
    dt: fc.oneof(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 150_000 })),
    kind: fc.constantFrom<Event['kind']>('attempt', 'success', 'failure', 'admit-and-attempt'),
  });
  const circuitSettings = fc
    .record({
      allowedFails: fc.integer({ min: 1, max: 5 }),
      windowMs: fc.integer({ min: 1, max: 120_000 }),
      cooldownMs: fc.integer({ min: 1, max: 60_000 }),
      extra: fc.integer({ min: 0, max: 200_000 }),
    })
    .map(({ extra, ...rest }): CircuitSettings => ({ ...rest, maxCooldownMs: rest.cooldownMs + extra }));

  it('never admits while open before `until`; phases, failure lists and cooldowns stay well-formed', () => {
    fc.assert(
      fc.property(circuitSettings, fc.array(event, { maxLength: 80 }), fc.integer({ min: 1, max: 100_000 }), (circuit, events, trialTimeoutMs) => {
        let state: CircuitState = closedCircuit;
        let now = 0;
        // Failures since the circuit last closed: the oracle for "opens only after allowedFails in the window".
        let failuresSinceClose: number[] = [];
        for (const { dt, kind } of events) {
          now += dt;
          const before = state;
          if (kind === 'attempt') state = onAttempt(state, now);
          else if (kind === 'success') state = onSuccess(state);
          else if (kind === 'failure') state = onFailure(state, now, circuit);
          else if (admits(state, now, trialTimeoutMs)) state = onAttempt(state, now);

          expect(['closed', 'open', 'half-open']).toContain(state.phase);
          if (state.phase === 'open') {
            expect(admits(state, now, trialTimeoutMs)).toBe(now >= state.until);
            if (now < state.until) expect(admits(state, state.until - 1, trialTimeoutMs)).toBe(false);
            expect(state.cooldownMs).toBeGreaterThanOrEqual(circuit.cooldownMs);
            expect(state.cooldownMs).toBeLessThanOrEqual(circuit.maxCooldownMs);
          }
          if (state.phase === 'closed') {
            expect(state.failures.length).toBeLessThan(circuit.allowedFails);
            // pruned when a failure is recorded: every kept failure is within the window of the latest one
            const latest = Math.max(...state.failures);
            for (const at of state.failures) expect(latest - at).toBeLessThan(circuit.windowMs);
            expect(admits(state, now, trialTimeoutMs)).toBe(true);
          }
          if (state.phase === 'half-open') {
            // Only an expired open circuit (or a half-open one) becomes half-open, and only through an attempt.
            expect(before.phase === 'half-open' || (before.phase === 'open' && now >= before.until)).toBe(true);
            expect(kind === 'attempt' || kind === 'admit-and-attempt' || before.phase === 'half-open').toBe(true);
          }
          if (before.phase === 'closed' && state.phase === 'open') {
            expect(kind).toBe('failure');
            const inWindow = [...failuresSinceClose, now].filter((at) => now - at < circuit.windowMs);
            expect(inWindow.length).toBeGreaterThanOrEqual(circuit.allowedFails);
            expect(state).toEqual({ phase: 'open', until: now + circuit.cooldownMs, cooldownMs: circuit.cooldownMs });
          }
          if (before.phase === 'half-open' && state.phase === 'open') {
            expect(state.cooldownMs).toBe(Math.min(circuit.maxCooldownMs, before.cooldownMs * 2));
            expect(state.until).toBe(now + state.cooldownMs);
          }

          if (state.phase === 'closed' && kind === 'failure') failuresSinceClose.push(now);
          if (state.phase !== 'closed' || kind === 'success') failuresSinceClose = [];
        }
      }),
    );
  });

  it('requests that follow the protocol (admits → onAttempt) never run two trials at once', () => {
    fc.assert(
      fc.property(circuitSettings, fc.array(fc.integer({ min: 0, max: 50_000 }), { maxLength: 60 }), (circuit, steps) => {
        const trialTimeoutMs = 60_000;
        let state: CircuitState = failAt(
          Array.from({ length: circuit.allowedFails }, () => 0),
          closedCircuit,
          circuit,
        );
        let now = 0;
        let lastTrialAt: number | undefined;
        for (const dt of steps) {
          now += dt;
          if (!admits(state, now, trialTimeoutMs)) continue;
          const wasHalfOpen = state.phase === 'half-open';
          state = onAttempt(state, now);
          if (state.phase !== 'half-open') continue;
          // Admitting a second trial is only allowed once the earlier one is presumed lost.
          if (wasHalfOpen && lastTrialAt !== undefined) expect(now - lastTrialAt).toBeGreaterThan(trialTimeoutMs);
          lastTrialAt = now;
        }
      }),
    );
  });
});
