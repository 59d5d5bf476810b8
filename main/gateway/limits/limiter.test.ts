import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RouteSettings } from '../../config/routing.js';
import type { RouteLimits } from '../../config/limits.js';
import { GatewayError } from '../http/errors.js';
import { ProviderError } from '../providers/errors.js';
import { LocalCounterStore, type CounterClaim } from './counter-store.js';
import { RateLimiter } from './limiter.js';
import { formatDuration, parseDuration } from './rate-headers.js';

const claim = (kind: CounterClaim['kind'], limit: number, amount = 1, key = `k:${kind}`): CounterClaim => ({ key, kind, limit, windowMs: 60_000, amount });

function route(name: string, limits: RouteLimits): RouteSettings {
  return {
    name,
    pattern: false,
    description: undefined,
    tiers: [],
    fallbacks: [],
    contextWindowFallbacks: [],
    prefer: 'order',
    numRetries: undefined,
    timeouts: {},
    limits,
  };
}

async function refusal(promise: Promise<unknown>): Promise<GatewayError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof GatewayError)) throw new Error(`expected a GatewayError, got ${String(error)}`);
  return error;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('LocalCounterStore', () => {
  it('passes `limit` requests at once, refuses the next, and refills at limit per window', () => {
    const store = new LocalCounterStore();
    const claims = [claim('requests', 3)];
    for (let index = 0; index < 3; index += 1) expect(store.checkAndReserve(claims, 0).ok).toBe(true);
    const refused = store.checkAndReserve(claims, 0);
    expect(refused).toMatchObject({ ok: false, refused: 0, retryAfterMs: 20_000 });
    expect(store.checkAndReserve(claims, 19_999).ok).toBe(false);
    expect(store.checkAndReserve(claims, 20_000).ok).toBe(true);
  });

  it('reserves all claims or none', () => {
    const store = new LocalCounterStore();
    const requests = claim('requests', 10);
    const tokens = claim('tokens', 100, 60);
    expect(store.checkAndReserve([requests, tokens], 0).ok).toBe(true);
    // the token claim does not fit: the request claim is not taken either
    expect(store.checkAndReserve([requests, tokens], 0)).toMatchObject({ ok: false, refused: 1 });
    const after = store.checkAndReserve([requests], 0);
    expect(after.ok && after.states[0]?.remaining).toBe(8);
  });

  it('reconciles a token reservation with the real usage, both ways', () => {
    const store = new LocalCounterStore();
    const tokens = claim('tokens', 1_000, 600);
    expect(store.checkAndReserve([tokens], 0).ok).toBe(true);
    store.reconcile(tokens, 100, 0); // 500 come back
    expect(store.checkAndReserve([claim('tokens', 1_000, 900)], 0).ok).toBe(true);
    // more used than reserved: the bucket goes below zero and later requests wait for the refill
    store.reconcile(claim('tokens', 1_000, 900), 1_400, 0);
    const refused = store.checkAndReserve([claim('tokens', 1_000, 1)], 0);
    expect(refused).toMatchObject({ ok: false });
    expect(refused.ok ? 0 : refused.retryAfterMs).toBe(Math.ceil((1 + 500) * 60));
  });

  it('never admits a claim larger than its limit, and says it never will', () => {
    const store = new LocalCounterStore();
    expect(store.checkAndReserve([claim('tokens', 100, 101)], 0)).toMatchObject({ ok: false, retryAfterMs: undefined });
  });

  it('holds concurrency slots until released', () => {
    const store = new LocalCounterStore();
    const slot = claim('concurrent', 2);
    expect(store.checkAndReserve([slot], 0).ok).toBe(true);
    expect(store.checkAndReserve([slot], 0).ok).toBe(true);
    expect(store.checkAndReserve([slot], 0)).toMatchObject({ ok: false, retryAfterMs: undefined });
    store.release(slot);
    expect(store.held(slot.key)).toBe(1);
    expect(store.checkAndReserve([slot], 0).ok).toBe(true);
  });
});

