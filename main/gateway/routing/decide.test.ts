// After a failed attempt: retry the same target, move to the next one, or stop — decided on the error's class,
// kind, code and Retry-After and on the budget, never on message text.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProviderError, classForStatus, isRetryableClass, type ProviderErrorInit, type ProviderErrorKind } from '../providers/errors.js';
import { decideAfterFailure, type DecisionInput } from './decide.js';
import type { BackoffSettings, ProviderErrorClass } from '../../config/types.js';

const backoff: BackoffSettings = { initialMs: 200, maxMs: 4_000, retryAfterCapMs: 5_000 };

function error(init: Partial<ProviderErrorInit> & { errorClass: ProviderErrorClass }): ProviderError {
  return new ProviderError({ kind: 'http', status: 500, message: 'failed', providerId: 'p', retryable: isRetryableClass(init.errorClass), ...init });
}

function decide(providerError: ProviderError, overrides: Partial<DecisionInput> = {}): ReturnType<typeof decideAfterFailure> {
  return decideAfterFailure({ error: providerError, retries: 0, numRetries: 2, attemptsUsed: 1, maxAttempts: 4, backoff, random: () => 0, ...overrides });
}

describe('stop', () => {
  it('when the client went away, whatever else is true', () => {
    const aborted = error({ kind: 'aborted', errorClass: 'cancelled', status: 499, retryable: false });
    expect(decide(aborted)).toEqual({ action: 'stop', reason: 'the client went away' });
    // even a "retryable" error of kind aborted, and even with budget left
    expect(decide(error({ kind: 'aborted', errorClass: 'rate_limit', retryable: true }), { attemptsUsed: 0 }).action).toBe('stop');
  });

  it('when the attempt budget is used, even for errors that would otherwise retry or move on', () => {
    for (const errorClass of ['rate_limit', 'server', 'context_length', 'auth'] as const) {
      expect(decide(error({ errorClass }), { attemptsUsed: 4, maxAttempts: 4 })).toEqual({ action: 'stop', reason: 'attempt budget of 4 used' });
    }
    expect(decide(error({ errorClass: 'server' }), { attemptsUsed: 3, maxAttempts: 4 }).action).toBe('retry');
  });
});

describe('next', () => {
  it('context_length goes to the next target (which may have a larger window)', () => {
    expect(decide(error({ errorClass: 'context_length', status: 400 }))).toEqual({ action: 'next', reason: 'context window too small' });
  });

  it.each([
    [400, 'bad_request'],
    [401, 'auth'],
    [403, 'permission'],
    [404, 'not_found'],
  ] as const)('HTTP %i (%s) is not retried on the same target', (status, errorClass) => {
    expect(classForStatus(status)).toBe(errorClass);
    expect(decide(error({ errorClass, status, retryable: false }))).toEqual({ action: 'next', reason: `${errorClass} is not retried on the same target` });
  });

  it('insufficient quota (a 429 that is not a rate limit) is not retried', () => {
    expect(decide(error({ errorClass: 'quota', status: 429, retryable: false })).action).toBe('next');
  });

  it('a non-retryable error moves on even with retries left', () => {
    expect(decide(error({ errorClass: 'protocol', status: 502, retryable: false }), { numRetries: 10 }).action).toBe('next');
  });

  it.each(['first_token_timeout', 'idle_timeout', 'total_timeout'])('a %s stall is not waited out twice on one target', (code) => {
    const stall = error({ kind: 'timeout', errorClass: 'timeout', status: 504, retryable: true, code });
    expect(decide(stall)).toEqual({ action: 'next', reason: 'timed out' });
  });

  it('retryable errors move on once numRetries retries were made on this target', () => {
    expect(decide(error({ errorClass: 'server' }), { retries: 2, numRetries: 2 })).toEqual({ action: 'next', reason: 'retried 2 time(s)' });
    expect(decide(error({ errorClass: 'rate_limit', status: 429 }), { retries: 0, numRetries: 0 }).action).toBe('next');
  });

  it('a Retry-After longer than the cap sends the request elsewhere instead of waiting', () => {
    const busy = error({ errorClass: 'rate_limit', status: 429, retryAfterMs: 30_000 });
    expect(decide(busy)).toEqual({ action: 'next', reason: 'asked to wait 30 s' });
  });
});

describe('retry', () => {
  it.each(['rate_limit', 'overloaded', 'server', 'conflict', 'unavailable', 'timeout'] as const)('%s is retried with a backoff delay', (errorClass) => {
    expect(decide(error({ errorClass }), { random: () => 0 })).toEqual({ action: 'retry', delayMs: 100 });
    expect(decide(error({ errorClass }), { retries: 1, random: () => 1 })).toEqual({ action: 'retry', delayMs: 400 });
  });

  it('connect failures and undici header timeouts are retried (they are not stalls)', () => {
    expect(decide(error({ kind: 'connect', errorClass: 'unavailable', status: 503, code: 'ECONNREFUSED' })).action).toBe('retry');
    expect(decide(error({ kind: 'timeout', errorClass: 'timeout', status: 504, code: 'UND_ERR_HEADERS_TIMEOUT' })).action).toBe('retry');
  });

  it('a short Retry-After is honoured', () => {
    expect(decide(error({ errorClass: 'rate_limit', status: 429, retryAfterMs: 1_500 }))).toEqual({ action: 'retry', delayMs: 1_500 });
  });
});

describe('property', () => {
  const kinds: ProviderErrorKind[] = ['connect', 'timeout', 'http', 'in-band', 'protocol', 'aborted'];
  const classes: ProviderErrorClass[] = [
    'auth',
    'permission',
    'not_found',
    'bad_request',
    'context_length',
    'rate_limit',
    'quota',
    'overloaded',
    'server',
    'conflict',
    'unavailable',
    'timeout',
    'protocol',
    'cancelled',
  ];

  it('retries only retryable errors, within numRetries and the budget, with a bounded delay', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...kinds),
        fc.constantFrom(...classes),
        fc.boolean(),
        fc.option(fc.constantFrom('first_token_timeout', 'idle_timeout', 'total_timeout', 'ECONNRESET'), { nil: undefined }),
        fc.option(fc.integer({ min: 0, max: 20_000 }), { nil: undefined }),
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 10 }),
        (kind, errorClass, retryable, code, retryAfterMs, retries, numRetries, attemptsUsed, maxAttempts) => {
          const decision = decide(error({ kind, errorClass, retryable, code: code ?? null, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) }), {
            retries,
            numRetries,
            attemptsUsed,
            maxAttempts,
            random: () => 0.5,
          });
          if (kind === 'aborted' || attemptsUsed >= maxAttempts) expect(decision.action).toBe('stop');
          else expect(decision.action).not.toBe('stop');
          if (decision.action === 'retry') {
            expect(retryable).toBe(true);
            expect(errorClass).not.toBe('context_length');
            expect(retries).toBeLessThan(numRetries);
            if (retryAfterMs === undefined) expect(decision.delayMs).toBeLessThanOrEqual(backoff.maxMs);
            else expect(decision.delayMs).toBeLessThanOrEqual(backoff.retryAfterCapMs + 250);
          }
        },
      ),
    );
  });
});
