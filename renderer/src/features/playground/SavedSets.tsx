// Saved comparison sets: models, system prompt, parameters and task tag under a name, to run the same comparison
// again later. Loading one fills the form; the prompt stays what it is.
import { useId, useState } from 'react';
import type { PlaygroundSetDto } from '../../../../shared/control/contract';
import { useAppStore } from '../../app/stores';
import { ConfirmButton } from '../../ui/ConfirmButton';
import { FormError } from '../../ui/FormError';
import { minimumModels } from './playground-types';

const noSets: readonly PlaygroundSetDto[] = [];

export function SavedSets({ disabled }: { readonly disabled: boolean }) {
  const sets = useAppStore('playgroundRecords', (state) => state.sets.data ?? noSets);
  const saveSet = useAppStore('playgroundRecords', (state) => state.saveSet);
  const deleteSet = useAppStore('playgroundRecords', (state) => state.deleteSet);
  const draft = useAppStore('playground', (state) => state.draft);
  const update = useAppStore('playground', (state) => state.update);
  const [selected, setSelected] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const fieldId = useId();
  const load = (setName: string): void => {
    setSelected(setName);
    const set = sets.find((entry) => entry.name === setName);
    if (set) update({ models: set.models, systemPrompt: set.systemPrompt, parameters: set.parameters, taskTag: set.taskTag });
  };
  const save = async (): Promise<void> => {
    setError(null);
    setSaved(null);
    try {
      await saveSet({
        name: name.trim(),
        models: [...draft.models],
        systemPrompt: draft.systemPrompt,
        parameters: draft.parameters,
        taskTag: draft.taskTag.trim() || 'general',
      });
      setSaved(`Saved “${name.trim()}”.`);
      setSelected(name.trim());
      setName('');
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <div className="saved-sets field-row">
      <div className="field">
        <label htmlFor={`${fieldId}-load`}>Saved set</label>
        <select id={`${fieldId}-load`} value={selected} disabled={disabled || sets.length === 0} onChange={(event) => load(event.target.value)}>
          <option value="">{sets.length === 0 ? 'None saved yet' : 'Choose a set…'}</option>
          {sets.map((set) => (
            <option key={set.name} value={set.name}>
              {set.name} ({set.models.length} models)
            </option>
          ))}
        </select>
      </div>
      {selected !== '' && (
        <ConfirmButton
          label="Delete set"
          confirmLabel={`Delete ${selected}`}
          disabled={disabled}
          onConfirm={() => void deleteSet(selected).then(() => setSelected(''), setError)}
        />
      )}
      <div className="field">
        <label htmlFor={`${fieldId}-name`}>Save these models and settings as</label>
        <input id={`${fieldId}-name`} value={name} maxLength={80} placeholder="a name" disabled={disabled} onChange={(event) => setName(event.target.value)} />
      </div>
      <button type="button" className="button" disabled={disabled || name.trim() === '' || draft.models.length < minimumModels} onClick={() => void save()}>
        Save set
      </button>
      {saved && <p className="form-saved">{saved}</p>}
      <FormError error={error} />
    </div>
  );
}
