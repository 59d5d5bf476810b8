// @vitest-environment happy-dom
// The date-range picker: presets apply at once; a custom range applies only when both days are valid.
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { byText, click, labelled, submitWith, typeInto } from '../test-support/render-app';
import { presetRange, type DateRange } from '../time/date-range';
import { DateRangePicker } from './DateRangePicker';

const now = new Date(2025, 2, 4, 12).getTime();

let root: Root | undefined;
afterEach(() => {
  act(() => root?.unmount());
  document.body.replaceChildren();
});

function render(onChange: (range: DateRange) => void): HTMLElement {
  const container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
  act(() => root?.render(<DateRangePicker value={presetRange('today', now)} onChange={onChange} now={() => now} />));
  return container;
}

describe('DateRangePicker', () => {
  it('applies a preset at once and marks it pressed', () => {
    const onChange = vi.fn();
    const container = render(onChange);
    expect(byText(container, 'button', 'Today')?.getAttribute('aria-pressed')).toBe('true');
    click(byText(container, 'button', '7 days'));
    expect(onChange).toHaveBeenCalledWith(presetRange('7d', now));
  });

  it('applies a custom range of whole days, and refuses a reversed one', () => {
    const onChange = vi.fn();
    const container = render(onChange);
    click(byText(container, 'button', 'Custom'));
    typeInto(labelled(container, 'From'), '2025-03-01');
    typeInto(labelled(container, 'To'), '2025-02-01');
    expect(byText<HTMLButtonElement>(container, 'button', 'Apply')?.disabled).toBe(true);
    typeInto(labelled(container, 'To'), '2025-03-02');
    submitWith(byText(container, 'button', 'Apply'));
    expect(onChange).toHaveBeenCalledWith({ preset: 'custom', from: new Date(2025, 2, 1).getTime(), to: new Date(2025, 2, 3).getTime() });
  });
});
