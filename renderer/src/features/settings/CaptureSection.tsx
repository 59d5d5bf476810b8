// Body capture: a switch, how many days captured bodies are kept, what is stored, and deleting them all now. The
// settings are written to the config file (ledger.capture) and apply at once.
import { useId, useState } from 'react';
import type { SettingsDto } from '../../../../shared/control/contract';
import { useAppStore } from '../../app/stores';
import { ConfirmButton } from '../../ui/ConfirmButton';
import { FormStatus } from '../../ui/FormError';
import { SettingsCard } from './SettingsCard';

function CaptureForm({ settings }: { readonly settings: SettingsDto }) {
  const save = useAppStore('settings', (state) => state.saveSettings);
  const purge = useAppStore('settings', (state) => state.purgeCaptures);
  const capture = settings.capture;
  const [days, setDays] = useState(String(capture.retentionDays));
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const fieldId = useId();
  const run = (work: () => Promise<string>): void => {
    setError(null);
    setDone(null);
    work().then(setDone, (failure: unknown) => setError(failure));
  };
  const limitKiB = Math.round(capture.maxBytesPerRequest / 1024);
  return (
    <div className="form">
      <p className="hint">
        When on, Switchyard stores each request’s body and the answer as delivered (a streamed answer as its text) in the ledger on this computer, with keys,
        tokens and anything key-shaped masked, up to {limitKiB} KiB per request, for {capture.retentionDays} day{capture.retentionDays === 1 ? '' : 's'}.
        Headers are never stored. Off, nothing is stored; what was captured stays until it expires, unless you delete it.
      </p>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={capture.enabled}
          onChange={(event) => {
            const enabled = event.target.checked;
            run(async () => {
              await save({ capture: { enabled } });
              return enabled ? 'Capture is on for new requests.' : 'Capture is off.';
            });
          }}
        />{' '}
        Capture request and response bodies
      </label>
      <form
        className="field-row"
        onSubmit={(event) => {
          event.preventDefault();
          run(async () => {
            await save({ capture: { retentionDays: Number(days) } });
            return `Captured bodies are kept ${days} day(s).`;
          });
        }}
      >
        <div className="field field-narrow">
          <label htmlFor={`${fieldId}-days`}>Keep captured bodies (days)</label>
          <input id={`${fieldId}-days`} type="number" min={1} max={3650} required value={days} onChange={(event) => setDays(event.target.value)} />
        </div>
        <button type="submit" className="button" disabled={Number(days) === capture.retentionDays}>
          Save retention
        </button>
      </form>
      <div>
        <ConfirmButton
          label="Delete captured bodies…"
          confirmLabel="Delete all captured bodies"
          onConfirm={() =>
            run(async () => {
              const deleted = await purge();
              return `Deleted the captured bodies of ${deleted} request${deleted === 1 ? '' : 's'}.`;
            })
          }
        />
      </div>
      <FormStatus error={error} saved={done} />
    </div>
  );
}

export function CaptureSection() {
  return (
    <SettingsCard id="capture-title" title="Request capture">
      {(loaded) => <CaptureForm settings={loaded} />}
    </SettingsCard>
  );
}
