// How long the per-request log is kept (ledger.retention_days in the config): every row by default, or a number of
// days after which rows are deleted while the dashboard's totals and charts keep them. Applies at once.
import { useId, useState } from 'react';
import type { SettingsDto } from '../../../../shared/control/contract';
import { useAppStore } from '../../app/stores';
import { FormStatus } from '../../ui/FormError';
import { SettingsCard } from './SettingsCard';

function RequestLogForm({ settings }: { readonly settings: SettingsDto }) {
  const save = useAppStore('settings', (state) => state.saveSettings);
  const current = settings.requestRetentionDays;
  const [days, setDays] = useState(current === null ? '' : String(current));
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const fieldId = useId();
  const wanted = days.trim() === '' ? null : Number(days);
  return (
    <form
      className="form"
      onSubmit={(event) => {
        event.preventDefault();
        setError(null);
        setDone(null);
        save({ requestRetentionDays: wanted }).then(
          () => setDone(wanted === null ? 'Every request is kept.' : `Requests older than ${wanted} day(s) are deleted; totals and charts keep them.`),
          (failure: unknown) => setError(failure),
        );
      }}
    >
      <p className="hint">
        The ledger keeps one row per request for the Logs page. Leave this empty to keep every row, or give a number of days: older rows are deleted (hourly, a
        few hundred at a time), while the dashboard’s totals and charts for those days stay as they were.
      </p>
      <div className="field-row">
        <div className="field field-narrow">
          <label htmlFor={`${fieldId}-days`}>Keep requests (days)</label>
          <input id={`${fieldId}-days`} type="number" min={1} max={36500} placeholder="all" value={days} onChange={(event) => setDays(event.target.value)} />
        </div>
        <button type="submit" className="button" disabled={wanted === current}>
          Save
        </button>
      </div>
      <FormStatus error={error} saved={done} />
    </form>
  );
}

export function RequestLogSection() {
  return (
    <SettingsCard id="request-log-title" title="Request log">
      {(loaded) => <RequestLogForm settings={loaded} />}
    </SettingsCard>
  );
}
