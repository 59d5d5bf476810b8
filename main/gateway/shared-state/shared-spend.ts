// Budgets' running totals shared by every replica: each finished request's cost is added in Redis (one hash per
// period: `total` and `client:<name>`, HINCRBYFLOAT, expiring after the period), and budgets are evaluated against
// those totals, read back once a second. So a budget reached through one replica is enforced by all. Whatever ledger
// each replica writes (its own SQLite file, or the shared PostgreSQL one) stays the record; these totals are only
// the guard rail's input. While Redis is down the replica's own ledger decides (the local BudgetGuard), and costs
// that could not be added are kept and added when Redis answers again. At every (re)connection the totals are
// raised to at least what this replica's ledger holds for the periods (Redis empty: first use of `state.url`, or a
// restart without data), so they do not start from zero: exact with the shared PostgreSQL ledger; with a SQLite
// ledger per replica, at least the largest replica's own spend (the others' is not known here).
import { evaluateBudgets, type BudgetDecision, type PeriodSpend, type SpendSoFar } from '../../ledger/budgets.js';
import type { RequestFinish } from '../../ledger/types.js';
import type { BudgetGuard } from '../budget-guard.js';
import type { Metering } from '../metering.js';
import { RedisScript, type RedisCaller } from '../limits/redis-counter-store.js';
import type { BudgetLimits } from '../../config/types.js';

// KEYS: the day's hash, the month's; ARGV: cost, client field ('' for none), each key's expiry (epoch ms).
const addSource = `for index = 1, 2 do
  redis.call('HINCRBYFLOAT', KEYS[index], 'total', ARGV[1])
  if ARGV[2] ~= '' then redis.call('HINCRBYFLOAT', KEYS[index], ARGV[2], ARGV[1]) end
  redis.call('PEXPIREAT', KEYS[index], ARGV[2 + index])
end
return 1`;

const readSource = `return {redis.call('HGETALL', KEYS[1]), redis.call('HGETALL', KEYS[2])}`;

// KEYS: the day's hash, the month's; ARGV: each key's expiry (epoch ms), how many field/value pairs are the day's,
// then the day's pairs and the month's. Each field is raised to the value, never lowered. Returns how many rose.
const seedSource = `local raised = 0
local dayPairs = tonumber(ARGV[3])
for index = 4, #ARGV, 2 do
  local key = (index - 4) / 2 < dayPairs and 1 or 2
  local current = tonumber(redis.call('HGET', KEYS[key], ARGV[index]) or '0')
  if tonumber(ARGV[index + 1]) > current then
    redis.call('HSET', KEYS[key], ARGV[index], ARGV[index + 1])
    raised = raised + 1
  end
end
for key = 1, 2 do
  if redis.call('EXISTS', KEYS[key]) == 1 then redis.call('PEXPIREAT', KEYS[key], ARGV[key]) end
end
return raised`;

/** A snapshot of the shared totals this old or older is not trusted: the local ledger decides. */
const freshForMs = 5_000;
/** A period's totals are kept this long past its end (late finishes of requests that started in it). */
const keepPastPeriodMs = 86_400_000;

interface Periods {
  readonly day: { readonly from: number; readonly to: number };
  readonly month: { readonly from: number; readonly to: number };
}

/** The ledger's periods (ledger/queries.ts calendarRanges): today and this month in local time, by start time. */
export function periodsOf(at: number): Periods {
  const now = new Date(at);
  return {
    day: {
      from: new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime(),
      to: new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1).getTime(),
    },
    month: { from: new Date(now.getFullYear(), now.getMonth(), 1).getTime(), to: new Date(now.getFullYear(), now.getMonth() + 1, 1).getTime() },
  };
}

