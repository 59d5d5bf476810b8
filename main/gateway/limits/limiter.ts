// Rate limits per client token and per route: requests per minute, tokens per minute and concurrent requests. A
// request claims a unit of every counter that applies (counter-store.ts), all or none. Over a limit it gets a 429 in
// its own dialect with Retry-After and OpenAI's x-ratelimit-* headers — or, on a route with a queue, waits in a
// short bounded FIFO until it fits (a waiter whose client leaves is taken out). Token claims are estimates; the
// pipeline settles them with the real usage when the request finishes.
import type { ClientLimitSettings, LimitQueueSettings, RateLimits } from '../../config/limits.js';
import type { RouteSettings } from '../../config/routing.js';
import { GatewayError } from '../http/errors.js';
import { ProviderError } from '../providers/errors.js';
import { LocalCounterStore, type CounterClaim, type CounterKind, type CounterState, type CounterStore, type ReserveOutcome } from './counter-store.js';
import { rateLimitHeaders, refusalMessage } from './rate-headers.js';

export interface LimitRequest {
  readonly client: string;
  readonly route: RouteSettings | undefined;
  /** the request's estimated tokens (input plus max_tokens), asked only when a token limit applies */
  readonly tokens: () => number;
}

/** An admitted request's hold on its counters. */
export interface Admission {
  /** x-ratelimit-* for the answer */
  readonly headers: Readonly<Record<string, string>>;
  /** the request finished: token claims take the real usage (undefined keeps the estimate), slots are given back */
  settle(actualTokens: number | undefined): void;
}

/** What /metrics reports of the limiter. */
export interface LimiterStats {
  /** refusals by scope ('client' | 'route'), name and kind */
  readonly refusals: ReadonlyArray<{ readonly scope: string; readonly name: string; readonly kind: CounterKind; readonly count: number }>;
  readonly queues: ReadonlyArray<{ readonly route: string; readonly length: number }>;
}

const minute = 60_000;

interface Waiter {
  readonly claims: readonly CounterClaim[];
  readonly deadline: number;
  settled: boolean;
  /** the store's last refusal, which the 429 at the deadline describes */
  last: Extract<ReserveOutcome, { ok: false }> | undefined;
  admit(outcome: Extract<ReserveOutcome, { ok: true }>): void;
  fail(error: unknown): void;
}

interface RouteQueue {
  readonly waiters: Waiter[];
  timer: NodeJS.Timeout | undefined;
  pumping: boolean;
  again: boolean;
}

export class RateLimiter {
  private clients: ClientLimitSettings = { clients: {}, everyClient: undefined };
  private anyRouteLimit = false;
  private readonly queues = new Map<string, RouteQueue>();
  private readonly refusals = new Map<string, number>();

