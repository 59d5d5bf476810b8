// The route editor's rate limits: requests and tokens per minute and concurrent requests for this route, and whether
// a request over them waits in a short queue (up to a few seconds) instead of getting a 429 at once.
import { useId } from 'react';
import type { RouteLimitsDto } from '../../../../shared/control/contract';
import { LimitInputs } from '../../ui/LimitInputs';

export const defaultQueue = { maxWaitMs: 10_000, maxLength: 64 };

export function RouteLimitsFields({ value, onChange }: { readonly value: RouteLimitsDto; readonly onChange: (value: RouteLimitsDto) => void }) {
  const fieldId = useId();
  const { queue } = value;
  return (
    <fieldset className="field">
      <legend>Rate limits (optional)</legend>
      <LimitInputs id={`${fieldId}-limits`} label="Route rate limits" value={value} onChange={(limits) => onChange({ ...limits, queue })} />
      <div className="field-row">
        <label className="checkbox">
          <input type="checkbox" checked={queue !== null} onChange={(event) => onChange({ ...value, queue: event.target.checked ? defaultQueue : null })} />{' '}
          Over the limit, wait in a queue instead of a 429
        </label>
        {queue && (
          <div className="field">
            <label htmlFor={`${fieldId}-wait`}>Longest wait (seconds)</label>
            <input
              id={`${fieldId}-wait`}
              type="number"
              min={1}
              max={120}
              required
              value={Math.round(queue.maxWaitMs / 1000)}
              onChange={(event) =>
                onChange({ ...value, queue: { ...queue, maxWaitMs: Math.min(120, Math.max(1, Math.round(Number(event.target.value)))) * 1000 } })
              }
            />
          </div>
        )}
      </div>
    </fieldset>
  );
}
