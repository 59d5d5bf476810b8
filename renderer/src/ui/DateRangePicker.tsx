// Today / 7 days / 30 days / Custom. Custom opens two date fields (inclusive days) applied together, so a half-typed
// range never triggers a load.
import { useId, useState } from 'react';
import { addDays, customRange, presetRange, rangePresetLabels, toDateInput, type DateRange, type RangePreset } from '../time/date-range';
import './date-range-picker.css';

const presets: readonly RangePreset[] = ['today', '7d', '30d', 'custom'];

export function DateRangePicker({
  value,
  onChange,
  now = Date.now,
}: {
  readonly value: DateRange;
  readonly onChange: (range: DateRange) => void;
  readonly now?: () => number;
}) {
  const [customOpen, setCustomOpen] = useState(value.preset === 'custom');
  const [from, setFrom] = useState(toDateInput(value.from));
  const [to, setTo] = useState(toDateInput(addDays(value.to, -1)));
  const fromId = useId();
  const toId = useId();
  const custom = customRange(from, to);
  const choose = (preset: RangePreset): void => {
    if (preset === 'custom') {
      setCustomOpen(true);
      return;
    }
    setCustomOpen(false);
    onChange(presetRange(preset, now()));
  };
  return (
    <div className="range-picker">
      <div className="segmented" role="group" aria-label="Date range">
        {presets.map((preset) => (
          <button
            key={preset}
            type="button"
            aria-pressed={preset === 'custom' ? customOpen : !customOpen && value.preset === preset}
            onClick={() => choose(preset)}
          >
            {rangePresetLabels[preset]}
          </button>
        ))}
      </div>
      {customOpen && (
        <form
          className="range-custom"
          onSubmit={(event) => {
            event.preventDefault();
            if (custom) onChange(custom);
          }}
        >
          <label htmlFor={fromId}>From</label>
          <input id={fromId} type="date" value={from} max={to} onChange={(event) => setFrom(event.target.value)} />
          <label htmlFor={toId}>To</label>
          <input id={toId} type="date" value={to} min={from} onChange={(event) => setTo(event.target.value)} />
          <button type="submit" className="button" disabled={custom === undefined}>
            Apply
          </button>
        </form>
      )}
    </div>
  );
}
