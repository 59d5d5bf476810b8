// What routing learns from real traffic: circuits per target, reachability and refused keys per provider.
import { describe, expect, it } from 'vitest';
import { ProviderError, type ProviderErrorInit } from '../providers/errors.js';
import { HealthTracker, key } from './health.js';
import type { CircuitSettings, Target } from '../../config/types.js';

const circuit: CircuitSettings = { allowedFails: 2, windowMs: 60_000, cooldownMs: 10_000, maxCooldownMs: 100_000 };
const gpt: Target = { providerId: 'openai', model: 'gpt-4.1' };
const mini: Target = { providerId: 'openai', model: 'gpt-4.1-mini' };
const qwen: Target = { providerId: 'ollama', model: 'qwen3' };

function failure(init: Partial<ProviderErrorInit> = {}): ProviderError {
  return new ProviderError({ kind: 'http', errorClass: 'server', status: 500, message: 'upstream said no', providerId: 'openai', retryable: true, ...init });
}

function tracker(): { health: HealthTracker; clock: { now: number } } {
  const clock = { now: 1_000_000 };
  return { health: new HealthTracker(circuit, () => clock.now), clock };
}

describe('circuits', () => {
  it('a target is admitted until allowedFails failures open its circuit, and only that target is affected', () => {
    const { health, clock } = tracker();
    health.failure(gpt, 'cloud', failure());
    expect(health.admits(gpt)).toBe(true);
    health.failure(gpt, 'cloud', failure());
    expect(health.admits(gpt)).toBe(false);
    expect(health.openUntil(gpt)).toBe(clock.now + 10_000);
    expect(health.admits(mini)).toBe(true);
    expect(health.openUntil(mini)).toBe(0);
  });

  it('after the cooldown one trial goes through; its success closes the circuit', () => {
    const { health, clock } = tracker();
    health.failure(gpt, 'cloud', failure());
    health.failure(gpt, 'cloud', failure());
    clock.now += 10_000;
    expect(health.admits(gpt)).toBe(true);
    health.attempt(gpt);
    expect(health.admits(gpt)).toBe(false); // the trial is in flight
    health.success(gpt, 'cloud');
    expect(health.admits(gpt)).toBe(true);
    expect(health.circuitsView()).toEqual([]);
  });

  it('a failed trial re-opens the circuit for twice as long', () => {
    const { health, clock } = tracker();
    health.failure(gpt, 'cloud', failure());
    health.failure(gpt, 'cloud', failure());
    clock.now += 10_000;
    health.attempt(gpt);
    health.failure(gpt, 'cloud', failure());
    expect(health.openUntil(gpt)).toBe(clock.now + 20_000);
  });

  it('while a trial is in flight, openUntil says when the trial is presumed lost, not the epoch', () => {
    // Without this, the skip reason read "cooling down until 1970-01-01T00:00:00.000Z".
    const { health, clock } = tracker();
    health.failure(gpt, 'cloud', failure());
    health.failure(gpt, 'cloud', failure());
    clock.now += 10_000;
    health.attempt(gpt);
    expect(health.admits(gpt)).toBe(false);
    expect(health.openUntil(gpt)).toBe(clock.now + 60_000);
    clock.now += 60_001;
    expect(health.admits(gpt)).toBe(true);
  });

  it('errors about the request, not the target, never count against it', () => {
    const { health } = tracker();
    for (let index = 0; index < 5; index += 1) {
      health.failure(gpt, 'cloud', failure({ errorClass: 'bad_request', status: 400, retryable: false }));
      health.failure(gpt, 'cloud', failure({ errorClass: 'context_length', status: 400, retryable: false }));
      health.failure(gpt, 'cloud', failure({ kind: 'aborted', errorClass: 'cancelled', status: 499, retryable: false }));
    }
    expect(health.admits(gpt)).toBe(true);
    expect(health.circuitsView()).toEqual([]);
  });

  it('a success clears earlier failures of a closed circuit', () => {
    const { health } = tracker();
    health.failure(gpt, 'cloud', failure());
    health.success(gpt, 'cloud');
    health.failure(gpt, 'cloud', failure());
    expect(health.admits(gpt)).toBe(true);
  });

  it('attempt on a target with no history changes nothing', () => {
    const { health } = tracker();
    health.attempt(gpt);
    expect(health.admits(gpt)).toBe(true);
    expect(health.circuitsView()).toEqual([]);
  });

  it('circuitsView lists open and half-open circuits, an expired open one as half-open', () => {
    const { health, clock } = tracker();
    const opened = clock.now;
    health.failure(gpt, 'cloud', failure());
    health.failure(gpt, 'cloud', failure());
    health.failure(qwen, 'local', failure({ providerId: 'ollama' }));
    expect(health.circuitsView()).toEqual([{ target: 'openai/gpt-4.1', phase: 'open', until: opened + 10_000 }]);
    clock.now += 10_000;
    expect(health.circuitsView()).toEqual([{ target: 'openai/gpt-4.1', phase: 'half-open', until: opened + 10_000 }]);
    health.attempt(gpt);
    expect(health.circuitsView()).toEqual([{ target: 'openai/gpt-4.1', phase: 'half-open' }]);
  });

  it('new settings apply after a reload, and what was learnt is kept', () => {
    const { health } = tracker();
    health.failure(gpt, 'cloud', failure());
    health.updateSettings({ ...circuit, allowedFails: 5 });
    health.failure(mini, 'cloud', failure());
    health.failure(mini, 'cloud', failure());
    expect(health.admits(mini)).toBe(true);
    for (let index = 0; index < 3; index += 1) health.failure(gpt, 'cloud', failure());
    expect(health.admits(gpt)).toBe(true);
    health.failure(gpt, 'cloud', failure());
    expect(health.admits(gpt)).toBe(false); // the fifth failure, counting the one before the reload
  });

  it('key() is provider/model', () => {
    expect(key({ providerId: 'openrouter', model: 'anthropic/claude' })).toBe('openrouter/anthropic/claude');
  });
});

