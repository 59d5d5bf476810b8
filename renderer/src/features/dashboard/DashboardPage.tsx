// The dashboard: budget warnings, spend against budgets, the range's figures and charts. Refreshes itself while
// shown, so requests sent from other tools appear without a reload.
import { useEffect } from 'react';
import { useAppStore } from '../../app/stores';
import { describeRange } from '../../time/date-range';
import { DateRangePicker } from '../../ui/DateRangePicker';
import { PageHeader } from '../../ui/PageHeader';
import { EmptyState, ErrorState, LoadingState, ResourceView } from '../../ui/states';
import { ErrorList, LatencyChart } from './LatencyChart';
import { SpendChart } from './SpendChart';
import { BudgetAlerts, SpendSummary } from './SpendSummary';
import { TopChart } from './TopChart';
import { UsageTiles } from './UsageTiles';
import { GuardSummary } from './GuardSummary';
import './dashboard.css';

export const dashboardRefreshMs = 10_000;

export function DashboardPage() {
  const range = useAppStore('dashboard', (state) => state.range);
  const data = useAppStore('dashboard', (state) => state.data);
  const spend = useAppStore('dashboard', (state) => state.spend);
  const setRange = useAppStore('dashboard', (state) => state.setRange);
  const refresh = useAppStore('dashboard', (state) => state.refresh);
  const go = useAppStore('navigation', (state) => state.go);

  useEffect(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), dashboardRefreshMs);
    return () => clearInterval(timer);
  }, [refresh]);

  return (
    <>
      <PageHeader
        title="Dashboard"
        description="What your tools sent through Switchyard, what it cost, and how fast it was."
        actions={
          <>
            <DateRangePicker value={range} onChange={(next) => void setRange(next)} />
            <button type="button" className="button" onClick={() => void refresh()} disabled={data.loading}>
              {data.loading ? 'Refreshing…' : 'Refresh'}
            </button>
          </>
        }
      />
      {spend.data && <BudgetAlerts lines={spend.data.budgets.lines} />}
      {spend.data ? (
        <SpendSummary spend={spend.data} savedInRange={data.data?.totals.savedUsd} rangeLabel={describeRange(range)} />
      ) : spend.error !== null ? (
        <ErrorState title="Could not load spend" message={spend.error} onRetry={() => void refresh()} />
      ) : (
        <LoadingState label="Loading spend…" rows={1} />
      )}
      <ResourceView
        resource={data}
        onRetry={() => void refresh()}
        loadingLabel="Loading usage…"
        isEmpty={(loaded) => loaded.totals.requests === 0}
        empty={
          <EmptyState
            title={`No requests ${range.preset === 'today' ? 'today' : 'in this range'}`}
            action={
              <div className="card-actions">
                <button type="button" className="button button-primary" onClick={() => go('connect')}>
                  Connect a tool
                </button>
                <button type="button" className="button" onClick={() => go('welcome')}>
                  Find local servers and keys
                </button>
              </div>
            }
          >
            <p>Requests your tools send through Switchyard show up here within seconds: spend, tokens, latency and errors.</p>
          </EmptyState>
        }
      >
        {(loaded) => (
          <div className="dashboard-grid">
            <UsageTiles totals={loaded.totals} latency={loaded.latency} firstToken={loaded.firstToken} />
            <div className="span-all">
              <SpendChart data={loaded} />
            </div>
            <TopChart title="Top models by spend" breakdown={loaded.byModel} measure="cost" />
            <TopChart title="Top clients by requests" breakdown={loaded.byClient} measure="requests" />
            <LatencyChart latency={loaded.latency} firstToken={loaded.firstToken} />
            <ErrorList errors={loaded.errors} />
            <GuardSummary guard={loaded.guard} />
          </div>
        )}
      </ResourceView>
    </>
  );
}
