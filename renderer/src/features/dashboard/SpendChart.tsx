// Spend (or requests, or tokens) over time, stacked by provider: the chart people look at first.
import { useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatUsd } from '../../format/money';
import { formatCount, formatTokens } from '../../format/numbers';
import { formatBucket } from '../../format/time';
import { axisTick, ChartFigure, seriesColour, tooltipStyle } from './chart-parts';
import { stackByProvider, type Metric } from './chart-data';
import type { DashboardData } from './dashboard-store';

const metrics: ReadonlyArray<readonly [Metric, string]> = [
  ['costUsd', 'Spend'],
  ['requests', 'Requests'],
  ['totalTokens', 'Tokens'],
];

const formatMetric = (metric: Metric, value: number): string =>
  metric === 'costUsd' ? formatUsd(value) : metric === 'requests' ? formatCount(value) : formatTokens(value);

export function SpendChart({ data }: { readonly data: DashboardData }) {
  const [metric, setMetric] = useState<Metric>('costUsd');
  const stacked = stackByProvider(data.series, metric, data.range.from, data.range.to, data.bucket);
  const label = metrics.find(([value]) => value === metric)?.[1] ?? 'Spend';
  const rows = stacked.rows.map((row) => ({ bucketStart: row.bucketStart, ...row.values }));
  const leader = stacked.keys[0];
  const summary =
    stacked.total === 0
      ? `No ${label.toLowerCase()} in this range.`
      : `${label}: ${formatMetric(metric, stacked.total)} in total across ${stacked.keys.length} provider${stacked.keys.length === 1 ? '' : 's'}${leader ? `, most from ${leader}` : ''}.`;
  const table = (
    <table className="data-table">
      <thead>
        <tr>
          <th scope="col">{data.bucket === 'hour' ? 'Hour' : 'Day'}</th>
          {stacked.keys.map((key) => (
            <th scope="col" key={key}>
              {key}
            </th>
          ))}
          <th scope="col">Total</th>
        </tr>
      </thead>
      <tbody>
        {stacked.rows
          .filter((row) => row.total > 0)
          .map((row) => (
            <tr key={row.bucketStart}>
              <th scope="row">{formatBucket(row.bucketStart, data.bucket)}</th>
              {stacked.keys.map((key) => (
                <td key={key}>{formatMetric(metric, row.values[key] ?? 0)}</td>
              ))}
              <td>{formatMetric(metric, row.total)}</td>
            </tr>
          ))}
      </tbody>
    </table>
  );
  return (
    <div className="chart-with-controls">
      <div className="segmented chart-metric" role="group" aria-label="Chart shows">
        {metrics.map(([value, text]) => (
          <button key={value} type="button" aria-pressed={metric === value} onClick={() => setMetric(value)}>
            {text}
          </button>
        ))}
      </div>
      <ChartFigure title={`${label} over time, by provider`} summary={summary} table={table}>
        <ResponsiveContainer width="100%" height={260}>
          <BarChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
            <CartesianGrid stroke="var(--border)" vertical={false} />
            <XAxis
              dataKey="bucketStart"
              tickFormatter={(value: number) => formatBucket(value, data.bucket)}
              tick={axisTick}
              stroke="var(--border)"
              minTickGap={16}
            />
            <YAxis tickFormatter={(value: number) => formatMetric(metric, value)} tick={axisTick} stroke="var(--border)" width={72} />
            <Tooltip
              contentStyle={tooltipStyle}
              cursor={{ fill: 'var(--hover)' }}
              labelFormatter={(value) => formatBucket(Number(value), data.bucket)}
              formatter={(value) => formatMetric(metric, Number(value))}
            />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            {stacked.keys.map((key, index) => (
              <Bar key={key} dataKey={key} stackId="providers" fill={seriesColour(index)} isAnimationActive={false} />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </ChartFigure>
    </div>
  );
}
