// `switchyard usage [--since 7d] [--by model|provider|client|route] [--format table|csv|json]`: totals and one
// breakdown from the ledger, through the same reads the dashboard uses (LedgerReads). The SQLite file is opened
// read-only, so it works while `serve` writes (WAL) and never changes the file. With `ledger.url` (or
// SWITCHYARD_LEDGER_URL) it reads the team's PostgreSQL ledger instead — every replica's requests — without
// migrating it or registering as a replica: a reader only.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase, type BreakdownDimension, type LatencyPercentiles, type TimeRange, type UsageTotals } from '../ledger/index.js';
import type { LedgerReads } from '../ledger/ledger-backend.js';
import { migrate } from '../ledger/migrations/index.js';
import { sqliteReads } from '../ledger/sqlite-reads.js';
import { ledgerFileName } from '../metering-setup.js';
import { formatTime } from './tokens.js';
import { usageUsage } from './usage-text.js';

const dimensions = ['model', 'provider', 'client', 'route'] as const satisfies readonly BreakdownDimension[];
type UsageDimension = (typeof dimensions)[number];
const formats = ['table', 'csv', 'json'] as const;

export interface UsageLine extends UsageTotals {
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
}

export interface UsageReport {
  readonly since: string;
  readonly from: number;
  readonly to: number;
  readonly by: UsageDimension;
  readonly totals: UsageLine;
  readonly rows: ReadonlyArray<UsageLine & { readonly key: string }>;
  /** everything past the first 1,000 keys, summed (null when nothing was left out) */
  readonly others: UsageTotals | null;
}

const units: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `7d`, `24h`, `30m`, `2w`, a date (`2026-01-15`, local midnight) or an ISO date-time; undefined when it is none. */
export function parseSince(value: string, now: number): number | undefined {
  const relative = /^(\d{1,6})([mhdw])$/.exec(value.trim());
  if (relative) return now - Number(relative[1]) * (units[relative[2] as string] ?? 0);
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  // Date.parse alone is lenient ('7' is the year 2001): only ISO 8601 date-times go to it.
  const isoDateTime = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(value.trim());
  const at = day ? new Date(Number(day[1]), Number(day[2]) - 1, Number(day[3])).getTime() : isoDateTime ? Date.parse(value.trim()) : Number.NaN;
  return Number.isFinite(at) && at <= now ? at : undefined;
}

/** The reads a report needs: the dashboard's (LedgerReads), whichever ledger answers them. */
export type UsageReads = Pick<LedgerReads, 'totals' | 'breakdown' | 'latencyBreakdown'>;

export async function usageReport(reads: UsageReads, range: TimeRange, by: UsageDimension, since: string): Promise<UsageReport> {
  const [latency, split, totals] = await Promise.all([
    reads.latencyBreakdown(range, by),
    reads.breakdown(range, { by, limit: 1_000, orderBy: 'cost' }),
    reads.totals(range),
  ]);
  const line = (sums: UsageTotals, percentiles: LatencyPercentiles | undefined): UsageLine => ({
    ...sums,
    p50Ms: percentiles?.p50 ?? null,
    p95Ms: percentiles?.p95 ?? null,
  });
  return {
    since,
    from: range.from,
    to: range.to,
    by,
    totals: line(totals, latency.total),
    rows: split.rows.map((row) => ({ ...line(row, latency.byKey.get(row.key)), key: row.key })),
    others: split.others,
  };
}

const promptTokens = (line: UsageTotals): number => line.inputTokens + line.cacheReadTokens + line.cacheWriteTokens;

