// Sampling parameters sent with every column's request; an empty field leaves the provider's default.
import { useId } from 'react';
import type { PlaygroundParametersDto } from '../../../../shared/control/contract';

interface NumberField {
  readonly key: keyof PlaygroundParametersDto;
  readonly label: string;
  readonly min: number;
  readonly max: number;
  readonly step: number;
  readonly placeholder: string;
}

const fields: readonly NumberField[] = [
  { key: 'temperature', label: 'Temperature', min: 0, max: 2, step: 0.1, placeholder: 'default' },
  { key: 'maxTokens', label: 'Max tokens', min: 1, max: 1_000_000, step: 1, placeholder: 'default' },
  { key: 'topP', label: 'Top p', min: 0, max: 1, step: 0.05, placeholder: 'default' },
];

export function ParametersFields({
  parameters,
  onChange,
  disabled,
}: {
  readonly parameters: PlaygroundParametersDto;
  readonly onChange: (parameters: PlaygroundParametersDto) => void;
  readonly disabled: boolean;
}) {
  const fieldId = useId();
  return (
    <>
      {fields.map((field) => (
        <div className="field field-number" key={field.key}>
          <label htmlFor={`${fieldId}-${field.key}`}>{field.label}</label>
          <input
            id={`${fieldId}-${field.key}`}
            type="number"
            inputMode="decimal"
            min={field.min}
            max={field.max}
            step={field.step}
            placeholder={field.placeholder}
            disabled={disabled}
            value={parameters[field.key] ?? ''}
            onChange={(event) => {
              const text = event.target.value;
              const value = text === '' ? null : Number(text);
              const valid = value === null || (Number.isFinite(value) && value >= field.min && value <= field.max);
              if (valid) onChange({ ...parameters, [field.key]: value === null || field.key !== 'maxTokens' ? value : Math.round(value) });
            }}
          />
        </div>
      ))}
    </>
  );
}
