// Spend today and this month against their budgets (a meter each), the money saved by running locally, and the
// budget warnings the core raises at its warning threshold.
import type { CallResponse } from '../../../../shared/control/contract';
import { formatUsd } from '../../format/money';
import { formatPercent } from '../../format/numbers';
import { meterFraction } from './chart-data';
import type { SpendData } from './dashboard-store';

export function BudgetAlerts({ lines }: { readonly lines: CallResponse<'budgets.get'>['lines'] }) {
  const raised = lines.filter((line) => line.state !== 'ok');
  if (raised.length === 0) return null;
  return (
    <div className="budget-alerts" role="alert" data-testid="budget-warning">
      {raised.map((line) => (
        <p key={line.description} className={`alert alert-${line.state}`}>
          <strong>{line.state === 'exceeded' ? 'Budget exceeded:' : 'Budget warning:'}</strong> {line.description} ({formatPercent(line.fraction)} used)
        </p>
      ))}
    </div>
  );
}

function BudgetMeter({ label, used, limit }: { readonly label: string; readonly used: number; readonly limit: number | null }) {
  const fraction = meterFraction(used, limit);
  return (
    <article className="card stat-card" aria-label={label}>
      <h2 className="stat-label">{label}</h2>
      <p className="stat-value" data-testid={`spend-${label.toLowerCase().replace(/\s+/g, '-')}`}>
        {formatUsd(used)}
      </p>
      {limit === null || fraction === null ? (
        <p className="muted small">No budget set</p>
      ) : (
        <>
          <meter
            className="budget-meter"
            min={0}
            max={1}
            low={0.8}
            high={0.99}
            optimum={0}
            value={fraction}
            aria-label={`${label}: ${formatPercent(used / limit)} of ${formatUsd(limit)}`}
          />
          <p className="muted small">
            {formatPercent(used / limit)} of {formatUsd(limit)}
          </p>
        </>
      )}
    </article>
  );
}

export function SpendSummary({
  spend,
  savedInRange,
  rangeLabel,
}: {
  readonly spend: SpendData;
  readonly savedInRange: number | undefined;
  readonly rangeLabel: string;
}) {
  const limits = spend.budgets.limits;
  return (
    <section className="stat-grid" aria-label="Spend">
      <BudgetMeter label="Spent today" used={spend.today.costUsd} limit={limits.dailyUsd} />
      <BudgetMeter label="Spent this month" used={spend.month.costUsd} limit={limits.monthlyUsd} />
      <article className="card stat-card">
        <h2 className="stat-label">Saved by running locally</h2>
        <p className="stat-value stat-good" data-testid="saved">
          {savedInRange === undefined ? '—' : formatUsd(savedInRange)}
        </p>
        <p className="muted small">{rangeLabel}, compared with the reference cloud model</p>
      </article>
    </section>
  );
}
