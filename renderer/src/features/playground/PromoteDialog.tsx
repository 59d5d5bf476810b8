// "Use this": the winning column's provider/model becomes a route in one step — a new alias that sends there, or
// an existing alias with it put first (its current targets stay behind it as fallbacks). Saved to the config file
// through routes.save, live at once.
import { useId, useState, type FormEvent } from 'react';
import { useAppStore } from '../../app/stores';
import { Dialog } from '../../ui/Dialog';
import { FormError } from '../../ui/FormError';
import { promotedRoute } from './promote';

const aliasPattern = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

export function PromoteDialog({ target, onClose }: { readonly target: string; readonly onClose: () => void }) {
  const routes = useAppStore('playgroundRecords', (state) => state.routes);
  const promote = useAppStore('playgroundRecords', (state) => state.promote);
  const refreshRoutes = useAppStore('routes', (state) => state.refresh);
  const [mode, setMode] = useState<'new' | 'existing'>('new');
  const [alias, setAlias] = useState('');
  const [existing, setExisting] = useState(routes[0]?.name ?? '');
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const fieldId = useId();
  const name = mode === 'new' ? alias.trim() : existing;
  const current = routes.find((route) => route.name === name);
  const preview = name === '' ? [] : promotedRoute(name, target, current).targets.map((entry) => entry.model);
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (!aliasPattern.test(name)) return setError(new Error('An alias is letters, digits, ".", "_", ":" or "-", without "/".'));
    if (mode === 'new' && current) return setError(new Error(`A route named ${name} exists already: choose “Put first in an existing route”.`));
    setBusy(true);
    setError(null);
    try {
      const saved = await promote(name, target);
      setDone(`Route ${saved.name} now sends to ${target} first.`);
      void refreshRoutes();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog title="Use this model for a route" open onClose={onClose}>
      {done ? (
        <div>
          <p role="status" data-testid="promoted">
            {done} Tools asking for <code>{name}</code> get it from the next request on.
          </p>
          <div className="form-actions">
            <button type="button" className="button button-primary" onClick={onClose}>
              Done
            </button>
          </div>
        </div>
      ) : (
        <form className="form" onSubmit={(event) => void submit(event)}>
          <p>
            <code>{target}</code> answered this column.
          </p>
          <fieldset className="choice-row">
            <legend>Route</legend>
            <label className="checkbox">
              <input type="radio" name={`${fieldId}-mode`} checked={mode === 'new'} onChange={() => setMode('new')} />A new route
            </label>
            <label className="checkbox">
              <input type="radio" name={`${fieldId}-mode`} checked={mode === 'existing'} disabled={routes.length === 0} onChange={() => setMode('existing')} />
              Put first in an existing route
            </label>
          </fieldset>
          {mode === 'new' ? (
            <div className="field">
              <label htmlFor={`${fieldId}-alias`}>Alias</label>
              <input id={`${fieldId}-alias`} value={alias} required placeholder="best-for-code" onChange={(event) => setAlias(event.target.value)} />
            </div>
          ) : (
            <div className="field">
              <label htmlFor={`${fieldId}-existing`}>Existing route</label>
              <select id={`${fieldId}-existing`} value={existing} onChange={(event) => setExisting(event.target.value)}>
                {routes.map((route) => (
                  <option key={route.name} value={route.name}>
                    {route.name}
                  </option>
                ))}
              </select>
            </div>
          )}
          {preview.length > 0 && (
            <p className="hint" data-testid="promote-preview">
              Targets in order: {preview.join(' → ')}
            </p>
          )}
          <FormError error={error} />
          <div className="form-actions">
            <button type="button" className="button" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" className="button button-primary" disabled={busy || name === ''}>
              Save route
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
