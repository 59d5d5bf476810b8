// The range's headline figures: requests, tokens, error rate, latency percentiles, spend.
import type { CallResponse, UsageTotalsDto } from '../../../../shared/control/contract';
import { formatUsd } from '../../format/money';
import { formatCount, formatPercent, formatTokens } from '../../format/numbers';
import { formatDuration } from '../../format/time';

function Tile({ label, value, detail, testId }: { readonly label: string; readonly value: string; readonly detail?: string; readonly testId: string }) {
  return (
    <div className="tile">
      <dt className="stat-label">{label}</dt>
      <dd className="tile-value" data-testid={testId}>
        {value}
      </dd>
      {detail && <dd className="muted small">{detail}</dd>}
    </div>
  );
}

export function UsageTiles({
  totals,
  latency,
  firstToken,
}: {
  readonly totals: UsageTotalsDto;
  readonly latency: CallResponse<'usage.latency'>;
  readonly firstToken: CallResponse<'usage.latency'>;
}) {
  return (
    <dl className="tiles card" aria-label="Usage in the selected range">
      <Tile label="Requests" value={formatCount(totals.requests)} detail={`${formatCount(totals.ok)} ok`} testId="requests" />
      <Tile
        label="Spend"
        value={formatUsd(totals.costUsd)}
        detail={totals.unpriced > 0 ? `${formatCount(totals.unpriced)} without a known price` : undefined}
        testId="spend"
      />
      <Tile
        label="Tokens"
        value={formatTokens(totals.totalTokens)}
        detail={`${formatTokens(totals.inputTokens)} in · ${formatTokens(totals.outputTokens)} out`}
        testId="tokens"
      />
      <Tile label="Error rate" value={formatPercent(totals.errorRate)} detail={`${formatCount(totals.errors)} failed`} testId="error-rate" />
      <Tile
        label="Latency p50 / p95"
        value={`${formatDuration(latency.p50)} / ${formatDuration(latency.p95)}`}
        detail={`first token p50 ${formatDuration(firstToken.p50)}`}
        testId="latency"
      />
    </dl>
  );
}
