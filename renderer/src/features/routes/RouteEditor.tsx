// Create or edit a route alias: name, ordered targets (searched in the providers' live model lists, or typed),
// fallbacks, policy.
import { useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import { useAppStore } from '../../app/stores';
import { Dialog } from '../../ui/Dialog';
import { FormError } from '../../ui/FormError';
import { ModelCombobox } from '../../ui/ModelCombobox';
import { addTarget, isModelReference, routeInputFromDraft, type RouteDraft } from './route-draft';
import { RouteLimitsFields } from './RouteLimitsFields';
import { TargetList } from './TargetList';

export function RouteEditor({ initial, editing, onClose }: { readonly initial: RouteDraft; readonly editing: boolean; readonly onClose: () => void }) {
  const catalog = useAppStore('models', (state) => state.options);
  const ensureCatalog = useAppStore('models', (state) => state.ensure);
  const save = useAppStore('routes', (state) => state.save);
  const [draft, setDraft] = useState<RouteDraft>(initial);
  const [candidate, setCandidate] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const fieldId = useId();
  useEffect(() => {
    void ensureCatalog();
  }, [ensureCatalog]);
  // a target is a provider's model (a route alias cannot be the target of another route)
  const chosen = new Set(draft.targets.map((target) => target.model));
  const modelOptions = useMemo(() => (catalog.data ?? []).filter((option) => option.kind === 'model'), [catalog.data]);
  const update = (changes: Partial<RouteDraft>): void => setDraft({ ...draft, ...changes });
  const addCandidate = (value: string = candidate): void => {
    if (!isModelReference(value)) {
      setError(new Error("A target is 'provider/model', e.g. ollama/qwen3:8b."));
      return;
    }
    setError(null);
    update({ targets: addTarget(draft.targets, value) });
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
            <input
              id={`${fieldId}-name`}
              required
              readOnly={editing}
              pattern="[A-Za-z0-9][A-Za-z0-9._:\-]{0,63}"
              value={draft.name}
              onChange={(event) => update({ name: event.target.value })}
              placeholder="fast"
            />
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
            <ModelCombobox
              label="Model to add"
              labelHidden
              value={candidate}
              onValueChange={setCandidate}
              onCommit={addCandidate}
              options={modelOptions.filter((option) => !chosen.has(option.value))}
              loading={catalog.loading}
              onOpen={() => void ensureCatalog()}
              placeholder="Search the providers' models, or type provider/model"
            />
            <button type="button" className="button" onClick={() => addCandidate()}>
              Add target
            </button>
          </div>
        </fieldset>
        <div className="field">
          <label htmlFor={`${fieldId}-fallbacks`}>Fallbacks after every target failed (optional, comma-separated)</label>
          <input
            id={`${fieldId}-fallbacks`}
            value={draft.fallbacks}
            onChange={(event) => update({ fallbacks: event.target.value })}
            placeholder="ollama/qwen3:8b"
          />
        </div>
        <RouteLimitsFields value={draft.limits} onChange={(limits) => update({ limits })} />
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