describe('providers', () => {
  it('an auth error marks the key rejected until the key changes', () => {
    const { health } = tracker();
    health.failure(gpt, 'cloud', failure({ errorClass: 'auth', status: 401, retryable: false }));
    expect(health.providerHealth('openai')).toMatchObject({ keyRejected: true, reachable: true, locality: 'cloud' });
    health.keyChanged('openai');
    expect(health.providerHealth('openai')?.keyRejected).toBe(false);
    health.keyChanged('nobody'); // unknown providers are ignored
    expect(health.providerHealth('nobody')).toBeUndefined();
  });

  it('connect failures and connect timeouts mean unreachable; any HTTP answer or stall means reachable', () => {
    const { health } = tracker();
    health.failure(gpt, 'cloud', failure({ kind: 'connect', errorClass: 'unavailable', status: 503, code: 'ECONNREFUSED', message: 'refused' }));
    expect(health.providerHealth('openai')).toMatchObject({ reachable: false, lastError: 'refused' });
    health.failure(gpt, 'cloud', failure({ status: 500 }));
    expect(health.providerHealth('openai')?.reachable).toBe(true);
    health.failure(gpt, 'cloud', failure({ kind: 'timeout', errorClass: 'timeout', status: 504, code: 'UND_ERR_CONNECT_TIMEOUT' }));
    expect(health.providerHealth('openai')?.reachable).toBe(false);
    health.failure(gpt, 'cloud', failure({ kind: 'timeout', errorClass: 'timeout', status: 504, code: 'first_token_timeout' }));
    expect(health.providerHealth('openai')?.reachable).toBe(true);
  });

  it('a client abort says nothing about the provider', () => {
    const { health } = tracker();
    health.failure(gpt, 'cloud', failure({ kind: 'aborted', errorClass: 'cancelled', status: 499, retryable: false }));
    expect(health.providerHealth('openai')).toBeUndefined();
  });

  it('success marks reachable and clears the last error; lastChange moves only when reachability flips', () => {
    const { health, clock } = tracker();
    const start = clock.now;
    health.failure(qwen, 'local', failure({ kind: 'connect', errorClass: 'unavailable', status: 503, providerId: 'ollama' }));
    expect(health.providerHealth('ollama')).toMatchObject({ locality: 'local', reachable: false, lastChange: start });
    clock.now += 5_000;
    health.failure(qwen, 'local', failure({ kind: 'connect', errorClass: 'unavailable', status: 503, providerId: 'ollama' }));
    expect(health.providerHealth('ollama')?.lastChange).toBe(start);
    clock.now += 5_000;
    health.success(qwen, 'local');
    expect(health.providerHealth('ollama')).toMatchObject({ reachable: true, lastError: undefined, lastChange: start + 10_000 });
  });

  it('probes report reachability too, with the detail only when down', () => {
    const { health } = tracker();
    health.probed('ollama', 'local', false, 'connection refused');
    expect(health.providerHealth('ollama')).toMatchObject({ reachable: false, lastError: 'connection refused' });
    health.probed('ollama', 'local', true, 'ok');
    expect(health.providerHealth('ollama')).toMatchObject({ reachable: true, lastError: undefined });
  });

  it('cloudUnreachable: true only when none is known up and at least one is known down', () => {
    const { health } = tracker();
    expect(health.cloudUnreachable([])).toBe(false);
    expect(health.cloudUnreachable(['openai', 'groq'])).toBe(false); // nothing known yet
    health.probed('openai', 'cloud', false, 'dns');
    expect(health.cloudUnreachable(['openai', 'groq'])).toBe(true); // groq unknown, openai down
    health.probed('groq', 'cloud', true, 'ok');
    expect(health.cloudUnreachable(['openai', 'groq'])).toBe(false);
    health.probed('groq', 'cloud', false, 'dns');
    expect(health.cloudUnreachable(['openai', 'groq'])).toBe(true);
  });

  it('retain forgets providers a reload removed, with their circuits, and keeps the rest', () => {
    const { health } = tracker();
    health.failure(gpt, 'cloud', failure());
    health.failure(gpt, 'cloud', failure());
    health.failure(qwen, 'local', failure({ providerId: 'ollama' }));
    health.failure(qwen, 'local', failure({ providerId: 'ollama' }));
    health.failure({ providerId: 'openrouter', model: 'openai/gpt-4.1' }, 'cloud', failure({ providerId: 'openrouter' }));
    health.failure({ providerId: 'openrouter', model: 'openai/gpt-4.1' }, 'cloud', failure({ providerId: 'openrouter' }));
    health.retain(new Set(['ollama', 'openrouter']));
    expect(health.providerHealth('openai')).toBeUndefined();
    expect(health.admits(gpt)).toBe(true);
    expect(health.providerHealth('ollama')).toBeDefined();
    expect(health.admits(qwen)).toBe(false);
    expect(health.circuitsView().map((view) => view.target)).toEqual(['ollama/qwen3', 'openrouter/openai/gpt-4.1']);
  });
});

