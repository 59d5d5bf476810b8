// Top models (by spend) or top clients (by requests): horizontal bars, longest first, with the rest folded into
// "others" so the total still adds up.
import { Bar, BarChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { CallResponse } from '../../../../shared/control/contract';
import { formatUsd } from '../../format/money';
import { formatCount, formatTokens } from '../../format/numbers';
import { axisTick, ChartFigure, seriesColour, tooltipStyle } from './chart-parts';

export function TopChart({
  title,
  breakdown,
  measure,
}: {
  readonly title: string;
  readonly breakdown: CallResponse<'usage.breakdown'>;
  readonly measure: 'cost' | 'requests';
}) {
  const rows = [...breakdown.rows, ...(breakdown.others ? [{ ...breakdown.others, key: 'others' }] : [])].map((row) => ({
    key: row.key,
    value: measure === 'cost' ? row.costUsd : row.requests,
    requests: row.requests,
    costUsd: row.costUsd,
    tokens: row.totalTokens,
  }));
  const format = (value: number): string => (measure === 'cost' ? formatUsd(value) : formatCount(value));
  const first = rows[0];
  const summary =
    first === undefined
      ? 'Nothing in this range.'
      : `${rows.length} ${rows.length === 1 ? 'entry' : 'entries'}; first ${first.key} with ${format(first.value)}.`;
  const table = (
    <table className="data-table">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Requests</th>
          <th scope="col">Tokens</th>
          <th scope="col">Spend</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.key}>
            <th scope="row">{row.key}</th>
            <td>{formatCount(row.requests)}</td>
            <td>{formatTokens(row.tokens)}</td>
            <td>{formatUsd(row.costUsd)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
  return (
    <ChartFigure title={title} summary={summary} table={table}>
      <ResponsiveContainer width="100%" height={Math.max(120, rows.length * 30 + 20)}>
        <BarChart data={rows} layout="vertical" margin={{ top: 4, right: 16, bottom: 4, left: 8 }}>
          <XAxis type="number" tickFormatter={format} tick={axisTick} stroke="var(--border)" />
          <YAxis type="category" dataKey="key" width={170} tick={axisTick} stroke="var(--border)" />
          <Tooltip contentStyle={tooltipStyle} cursor={{ fill: 'var(--hover)' }} formatter={(value) => format(Number(value))} />
          <Bar
            dataKey="value"
            name={measure === 'cost' ? 'Spend' : 'Requests'}
            fill={seriesColour(measure === 'cost' ? 0 : 2)}
            radius={[0, 4, 4, 0]}
            isAnimationActive={false}
          />
        </BarChart>
      </ResponsiveContainer>
    </ChartFigure>
  );
}
