// Two to six models to compare: any provider/model or route alias, picked from the providers' model lists and the
// routes, or typed. Each is a chip with its own remove button.
import { useId, useState } from 'react';
import { useAppStore } from '../../app/stores';
import { maximumModels } from './playground-types';

export function ModelPicker({ models, onChange, disabled }: { readonly models: readonly string[]; readonly onChange: (models: string[]) => void; readonly disabled: boolean }) {
  const suggestions = useAppStore('playgroundRecords', (state) => state.suggestions);
  const [candidate, setCandidate] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const fieldId = useId();
  const add = (): void => {
    const name = candidate.trim();
    if (name === '') return;
    if (/\s/.test(name)) setProblem('A model name has no spaces: provider/model, or a route alias.');
    else if (models.includes(name)) setProblem(`${name} is already in the comparison.`);
    else if (models.length >= maximumModels) setProblem(`At most ${maximumModels} models at once.`);
    else {
      onChange([...models, name]);
      setCandidate('');
      setProblem(null);
    }
  };
  return (
    <fieldset className="field model-picker">
      <legend>Models (2 to {maximumModels})</legend>
      <ul className="model-chips" aria-label="Models to compare">
        {models.map((model) => (
          <li key={model} className="model-chip">
            <code>{model}</code>
            <button type="button" className="icon-button" aria-label={`Remove ${model}`} disabled={disabled} onClick={() => onChange(models.filter((entry) => entry !== model))}>
              ×
            </button>
          </li>
        ))}
        {models.length === 0 && <li className="muted">None yet.</li>}
      </ul>
      <div className="add-target">
        <label htmlFor={`${fieldId}-model`} className="visually-hidden">
          Model to compare
        </label>
        <input
          id={`${fieldId}-model`}
          list={`${fieldId}-suggestions`}
          value={candidate}
          placeholder="provider/model or a route alias"
          disabled={disabled}
          onChange={(event) => setCandidate(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter') {
              event.preventDefault();
              add();
            }
          }}
        />
        <datalist id={`${fieldId}-suggestions`}>
          {suggestions.map((name) => (
            <option key={name} value={name} />
          ))}
        </datalist>
        <button type="button" className="button" disabled={disabled || models.length >= maximumModels} onClick={add}>
          Add model
        </button>
      </div>
      {problem && (
        <p className="form-error" role="alert">
          {problem}
        </p>
      )}
    </fieldset>
  );
}
