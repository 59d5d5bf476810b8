// State shared by the replicas of a team gateway (`state.url`): rate-limit counters, budgets' running totals and
// circuit breakers in one Redis. Loaded by startGateway only when configured. One timer (1 s, unref'd) does the
// background work: PING while Redis is down, read the shared budget totals and open circuits, and every 5 s
// re-register this replica (a heartbeat in a sorted set scored by expiry, which is how the replicas count
// themselves for the fallback share) and push its concurrency slots' expiry forward. While Redis is down each
// replica keeps serving on its own counters at limit ÷ replicas (the last count it saw, or `state.replicas`), and
// says so in /health, the status and /metrics.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { registerSecret } from '../../../shared/redact.js';
import { stateUrlPassword, type SharedStateSettings } from '../../config/state.js';
import type { BudgetGuard } from '../budget-guard.js';
import { RedisCounterStore, RedisScript } from '../limits/redis-counter-store.js';
import { SharedCounterStore } from '../limits/shared-counter-store.js';
import type { Metering } from '../metering.js';
import type { HealthTracker } from '../routing/health.js';
import { RedisConnection, type StateBackend } from './redis-connection.js';
import { SharedCircuits } from './shared-circuits.js';
import { SharedSpend } from './shared-spend.js';
import type { BudgetLimits } from '../../config/types.js';
import type { SpendSoFar } from '../../ledger/budgets.js';

/** What /health, the status and /metrics say about the shared state. */
export interface SharedStateView {
  readonly backend: StateBackend;
  /** the Redis URL with any password masked */
  readonly url: string;
  /** replicas sharing the limits: the fallback divides each limit by this */
  readonly replicas: number;
  readonly replicasFrom: 'config' | 'heartbeat';
  /** budgets decided on the shared totals (false: on this replica's ledger) */
  readonly sharedBudgets: boolean;
  /** epoch ms of the last change between redis and local_fallback */
  readonly since: number;
  readonly detail: string;
  /** why Redis counts as down (the client's error, which may name its host): for the admin's status, not /health */
  readonly reason: string | null;
}

// KEYS[1] the replicas' sorted set; ARGV: this replica, its registration's lifetime. Returns how many are alive.
const heartbeatSource = `local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local ttl = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
redis.call('PEXPIRE', KEYS[1], ttl)
return redis.call('ZCARD', KEYS[1])`;

const tickMs = 1_000;
const heartbeatEveryTicks = 5;
/** a replica that missed three heartbeats no longer counts */
const heartbeatTtlMs = 16_000;

export interface SharedStateOptions {
  /** for tests: a shorter concurrency slot lifetime */
  readonly slotTtlMs?: number;
  /** for tests: how long to wait for the first connection */
  readonly connectWaitMs?: number;
}

export class SharedState {
  readonly counterStore: SharedCounterStore;
  readonly replicaId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly spend: SharedSpend;
  private readonly circuits: SharedCircuits;
  private readonly heartbeat = new RedisScript(heartbeatSource);
  private readonly timer: NodeJS.Timeout;
  private ticks = 0;
  private ticking = false;
  private replicaCount: number;
  /** after Redis comes back (empty, maybe) the others re-register within a heartbeat: until then the count stays */
  private countKeptUntil = 0;
  private since = Date.now();
  private budgetLimits: () => BudgetLimits | undefined = () => undefined;
  /** this replica's ledger figures, which the budget totals start from after each (re)connection */
  private ledgerSpend: (() => SpendSoFar | undefined) | undefined;
  private seedPending = true;

  private constructor(
    private readonly settings: SharedStateSettings,
    private readonly connection: RedisConnection,
    private readonly log: (line: string) => void,
    options: SharedStateOptions,
  ) {
    this.replicaCount = settings.replicas ?? 1;
    const up = (): boolean => connection.up;
    const redis = new RedisCounterStore(connection, {
      prefix: settings.keyPrefix,
      replicaId: this.replicaId,
      ...(options.slotTtlMs ? { slotTtlMs: options.slotTtlMs } : {}),
    });
    this.counterStore = new SharedCounterStore(redis, {
      get up() {
        return up();
      },
      replicas: () => this.replicaCount,
      failed: () => undefined,
    });
    this.spend = new SharedSpend(connection, settings.keyPrefix, up);
    this.circuits = new SharedCircuits(connection, settings.keyPrefix, this.replicaId, up, log);
    connection.onChange = (isUp) => {
      this.since = Date.now();
      if (isUp) {
        this.countKeptUntil = Date.now() + heartbeatTtlMs;
        this.seedPending = true;
        void this.catchUp();
      } else
        this.log(
          `state: fallback limits are each limit ÷ ${this.replicaCount} (${this.settings.replicas !== undefined ? 'state.replicas' : 'replicas last seen in Redis'})`,
        );
    };
    this.timer = setInterval(() => void this.tick(), tickMs);
    this.timer.unref();
  }

