// Port, offline mode, start at login, and how savings are priced. Each control saves on its own; the port takes
// effect after a restart, which the form says.
import { useId, useState } from 'react';
import type { SettingsDto } from '../../../../shared/control/contract';
import { useAppStore } from '../../app/stores';
import { FormStatus } from '../../ui/FormError';
import { SettingsCard } from './SettingsCard';

type OfflineChoice = 'auto' | 'on' | 'off';

function GeneralForm({ settings }: { readonly settings: SettingsDto }) {
  const save = useAppStore('settings', (state) => state.saveSettings);
  const mode = useAppStore('connection', (state) => state.mode);
  const [port, setPort] = useState(String(settings.port));
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const fieldId = useId();
  const apply = (changes: Parameters<typeof save>[0], message: string): void => {
    setError(null);
    setSaved(null);
    save(changes).then(
      () => setSaved(message),
      (failure: unknown) => setError(failure),
    );
  };
  const offline: OfflineChoice = settings.offline === null ? 'auto' : settings.offline ? 'on' : 'off';
  return (
    <div className="form">
      <form
        className="field-row"
        onSubmit={(event) => {
          event.preventDefault();
          apply({ port: Number(port) }, `Port ${port} saved; it applies the next time Switchyard starts.`);
        }}
      >
        <div className="field field-narrow">
          <label htmlFor={`${fieldId}-port`}>Port</label>
          <input id={`${fieldId}-port`} type="number" min={1} max={65535} required value={port} onChange={(event) => setPort(event.target.value)} />
          <p className="hint">Listening on {settings.host}. A new port applies after a restart.</p>
        </div>
        <button type="submit" className="button" disabled={Number(port) === settings.port}>
          Save port
        </button>
      </form>
      <fieldset className="choice-row">
        <legend>Offline mode</legend>
        {(
          [
            ['auto', 'Automatic (local only when no cloud provider answers)'],
            ['on', 'On: local models only'],
            ['off', 'Off: use the cloud too'],
          ] as const
        ).map(([value, label]) => (
          <label key={value}>
            <input
              type="radio"
              name="offline"
              checked={offline === value}
              onChange={() => apply({ offline: value === 'auto' ? null : value === 'on' }, 'Offline mode saved.')}
            />{' '}
            {label}
          </label>
        ))}
      </fieldset>
      <label className="checkbox">
        <input type="checkbox" checked={settings.autoOffline} onChange={(event) => apply({ autoOffline: event.target.checked }, 'Saved.')} /> Switch to local
        only by itself when no cloud provider is reachable
      </label>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={settings.startAtLogin}
          disabled={mode === 'browser'}
          onChange={(event) => apply({ startAtLogin: event.target.checked }, 'Saved.')}
        />{' '}
        Start Switchyard at login {mode === 'browser' && <span className="muted small">(desktop app only)</span>}
      </label>
      <label className="checkbox">
        <input type="checkbox" checked={settings.priceRefresh} onChange={(event) => apply({ priceRefresh: event.target.checked }, 'Saved.')} /> Refresh model
        prices from the public catalogue once a day
      </label>
      {settings.ollamaApi && (
        <label className="checkbox">
          <input
            type="checkbox"
            checked={settings.ollamaApi.enabled}
            onChange={(event) =>
              apply(
                { ollamaApi: { enabled: event.target.checked } },
                event.target.checked ? 'The Ollama-compatible API is on.' : 'The Ollama-compatible API is off.',
              )
            }
          />{' '}
          Serve the Ollama-compatible API (<code>/api/*</code>) for tools that speak only Ollama; on this computer they need no token and are filed as{' '}
          <code>ollama-api</code>
          {settings.ollamaApi.port !== null && <span className="muted small"> (also on port {settings.ollamaApi.port}, opened at start)</span>}
        </label>
      )}
      <p className="hint">
        “Saved by running locally” prices local tokens as if they had gone to <code>{settings.referenceModel}</code>.
      </p>
      <FormStatus error={error} saved={saved} />
    </div>
  );
}

export function GeneralSection() {
  return (
    <SettingsCard id="general-title" title="General">
      {(loaded) => <GeneralForm key={`${loaded.port}`} settings={loaded} />}
    </SettingsCard>
  );
}
