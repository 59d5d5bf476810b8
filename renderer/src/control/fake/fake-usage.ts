// The ledger queries, answered over an in-memory list of request rows: what the fake client (component tests and
// the demo mode) needs to behave like the real core without SQLite.
import type { CallResponse, RequestRowDto, TimeRangeDto, UsageTotalsDto } from '../../../../shared/control/contract';
import { localMidnight, offsetMinutesAt } from '../../../../shared/time-zone';

export function inRange(rows: readonly RequestRowDto[], range: TimeRangeDto): RequestRowDto[] {
  return rows.filter((row) => row.startedAt >= range.from && row.startedAt < range.to);
}

function percentile(sorted: readonly number[], fraction: number): number | null {
  if (sorted.length === 0) return null;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[index] ?? null;
}

export function totalsOf(rows: readonly RequestRowDto[]): UsageTotalsDto {
  const sum = (pick: (row: RequestRowDto) => number | null): number => rows.reduce((total, row) => total + (pick(row) ?? 0), 0);
  const count = (status: RequestRowDto['status']): number => rows.filter((row) => row.status === status).length;
  const latencies = rows.map((row) => row.latencyMs).filter((value): value is number => value !== null);
  const inputTokens = sum((row) => row.inputTokens);
  const outputTokens = sum((row) => row.outputTokens);
  const cacheReadTokens = sum((row) => row.cacheReadTokens);
  const cacheWriteTokens = sum((row) => row.cacheWriteTokens);
  const costUsd = sum((row) => row.costUsd);
  const referenceCostUsd = sum((row) => row.costReferenceUsd);
  const errors = count('error');
  return {
    requests: rows.length,
    ok: count('ok'),
    errors,
    cancelled: count('cancelled'),
    interrupted: count('interrupted'),
    inputTokens,
    outputTokens,
    cacheReadTokens,
    cacheWriteTokens,
    reasoningTokens: sum((row) => row.reasoningTokens),
    totalTokens: inputTokens + outputTokens + cacheReadTokens + cacheWriteTokens,
    costUsd,
    unpriced: rows.filter((row) => row.costUsd === null).length,
    referenceCostUsd,
    savedUsd: Math.max(0, referenceCostUsd - costUsd),
    errorRate: rows.length === 0 ? 0 : errors / rows.length,
    averageLatencyMs: latencies.length === 0 ? null : latencies.reduce((a, b) => a + b, 0) / latencies.length,
  };
}

export function seriesOf(rows: readonly RequestRowDto[], bucket: 'hour' | 'day', utcOffsetMinutes: number, timeZone?: string): CallResponse<'usage.series'> {
  const size = bucket === 'hour' ? 3_600_000 : 86_400_000;
  const groups = new Map<string, RequestRowDto[]>();
  for (const row of rows) {
    const offset = (bucket === 'day' && timeZone !== undefined ? offsetMinutesAt(timeZone, row.startedAt) : utcOffsetMinutes) * 60_000;
    const localStart = Math.floor((row.startedAt + offset) / size) * size;
    const bucketStart = bucket === 'day' && timeZone !== undefined ? localMidnight(timeZone, localStart) : localStart - offset;
    const key = `${bucketStart}|${row.providerId ?? 'none'}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return [...groups.entries()]
    .map(([key, group]) => {
      const [bucketStart = '0', providerId = 'none'] = key.split('|');
      const totals = totalsOf(group);
      return {
        bucketStart: Number(bucketStart),
        providerId,
        requests: totals.requests,
        errors: totals.errors,
        costUsd: totals.costUsd,
        inputTokens: totals.inputTokens,
        outputTokens: totals.outputTokens,
        totalTokens: totals.totalTokens,
      };
    })
    .sort((a, b) => a.bucketStart - b.bucketStart || a.providerId.localeCompare(b.providerId));
}

const dimensionOf: Record<string, (row: RequestRowDto) => string> = {
  provider: (row) => row.providerId ?? 'none',
  model: (row) => (row.providerId && row.model ? `${row.providerId}/${row.model}` : row.requestedModel),
  client: (row) => row.clientTokenName ?? 'unknown',
  client_family: (row) => row.clientFamily,
  route: (row) => row.route ?? 'none',
};

export function breakdownOf(
  rows: readonly RequestRowDto[],
  by: string,
  limit: number,
  orderBy: 'cost' | 'requests' | 'tokens',
): CallResponse<'usage.breakdown'> {
  const keyOf = dimensionOf[by] ?? dimensionOf['provider']!;
  const groups = new Map<string, RequestRowDto[]>();
  for (const row of rows) groups.set(keyOf(row), [...(groups.get(keyOf(row)) ?? []), row]);
  const measure = (totals: UsageTotalsDto): number => (orderBy === 'cost' ? totals.costUsd : orderBy === 'requests' ? totals.requests : totals.totalTokens);
  const all = [...groups.entries()].map(([key, group]) => ({ key, ...totalsOf(group) })).sort((a, b) => measure(b) - measure(a));
  const rest = all.slice(limit);
  return { rows: all.slice(0, limit), others: rest.length === 0 ? null : totalsOf(rest.flatMap((entry) => groups.get(entry.key) ?? [])) };
}

export function errorsOf(rows: readonly RequestRowDto[]): CallResponse<'usage.errors'> {
  const failed = rows.filter((row) => row.status === 'error');
  const counts = new Map<string, number>();
  for (const row of failed) counts.set(row.errorClass ?? 'unknown', (counts.get(row.errorClass ?? 'unknown') ?? 0) + 1);
  return [...counts.entries()].map(([errorClass, count]) => ({ errorClass, count, share: count / failed.length })).sort((a, b) => b.count - a.count);
}

export function latencyOf(rows: readonly RequestRowDto[], metric: 'latency' | 'ttft'): CallResponse<'usage.latency'> {
  const values = rows
    .map((row) => (metric === 'latency' ? row.latencyMs : row.ttftMs))
    .filter((value): value is number => value !== null)
    .sort((a, b) => a - b);
  return { count: values.length, p50: percentile(values, 0.5), p95: percentile(values, 0.95), p99: percentile(values, 0.99), method: 'exact' };
}
