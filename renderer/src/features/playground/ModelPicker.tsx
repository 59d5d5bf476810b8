// Two to six models to compare: any provider/model or route alias, searched in the live model list (route aliases,
// each provider's models with context window and prices) or typed. Each is a chip with its own remove button.
import { useState } from 'react';
import { useAppStore } from '../../app/stores';
import { ModelCombobox } from '../../ui/ModelCombobox';
import { maximumModels } from './playground-types';

const noOptions: never[] = [];

export function ModelPicker({
  models,
  onChange,
  disabled,
}: {
  readonly models: readonly string[];
  readonly onChange: (models: string[]) => void;
  readonly disabled: boolean;
}) {
  const options = useAppStore('models', (state) => state.options.data ?? noOptions);
  const loading = useAppStore('models', (state) => state.options.loading);
  const ensure = useAppStore('models', (state) => state.ensure);
  const [candidate, setCandidate] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const add = (chosen: string): void => {
    const name = chosen.trim();
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
            <button
              type="button"
              className="icon-button"
              aria-label={`Remove ${model}`}
              disabled={disabled}
              onClick={() => onChange(models.filter((entry) => entry !== model))}
            >
              ×
            </button>
          </li>
        ))}
        {models.length === 0 && <li className="muted">None yet.</li>}
      </ul>
      <div className="add-target">
        <ModelCombobox
          label="Model to compare"
          labelHidden
          value={candidate}
          onValueChange={setCandidate}
          onCommit={add}
          options={options.filter((option) => !models.includes(option.value))}
          loading={loading}
          onOpen={() => void ensure()}
          placeholder="Search models and route aliases, or type provider/model"
          disabled={disabled}
        />
        <button type="button" className="button" disabled={disabled || models.length >= maximumModels} onClick={() => add(candidate)}>
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
