// Logs: every request in the ledger, filterable, with a detail drawer.
import { useEffect } from 'react';
import { useAppStore } from '../../app/stores';
import { PageHeader } from '../../ui/PageHeader';
import { EmptyState, ResourceView } from '../../ui/states';
import { LogDetail } from './LogDetail';
import { LogFilters } from './LogFilters';
import { LogTable } from './LogTable';
import './logs.css';

export function LogsPage() {
  const rows = useAppStore('logs', (state) => state.rows);
  const hasMore = useAppStore('logs', (state) => state.nextCursor !== null);
  const loadingMore = useAppStore('logs', (state) => state.loadingMore);
  const selectedId = useAppStore('logs', (state) => state.selectedId);
  const refresh = useAppStore('logs', (state) => state.refresh);
  const loadMore = useAppStore('logs', (state) => state.loadMore);
  const select = useAppStore('logs', (state) => state.select);
  const refreshProviders = useAppStore('providers', (state) => state.refresh);
  useEffect(() => {
    void refresh();
    void refreshProviders();
  }, [refresh, refreshProviders]);
  return (
    <>
      <PageHeader
        title="Logs"
        description="One row per request: who asked, which model answered, tokens, cost and time. No prompts or answers are stored."
        actions={
          <button type="button" className="button" onClick={() => void refresh()} disabled={rows.loading}>
            {rows.loading ? 'Refreshing…' : 'Refresh'}
          </button>
        }
      />
      <LogFilters />
      <ResourceView
        resource={rows}
        onRetry={() => void refresh()}
        loadingLabel="Loading requests…"
        isEmpty={(list) => list.length === 0}
        empty={<EmptyState title="No requests match">Try a wider date range or clear the filters.</EmptyState>}
      >
        {(list) => (
          <LogTable
            rows={list}
            hasMore={hasMore}
            loadingMore={loadingMore}
            onLoadMore={() => void loadMore()}
            onOpen={(id) => void select(id)}
            selectedId={selectedId}
          />
        )}
      </ResourceView>
      <LogDetail />
    </>
  );
}
