// The rate limiter's counters behind one small interface: check-and-reserve (all of a request's counters or none),
// reconcile (a token reservation replaced by the real usage), release (a concurrency slot given back). This file
// holds the single-process store; a shared store (Redis, one Lua script per call doing the same arithmetic) can take
// its place without the limiter changing, which is why every call may also answer with a promise.
//
// Rates are token buckets: a bucket holds up to `limit` units and refills at `limit` per `windowMs`, so N requests
// per minute pass at once and the N+1th waits for the refill. A reservation is taken whole before the call, so a
// burst of concurrent requests cannot overshoot; a reconciliation may leave a bucket below zero (the real usage was
// larger than the estimate), and later requests wait until it refills.

export type CounterKind = 'requests' | 'tokens' | 'concurrent';

export interface CounterClaim {
  /** `client:<name>:requests`, `route:<name>:tokens`, …: one counter per scope and kind */
  readonly key: string;
  readonly kind: CounterKind;
  readonly limit: number;
  /** the refill window of a rate (60 000 for per-minute limits); unused for `concurrent` */
  readonly windowMs: number;
  /** units this request takes: 1 request, its estimated tokens, 1 slot */
  readonly amount: number;
}

/** A counter as it stands after the call: what the x-ratelimit-* headers report. */
export interface CounterState {
  readonly remaining: number;
  /** ms until the counter is full again (a rate), or 0 */
  readonly resetMs: number;
}

export type ReserveOutcome =
  | { readonly ok: true; readonly states: readonly CounterState[] }
  | {
      readonly ok: false;
      /** the claim that did not fit (its index in the request) */
      readonly refused: number;
      /** when it would fit; undefined when it never can (asks more than the limit) or waits on a release (concurrent) */
      readonly retryAfterMs: number | undefined;
      readonly states: readonly CounterState[];
    };

export type MaybePromise<T> = T | Promise<T>;

export interface CounterStore {
  /** All claims are reserved, or none is: a refusal leaves every counter as it was. */
  checkAndReserve(claims: readonly CounterClaim[], now: number): MaybePromise<ReserveOutcome>;
  /** A token reservation settled: `actual - reserved` more units taken (a negative difference gives units back). */
  reconcile(claim: CounterClaim, actual: number, now: number): MaybePromise<void>;
  /** A concurrency slot given back. */
  release(claim: CounterClaim): MaybePromise<void>;
}

interface Bucket {
  level: number;
  updatedAt: number;
}

/** Counters in this process's memory. */
export class LocalCounterStore implements CounterStore {
  private readonly buckets = new Map<string, Bucket>();
  private readonly slots = new Map<string, number>();

  checkAndReserve(claims: readonly CounterClaim[], now: number): ReserveOutcome {
    const levels: number[] = [];
    let refused = -1;
    let retryAfterMs: number | undefined;
    for (let index = 0; index < claims.length; index += 1) {
      const claim = claims[index] as CounterClaim;
      const level = claim.kind === 'concurrent' ? claim.limit - (this.slots.get(claim.key) ?? 0) : this.refilled(claim, now).level;
      levels.push(level);
      if (refused === -1 && claim.amount > level) {
        refused = index;
        retryAfterMs =
          claim.kind === 'concurrent' || claim.amount > claim.limit ? undefined : Math.ceil(((claim.amount - level) * claim.windowMs) / claim.limit);
      }
    }
    if (refused !== -1) return { ok: false, refused, retryAfterMs, states: claims.map((claim, index) => this.state(claim, levels[index] as number)) };
    for (let index = 0; index < claims.length; index += 1) {
      const claim = claims[index] as CounterClaim;
      if (claim.kind === 'concurrent') this.slots.set(claim.key, (this.slots.get(claim.key) ?? 0) + claim.amount);
      else (this.buckets.get(claim.key) as Bucket).level -= claim.amount;
      levels[index] = (levels[index] as number) - claim.amount;
    }
    return { ok: true, states: claims.map((claim, index) => this.state(claim, levels[index] as number)) };
  }

  reconcile(claim: CounterClaim, actual: number, now: number): void {
    const bucket = this.refilled(claim, now);
    bucket.level = Math.min(claim.limit, bucket.level - (actual - claim.amount));
  }

  release(claim: CounterClaim): void {
    const held = (this.slots.get(claim.key) ?? 0) - claim.amount;
    if (held > 0) this.slots.set(claim.key, held);
    else this.slots.delete(claim.key);
  }

  /** Slots held per key (for tests and status). */
  held(key: string): number {
    return this.slots.get(key) ?? 0;
  }

  private refilled(claim: CounterClaim, now: number): Bucket {
    let bucket = this.buckets.get(claim.key);
    if (!bucket) {
      bucket = { level: claim.limit, updatedAt: now };
      this.buckets.set(claim.key, bucket);
      return bucket;
    }
    if (now > bucket.updatedAt) {
      bucket.level = Math.min(claim.limit, bucket.level + ((now - bucket.updatedAt) * claim.limit) / claim.windowMs);
      bucket.updatedAt = now;
    }
    // a limit lowered by a reload takes effect at once
    if (bucket.level > claim.limit) bucket.level = claim.limit;
    return bucket;
  }

  private state(claim: CounterClaim, level: number): CounterState {
    if (claim.kind === 'concurrent') return { remaining: Math.max(0, Math.floor(level)), resetMs: 0 };
    return { remaining: Math.max(0, Math.floor(level)), resetMs: level >= claim.limit ? 0 : Math.ceil(((claim.limit - level) * claim.windowMs) / claim.limit) };
  }
}