/** `ledger`: where the figures come from, when it is not the data dir's own file (the team's PostgreSQL ledger). */
export function formatUsageTable(report: UsageReport, ledger?: string): string {
  const header = [report.by.toUpperCase(), 'REQUESTS', 'TOKENS IN', 'TOKENS OUT', 'COST USD', 'SAVED USD', 'ERRORS', 'P50 MS', 'P95 MS'];
  const cells = (key: string, line: UsageTotals & Partial<UsageLine>): string[] => [
    key,
    String(line.requests),
    String(promptTokens(line)),
    String(line.outputTokens),
    line.costUsd.toFixed(4),
    line.savedUsd.toFixed(4),
    `${(line.errorRate * 100).toFixed(1)}%`,
    line.p50Ms === null || line.p50Ms === undefined ? '-' : String(line.p50Ms),
    line.p95Ms === null || line.p95Ms === undefined ? '-' : String(line.p95Ms),
  ];
  const rows = report.rows.map((row) => cells(row.key === '' ? '(none)' : row.key, row));
  if (report.others) rows.push(cells('(others)', report.others));
  rows.push(cells('TOTAL', report.totals));
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const format = (row: readonly string[]): string =>
    row.map((cell, column) => (column === 0 ? cell.padEnd(widths[0] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  ');
  const title = `Usage since ${formatTime(report.from)} (${report.since}), by ${report.by}${ledger === undefined ? '' : `, in ${ledger}`}`;
  const lines = [title, format(header), ...rows.map(format)];
  if (report.totals.unpriced > 0) lines.push(`${report.totals.unpriced} request(s) ran on a model with no known price: their cost is not in COST USD`);
  if (report.totals.requests === 0) lines.push('no requests in this period');
  return lines.join('\n');
}

const csvColumns = [
  'requests',
  'ok',
  'errors',
  'cancelled',
  'interrupted',
  'inputTokens',
  'cacheReadTokens',
  'cacheWriteTokens',
  'outputTokens',
  'reasoningTokens',
  'costUsd',
  'unpriced',
  'savedUsd',
  'errorRate',
] as const;
const snake = (name: string): string => name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One line per key, then `others` (if any) and `total`, told apart by the first column. Numbers are unformatted. */
export function formatUsageCsv(report: UsageReport): string {
  const header = ['kind', report.by, ...csvColumns.map(snake), 'p50_ms', 'p95_ms'];
  const line = (kind: string, key: string, sums: UsageTotals & Partial<UsageLine>): string =>
    [kind, key, ...csvColumns.map((column) => String(sums[column])), String(sums.p50Ms ?? ''), String(sums.p95Ms ?? '')].map(csvField).join(',');
  const lines = [header.join(','), ...report.rows.map((row) => line('row', row.key, row))];
  if (report.others) lines.push(line('others', '', report.others));
  lines.push(line('total', '', report.totals));
  return lines.join('\n');
}

export interface UsageCommandOptions {
  readonly dataDir: string;
  /** for the ledger's location: SWITCHYARD_LEDGER_URL, SWITCHYARD_CONFIG (none read when absent) */
  readonly env?: NodeJS.ProcessEnv;
  /** --config */
  readonly configFlag?: string | undefined;
  readonly since: string | undefined;
  readonly by: string | undefined;
  readonly format: string | undefined;
  readonly now?: number;
  readonly out?: (text: string) => void;
  readonly err?: (text: string) => void;
}

export async function usageCommand(options: UsageCommandOptions): Promise<number> {
  const out = options.out ?? ((text: string) => console.log(text));
  const err = options.err ?? ((text: string) => console.error(text));
  const now = options.now ?? Date.now();
  const since = options.since ?? '7d';
  const from = parseSince(since, now);
  const by = options.by ?? 'model';
  const format = options.format ?? 'table';
  if (from === undefined) return usageError(err, `--since takes 24h, 7d, 30d, 2w, 90m or a date such as 2026-01-15, not '${since}'`);
  if (!(dimensions as readonly string[]).includes(by)) return usageError(err, `--by takes ${dimensions.join(', ')}, not '${by}'`);
  if (!(formats as readonly string[]).includes(format)) return usageError(err, `--format takes ${formats.join(', ')}, not '${format}'`);
  const url = await ledgerUrl(options);
  const source = url === undefined ? sqliteSource(options.dataDir) : await postgresSource(url);
  try {
    const report = await usageReport(source.reads, { from, to: now + 1 }, by as UsageDimension, since);
    out(format === 'json' ? JSON.stringify(report, null, 2) : format === 'csv' ? formatUsageCsv(report) : formatUsageTable(report, source.where));
    return 0;
  } catch (error) {
    if (source.where === undefined) throw error;
    err(`switchyard: cannot read the ledger in ${source.where}: ${source.explain(error)}`);
    return 1;
  } finally {
    await source.close();
  }
}

interface UsageSource {
  readonly reads: UsageReads;
  /** the PostgreSQL ledger (password masked); undefined for the data dir's SQLite file */
  readonly where: string | undefined;
  explain(error: unknown): string;
  close(): Promise<void>;
}

/** The team's PostgreSQL ledger when one is configured (as `serve` decides: SWITCHYARD_LEDGER_URL, else ledger.url). */
async function ledgerUrl(options: UsageCommandOptions): Promise<string | undefined> {
  const env = options.env ?? {};
  const [{ findConfigPath, readConfigFile }, { resolveLedger }] = await Promise.all([import('../config/load.js'), import('../config/metering.js')]);
  const path = env['SWITCHYARD_LEDGER_URL'] ? undefined : findConfigPath(options.configFlag, env, options.dataDir);
  return resolveLedger(path === undefined ? {} : readConfigFile(path), env).url;
}

function sqliteSource(dataDir: string): UsageSource {
  const path = join(dataDir, ledgerFileName);
  // Read-only, never Ledger.open: that would migrate and mark a running gateway's requests interrupted. No ledger
  // yet (nothing ever ran here): the same report, all zeros, from an empty one in memory, without creating a file.
  const exists = existsSync(path);
  const database = exists ? openDatabase(path, { readonly: true, busyTimeoutMs: 5_000 }) : openDatabase(':memory:');
  if (!exists) migrate(database);
  return {
    reads: sqliteReads(database),
    where: undefined,
    explain: (error) => String(error),
    close: () => {
      database.close();
      return Promise.resolve();
    },
  };
}

/** A pool of one connection and the dashboard's PostgreSQL reads; `pg` loads only here. */
async function postgresSource(url: string): Promise<UsageSource> {
  const [{ createPool, describePostgresError }, { PostgresReads }, { isPostgresUrl, maskPostgresUrl }] = await Promise.all([
    import('../ledger/postgres/client.js'),
    import('../ledger/postgres/reads.js'),
    import('../ledger/postgres/url.js'),
  ]);
  const where = maskPostgresUrl(url);
  if (!isPostgresUrl(url)) throw new Error(`ledger.url must be a postgres:// URL, got ${where}`);
  const pool = await createPool({ url, max: 1 });
  return {
    reads: new PostgresReads(pool),
    where,
    explain: (error) =>
      (error as { code?: unknown }).code === '42P01'
        ? 'it has no ledger tables: no `switchyard serve` has opened it yet, or ledger.url names another database'
        : describePostgresError(error),
    close: () => pool.end(),
  };
}

function usageError(err: (text: string) => void, message: string): number {
  err(`switchyard: ${message}\n\n${usageUsage}`);
  return 2;
}
