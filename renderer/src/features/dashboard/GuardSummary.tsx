// What stayed on this computer and what was not paid for twice, in the range: the requests each privacy detector
// fired on (by the action taken) and the answers the response cache gave, with what they saved.
import type { CallResponse } from '../../../../shared/control/contract';
import { formatUsd } from '../../format/money';
import { formatCount } from '../../format/numbers';

export function GuardSummary({ guard }: { readonly guard: CallResponse<'usage.guard'> }) {
  return (
    <section className="card" aria-labelledby="guard-title">
      <h2 id="guard-title">Privacy guard and cache</h2>
      {guard.detectors.length === 0 ? (
        <p className="muted">No detector fired in this range.</p>
      ) : (
        <ul className="guard-detectors">
          {guard.detectors.map((entry) => (
            <li key={`${entry.detector}-${entry.action}`}>
              <strong>{entry.detector}</strong> — {formatCount(entry.requests)} request{entry.requests === 1 ? '' : 's'} ({entry.action})
            </li>
          ))}
        </ul>
      )}
      <p data-testid="cache-hits">
        Answered from the response cache: {formatCount(guard.cacheHits)}, saving {formatUsd(guard.cacheSavedUsd)}
      </p>
    </section>
  );
}
