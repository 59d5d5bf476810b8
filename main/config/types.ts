// The shapes a loaded config hands to the gateway and the ledger. They live here, in the leaf every layer reads,
// so config never imports the code that consumes it (test/unit/layers.test.ts keeps that direction).

/** what an upstream failure was: routing decides on it, and key rotation (secrets/key-resolver.ts) on 'auth' and 'quota' */
export type ProviderErrorClass =
  | 'auth'
  | 'permission'
  | 'not_found'
  | 'bad_request'
  | 'context_length'
  | 'rate_limit'
  | 'quota'
  | 'overloaded'
  | 'server'
  | 'conflict'
  | 'unavailable'
  | 'timeout'
  | 'protocol'
  | 'cancelled';

/** where a provider runs: on this machine or in a cloud */
export type Locality = 'local' | 'cloud';

/** one provider and model a request can go to */
export interface Target {
  readonly providerId: string;
  /** the model name as the provider knows it */
  readonly model: string;
}

/** retry delays on one target (gateway/routing/backoff.ts) */
export interface BackoffSettings {
  readonly initialMs: number;
  readonly maxMs: number;
  /** a Retry-After longer than this sends the request to the next target instead of waiting */
  readonly retryAfterCapMs: number;
}

/** the per-target circuit breaker (gateway/routing/circuit.ts) */
export interface CircuitSettings {
  readonly allowedFails: number;
  readonly windowMs: number;
  readonly cooldownMs: number;
  readonly maxCooldownMs: number;
}

export type BudgetAction = 'block' | 'downgrade-local';

export interface BudgetLimit {
  readonly limitUsd: number;
  /** what happens at the limit: a 429, or only local targets from then on */
  readonly action: BudgetAction;
}

export interface PeriodLimits {
  readonly daily?: BudgetLimit;
  readonly monthly?: BudgetLimit;
}

/** the limits ledger/budgets.ts evaluates */
export interface BudgetLimits extends PeriodLimits {
  /** by client token name */
  readonly perClient?: Readonly<Record<string, PeriodLimits>>;
  /** share of a limit at which the state turns 'warning'; 0.8 unless set */
  readonly warningFraction?: number;
}

/** opt-in body captures (ledger/capture-writer.ts) */
export interface CaptureSettings {
  readonly enabled: boolean;
  readonly retentionDays: number;
  /** request and answer together, in bytes of stored text */
  readonly maxBytesPerRequest: number;
}

/** USD per token. A missing cache rate bills those tokens at the input rate (no discount is assumed). */
export interface ModelPrice {
  readonly input: number;
  readonly output: number;
  readonly cacheRead?: number;
  readonly cacheWrite?: number;
  /** only when the provider bills reasoning differently from output */
  readonly reasoning?: number;
  /** long-context tier: applies to the whole request when its prompt exceeds 200,000 tokens */
  readonly inputAbove200k?: number;
  readonly outputAbove200k?: number;
  /** USD per request on top of tokens (OpenRouter's `request` price) */
  readonly request?: number;
}