describe('RateLimiter', () => {
  const signal = new AbortController().signal;

  it('is inactive without limits and claims nothing', async () => {
    const limiter = new RateLimiter();
    limiter.update(
      undefined,
      [route('plain', {})].map((r) => ({ ...r, limits: undefined })),
    );
    expect(limiter.active).toBe(false);
    expect(await limiter.admit({ client: 'default', route: undefined, tokens: () => 10 }, signal)).toBeUndefined();
  });

  it('answers the N+1th request with a 429 naming the limit, with Retry-After and x-ratelimit-* headers', async () => {
    const limiter = new RateLimiter();
    limiter.update({ clients: { cursor: { requestsPerMinute: 2 } }, everyClient: undefined }, []);
    const first = await limiter.admit({ client: 'cursor', route: undefined, tokens: () => 1 }, signal);
    expect(first?.headers).toEqual({ 'x-ratelimit-limit-requests': '2', 'x-ratelimit-remaining-requests': '1', 'x-ratelimit-reset-requests': '30s' });
    await limiter.admit({ client: 'cursor', route: undefined, tokens: () => 1 }, signal);
    const error = await refusal(limiter.admit({ client: 'cursor', route: undefined, tokens: () => 1 }, signal));
    expect(error.status).toBe(429);
    expect(error.code).toBe('rate_limit_exceeded');
    expect(error.type).toBe('requests');
    expect(error.message).toContain("client token 'cursor'");
    expect(error.headers['retry-after']).toBe('30');
    expect(error.headers['x-ratelimit-remaining-requests']).toBe('0');
    // another client token has its own counters (here: none)
    expect(await limiter.admit({ client: 'other', route: undefined, tokens: () => 1 }, signal)).toBeUndefined();
    expect(limiter.stats().refusals).toEqual([{ scope: 'client', name: 'cursor', kind: 'requests', count: 1 }]);
  });

  it('cannot be overshot by a concurrent burst of token reservations; settling gives the unused part back', async () => {
    const limiter = new RateLimiter();
    const smart = route('smart', { tokensPerMinute: 1_000 });
    limiter.update(undefined, [smart]);
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => limiter.admit({ client: 'default', route: smart, tokens: () => 301 }, signal)));
    const admitted = results.filter((result) => result.status === 'fulfilled');
    expect(admitted).toHaveLength(3);
    const settled = admitted[0] as PromiseFulfilledResult<{ settle(actual: number | undefined): void }>;
    settled.value.settle(1); // 300 tokens come back: 397 + 300 left
    expect(await limiter.admit({ client: 'default', route: smart, tokens: () => 301 }, signal)).toBeDefined();
  });

  it('queues a request over a route limit, admits it when a slot is released, and refuses past max_length', async () => {
    const limiter = new RateLimiter();
    const queued = route('queued', { concurrent: 1, queue: { maxWaitMs: 5_000, maxLength: 1 } });
    limiter.update(undefined, [queued]);
    const holder = await limiter.admit({ client: 'default', route: queued, tokens: () => 1 }, signal);
    const waiting = limiter.admit({ client: 'default', route: queued, tokens: () => 1 }, signal);
    expect(limiter.stats().queues).toEqual([{ route: 'queued', length: 1 }]);
    const full = await refusal(limiter.admit({ client: 'default', route: queued, tokens: () => 1 }, signal));
    expect(full.message).toContain('queue is full');
    holder?.settle(undefined);
    await expect(waiting).resolves.toBeDefined();
    expect(limiter.stats().queues).toEqual([{ route: 'queued', length: 0 }]);
  });

  it('takes a waiter whose client left out of the queue', async () => {
    const limiter = new RateLimiter();
    const queued = route('queued', { concurrent: 1, queue: { maxWaitMs: 5_000, maxLength: 4 } });
    limiter.update(undefined, [queued]);
    const holder = await limiter.admit({ client: 'default', route: queued, tokens: () => 1 }, signal);
    const client = new AbortController();
    const leaving = limiter.admit({ client: 'default', route: queued, tokens: () => 1 }, client.signal);
    const staying = limiter.admit({ client: 'default', route: queued, tokens: () => 1 }, signal);
    client.abort();
    await expect(leaving).rejects.toBeInstanceOf(ProviderError);
    expect(limiter.stats().queues).toEqual([{ route: 'queued', length: 1 }]);
    holder?.settle(undefined);
    await expect(staying).resolves.toBeDefined();
  });

  it('gives up on a waiter after max_wait_ms with a 429', async () => {
    const limiter = new RateLimiter();
    const queued = route('queued', { concurrent: 1, queue: { maxWaitMs: 50, maxLength: 4 } });
    limiter.update(undefined, [queued]);
    await limiter.admit({ client: 'default', route: queued, tokens: () => 1 }, signal);
    const error = await refusal(limiter.admit({ client: 'default', route: queued, tokens: () => 1 }, signal));
    expect(error.message).toContain('max_wait_ms');
  });

  it('waits for a rate refill within max_wait_ms, and refuses at once when the refill is further away', async () => {
    const limiter = new RateLimiter();
    // 600 per minute: one every 100 ms
    const fast = route('fast', { requestsPerMinute: 600, queue: { maxWaitMs: 1_000, maxLength: 10 } });
    const slow = route('slow', { requestsPerMinute: 1, queue: { maxWaitMs: 1_000, maxLength: 10 } });
    limiter.update(undefined, [fast, slow]);
    for (let index = 0; index < 600; index += 1) await limiter.admit({ client: 'default', route: fast, tokens: () => 1 }, signal);
    const started = performance.now();
    await limiter.admit({ client: 'default', route: fast, tokens: () => 1 }, signal);
    expect(performance.now() - started).toBeGreaterThanOrEqual(50);
    await limiter.admit({ client: 'default', route: slow, tokens: () => 1 }, signal);
    const error = await refusal(limiter.admit({ client: 'default', route: slow, tokens: () => 1 }, signal));
    expect(error.headers['retry-after']).toBe('60');
  });
});

describe('rate-limit durations', () => {
  it("formats and reads OpenAI's duration form", () => {
    expect(formatDuration(20)).toBe('20ms');
    expect(formatDuration(1_000)).toBe('1s');
    expect(formatDuration(1_500)).toBe('1.5s');
    expect(formatDuration(360_000)).toBe('6m0s');
    expect(parseDuration('6m0s')).toBe(360_000);
    expect(parseDuration('1.5s')).toBe(1_500);
    expect(parseDuration('20ms')).toBe(20);
    expect(parseDuration('2026-01-01T00:00:00Z')).toBeUndefined();
  });
});
