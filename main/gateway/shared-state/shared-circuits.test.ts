// Circuit breakers shared through a real Redis (the run's; each test its own key prefix) by two replicas, each with
// its own HealthTracker as in two `serve` processes: an opening on one opens the other; the half-open trial is one
// replica's, and the other keeps the circuit open while it decides; the trial's success closes both at once, not
// after the other's own cooldown; and an older closing never closes a circuit that opened again since.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { testRedisUrl } from '../../../test/support/team-services.js';
import { ProviderError } from '../providers/errors.js';
import { HealthTracker } from '../routing/health.js';
import type { CircuitSettings, Target } from '../../config/types.js';
import { SharedState } from './shared-state.js';

const target: Target = { providerId: 'openai', model: 'gpt-4.1' };
const serverError = (): ProviderError =>
  new ProviderError({ kind: 'http', errorClass: 'server', status: 500, message: 'upstream said no', providerId: 'openai', retryable: true });

async function until(what: string, condition: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('shared circuits', () => {
  const states: SharedState[] = [];
  afterEach(async () => {
    await Promise.all(states.splice(0).map((state) => state.close()));
  });

  async function replicas(settings: CircuitSettings): Promise<[HealthTracker, HealthTracker]> {
    const keyPrefix = `circuits-${randomUUID().slice(0, 8)}`;
    const trackers: HealthTracker[] = [];
    for (let index = 0; index < 2; index += 1) {
      const state = await SharedState.open({ url: testRedisUrl(), replicas: 2, keyPrefix, commandTimeoutMs: 500 }, () => undefined);
      states.push(state);
      expect(state.view().backend).toBe('redis');
      const health = new HealthTracker(settings);
      state.attachCircuits(health, () => true);
      trackers.push(health);
    }
    return trackers as [HealthTracker, HealthTracker];
  }

  it('one replica runs the trial while the other waits, and its success closes the circuit on both', async () => {
    const [a, b] = await replicas({ allowedFails: 1, windowMs: 60_000, cooldownMs: 2_500, maxCooldownMs: 60_000 });
    a.failure(target, 'cloud', serverError());
    expect(a.admits(target)).toBe(false);
    await until('B to see the opening', () => !b.admits(target) && b.circuitsView().length === 1);

    // A's cooldown lapses first: its request is the trial, and B, whose own copy lapses too, leaves it to A
    await until("A's cooldown to lapse", () => a.admits(target));
    a.attempt(target);
    await sleep(2_500); // B's copy of the cooldown is over by now, and it has read the trial twice
    expect(b.admits(target)).toBe(false);
    expect(b.openUntil(target)).toBeGreaterThan(Date.now() + 50_000); // until A reports, or its trial's lease lapses

    // the trial succeeds on A: B closes within a read, long before the lease would have let it try
    a.success(target, 'cloud');
    expect(a.circuitsView()).toEqual([]);
    const closedAt = Date.now();
    await until('B to close', () => b.admits(target) && b.circuitsView().length === 0, 3_000);
    expect(Date.now() - closedAt).toBeLessThan(2_500);
  }, 20_000);

  it('a failed trial opens the circuit again on both, for the longer cooldown', async () => {
    const [a, b] = await replicas({ allowedFails: 1, windowMs: 60_000, cooldownMs: 2_500, maxCooldownMs: 60_000 });
    a.failure(target, 'cloud', serverError());
    await until('B to see the opening', () => !b.admits(target));
    await until("A's cooldown to lapse", () => a.admits(target));
    a.attempt(target);
    a.failure(target, 'cloud', serverError()); // the trial failed: 5 s now
    const reopenedUntil = a.openUntil(target);
    await until("B to take A's new cooldown", () => Math.abs(b.openUntil(target) - reopenedUntil) < 250);
    expect(b.admits(target)).toBe(false);
  }, 20_000);

  it('a closing does not close a circuit that opened again since, on this replica or the other', async () => {
    const [a, b] = await replicas({ allowedFails: 1, windowMs: 60_000, cooldownMs: 30_000, maxCooldownMs: 60_000 });
    a.failure(target, 'cloud', serverError());
    await until('B to see the opening', () => !b.admits(target));
    a.success(target, 'cloud'); // e.g. a last-resort request through the open circuit succeeded
    await until('B to close', () => b.admits(target));

    await sleep(50);
    b.failure(target, 'cloud', serverError()); // fresh failures on B after the closing
    await until('A to see the new opening', () => !a.admits(target));
    await sleep(2_200); // two more reads of the (still kept) closing on both
    expect(b.admits(target)).toBe(false);
    expect(a.admits(target)).toBe(false);
  }, 20_000);
});
