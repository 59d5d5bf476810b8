// Create or edit a route alias: name, ordered targets (from the providers' models, or typed), fallbacks, policy.
import { useId, useState, type FormEvent } from 'react';
import { useAppStore } from '../../app/stores';
import { Dialog } from '../../ui/Dialog';
import { FormError } from '../../ui/FormError';
import { addTarget, isModelReference, routeInputFromDraft, type RouteDraft } from './route-draft';
import { TargetList } from './TargetList';

export function RouteEditor({ initial, editing, onClose }: { readonly initial: RouteDraft; readonly editing: boolean; readonly onClose: () => void }) {
  const knownModels = useAppStore('routes', (state) => state.knownModels);
  const save = useAppStore('routes', (state) => state.save);
  const [draft, setDraft] = useState<RouteDraft>(initial);
  const [candidate, setCandidate] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const fieldId = useId();
  const update = (changes: Partial<RouteDraft>): void => setDraft({ ...draft, ...changes });
  const addCandidate = (): void => {
    if (!isModelReference(candidate)) {
      setError(new Error("A target is 'provider/model', e.g. ollama/qwen3:8b."));
      return;
    }
    setError(null);
    update({ targets: addTarget(draft.targets, candidate) });
    setCandidate('');
  };
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (draft.targets.length === 0) {
      setError(new Error('Add at least one target.'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await save(routeInputFromDraft(draft));
      onClose();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog title={editing ? `Edit route ${initial.name}` : 'New route'} open onClose={onClose} className="dialog-wide">
      <form className="form" onSubmit={(event) => void submit(event)}>
        <div className="field-row field-row-top">
          <div className="field">
            <label htmlFor={`${fieldId}-name`}>Alias</label>
            <input id={`${fieldId}-name`} required readOnly={editing} pattern="[A-Za-z0-9][A-Za-z0-9._:\-]{0,63}" value={draft.name} onChange={(event) => update({ name: event.target.value })} placeholder="fast" />
            <p className="hint">Tools ask for this name as their model.</p>
          </div>
          <div className="field">
            <label htmlFor={`${fieldId}-prefer`}>Preference</label>
            <select id={`${fieldId}-prefer`} value={draft.prefer} onChange={(event) => update({ prefer: event.target.value as RouteDraft['prefer'] })}>
              <option value="order">In the order below</option>
              <option value="local">Local first while it is up</option>
              <option value="cloud">Cloud first</option>
            </select>
          </div>
        </div>
        <div className="field">
          <label htmlFor={`${fieldId}-description`}>Description (optional)</label>
          <input id={`${fieldId}-description`} value={draft.description} onChange={(event) => update({ description: event.target.value })} />
        </div>
        <fieldset className="field">
          <legend>Targets</legend>
          <p className="hint">Tried top to bottom; drag to reorder, or use the arrow buttons.</p>
          <TargetList targets={draft.targets} onChange={(targets) => update({ targets })} />
          <div className="add-target">
            <label htmlFor={`${fieldId}-candidate`} className="visually-hidden">
              Model to add
            </label>
            <input
              id={`${fieldId}-candidate`}
              list={`${fieldId}-models`}
              value={candidate}
              placeholder="provider/model"
              onChange={(event) => setCandidate(event.target.value)}
              onKeyDown={(event) => {
                if (event.key === 'Enter') {
                  event.preventDefault();
                  addCandidate();
                }
              }}
            />
            <datalist id={`${fieldId}-models`}>
              {knownModels.map((model) => (
                <option key={model} value={model} />
              ))}
            </datalist>
            <button type="button" className="button" onClick={addCandidate}>
              Add target
            </button>
          </div>
        </fieldset>
        <div className="field">
          <label htmlFor={`${fieldId}-fallbacks`}>Fallbacks after every target failed (optional, comma-separated)</label>
          <input id={`${fieldId}-fallbacks`} value={draft.fallbacks} onChange={(event) => update({ fallbacks: event.target.value })} placeholder="ollama/qwen3:8b" />
        </div>
        <FormError error={error} />
        <div className="form-actions">
          <button type="button" className="button button-quiet" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? 'Saving…' : 'Save route'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