export class SharedSpend {
  private readonly add = new RedisScript(addSource);
  private readonly read = new RedisScript(readSource);
  private readonly seedScript = new RedisScript(seedSource);
  /** while the totals are being raised to the ledger's, costs wait (adding one meanwhile could be swallowed) */
  private seeding = false;
  /** costs not yet added in Redis (it was down): `<dayFrom>/<monthFrom>/<client>` → USD */
  private readonly unsent = new Map<string, number>();
  private snapshot: { readonly at: number; readonly periods: Periods; spend: { today: MutableSpend; month: MutableSpend } } | undefined;

  constructor(
    private readonly redis: RedisCaller,
    private readonly prefix: string,
    private readonly isUp: () => boolean,
  ) {}

  /** The metering whose finish records also add their cost to the shared totals. */
  withSpend(metering: Metering): Metering {
    const recorder = metering.recorder;
    return {
      ...metering,
      recorder: {
        begin: (record) => recorder.begin(record),
        finish: (record) => {
          recorder.finish(record);
          this.record(record);
        },
      },
    };
  }

  /** Budgets on the shared totals while they are fresh, on this replica's ledger (`local`) otherwise. */
  guard(local: BudgetGuard | undefined, limits: () => BudgetLimits | undefined): BudgetGuard {
    return {
      decide: (clientName: string | null): BudgetDecision | undefined => {
        const configured = limits();
        if (!configured) return undefined;
        const spend = this.fresh();
        return spend ? evaluateBudgets(configured, spend, clientName) : local?.decide(clientName);
      },
    };
  }

  /** Whether budgets are decided on the shared totals now (for /health). */
  get shared(): boolean {
    return this.fresh() !== undefined;
  }

  record(record: RequestFinish): void {
    const cost = record.costUsd ?? 0;
    if (!(cost > 0)) return;
    const periods = periodsOf(record.startedAt);
    const client = record.clientTokenName ?? '';
    // counted at once in this replica's view; the next read brings everyone else's
    if (this.snapshot && this.snapshot.periods.day.from === periods.day.from) {
      addTo(this.snapshot.spend.today, client, cost);
      if (this.snapshot.periods.month.from === periods.month.from) addTo(this.snapshot.spend.month, client, cost);
    }
    const key = `${periods.day.from}/${periods.month.from}/${client}`;
    this.unsent.set(key, (this.unsent.get(key) ?? 0) + cost);
    void this.flush();
  }

  /** Adds the costs not yet in Redis; those that fail stay for the next try. */
  async flush(): Promise<void> {
    if (!this.isUp() || this.unsent.size === 0 || this.seeding) return;
    const batch = [...this.unsent];
    this.unsent.clear();
    for (const [index, [key, cost]] of batch.entries()) {
      const [dayFrom = '0', monthFrom = '0', client = ''] = splitKey(key);
      const periods = periodsOf(Number(dayFrom));
      try {
        await this.add.run(
          this.redis,
          [this.keyOf('day', Number(dayFrom)), this.keyOf('month', Number(monthFrom))],
          [cost, client === '' ? '' : `client:${client}`, periods.day.to + keepPastPeriodMs, periodsOf(Number(monthFrom)).month.to + keepPastPeriodMs],
        );
      } catch {
        for (const [rest, amount] of batch.slice(index)) this.unsent.set(rest, (this.unsent.get(rest) ?? 0) + amount);
        return;
      }
    }
  }

