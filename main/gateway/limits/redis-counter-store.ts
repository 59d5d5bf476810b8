// The rate limiter's counters in Redis, shared by every replica: the same arithmetic as LocalCounterStore, done by one
// Lua script per check so that no other replica's request can slip between the check and the reservation. Buckets
// are hashes {level, ts} timed by Redis TIME (replica clocks never enter); concurrency slots are a sorted set of
// request ids scored by their expiry, which the owning replica pushes forward while the request runs, so a killed
// replica's slots lapse by themselves. Every key of one call carries the same hash tag `{<prefix>}`, so the script
// runs on one Redis Cluster slot (the price: all counters of a gateway live on one shard).
import { createHash } from 'node:crypto';
import type { CounterClaim, CounterState, CounterStore, ReserveOutcome } from './counter-store.js';

/** The one Redis call the shared-state code needs (ioredis' `call`): tests wrap it to see every command sent. */
export interface RedisCaller {
  call(command: string, ...args: Array<string | number>): Promise<unknown>;
}

/** A Lua script sent by EVALSHA, and by EVAL once when Redis answers NOSCRIPT (after a restart or SCRIPT FLUSH). */
export class RedisScript {
  readonly sha: string;

  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(redis: RedisCaller, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<unknown> {
    try {
      return await redis.call('EVALSHA', this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return redis.call('EVAL', this.source, keys.length, ...keys, ...args);
    }
  }
}

/** Milliseconds since the epoch by the Redis server's clock; every script starts with it. */
const redisNow = `local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)`;

const argsPerClaim = 6;

// ARGV per claim: kind, limit, windowMs, amount, member (concurrent), slotTtlMs (concurrent).
// Returns {ok (1|0), refused (1-based, 0 when ok), retryAfterMs (-1: none), level after the call per claim…};
// levels are strings because Redis truncates Lua numbers to integers on the way out.
const checkAndReserveSource = `${redisNow}
local count = #KEYS
local levels = {}
local refused = 0
local retry = -1
for index = 1, count do
  local base = (index - 1) * ${argsPerClaim}
  local kind = ARGV[base + 1]
  local limit = tonumber(ARGV[base + 2])
  local window = tonumber(ARGV[base + 3])
  local amount = tonumber(ARGV[base + 4])
  local level
  if kind == 'concurrent' then
    redis.call('ZREMRANGEBYSCORE', KEYS[index], '-inf', now)
    level = limit - redis.call('ZCARD', KEYS[index])
  else
    local bucket = redis.call('HMGET', KEYS[index], 'level', 'ts')
    if bucket[1] then
      level = tonumber(bucket[1])
      local ts = tonumber(bucket[2]) or now
      if now > ts then level = level + (now - ts) * limit / window end
      if level > limit then level = limit end
    else
      level = limit
    end
  end
  levels[index] = level
  if refused == 0 and amount > level then
    refused = index
    if kind ~= 'concurrent' and amount <= limit then retry = math.ceil((amount - level) * window / limit) end
  end
end
if refused == 0 then
  for index = 1, count do
    local base = (index - 1) * ${argsPerClaim}
    local kind = ARGV[base + 1]
    local limit = tonumber(ARGV[base + 2])
    local window = tonumber(ARGV[base + 3])
    local amount = tonumber(ARGV[base + 4])
    if kind == 'concurrent' then
      local ttl = tonumber(ARGV[base + 6])
      redis.call('ZADD', KEYS[index], now + ttl, ARGV[base + 5])
      redis.call('PEXPIRE', KEYS[index], ttl)
    else
      local level = levels[index] - amount
      redis.call('HSET', KEYS[index], 'level', tostring(level), 'ts', now)
      -- a bucket left alone long enough is full again, which is what a missing key reads as
      redis.call('PEXPIRE', KEYS[index], math.ceil((limit - level) * window / limit) + 1000)
    end
    levels[index] = levels[index] - amount
  end
end
local reply = {refused == 0 and 1 or 0, refused, retry}
for index = 1, count do reply[3 + index] = tostring(levels[index]) end
return reply`;

// KEYS[1] a bucket; ARGV: units taken (negative: given back), limit, windowMs. The level is moved as it stood at
// its ts (refill is linear, so adding to it is the same as adding after the refill); a lapsed bucket restarts full.
const reconcileSource = `${redisNow}
local limit = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('HSET', KEYS[1], 'level', limit, 'ts', now) end
local level = tonumber(redis.call('HINCRBYFLOAT', KEYS[1], 'level', -tonumber(ARGV[1])))
local ts = tonumber(redis.call('HGET', KEYS[1], 'ts')) or now
local current = level + math.max(0, now - ts) * limit / window
redis.call('PEXPIRE', KEYS[1], math.max(1000, math.ceil((limit - current) * window / limit) + 1000))
return tostring(level)`;

// KEYS[1] a concurrency sorted set; ARGV: slot lifetime (ms), then the members to keep. By the clock of the node
// that holds the key (on a cluster another node's TIME could be skewed); a member already lapsed is not brought back.
const refreshSource = `${redisNow}
local ttl = tonumber(ARGV[1])
for index = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', now + ttl, ARGV[index]) end
redis.call('PEXPIRE', KEYS[1], ttl)
return 1`;

export interface RedisCounterStoreOptions {
  /** the keys' prefix and hash tag: keys are `{<prefix>}:rl:<counter>` */
  readonly prefix: string;
  /** this replica's name in slot members, so a slot says whose request holds it */
  readonly replicaId: string;
  /** how long a concurrency slot lives without being refreshed (a killed replica's slots lapse after this) */
  readonly slotTtlMs?: number;
}

export const defaultSlotTtlMs = 30_000;

export class RedisCounterStore implements CounterStore {
  private readonly check = new RedisScript(checkAndReserveSource);
  private readonly settle = new RedisScript(reconcileSource);
  private readonly refresh = new RedisScript(refreshSource);
  /** the member each reserved concurrency claim holds, until released */
  private readonly members = new WeakMap<CounterClaim, string>();
  /** slots this replica holds: member → key, refreshed by refreshSlots() */
  private readonly held = new Map<string, string>();
  private sequence = 0;
  readonly slotTtlMs: number;

  constructor(
    private readonly redis: RedisCaller,
    private readonly options: RedisCounterStoreOptions,
  ) {
    this.slotTtlMs = options.slotTtlMs ?? defaultSlotTtlMs;
  }

  /** The Redis key of a counter: one hash tag for every key, whatever the client or route name holds. */
  keyOf(claim: CounterClaim): string {
    return `{${this.options.prefix}}:rl:${claim.key}`;
  }

  async checkAndReserve(claims: readonly CounterClaim[]): Promise<ReserveOutcome> {
    const members = claims.map((claim) => (claim.kind === 'concurrent' ? `${this.options.replicaId}:${(this.sequence += 1)}` : ''));
    const args: Array<string | number> = [];
    claims.forEach((claim, index) => {
      args.push(claim.kind, claim.limit, Math.max(1, claim.windowMs), claim.amount, members[index] as string, this.slotTtlMs);
    });
    const reply = await this.check.run(
      this.redis,
      claims.map((claim) => this.keyOf(claim)),
      args,
    );
    if (!Array.isArray(reply) || reply.length !== 3 + claims.length) throw new Error(`unexpected reply from the rate-limit script: ${JSON.stringify(reply)}`);
    const levels = reply.slice(3).map((level) => Number(level));
    const states = claims.map((claim, index) => stateOf(claim, levels[index] as number));
    if (Number(reply[0]) !== 1) {
      const retry = Number(reply[2]);
      return { ok: false, refused: Number(reply[1]) - 1, retryAfterMs: retry >= 0 ? retry : undefined, states };
    }
    claims.forEach((claim, index) => {
      if (claim.kind !== 'concurrent') return;
      const member = members[index] as string;
      this.members.set(claim, member);
      this.held.set(member, this.keyOf(claim));
    });
    return { ok: true, states };
  }

  async reconcile(claim: CounterClaim, actual: number): Promise<void> {
    await this.settle.run(this.redis, [this.keyOf(claim)], [actual - claim.amount, claim.limit, Math.max(1, claim.windowMs)]);
  }

  async release(claim: CounterClaim): Promise<void> {
    const member = this.members.get(claim);
    if (member === undefined) return;
    this.members.delete(claim);
    this.held.delete(member);
    await this.redis.call('ZREM', this.keyOf(claim), member);
  }

  /** Pushes the expiry of every slot this replica holds forward (a slot already lapsed is not brought back). */
  async refreshSlots(): Promise<void> {
    if (this.held.size === 0) return;
    const byKey = new Map<string, string[]>();
    for (const [member, key] of this.held) byKey.set(key, [...(byKey.get(key) ?? []), member]);
    for (const [key, members] of byKey) await this.refresh.run(this.redis, [key], [this.slotTtlMs, ...members]);
  }

  /** Slots this replica holds (for tests and status). */
  get heldSlots(): number {
    return this.held.size;
  }
}

function stateOf(claim: CounterClaim, level: number): CounterState {
  const remaining = Math.max(0, Math.floor(level));
  if (claim.kind === 'concurrent' || level >= claim.limit) return { remaining, resetMs: 0 };
  return { remaining, resetMs: Math.ceil(((claim.limit - level) * claim.windowMs) / claim.limit) };
}
