// One column's figures, live while it streams: time to first token, speed, tokens in and out, the cost (from the
// usage chunk, then confirmed from the ledger row), and who answered — hidden in blind mode until the vote.
import { formatOptionalUsd } from '../../format/money';
import { formatCount } from '../../format/numbers';
import { usedFallback } from './metrics';
import type { ColumnState } from './playground-types';

function milliseconds(value: number | null): string {
  return value === null ? '—' : `${formatCount(value)} ms`;
}

export function ColumnMetrics({ column, hidden }: { readonly column: ColumnState; readonly hidden: boolean }) {
  const { metrics, routing } = column;
  const speed = metrics.tokensPerSecond === null ? '—' : `${metrics.tokensPerSecond.toFixed(metrics.tokensPerSecond < 10 ? 1 : 0)} tok/s`;
  const tokens =
    metrics.inputTokens === null && metrics.outputTokens === null
      ? '—'
      : `${metrics.inputTokens === null ? '—' : formatCount(metrics.inputTokens)} in · ${metrics.outputTokens === null ? '—' : formatCount(metrics.outputTokens)} out`;
  const fallback = usedFallback(routing?.attempts ?? null);
  return (
    <dl className="column-metrics">
      <div>
        <dt>First token</dt>
        <dd data-testid="metric-ttft">{milliseconds(metrics.ttftMs === null ? null : Math.round(metrics.ttftMs))}</dd>
      </div>
      <div>
        <dt>Speed</dt>
        <dd data-testid="metric-speed">{speed}</dd>
      </div>
      <div>
        <dt>Tokens</dt>
        <dd data-testid="metric-tokens">{tokens}</dd>
      </div>
      <div>
        <dt>Cost</dt>
        <dd
          data-testid="metric-cost"
          title={metrics.costSource === 'ledger' ? 'from the ledger row of this request' : 'from the stream; the ledger row confirms it when written'}
        >
          {hidden ? 'hidden' : formatOptionalUsd(metrics.costUsd)}
          {!hidden && metrics.costSource === 'ledger' && <span className="tag tag-ledger">ledger</span>}
        </dd>
      </div>
      <div className="column-metrics-wide">
        <dt>Answered by</dt>
        <dd data-testid="metric-provider" title={hidden ? undefined : (routing?.attempts ?? undefined)}>
          {hidden ? 'hidden until you vote' : routing?.providerId ? `${routing.providerId}/${routing.servedModel ?? ''}` : '—'}
          {!hidden && fallback && <span className="tag tag-fallback">fallback</span>}
        </dd>
      </div>
    </dl>
  );
}
