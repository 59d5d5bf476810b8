// The personal leaderboard: the user's votes fitted with Bradley–Terry, per task tag or over all of them, each
// rating with its 95% interval (wide after a few votes, narrowing as they accumulate) and the raw record.
import { useId } from 'react';
import { useAppStore } from '../../app/stores';
import { formatCount } from '../../format/numbers';
import { ResourceView } from '../../ui/states';

export function LeaderboardPanel() {
  const leaderboard = useAppStore('playgroundRecords', (state) => state.leaderboard);
  const tag = useAppStore('playgroundRecords', (state) => state.leaderboardTag);
  const show = useAppStore('playgroundRecords', (state) => state.showLeaderboard);
  const fieldId = useId();
  const tags = leaderboard.data?.tags ?? [];
  return (
    <section className="card leaderboard" aria-labelledby={`${fieldId}-title`}>
      <div className="card-header">
        <h2 id={`${fieldId}-title`}>Leaderboard</h2>
        <div className="field">
          <label htmlFor={`${fieldId}-tag`} className="visually-hidden">
            Leaderboard task tag
          </label>
          <select id={`${fieldId}-tag`} value={tag ?? ''} onChange={(event) => void show(event.target.value === '' ? null : event.target.value)}>
            <option value="">All tags</option>
            {tags.map((entry) => (
              <option key={entry.tag} value={entry.tag}>
                {entry.tag} ({entry.votes})
              </option>
            ))}
            {tag !== null && !tags.some((entry) => entry.tag === tag) && <option value={tag}>{tag} (0)</option>}
          </select>
        </div>
      </div>
      <ResourceView
        resource={leaderboard}
        onRetry={() => void show(tag)}
        isEmpty={(board) => board.models.length === 0}
        empty={<p className="muted">No votes{tag === null ? '' : ` for “${tag}”`} yet. Vote for the best answer after a comparison, ideally in blind mode.</p>}
      >
        {(board) => (
          <>
            <table className="data-table compact" data-testid="leaderboard">
              <caption className="visually-hidden">Models ranked by your votes</caption>
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Model</th>
                  <th scope="col">Rating (95%)</th>
                  <th scope="col">Won · lost · tied</th>
                  <th scope="col">Votes</th>
                </tr>
              </thead>
              <tbody>
                {board.models.map((entry, index) => (
                  <tr key={entry.model} data-model={entry.model}>
                    <td>{index + 1}</td>
                    <th scope="row">
                      <code>{entry.model}</code>
                    </th>
                    <td data-testid="rating">
                      {Math.round(entry.rating)} <span className="muted">± {Math.round(entry.uncertainty)}</span>
                    </td>
                    <td>
                      {entry.wins} · {entry.losses} · {entry.ties}
                    </td>
                    <td data-testid="votes">{formatCount(entry.votes)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="hint">
              {formatCount(board.votes)} vote{board.votes === 1 ? '' : 's'}. Bradley–Terry ratings on the Elo scale (1000 = average); ± is the 95% interval,
              which narrows as you vote.
            </p>
          </>
        )}
      </ResourceView>
    </section>
  );
}
