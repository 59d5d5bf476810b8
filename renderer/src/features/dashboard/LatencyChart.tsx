// Latency percentiles (whole request and first token) side by side, plus the error classes behind the error rate.
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { CallResponse } from '../../../../shared/control/contract';
import { formatCount, formatPercent } from '../../format/numbers';
import { formatDuration } from '../../format/time';
import { axisTick, ChartFigure, seriesColour, tooltipStyle } from './chart-parts';

type Latency = CallResponse<'usage.latency'>;

export function LatencyChart({ latency, firstToken }: { readonly latency: Latency; readonly firstToken: Latency }) {
  const rows = (['p50', 'p95', 'p99'] as const).map((name) => ({ name, total: latency[name] ?? 0, firstToken: firstToken[name] ?? 0 }));
  const summary =
    latency.count === 0
      ? 'No finished requests in this range.'
      : `Over ${formatCount(latency.count)} requests: median ${formatDuration(latency.p50)}, 95th percentile ${formatDuration(latency.p95)}; first token median ${formatDuration(firstToken.p50)}.`;
  const table = (
    <table className="data-table">
      <thead>
        <tr>
          <th scope="col">Percentile</th>
          <th scope="col">Whole request</th>
          <th scope="col">First token</th>
        </tr>
      </thead>
      <tbody>
        {(['p50', 'p95', 'p99'] as const).map((name) => (
          <tr key={name}>
            <th scope="row">{name}</th>
            <td>{formatDuration(latency[name])}</td>
            <td>{formatDuration(firstToken[name])}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
  return (
    <ChartFigure title="Latency" summary={summary} table={table}>
      <ResponsiveContainer width="100%" height={200}>
        <BarChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
          <CartesianGrid stroke="var(--border)" vertical={false} />
          <XAxis dataKey="name" tick={axisTick} stroke="var(--border)" />
          <YAxis tickFormatter={(value: number) => formatDuration(value)} tick={axisTick} stroke="var(--border)" width={64} />
          <Tooltip contentStyle={tooltipStyle} cursor={{ fill: 'var(--hover)' }} formatter={(value) => formatDuration(Number(value))} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Bar dataKey="total" name="Whole request" fill={seriesColour(1)} isAnimationActive={false} />
          <Bar dataKey="firstToken" name="First token" fill={seriesColour(3)} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </ChartFigure>
  );
}

export function ErrorList({ errors }: { readonly errors: CallResponse<'usage.errors'> }) {
  return (
    <section className="card" aria-labelledby="errors-title">
      <h2 id="errors-title">Errors</h2>
      {errors.length === 0 ? (
        <p className="muted">No failed requests in this range.</p>
      ) : (
        <ul className="bar-list">
          {errors.map((error) => (
            <li key={error.errorClass}>
              <span className="bar-list-label">{error.errorClass}</span>
              <span className="bar-list-bar" aria-hidden="true">
                <span style={{ width: `${Math.round(error.share * 100)}%` }} />
              </span>
              <span className="bar-list-value">
                {formatCount(error.count)} ({formatPercent(error.share)})
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
