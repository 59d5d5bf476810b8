// System / Light / Dark as a labelled group of toggle buttons.
import type { ThemePreference } from './theme-store';
import { useAppStore } from './stores';

const choices: ReadonlyArray<readonly [ThemePreference, string]> = [
  ['system', 'System'],
  ['light', 'Light'],
  ['dark', 'Dark'],
];

export function ThemeSwitch() {
  const preference = useAppStore('theme', (state) => state.preference);
  const choose = useAppStore('theme', (state) => state.choose);
  return (
    <div className="segmented" role="group" aria-label="Theme">
      {choices.map(([value, label]) => (
        <button key={value} type="button" aria-pressed={preference === value} onClick={() => choose(value)}>
          {label}
        </button>
      ))}
    </div>
  );
}