  static async open(settings: SharedStateSettings, log: (line: string) => void, options: SharedStateOptions = {}): Promise<SharedState> {
    for (const url of [settings.url, ...(settings.startupNodes ?? [])]) registerSecret(stateUrlPassword(url));
    const connection = await RedisConnection.open(settings, log, options.connectWaitMs);
    const state = new SharedState(settings, connection, log, options);
    if (connection.up) await state.catchUp();
    return state;
  }

  /** Budgets on the shared totals (this replica's `local` guard while Redis is down). */
  budgetGuard(local: BudgetGuard | undefined, limits: () => BudgetLimits | undefined): BudgetGuard {
    this.budgetLimits = limits;
    this.ledgerSpend = local?.spendSoFar?.bind(local);
    return this.spend.guard(local, limits);
  }

  withSpend(metering: Metering): Metering {
    return this.spend.withSpend(metering);
  }

  attachCircuits(health: HealthTracker, known: (target: string) => boolean): void {
    this.circuits.attach(health, known);
  }

  view(): SharedStateView {
    const down = this.connection.down;
    const replicasFrom = this.settings.replicas !== undefined ? 'config' : 'heartbeat';
    return {
      backend: down ? 'local_fallback' : 'redis',
      url: this.connection.maskedUrl,
      replicas: this.replicaCount,
      replicasFrom,
      sharedBudgets: this.spend.shared,
      since: down ? down.since : this.since,
      detail: down
        ? `Redis unreachable since ${new Date(down.since).toISOString()}: rate limits on this replica's own counters at limit ÷ ${this.replicaCount}, budgets on its own ledger; reconnecting in the background`
        : `rate limits, budget totals and circuit breakers shared in Redis by ${this.replicaCount} replica(s)`,
      reason: down ? down.reason : null,
    };
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    if (this.connection.up) {
      await this.spend.flush().catch(() => undefined);
      await this.connection.call('ZREM', `{${this.settings.keyPrefix}}:replicas`, this.replicaId).catch(() => undefined);
    }
    await this.connection.close();
  }

  /**
   * Redis answers (again): count the replicas, raise the budget totals to this replica's ledger (Redis may have
   * come back empty), add the costs kept meanwhile, read the shared totals and circuits.
   */
  private async catchUp(): Promise<void> {
    await this.beat();
    await this.seedFromLedger();
    await this.spend.flush();
    await this.readShared();
  }

  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      this.ticks += 1;
      if (!this.connection.up) {
        await this.connection.probe();
        return;
      }
      if (this.ticks % heartbeatEveryTicks === 0) {
        await this.beat();
        await this.counterStore.redis.refreshSlots().catch(() => undefined);
      }
      await this.seedFromLedger();
      await this.spend.flush();
      await this.readShared();
    } finally {
      this.ticking = false;
    }
  }

  /** Once per (re)connection, as soon as the ledger can say (PostgreSQL opens in the background). */
  private async seedFromLedger(): Promise<void> {
    if (!this.seedPending || !this.ledgerSpend) return;
    try {
      if (await this.spend.seed(this.ledgerSpend)) this.seedPending = false;
    } catch {
      // down again, or the ledger failed: the next tick tries again
    }
  }

  private async beat(): Promise<void> {
    try {
      const count = Number(await this.heartbeat.run(this.connection, [`{${this.settings.keyPrefix}}:replicas`], [this.replicaId, heartbeatTtlMs]));
      if (this.settings.replicas === undefined && Number.isInteger(count) && count >= 1)
        this.replicaCount = Date.now() < this.countKeptUntil ? Math.max(count, this.replicaCount) : count;
    } catch {
      // the connection marked itself down; the last count stands
    }
  }

  private async readShared(): Promise<void> {
    try {
      if (this.budgetLimits() !== undefined) await this.spend.refresh();
      await this.circuits.refresh();
    } catch {
      // down, or an unexpected reply: the local guard and breakers go on
    }
  }
}
