// The ledger behind one interface, two implementations: the embedded SQLite file (ledger.ts; the default, the
// desktop app) and PostgreSQL (postgres/; team mode, several replicas on one database). RequestLedger is what the
// gateway writes through and budgets read; LedgerReads is every dashboard, usage and request-log query, async so a
// database across the network fits (the SQLite one answers from its file: sqlite-reads.ts).
// Types only: importing this file loads nothing.
import type { SpendSoFar } from './budgets.js';
import type { CaptureRow } from './capture-store.js';
import type { GuardSummary } from './guard-queries.js';
import type { LatencyMetric, LatencyPercentiles } from './latency.js';
import type { LatencyBreakdown } from './latency-breakdown.js';
import type { LedgerStats } from './ledger-writer.js';
import type { Breakdown, BreakdownDimension, BreakdownOptions, ErrorClassCount, UsageTotals } from './queries.js';
import type { PlaygroundTables } from './playground-tables.js';
import type { LogPage, LogQuery, RequestDetail } from './request-log.js';
import type { SettingsTable } from './settings-table.js';
import type { SeriesOptions, SeriesPoint } from './series.js';
import type { RequestFinish, RequestStart, TimeRange } from './types.js';

export type CalendarRanges = { readonly today: TimeRange; readonly month: TimeRange };

export interface RequestLedger {
  /** At request start. Never throws and never waits. */
  begin(record: RequestStart): void;
  /** At request end, whatever the outcome. Never throws and never waits. */
  finish(record: RequestFinish): void;
  stats(): LedgerStats;
  /** Committed spend plus this process's finished requests still queued. Never waits (PostgreSQL: re-read each second). */
  spendSoFar(ranges?: CalendarRanges): SpendSoFar;
  /** Writes the queue now; true when nothing is left queued. */
  flush(): boolean | Promise<boolean>;
  /** Graceful quit within `timeoutMs`. */
  close(timeoutMs?: number): Promise<LedgerStats>;
  /** rows left in flight by a process that died, marked 'interrupted' at open */
  readonly recovered: number;
}

export interface LedgerReads {
  totals(range: TimeRange): Promise<UsageTotals>;
  timeSeries(range: TimeRange, options: SeriesOptions): Promise<SeriesPoint[]>;
  breakdown(range: TimeRange, options: BreakdownOptions): Promise<Breakdown>;
  errorClasses(range: TimeRange): Promise<ErrorClassCount[]>;
  latencyPercentiles(range: TimeRange, metric?: LatencyMetric): Promise<LatencyPercentiles>;
  /** exact percentiles per breakdown key over the raw rows (`switchyard usage --by`): a command's read, not a dashboard's */
  latencyBreakdown(range: TimeRange, by: BreakdownDimension, metric?: LatencyMetric): Promise<LatencyBreakdown>;
  listRequests(query: LogQuery): Promise<LogPage>;
  requestDetail(id: string): Promise<RequestDetail | undefined>;
  guardSummary(range: TimeRange): Promise<GuardSummary>;
  spendSoFar(ranges: CalendarRanges): Promise<SpendSoFar>;
  /** requests running now, in every process writing this ledger */
  inFlightCount(): Promise<number>;
}

/** A ledger other than the SQLite file (team mode): where requests are written and every usage query reads. */
export interface LedgerBackend {
  readonly ledger: RequestLedger;
  readonly reads: LedgerReads;
  /** for logs and status: the kind and where, secrets masked */
  readonly description: string;
  /** body captures in the same database (ledger.capture), so any replica's request detail shows them */
  readonly captures?: CaptureAccess;
  /** the playground's sets, comparisons and votes in the same database, so every replica's admin UI shows them */
  readonly playground?: PlaygroundTables;
  /** the settings that belong to the gateway rather than to one machine (control/app-settings.ts says which) */
  readonly settings?: SettingsTable;
}

/** Team mode's captures as the control API reads and deletes them (postgres/captures.ts). */
export interface CaptureAccess {
  read(requestId: string): Promise<CaptureRow | undefined>;
  /** every capture in the database, every replica's; returns how many rows */
  purge(): Promise<number>;
}
