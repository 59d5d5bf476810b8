// The playground: compare 2–6 models on one prompt, side by side, through the gateway itself — so every answer is
// routed, metered and priced like any tool's request — then vote, keep it, or turn the winner into a route.
import { useEffect, useState } from 'react';
import { useAppStore } from '../../app/stores';
import { PageHeader } from '../../ui/PageHeader';
import { ComparisonSetup } from './ComparisonSetup';
import { ComparisonView } from './ComparisonView';
import { HistoryPanel } from './HistoryPanel';
import { LeaderboardPanel } from './LeaderboardPanel';
import { LinkConfirmDialog } from './markdown/LinkConfirmDialog';
import type { ColumnState } from './playground-types';
import { PromoteDialog } from './PromoteDialog';
import { servedTarget } from './promote';
import './playground.css';

export function PlaygroundPage() {
  const refresh = useAppStore('playgroundRecords', (state) => state.refresh);
  const refreshHistory = useAppStore('playgroundRecords', (state) => state.refreshHistory);
  const finishedTurns = useAppStore('playground', (state) => `${state.comparison?.id ?? ''}:${state.comparison?.turn ?? 0}`);
  const [link, setLink] = useState<string | null>(null);
  const [promoting, setPromoting] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  // a finished turn was just kept: show it in the history
  useEffect(() => {
    if (!finishedTurns.endsWith(':0')) void refreshHistory();
  }, [finishedTurns, refreshHistory]);
  const promote = (column: ColumnState): void => {
    const target = servedTarget(column);
    if (target === null) setProblem(`${column.model} did not say which provider answered, so it cannot become a route target.`);
    else {
      setProblem(null);
      setPromoting(target);
    }
  };
  return (
    <>
      <PageHeader
        title="Playground"
        description="Compare models on your own prompts. Each answer goes through the gateway as the client “playground”: routed, metered and priced like any tool’s request."
      />
      <div className="playground">
        <ComparisonSetup />
        {problem && (
          <p className="form-error" role="alert">
            {problem}
          </p>
        )}
        <ComparisonView onLink={setLink} onPromote={promote} />
        <div className="playground-panels">
          <LeaderboardPanel />
          <HistoryPanel />
        </div>
      </div>
      <LinkConfirmDialog url={link} onClose={() => setLink(null)} />
      {promoting !== null && <PromoteDialog target={promoting} onClose={() => setPromoting(null)} />}
    </>
  );
}
