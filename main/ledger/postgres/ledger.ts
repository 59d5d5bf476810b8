// The PostgreSQL ledger as the gateway sees it — the same begin/finish/stats/spendSoFar/flush/close as the SQLite
// Ledger (ledger-backend.ts) — for team mode, where several replicas write one database. Opening connects,
// migrates under an advisory lock, marks this instance's own leftovers 'interrupted', registers its heartbeat and
// sweeps replicas that stopped beating; then a timer beats and sweeps every `heartbeatMs`.
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { withUncommittedSpend, type SpendSoFar } from '../budgets.js';
import type { LedgerReads, RequestLedger } from '../ledger-backend.js';
import type { LedgerStats } from '../ledger-writer.js';
import { calendarRanges } from '../queries.js';
import type { RequestFinish, RequestStart, TimeRange } from '../types.js';
import { createPool, describePostgresError, type Pool } from './client.js';
import { forgetInstance, heartbeat, interruptOwnLeftovers, sweepStaleInstances, type InstanceInfo } from './instances.js';
import { migratePostgres } from './migrations.js';
import { PostgresReads } from './reads.js';
import { isPostgresUrl, maskPostgresUrl } from './url.js';
import { PostgresLedgerWriter, type PostgresWriterOptions } from './writer.js';

export interface OpenPostgresLedgerOptions extends PostgresWriterOptions {
  readonly url: string;
  /** stable per replica (its host and data dir), so a restart finds its own leftovers; random when unset */
  readonly instanceId?: string;
  /** how often this process beats and sweeps (default 2 s) */
  readonly heartbeatMs?: number;
  /** silence after which a replica's in-flight rows are interrupted (default 3 heartbeats) */
  readonly staleAfterMs?: number;
  /** connections (default 4) */
  readonly poolSize?: number;
  /** called with problems of the heartbeat and sweep (the writer's own go to stats().lastError) */
  readonly onError?: (message: string) => void;
}

type Ranges = { readonly today: TimeRange; readonly month: TimeRange };

/** A replica's name when none is configured: its host and its data dir, stable across restarts, so it finds its own leftovers. */
export function defaultInstanceId(dataDir: string): string {
  return `${hostname()}/${createHash('sha256').update(dataDir).digest('hex').slice(0, 12)}`;
}

export class PostgresLedger implements RequestLedger {
  readonly kind = 'postgres';
  private timer: NodeJS.Timeout | undefined;
  private closing: Promise<LedgerStats> | undefined;
  private spend: { at: number; ranges: Ranges; value: SpendSoFar } | undefined;
  private spendRefresh: Promise<void> | undefined;
  /** in-flight rows of other replicas this process has marked interrupted since it opened */
  interruptedByMe = 0;

  private constructor(
    private readonly pool: Pool,
    private readonly writer: PostgresLedgerWriter,
    readonly reads: LedgerReads,
    readonly instance: InstanceInfo,
    /** rows this instance (its previous run) left in flight, marked at open */
    readonly recovered: number,
    /** the URL with its password masked, for logs and status */
    readonly where: string,
    private readonly options: OpenPostgresLedgerOptions,
  ) {}

  static async open(options: OpenPostgresLedgerOptions): Promise<PostgresLedger> {
    if (!isPostgresUrl(options.url)) throw new Error(`ledger.url must be a postgres:// URL, got ${maskPostgresUrl(options.url)}`);
    const where = maskPostgresUrl(options.url);
    const pool = await createPool({ url: options.url, max: options.poolSize ?? 4 });
    const instance: InstanceInfo = { id: options.instanceId ?? `${hostname()}/${crypto.randomUUID()}`, host: hostname(), pid: process.pid };
    try {
      await migratePostgres(pool);
      const recovered = await interruptOwnLeftovers(pool, instance.id);
      await heartbeat(pool, instance);
      const writer = new PostgresLedgerWriter(pool, instance.id, options);
      const ledger = new PostgresLedger(pool, writer, new PostgresReads(pool), instance, recovered, where, options);
      await ledger.beat();
      await ledger.refreshSpend(calendarRanges());
      writer.start();
      ledger.timer = setInterval(() => void ledger.beat(), ledger.heartbeatMs);
      ledger.timer.unref();
      return ledger;
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw new Error(`PostgreSQL ledger at ${where}: ${describePostgresError(error)}`, { cause: error });
    }
  }

  private get heartbeatMs(): number {
    return Math.max(50, this.options.heartbeatMs ?? 2_000);
  }

  /** Beats, then sweeps replicas silent for three heartbeats (their requests died with them). */
  async beat(): Promise<void> {
    try {
      await heartbeat(this.pool, this.instance);
      this.interruptedByMe += await sweepStaleInstances(this.pool, this.instance.id, this.options.staleAfterMs ?? 3 * this.heartbeatMs);
    } catch (error) {
      const message = `ledger heartbeat: ${describePostgresError(error)}`;
      this.writer.noteError(message);
      this.options.onError?.(message);
    }
  }

  begin(record: RequestStart): void {
    this.writer.begin(record);
  }

  finish(record: RequestFinish): void {
    this.writer.finish(record);
  }

  stats(): LedgerStats {
    return this.writer.stats();
  }

  /**
   * Spend today and this month: the database's figures (every replica's committed spend, re-read in the background
   * at most once a second) plus this process's finished requests not committed yet. Never waits.
   */
  spendSoFar(ranges: Ranges = calendarRanges()): SpendSoFar {
    const cached = this.spend;
    const sameRanges = cached !== undefined && cached.ranges.today.from === ranges.today.from && cached.ranges.month.from === ranges.month.from;
    if (!sameRanges || Date.now() - cached.at > 1_000) void this.refreshSpend(ranges);
    const committed = sameRanges ? cached.value : (cached?.value ?? { today: { totalUsd: 0, byClient: {} }, month: { totalUsd: 0, byClient: {} } });
    const queued = this.writer.queuedFinishes();
    return withUncommittedSpend(committed, queued, ranges);
  }

  /** Re-reads the committed spend (one refresh at a time). */
  refreshSpend(ranges: Ranges = calendarRanges()): Promise<void> {
    this.spendRefresh ??= this.reads
      .spendSoFar(ranges)
      .then((value) => {
        this.spend = { at: Date.now(), ranges, value };
      })
      .catch((error: unknown) => this.writer.noteError(`ledger spend: ${describePostgresError(error)}`))
      .finally(() => {
        this.spendRefresh = undefined;
      });
    return this.spendRefresh;
  }

  flush(): Promise<boolean> {
    return this.writer.flush();
  }

  /** Graceful quit: writes what it can within `timeoutMs`, marks its rows still in flight, leaves the instance table. */
  close(timeoutMs = 3_000): Promise<LedgerStats> {
    this.closing ??= (async () => {
      clearInterval(this.timer);
      const stats = await this.writer.close(timeoutMs);
      await forgetInstance(this.pool, this.instance.id).catch(() => undefined);
      if (this.spendRefresh) await this.spendRefresh;
      await this.pool.end().catch(() => undefined);
      return stats;
    })();
    return this.closing;
  }
}
