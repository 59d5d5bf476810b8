// Circuit breakers seen by every replica. Each replica's HealthTracker stays the per-request fast path (no Redis call
// per request); what changes is written to Redis and read back by the others once a second:
// - an opening: `circuits` (target → until, by Redis's clock), so the others open it too;
// - a closing (a request succeeded on it): `closed` (target → when), so the others close theirs at once instead of
//   waiting out their own cooldown — unless theirs opened again since;
// - a half-open trial: `trials` (target → until|replica), so while one replica's trial decides, the others keep the
//   circuit open rather than sending trials of their own (they may still race within the one-second read).
// The three hashes share the gateway's hash tag, so each script runs on one Redis Cluster slot.
import { defaultTrialTimeoutMs } from '../routing/circuit.js';
import type { HealthTracker } from '../routing/health.js';
import { RedisScript, type RedisCaller } from '../limits/redis-counter-store.js';

const redisNow = `local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)`;

// KEYS: circuits, trials; ARGV: target, cooldown ms. An opening ends any trial (it failed, or fresh failures).
const publishSource = `${redisNow}
local cooldown = tonumber(ARGV[2])
local expires = now + cooldown
local previous = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if expires > previous then redis.call('HSET', KEYS[1], ARGV[1], expires) end
if redis.call('PTTL', KEYS[1]) < cooldown then redis.call('PEXPIRE', KEYS[1], cooldown) end
redis.call('HDEL', KEYS[2], ARGV[1])
return expires`;

// KEYS: circuits, closed, trials; ARGV: target, how long the closing is kept for the others to read (ms).
const closeSource = `${redisNow}
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], now)
redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[2]))
return now`;

// KEYS: trials; ARGV: target, this replica, lease ms. Returns the replica whose trial it is (another's if it was first).
const trialSource = `${redisNow}
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current then
  local separator = string.find(current, '|', 1, true)
  if separator and tonumber(string.sub(current, 1, separator - 1)) > now then return string.sub(current, separator + 1) end
end
local lease = tonumber(ARGV[3])
redis.call('HSET', KEYS[1], ARGV[1], tostring(now + lease) .. '|' .. ARGV[2])
if redis.call('PTTL', KEYS[1]) < lease then redis.call('PEXPIRE', KEYS[1], lease) end
return ARGV[2]`;

// KEYS: circuits, closed, trials; ARGV: how long a closing is kept (ms). Returns {now, {target, until…},
// {target, closedAt…}, {target, until, replica…}} with lapsed entries removed.
const readSource = `${redisNow}
local keep = tonumber(ARGV[1])
local opens, closes, trials = {}, {}, {}
local entries = redis.call('HGETALL', KEYS[1])
for index = 1, #entries, 2 do
  if tonumber(entries[index + 1]) <= now then redis.call('HDEL', KEYS[1], entries[index])
  else opens[#opens + 1] = entries[index]; opens[#opens + 1] = entries[index + 1] end
end
entries = redis.call('HGETALL', KEYS[2])
for index = 1, #entries, 2 do
  if tonumber(entries[index + 1]) + keep <= now then redis.call('HDEL', KEYS[2], entries[index])
  else closes[#closes + 1] = entries[index]; closes[#closes + 1] = entries[index + 1] end
end
entries = redis.call('HGETALL', KEYS[3])
for index = 1, #entries, 2 do
  local value = entries[index + 1]
  local separator = string.find(value, '|', 1, true)
  local expires = separator and tonumber(string.sub(value, 1, separator - 1)) or 0
  if expires <= now then redis.call('HDEL', KEYS[3], entries[index])
  else trials[#trials + 1] = entries[index]; trials[#trials + 1] = tostring(expires); trials[#trials + 1] = string.sub(value, separator + 1) end
end
return {tostring(now), opens, closes, trials}`;

/** A closing stays readable this long: every replica reads once a second, one that was briefly away catches it too. */
const closingKeptMs = 30_000;

export class SharedCircuits {
  private readonly publish = new RedisScript(publishSource);
  private readonly close = new RedisScript(closeSource);
  private readonly trial = new RedisScript(trialSource);
  private readonly read = new RedisScript(readSource);
  private health: HealthTracker | undefined;
  private known: (target: string) => boolean = () => true;

  constructor(
    private readonly redis: RedisCaller,
    private readonly prefix: string,
    private readonly replicaId: string,
    private readonly isUp: () => boolean,
    private readonly log: (line: string) => void,
  ) {}

  get key(): string {
    return `{${this.prefix}}:circuits`;
  }

  private get keys(): [circuits: string, closed: string, trials: string] {
    return [this.key, `{${this.prefix}}:circuits:closed`, `{${this.prefix}}:circuits:trials`];
  }

  /** This replica's breakers: their openings, closings and trials are published, the others' applied to them. */
  attach(health: HealthTracker, known: (target: string) => boolean): void {
    this.health = health;
    this.known = known;
    const [circuits, closed, trials] = this.keys;
    health.onCircuitOpen = (target, cooldownMs) => {
      this.send('the open circuit', target, () => this.publish.run(this.redis, [circuits, trials], [target, Math.max(1, Math.round(cooldownMs))]));
    };
    health.onCircuitClose = (target) => {
      this.send('the closed circuit', target, () => this.close.run(this.redis, [circuits, closed, trials], [target, closingKeptMs]));
    };
    health.onTrialStart = (target) => {
      this.send('the trial', target, () => this.trial.run(this.redis, [trials], [target, this.replicaId, defaultTrialTimeoutMs]));
    };
  }

  /** Applies the other replicas' openings, trials and closings (each tick of the shared state's timer). */
  async refresh(): Promise<void> {
    const health = this.health;
    if (!health || !this.isUp()) return;
    const reply = await this.read.run(this.redis, this.keys, [closingKeptMs]);
    if (!Array.isArray(reply) || reply.length !== 4) throw new Error(`unexpected reply from the circuits script: ${JSON.stringify(reply)}`);
    // Redis's clock to this process's: the read took a few ms at most
    const offset = Date.now() - Number(reply[0]);
    const [opens, closes, trials] = [reply[1], reply[2], reply[3]].map((list) => (Array.isArray(list) ? list.map(String) : []));
    for (let index = 0; index + 1 < (opens?.length ?? 0); index += 2) {
      const target = opens?.[index] as string;
      if (this.known(target)) health.openedByPeer(target, Number(opens?.[index + 1]) + offset);
    }
    // another replica's trial is deciding: stay open until it reports (or its lease lapses)
    for (let index = 0; index + 2 < (trials?.length ?? 0); index += 3) {
      const target = trials?.[index] as string;
      if (trials?.[index + 2] !== this.replicaId && this.known(target)) health.openedByPeer(target, Number(trials?.[index + 1]) + offset);
    }
    for (let index = 0; index + 1 < (closes?.length ?? 0); index += 2) {
      const target = closes?.[index] as string;
      if (this.known(target)) health.closedByPeer(target, Number(closes?.[index + 1]) + offset);
    }
  }

  private send(what: string, target: string, run: () => Promise<unknown>): void {
    if (!this.isUp()) return;
    run().catch((error: unknown) => {
      this.log(`state: publishing ${what} of ${target} failed: ${error instanceof Error ? error.message : String(error)}`);
    });
  }
}
