// Pieces every chart shares: the series palette (CSS variables, so themes recolour it), a figure with a caption
// and a one-line summary for screen readers, and the "Show as table" alternative.
import type { ReactNode } from 'react';

export const seriesColour = (index: number): string => `var(--series-${index % 8})`;

export function ChartFigure({
  title,
  summary,
  table,
  children,
}: {
  readonly title: string;
  readonly summary: string;
  readonly table: ReactNode;
  readonly children: ReactNode;
}) {
  return (
    <figure className="card chart-card">
      <figcaption>
        <h2>{title}</h2>
        <p className="muted small">{summary}</p>
      </figcaption>
      {/* the drawing is for eyes; the summary above and the table below carry the same facts for everyone else */}
      <div className="chart-area" aria-hidden="true">
        {children}
      </div>
      <details className="chart-table">
        <summary>Show as table</summary>
        {table}
      </details>
    </figure>
  );
}

export const axisTick = { fill: 'var(--muted)', fontSize: 12 };
export const tooltipStyle = { background: 'var(--surface)', border: '1px solid var(--border)', borderRadius: 8, color: 'var(--text)' };
