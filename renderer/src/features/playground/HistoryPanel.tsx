// Comparisons kept in the history (only those run with "keep" on): open one to read it again or continue it, or
// delete it. Votes already cast stay in the leaderboard.
import { useId, useState } from 'react';
import { useAppStore } from '../../app/stores';
import { formatRelativeTime } from '../../format/time';
import { ConfirmButton } from '../../ui/ConfirmButton';
import { FormError } from '../../ui/FormError';
import { ResourceView } from '../../ui/states';

export function HistoryPanel() {
  const history = useAppStore('playgroundRecords', (state) => state.history);
  const refreshHistory = useAppStore('playgroundRecords', (state) => state.refreshHistory);
  const openComparison = useAppStore('playgroundRecords', (state) => state.openComparison);
  const deleteComparison = useAppStore('playgroundRecords', (state) => state.deleteComparison);
  const open = useAppStore('playground', (state) => state.open);
  const [error, setError] = useState<unknown>(null);
  const fieldId = useId();
  const now = Date.now();
  const show = async (id: string): Promise<void> => {
    setError(null);
    try {
      const stored = await openComparison(id);
      if (stored) open(stored);
      else setError(new Error('That comparison is no longer in the history.'));
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <section className="card history" aria-labelledby={`${fieldId}-title`}>
      <h2 id={`${fieldId}-title`}>History</h2>
      <FormError error={error} />
      <ResourceView
        resource={history}
        onRetry={() => void refreshHistory()}
        isEmpty={(list) => list.length === 0}
        empty={<p className="muted">Comparisons you keep show up here.</p>}
      >
        {(list) => (
          <ul className="history-list">
            {list.map((entry) => (
              <li key={entry.id} className="history-item" data-comparison={entry.id}>
                <div className="history-text">
                  <strong className="truncate">{entry.title || '(no prompt)'}</strong>
                  <span className="muted small">
                    {entry.models.join(' vs ')} · {entry.taskTag} · {entry.turns} turn{entry.turns === 1 ? '' : 's'} ·{' '}
                    {formatRelativeTime(entry.updatedAt, now)}
                    {entry.winner !== null && ` · ${entry.winner === 'tie' ? 'tie' : `won by ${entry.winner}`}`}
                  </span>
                </div>
                <div className="card-header-tags">
                  <button type="button" className="button" onClick={() => void show(entry.id)}>
                    Open
                  </button>
                  <ConfirmButton label="Delete" confirmLabel="Delete it" onConfirm={() => void deleteComparison(entry.id).catch(setError)} />
                </div>
              </li>
            ))}
          </ul>
        )}
      </ResourceView>
    </section>
  );
}
