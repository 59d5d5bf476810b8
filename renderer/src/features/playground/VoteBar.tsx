// "Which answer is best?" once a turn has finished: one button per column (by its blind label) and Tie. The vote
// goes to the leaderboard of the comparison's task tag and reveals who was who.
import { useAppStore } from '../../app/stores';
import type { ColumnState } from './playground-types';

export function VoteBar({
  columns,
  labelOf,
}: {
  readonly columns: readonly ColumnState[];
  readonly labelOf: (column: ColumnState, position: number) => string;
}) {
  const comparison = useAppStore('playground', (state) => state.comparison);
  const vote = useAppStore('playground', (state) => state.vote);
  const showLeaderboard = useAppStore('playgroundRecords', (state) => state.showLeaderboard);
  const refreshHistory = useAppStore('playgroundRecords', (state) => state.refreshHistory);
  if (!comparison) return null;
  const cast = async (winner: string): Promise<void> => {
    await vote(winner);
    await Promise.all([showLeaderboard(comparison.taskTag), refreshHistory()]);
  };
  const chosen = comparison.vote;
  return (
    <div className="vote-bar" role="group" aria-label="Vote for the best answer">
      {chosen === null ? (
        <>
          <span className="vote-question">Which answer is best?</span>
          {columns.map((column, position) => (
            <button key={column.key} type="button" className="button" onClick={() => void cast(column.key)}>
              {labelOf(column, position)} is best
            </button>
          ))}
          <button type="button" className="button button-quiet" onClick={() => void cast('tie')}>
            Tie
          </button>
        </>
      ) : (
        <span data-testid="vote-result">
          {chosen === 'tie' ? 'You called it a tie' : `You picked ${columns.find((column) => column.key === chosen)?.model ?? 'an answer'}`} — counted in the “
          {comparison.taskTag}” leaderboard.
        </span>
      )}
    </div>
  );
}
