// The counter store of a replica with shared state: Redis while it answers, and this replica's own counters at
// limit ÷ replicas while it does not (so N replicas together admit about the limit, never N times it). A claim is
// settled in the store that reserved it. When Redis answers again the next requests use it: what was admitted
// locally meanwhile is not replayed into Redis (its counters refill within a window anyway).
import { LocalCounterStore, type CounterClaim, type CounterStore, type ReserveOutcome } from './counter-store.js';
import type { RedisCounterStore } from './redis-counter-store.js';

export interface SharedBackend {
  /** whether Redis counts as up now (a failed command makes it down until a background probe answers) */
  readonly up: boolean;
  /** how many replicas share the limits, for the fallback's share */
  replicas(): number;
  /** a Redis command failed with something other than a reply (the connection already marked itself down) */
  failed(error: unknown): void;
}

export class SharedCounterStore implements CounterStore {
  private readonly local = new LocalCounterStore();
  /** claims reserved in the local fallback, with the scaled claim they were reserved as */
  private readonly localClaims = new WeakMap<CounterClaim, CounterClaim>();

  constructor(
    readonly redis: RedisCounterStore,
    private readonly backend: SharedBackend,
  ) {}

  async checkAndReserve(claims: readonly CounterClaim[], now: number): Promise<ReserveOutcome> {
    if (this.backend.up) {
      try {
        return await this.redis.checkAndReserve(claims);
      } catch (error) {
        this.backend.failed(error);
      }
    }
    const replicas = Math.max(1, this.backend.replicas());
    const scaled = claims.map((claim) => ({ ...claim, limit: shareOf(claim.limit, replicas) }));
    const outcome = this.local.checkAndReserve(scaled, now);
    if (outcome.ok) claims.forEach((claim, index) => this.localClaims.set(claim, scaled[index] as CounterClaim));
    return outcome;
  }

  async reconcile(claim: CounterClaim, actual: number, now: number): Promise<void> {
    const local = this.localClaims.get(claim);
    if (local) return this.local.reconcile(local, actual, now);
    if (!this.backend.up) return; // the Redis bucket refills by itself; nothing to settle while it is away
    try {
      await this.redis.reconcile(claim, actual);
    } catch (error) {
      this.backend.failed(error);
    }
  }

  async release(claim: CounterClaim): Promise<void> {
    const local = this.localClaims.get(claim);
    if (local) {
      this.localClaims.delete(claim);
      return this.local.release(local);
    }
    try {
      await this.redis.release(claim);
    } catch (error) {
      // the slot lapses by itself (its expiry is no longer pushed forward)
      this.backend.failed(error);
    }
  }
}

/** A replica's share of a limit while Redis is down: at least 1, so a small limit still admits something. */
export function shareOf(limit: number, replicas: number): number {
  return Math.max(1, Math.floor(limit / replicas));
}