  /**
   * Raises the current periods' totals in Redis to this replica's ledger figures, less the costs still waiting to
   * be added (the flush after this adds them). False when the ledger cannot say yet (try again later).
   */
  async seed(ledger: () => SpendSoFar | undefined, now = Date.now()): Promise<boolean> {
    if (!this.isUp() || this.seeding) return false;
    // one synchronous step: the ledger's figures and the costs waiting, as of the same moment
    const spend = ledger();
    if (!spend) return false;
    const periods = periodsOf(now);
    const waiting = { today: emptySpend(), month: emptySpend() };
    for (const [key, cost] of this.unsent) {
      const [dayFrom = '0', monthFrom = '0', client = ''] = splitKey(key);
      if (Number(dayFrom) === periods.day.from) addTo(waiting.today, client, cost);
      if (Number(monthFrom) === periods.month.from) addTo(waiting.month, client, cost);
    }
    const pairs = (period: PeriodSpend, less: MutableSpend): Array<string | number> => {
      const fields: Array<[string, number]> = [['total', period.totalUsd - less.totalUsd]];
      for (const [client, cost] of Object.entries(period.byClient)) fields.push([`client:${client}`, cost - (less.byClient[client] ?? 0)]);
      return fields.filter(([, value]) => value > 0).flatMap(([field, value]) => [field, String(value)]);
    };
    const day = pairs(spend.today, waiting.today);
    const month = pairs(spend.month, waiting.month);
    this.seeding = true;
    try {
      await this.seedScript.run(
        this.redis,
        [this.keyOf('day', periods.day.from), this.keyOf('month', periods.month.from)],
        [periods.day.to + keepPastPeriodMs, periods.month.to + keepPastPeriodMs, day.length / 2, ...day, ...month],
      );
      return true;
    } finally {
      this.seeding = false;
    }
  }

  /** Reads the current periods' totals (each tick of the shared state's timer while budgets are configured). */
  async refresh(now = Date.now()): Promise<void> {
    if (!this.isUp()) return;
    const periods = periodsOf(now);
    const reply = await this.read.run(this.redis, [this.keyOf('day', periods.day.from), this.keyOf('month', periods.month.from)], []);
    if (!Array.isArray(reply) || reply.length !== 2) throw new Error(`unexpected reply from the budget totals: ${JSON.stringify(reply)}`);
    const spend = { today: parseTotals(reply[0]), month: parseTotals(reply[1]) };
    // costs of this replica still on their way to Redis count already
    for (const [key, cost] of this.unsent) {
      const [dayFrom = '0', monthFrom = '0', client = ''] = splitKey(key);
      if (Number(dayFrom) === periods.day.from) addTo(spend.today, client, cost);
      if (Number(monthFrom) === periods.month.from) addTo(spend.month, client, cost);
    }
    this.snapshot = { at: Date.now(), periods, spend };
  }

  private fresh(): SpendSoFar | undefined {
    const snapshot = this.snapshot;
    if (!snapshot || !this.isUp() || Date.now() - snapshot.at > freshForMs) return undefined;
    if (periodsOf(Date.now()).day.from !== snapshot.periods.day.from) return undefined;
    return snapshot.spend;
  }

  private keyOf(period: 'day' | 'month', from: number): string {
    return `{${this.prefix}}:spend:${period}:${from}`;
  }
}

interface MutableSpend extends PeriodSpend {
  totalUsd: number;
  readonly byClient: Record<string, number>;
}

function emptySpend(): MutableSpend {
  return { totalUsd: 0, byClient: {} };
}

function addTo(spend: MutableSpend, client: string, cost: number): void {
  spend.totalUsd += cost;
  if (client !== '') spend.byClient[client] = (spend.byClient[client] ?? 0) + cost;
}

function parseTotals(reply: unknown): MutableSpend {
  const spend: MutableSpend = { totalUsd: 0, byClient: {} };
  if (!Array.isArray(reply)) return spend;
  for (let index = 0; index + 1 < reply.length; index += 2) {
    const field = String(reply[index]);
    const value = Number(reply[index + 1]);
    if (!Number.isFinite(value)) continue;
    if (field === 'total') spend.totalUsd = value;
    else if (field.startsWith('client:')) spend.byClient[field.slice('client:'.length)] = value;
  }
  return spend;
}

/** `<dayFrom>/<monthFrom>/<client>`: the client name may itself hold slashes. */
function splitKey(key: string): [string, string, string] {
  const first = key.indexOf('/');
  const second = key.indexOf('/', first + 1);
  return [key.slice(0, first), key.slice(first + 1, second), key.slice(second + 1)];
}
