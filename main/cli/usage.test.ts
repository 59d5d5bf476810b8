// `switchyard usage`: --since parsing, the report over a small ledger (totals, per-key rows, exact percentiles),
// and the three formats, read-only and also when no ledger exists yet.
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { formatUsageCsv, formatUsageTable, parseSince, usageCommand, type UsageReport } from './usage.js';
import { Ledger } from '../ledger/ledger.js';
import { finishRecord, tempDir, type TempDir } from '../ledger/test-support/fixtures.js';

const now = Date.UTC(2026, 0, 15, 12, 0, 0);
let directory: TempDir | undefined;

afterEach(() => {
  directory?.remove();
  directory = undefined;
});

async function ledgerWithTraffic(): Promise<string> {
  directory = tempDir('switchyard-usage-');
  const ledger = Ledger.open({ path: directory.file('ledger.sqlite') });
  const at = now - 3_600_000;
  const rows = [
    finishRecord('a', { startedAt: at, clientTokenName: 'editor', latencyMs: 100, costUsd: 0.5 }),
    finishRecord('b', { startedAt: at + 1, clientTokenName: 'editor', latencyMs: 300, costUsd: 0.25 }),
    finishRecord('c', { startedAt: at + 2, clientTokenName: 'scripts', latencyMs: 50, costUsd: 0.125 }),
    finishRecord('d', { startedAt: at + 3, clientTokenName: 'scripts', status: 'error', errorClass: 'server_error', latencyMs: 10, costUsd: 0 }),
    finishRecord('e', { startedAt: at + 4, clientTokenName: 'script,"odd"', latencyMs: 70, costUsd: 0 }),
    finishRecord('old', { startedAt: now - 30 * 86_400_000, clientTokenName: 'editor' }),
  ];
  for (const row of rows) ledger.finish(row);
  await ledger.close();
  return directory.path;
}

describe('parseSince', () => {
  it('takes durations, dates and date-times, and nothing else', () => {
    expect(parseSince('7d', now)).toBe(now - 7 * 86_400_000);
    expect(parseSince('24h', now)).toBe(now - 86_400_000);
    expect(parseSince('90m', now)).toBe(now - 90 * 60_000);
    expect(parseSince('2w', now)).toBe(now - 14 * 86_400_000);
    expect(parseSince('2026-01-10', now)).toBe(new Date(2026, 0, 10).getTime());
    expect(parseSince('2026-01-10T08:00:00Z', now)).toBe(Date.UTC(2026, 0, 10, 8));
    for (const bad of ['', '7', 'd', '-7d', '7y', 'yesterday', '2027-01-01']) expect(parseSince(bad, now), bad).toBeUndefined();
  });
});

describe('usage report', () => {
  it('sums the range, splits it by the dimension, with exact latency percentiles per key', async () => {
    const dataDir = await ledgerWithTraffic();
    const lines: string[] = [];
    expect(await usageCommand({ dataDir, since: '7d', by: 'client', format: 'json', now, out: (text) => lines.push(text) })).toBe(0);
    const report = JSON.parse(lines.join('\n')) as UsageReport;
    expect(report.totals).toMatchObject({ requests: 5, errors: 1, errorRate: 0.2, costUsd: 0.875, p50Ms: 70, p95Ms: 300 });
    expect(report.rows.map((row) => [row.key, row.requests, row.costUsd, row.p50Ms, row.p95Ms])).toEqual([
      ['editor', 2, 0.75, 100, 300],
      ['scripts', 2, 0.125, 50, 50],
      ['script,"odd"', 1, 0, 70, 70],
    ]);
    expect(report.others).toBeNull();
  });

  it('prints a table and CSV with a total row; CSV quotes what needs quoting', async () => {
    const dataDir = await ledgerWithTraffic();
    const outputs: Record<string, string> = {};
    for (const format of ['table', 'csv'] as const)
      await usageCommand({ dataDir, since: '24h', by: 'client', format, now, out: (text) => (outputs[format] = text) });
    const table = (outputs['table'] ?? '').split('\n');
    expect(table[1]).toMatch(/^CLIENT\s+REQUESTS/);
    expect(table.find((line) => line.startsWith('editor'))).toMatch(/^editor\s+2\s+200\s+100\s+0\.7500\s+0\.0000\s+0\.0%\s+100\s+300$/);
    expect(table.find((line) => line.startsWith('TOTAL'))).toMatch(/^TOTAL\s+5\s+500\s+250\s+0\.8750\s+0\.0000\s+20\.0%\s+70\s+300$/);
    const csv = (outputs['csv'] ?? '').split('\n');
    expect(csv[0]).toBe(
      'kind,client,requests,ok,errors,cancelled,interrupted,input_tokens,cache_read_tokens,cache_write_tokens,output_tokens,reasoning_tokens,cost_usd,unpriced,saved_usd,error_rate,p50_ms,p95_ms',
    );
    expect(csv).toContain('row,"script,""odd""",1,1,0,0,0,100,0,0,50,0,0,0,0,0,70,70');
    expect(csv.at(-1)).toBe('total,,5,4,1,0,0,500,0,0,250,0,0.875,0,0,0.2,70,300');
  });

  it('refuses bad flags with exit 2 and the usage line', async () => {
    const dataDir = await ledgerWithTraffic();
    const errors: string[] = [];
    const run = (flags: { since?: string; by?: string; format?: string }): Promise<number> =>
      usageCommand({ dataDir, since: flags.since, by: flags.by, format: flags.format, now, out: () => undefined, err: (text) => errors.push(text) });
    expect(await run({ since: 'soon' })).toBe(2);
    expect(await run({ by: 'weekday' })).toBe(2);
    expect(await run({ format: 'xml' })).toBe(2);
    expect(errors.join('\n')).toMatch(/--since takes[\s\S]*--by takes[\s\S]*--format takes/);
  });

  it('answers zeros when no ledger exists yet, without creating one', async () => {
    directory = tempDir('switchyard-usage-');
    let printed = '';
    expect(await usageCommand({ dataDir: directory.path, since: undefined, by: undefined, format: undefined, now, out: (text) => (printed = text) })).toBe(0);
    expect(printed).toContain('no requests in this period');
    expect(printed).toMatch(/^Usage since .* \(7d\), by model$/m);
    expect(existsSync(directory.file('ledger.sqlite'))).toBe(false);
  });

  it('formats an empty key as (none) in the table and leaves it empty in CSV', () => {
    const empty = {
      requests: 1,
      ok: 1,
      errors: 0,
      cancelled: 0,
      interrupted: 0,
      inputTokens: 1,
      outputTokens: 1,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
      totalTokens: 2,
      costUsd: 0,
      unpriced: 0,
      referenceCostUsd: 0,
      savedUsd: 0,
      errorRate: 0,
      averageLatencyMs: null,
      p50Ms: null,
      p95Ms: null,
    };
    const report = { since: '7d', from: now - 1, to: now, by: 'route' as const, totals: empty, rows: [{ ...empty, key: '' }], others: null };
    expect(formatUsageTable(report)).toMatch(/^\(none\)\s+1\s+1\s+1\s+0\.0000\s+0\.0000\s+0\.0%\s+-\s+-$/m);
    expect(formatUsageCsv(report).split('\n')[1]).toBe('row,,1,1,0,0,0,1,0,0,1,0,0,0,0,0,,');
  });
});