describe('circuits shared with other replicas (the hooks gateway/shared-state uses)', () => {
  it('tells when a circuit opens, when this replica starts its trial, and when it closes', () => {
    const { health, clock } = tracker();
    const events: string[] = [];
    health.onCircuitOpen = (target, cooldownMs) => events.push(`open ${target} ${cooldownMs}`);
    health.onTrialStart = (target) => events.push(`trial ${target}`);
    health.onCircuitClose = (target) => events.push(`close ${target}`);
    health.failure(gpt, 'cloud', failure());
    health.failure(gpt, 'cloud', failure());
    clock.now += 10_000;
    health.attempt(gpt);
    health.attempt(gpt); // a second request while the trial is out is not a second trial
    health.success(gpt, 'cloud');
    health.success(gpt, 'cloud'); // closed already: nothing to tell
    expect(events).toEqual(['open openai/gpt-4.1 10000', `trial openai/gpt-4.1`, 'close openai/gpt-4.1']);
  });

  it("closes on a peer's closing only a circuit that opened before it", () => {
    const { health, clock } = tracker();
    health.failure(gpt, 'cloud', failure());
    health.failure(gpt, 'cloud', failure());
    health.closedByPeer(key(gpt), clock.now - 1); // a closing older than this opening
    expect(health.admits(gpt)).toBe(false);
    health.closedByPeer(key(gpt), clock.now + 1);
    expect(health.admits(gpt)).toBe(true);
    expect(health.circuitsView()).toEqual([]);

    health.openedByPeer(key(mini), clock.now + 5_000);
    clock.now += 100;
    health.closedByPeer(key(mini), clock.now);
    expect(health.admits(mini)).toBe(true);
    health.closedByPeer(key(qwen), clock.now); // never open here: nothing happens
    expect(health.admits(qwen)).toBe(true);
  });
});
