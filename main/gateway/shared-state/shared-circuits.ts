// Circuit breakers seen by every replica: a circuit that opens here is written to one Redis hash (target → until, by
// Redis's clock), whose key lives as long as its latest open circuit; each replica reads it once a second and opens
// the same circuits in its own HealthTracker, which stays the per-request fast path (no Redis call per request).
import type { HealthTracker } from '../routing/health.js';
import { RedisScript, type RedisCaller } from '../limits/redis-counter-store.js';

// KEYS[1] the hash; ARGV: target, cooldown ms.
const publishSource = `local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local cooldown = tonumber(ARGV[2])
local expires = now + cooldown
local previous = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if expires > previous then redis.call('HSET', KEYS[1], ARGV[1], expires) end
if redis.call('PTTL', KEYS[1]) < cooldown then redis.call('PEXPIRE', KEYS[1], cooldown) end
return expires`;

// KEYS[1] the hash. Returns {now, target, until, …} with lapsed entries removed.
const readSource = `local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local entries = redis.call('HGETALL', KEYS[1])
local reply = {tostring(now)}
for index = 1, #entries, 2 do
  if tonumber(entries[index + 1]) <= now then redis.call('HDEL', KEYS[1], entries[index])
  else reply[#reply + 1] = entries[index]; reply[#reply + 1] = entries[index + 1] end
end
return reply`;

export class SharedCircuits {
  private readonly publish = new RedisScript(publishSource);
  private readonly read = new RedisScript(readSource);
  private health: HealthTracker | undefined;
  private known: (target: string) => boolean = () => true;

  constructor(
    private readonly redis: RedisCaller,
    private readonly prefix: string,
    private readonly isUp: () => boolean,
    private readonly log: (line: string) => void,
  ) {}

  get key(): string {
    return `{${this.prefix}}:circuits`;
  }

  /** This replica's breakers: their opens are published, the others' opens applied to them. */
  attach(health: HealthTracker, known: (target: string) => boolean): void {
    this.health = health;
    this.known = known;
    health.onCircuitOpen = (target, cooldownMs) => {
      if (!this.isUp()) return;
      this.publish.run(this.redis, [this.key], [target, Math.max(1, Math.round(cooldownMs))]).catch((error: unknown) => {
        this.log(`state: publishing the open circuit of ${target} failed: ${error instanceof Error ? error.message : String(error)}`);
      });
    };
  }

  /** Applies the other replicas' open circuits (each tick of the shared state's timer). */
  async refresh(): Promise<void> {
    const health = this.health;
    if (!health || !this.isUp()) return;
    const reply = await this.read.run(this.redis, [this.key], []);
    if (!Array.isArray(reply) || reply.length === 0) return;
    const redisNow = Number(reply[0]);
    const localNow = Date.now();
    for (let index = 1; index + 1 < reply.length; index += 2) {
      const target = String(reply[index]);
      if (!this.known(target)) continue;
      health.openedByPeer(target, localNow + (Number(reply[index + 1]) - redisNow));
    }
  }
}