  constructor(
    private readonly store: CounterStore = new LocalCounterStore(),
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  /** Takes a (re)loaded config's limits; the counters themselves stay. */
  update(clients: ClientLimitSettings | undefined, routes: readonly RouteSettings[]): void {
    this.clients = clients ?? { clients: {}, everyClient: undefined };
    this.anyRouteLimit = routes.some((route) => route.limits !== undefined);
  }

  /** False while no limit is configured: the pipeline then skips the limiter altogether. */
  get active(): boolean {
    return this.anyRouteLimit || this.clients.everyClient !== undefined || Object.keys(this.clients.clients).length > 0;
  }

  /** Admits the request (maybe after a wait in its route's queue), or throws the 429 (or the client's abort). */
  async admit(request: LimitRequest, signal: AbortSignal): Promise<Admission | undefined> {
    const claims = this.claimsFor(request);
    if (claims.length === 0) return undefined;
    const queueSettings = request.route?.limits?.queue;
    const queue = queueSettings && request.route ? this.queueOf(request.route.name) : undefined;
    // first come, first served: while others wait, a newcomer joins the end of the line
    if (queue && queueSettings && queue.waiters.length > 0) return this.enqueue(queue, queueSettings, claims, signal, undefined);
    const reserved = this.store.checkAndReserve(claims, performance.now());
    // a store in this process answers at once: no await, so the request takes its place in the queue synchronously
    const outcome = reserved instanceof Promise ? await reserved : reserved;
    if (outcome.ok) return this.admission(claims, outcome.states);
    const refused = claims[outcome.refused] as CounterClaim;
    const canWait =
      queue && queueSettings && (outcome.retryAfterMs !== undefined ? outcome.retryAfterMs <= queueSettings.maxWaitMs : refused.kind === 'concurrent');
    if (!canWait) throw this.refusal(claims, outcome);
    return this.enqueue(queue, queueSettings, claims, signal, outcome);
  }

  stats(): LimiterStats {
    const refusals = [...this.refusals].map(([key, count]) => {
      const [scope = '', name = '', kind = 'requests'] = key.split('\u0000');
      return { scope, name, kind: kind as CounterKind, count };
    });
    return { refusals, queues: [...this.queues].map(([route, queue]) => ({ route, length: queue.waiters.length })) };
  }

  /** The counters a request claims: its client token's, then its route's. */
  claimsFor(request: LimitRequest): CounterClaim[] {
    const claims: CounterClaim[] = [];
    let tokens: number | undefined;
    const add = (scope: string, limits: RateLimits | undefined): void => {
      if (!limits) return;
      if (limits.requestsPerMinute !== undefined)
        claims.push({ key: `${scope}:requests`, kind: 'requests', limit: limits.requestsPerMinute, windowMs: minute, amount: 1 });
      if (limits.tokensPerMinute !== undefined)
        claims.push({
          key: `${scope}:tokens`,
          kind: 'tokens',
          limit: limits.tokensPerMinute,
          windowMs: minute,
          amount: (tokens ??= Math.max(1, Math.ceil(request.tokens()))),
        });
      if (limits.concurrent !== undefined) claims.push({ key: `${scope}:concurrent`, kind: 'concurrent', limit: limits.concurrent, windowMs: 0, amount: 1 });
    };
    add(`client:${request.client}`, this.clients.clients[request.client] ?? this.clients.everyClient);
    if (request.route) add(`route:${request.route.name}`, request.route.limits);
    return claims;
  }

  private admission(claims: readonly CounterClaim[], states: readonly CounterState[]): Admission {
    let settled = false;
    return {
      headers: rateLimitHeaders(claims, states),
      settle: (actualTokens) => {
        if (settled) return;
        settled = true;
        let released = false;
        const now = performance.now();
        for (const claim of claims) {
          if (claim.kind === 'concurrent') {
            this.background(this.store.release(claim));
            released = true;
          } else if (claim.kind === 'tokens' && actualTokens !== undefined) {
            this.background(this.store.reconcile(claim, actualTokens, now));
          }
        }
        // a slot or tokens came back: the first waiter may fit now
        if (released || actualTokens !== undefined) for (const queue of this.queues.values()) if (queue.waiters.length > 0) void this.pump(queue);
      },
    };
  }

  private enqueue(
    queue: RouteQueue,
    settings: LimitQueueSettings,
    claims: readonly CounterClaim[],
    signal: AbortSignal,
    outcome: Extract<ReserveOutcome, { ok: false }> | undefined,
  ): Promise<Admission> {
    if (queue.waiters.length >= settings.maxLength) {
      const state = outcome ?? { ok: false as const, refused: 0, retryAfterMs: undefined, states: claims.map(() => ({ remaining: 0, resetMs: 0 })) };
      throw this.refusal(claims, state, `the route's queue is full (${settings.maxLength} waiting)`);
    }
    return new Promise<Admission>((resolve, reject) => {
      const onAbort = (): void => {
        if (waiter.settled) return;
        waiter.settled = true;
        const index = queue.waiters.indexOf(waiter);
        if (index !== -1) queue.waiters.splice(index, 1);
        reject(signal.reason instanceof ProviderError ? signal.reason : clientLeft());
        void this.pump(queue);
      };
      const waiter: Waiter = {
        claims,
        deadline: performance.now() + settings.maxWaitMs,
        settled: false,
        last: outcome,
        admit: (admitted) => {
          waiter.settled = true;
          signal.removeEventListener('abort', onAbort);
          resolve(this.admission(claims, admitted.states));
        },
        fail: (error) => {
          waiter.settled = true;
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      if (signal.aborted) {
        reject(clientLeft());
        return;
      }
      signal.addEventListener('abort', onAbort, { once: true });
      queue.waiters.push(waiter);
      void this.pump(queue);
    });
  }

  /** Admits waiters from the front while they fit; otherwise sleeps until the front one could, or must give up. */
  private async pump(queue: RouteQueue): Promise<void> {
    if (queue.pumping) {
      queue.again = true;
      return;
    }
    queue.pumping = true;
    try {
      do {
        queue.again = false;
        clearTimeout(queue.timer);
        queue.timer = undefined;
        while (queue.waiters.length > 0) {
          const head = queue.waiters[0] as Waiter;
          const now = performance.now();
          if (now >= head.deadline) {
            queue.waiters.shift();
            const last = head.last ?? {
              ok: false as const,
              refused: 0,
              retryAfterMs: undefined,
              states: head.claims.map(() => ({ remaining: 0, resetMs: 0 })),
            };
            head.fail(this.refusal(head.claims, last, "waited the route's queue max_wait_ms without fitting"));
            continue;
          }
          const outcome = await this.store.checkAndReserve(head.claims, now);
          if (head.settled) {
            // the client left while the store answered
            if (outcome.ok) this.undo(head.claims);
            if (queue.waiters[0] === head) queue.waiters.shift();
            continue;
          }
          if (outcome.ok) {
            queue.waiters.shift();
            head.admit(outcome);
            continue;
          }
          head.last = outcome;
          const refused = head.claims[outcome.refused] as CounterClaim;
          if (outcome.retryAfterMs === undefined && refused.kind !== 'concurrent') {
            queue.waiters.shift();
            head.fail(this.refusal(head.claims, outcome));
            continue;
          }
          // a concurrency slot wakes the queue when released; the deadline still bounds the wait
          const wait = Math.min(outcome.retryAfterMs ?? head.deadline - now, head.deadline - now);
          queue.timer = setTimeout(() => void this.pump(queue), Math.max(1, Math.ceil(wait)));
          queue.timer.unref();
          break;
        }
      } while (queue.again);
    } finally {
      queue.pumping = false;
    }
  }

  private undo(claims: readonly CounterClaim[]): void {
    const now = performance.now();
    for (const claim of claims) this.background(claim.kind === 'concurrent' ? this.store.release(claim) : this.store.reconcile(claim, 0, now));
  }

  private refusal(claims: readonly CounterClaim[], outcome: Extract<ReserveOutcome, { ok: false }>, reason?: string): GatewayError {
    const refused = claims[outcome.refused] as CounterClaim;
    const [scope = '', ...rest] = refused.key.split(':');
    const name = rest.slice(0, -1).join(':');
    const key = `${scope}\u0000${name}\u0000${refused.kind}`;
    this.refusals.set(key, (this.refusals.get(key) ?? 0) + 1);
    const headers: Record<string, string> = { ...rateLimitHeaders(claims, outcome.states) };
    const retryMs = outcome.retryAfterMs ?? (refused.kind === 'concurrent' ? 1_000 : undefined);
    if (retryMs !== undefined) {
      headers['retry-after'] = String(Math.max(1, Math.ceil(retryMs / 1000)));
      headers['retry-after-ms'] = String(Math.max(1, Math.ceil(retryMs)));
    } else {
      // the request alone is larger than the limit: retrying the same request cannot help
      headers['x-should-retry'] = 'false';
    }
    return new GatewayError(
      429,
      refusalMessage(refused, scope, name, retryMs, reason),
      refused.kind === 'tokens' ? 'tokens' : 'requests',
      'rate_limit_exceeded',
      null,
      headers,
    );
  }

  private queueOf(route: string): RouteQueue {
    let queue = this.queues.get(route);
    if (!queue) {
      queue = { waiters: [], timer: undefined, pumping: false, again: false };
      this.queues.set(route, queue);
    }
    return queue;
  }

  private background(result: void | Promise<void>): void {
    if (result instanceof Promise) result.catch((error: unknown) => this.log(`rate limits: ${error instanceof Error ? error.message : String(error)}`));
  }
}

function clientLeft(): ProviderError {
  return new ProviderError({
    kind: 'aborted',
    errorClass: 'cancelled',
    status: 499,
    message: 'the client left while its request waited in the rate-limit queue',
    providerId: 'switchyard',
    retryable: false,
  });
}
