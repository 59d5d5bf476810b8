// Add a provider from a preset or as a custom OpenAI-compatible URL, optionally with its key. The key lives only in
// this form's state until it is sent to the keychain, then the form is cleared: it is never shown again.
import { useId, useState, type FormEvent } from 'react';
import type { PresetDto, ProviderInput } from '../../../../shared/control/contract';
import { useAppStore } from '../../app/stores';
import { Dialog } from '../../ui/Dialog';
import { FormError } from '../../ui/FormError';

type Kind = 'preset' | 'custom';

export function AddProviderDialog({ open, onClose }: { readonly open: boolean; readonly onClose: () => void }) {
  const presets = useAppStore('providers', (state) => state.presets);
  const existing = useAppStore('providers', (state) => state.providers.data);
  const add = useAppStore('providers', (state) => state.add);
  const [kind, setKind] = useState<Kind>('preset');
  const [presetId, setPresetId] = useState('');
  const [id, setId] = useState('');
  const [baseUrl, setBaseUrl] = useState('');
  const [locality, setLocality] = useState<'local' | 'cloud'>('cloud');
  const [models, setModels] = useState('');
  const [key, setKey] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const fieldId = useId();
  const preset: PresetDto | undefined = presets.find((candidate) => candidate.id === presetId);
  const taken = new Set((existing ?? []).map((provider) => provider.id));

  const reset = (): void => {
    setKind('preset');
    setPresetId('');
    setId('');
    setBaseUrl('');
    setLocality('cloud');
    setModels('');
    setKey('');
    setError(null);
  };
  const close = (): void => {
    reset();
    onClose();
  };
  const choosePreset = (value: string): void => {
    setPresetId(value);
    // a second account of the same preset needs an id of its own
    if (id === '' || presets.some((candidate) => candidate.id === id)) setId(taken.has(value) ? `${value}-2` : value);
  };
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const modelList = models
      .split(',')
      .map((model) => model.trim())
      .filter((model) => model !== '');
    const input: ProviderInput =
      kind === 'preset'
        ? { id: id.trim(), preset: presetId, ...(key !== '' ? { key } : {}) }
        : {
            id: id.trim(),
            type: 'openai-compatible',
            baseUrl: baseUrl.trim(),
            locality,
            ...(modelList.length > 0 ? { models: modelList } : {}),
            ...(key !== '' ? { key } : {}),
          };
    setBusy(true);
    setError(null);
    try {
      await add(input);
      close();
    } catch (failure) {
      setError(failure);
    } finally {
      setKey(''); // whatever happened, the key does not stay in the form
      setBusy(false);
    }
  };

  const needsKey = kind === 'custom' || preset?.keyEnv !== null;
  return (
    <Dialog title="Add a provider" open={open} onClose={close}>
      <form className="form" onSubmit={(event) => void submit(event)}>
        <fieldset className="choice-row">
          <legend>Kind</legend>
          <label>
            <input type="radio" name="kind" checked={kind === 'preset'} onChange={() => setKind('preset')} /> A known provider
          </label>
          <label>
            <input type="radio" name="kind" checked={kind === 'custom'} onChange={() => setKind('custom')} /> Custom OpenAI-compatible URL
          </label>
        </fieldset>
        {kind === 'preset' ? (
          <div className="field">
            <label htmlFor={`${fieldId}-preset`}>Provider</label>
            <select id={`${fieldId}-preset`} value={presetId} required onChange={(event) => choosePreset(event.target.value)}>
              <option value="">Choose…</option>
              {presets.map((candidate) => (
                <option key={candidate.id} value={candidate.id}>
                  {candidate.label} ({candidate.locality === 'local' ? 'local' : 'cloud'})
                </option>
              ))}
            </select>
            {preset && <p className="hint">{preset.baseUrl}</p>}
          </div>
        ) : (
          <>
            <div className="field">
              <label htmlFor={`${fieldId}-url`}>Base URL</label>
              <input
                id={`${fieldId}-url`}
                type="url"
                required
                placeholder="http://127.0.0.1:8000/v1"
                value={baseUrl}
                onChange={(event) => setBaseUrl(event.target.value)}
              />
            </div>
            <fieldset className="choice-row">
              <legend>Runs</legend>
              <label>
                <input type="radio" name="locality" checked={locality === 'local'} onChange={() => setLocality('local')} /> On this machine or network (local)
              </label>
              <label>
                <input type="radio" name="locality" checked={locality === 'cloud'} onChange={() => setLocality('cloud')} /> In the cloud
              </label>
            </fieldset>
            <div className="field">
              <label htmlFor={`${fieldId}-models`}>Models (optional, comma-separated)</label>
              <input id={`${fieldId}-models`} value={models} onChange={(event) => setModels(event.target.value)} placeholder="llama-3.3-70b, qwen2.5-coder" />
            </div>
          </>
        )}
        <div className="field">
          <label htmlFor={`${fieldId}-id`}>Name</label>
          <input
            id={`${fieldId}-id`}
            required
            pattern="[a-z0-9][a-z0-9_.\-]{0,63}"
            value={id}
            onChange={(event) => setId(event.target.value)}
            aria-describedby={`${fieldId}-id-hint`}
          />
          <p className="hint" id={`${fieldId}-id-hint`}>
            Lowercase; used in model names, e.g. <code>{id || 'name'}/model</code>.
          </p>
        </div>
        {needsKey && (
          <div className="field">
            <label htmlFor={`${fieldId}-key`}>API key {kind === 'custom' ? '(if the server needs one)' : ''}</label>
            <input
              id={`${fieldId}-key`}
              type="password"
              autoComplete="off"
              spellCheck={false}
              value={key}
              onChange={(event) => setKey(event.target.value)}
              aria-describedby={`${fieldId}-key-hint`}
            />
            <p className="hint" id={`${fieldId}-key-hint`}>
              Stored in the system keychain. It is never shown again, only its last four characters.
            </p>
          </div>
        )}
        <FormError error={error} />
        <div className="form-actions">
          <button type="button" className="button button-quiet" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? 'Adding…' : 'Add provider'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
