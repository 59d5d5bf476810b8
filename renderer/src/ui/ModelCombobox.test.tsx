// @vitest-environment happy-dom
// The model combobox as assistive technology and the keyboard meet it: a combobox that owns a listbox of grouped
// options, ↑/↓ moving the highlight (announced through aria-activedescendant), Enter taking the highlighted model
// or the typed name, Escape closing then clearing, and a click on an option taking it without losing focus.
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ModelOption } from '../features/models/model-catalog';
import { focus, press } from '../test-support/keyboard';
import { click, labelled, renderApp, typeInto, waitFor, type Rendered } from '../test-support/render-app';
import { ModelCombobox } from './ModelCombobox';

const options: ModelOption[] = [
  { value: 'smart', kind: 'route', group: 'Route aliases', detail: 'route → anthropic/claude-sonnet-4-5', locality: null },
  { value: 'ollama/qwen3:8b', kind: 'model', group: 'Ollama', detail: '41k context · free · local', locality: 'local' },
  { value: 'openai/gpt-4.1', kind: 'model', group: 'OpenAI', detail: '1M context · in $2.00 / M · out $8.00 / M · cloud', locality: 'cloud' },
  { value: 'openai/gpt-4.1-mini', kind: 'model', group: 'OpenAI', detail: '1M context · in $0.40 / M · out $1.60 / M · cloud', locality: 'cloud' },
];

let rendered: Rendered | undefined;
afterEach(() => {
  rendered?.unmount();
  rendered = undefined;
});

function Harness({ committed }: { readonly committed: string[] }) {
  const [value, setValue] = useState('');
  return <ModelCombobox label="Model" value={value} onValueChange={setValue} onCommit={(chosen) => committed.push(chosen)} options={options} />;
}

async function open(): Promise<{ container: HTMLElement; input: HTMLInputElement; committed: string[] }> {
  const committed: string[] = [];
  rendered = await renderApp({ element: <Harness committed={committed} /> });
  const input = labelled(rendered.container, 'Model');
  return { container: rendered.container, input, committed };
}

const listbox = (container: HTMLElement): HTMLElement => container.querySelector('[role="listbox"]') as HTMLElement;
const shownOptions = (container: HTMLElement): string[] =>
  listbox(container).hidden ? [] : [...listbox(container).querySelectorAll('[role="option"]')].map((option) => option.getAttribute('aria-label') ?? '');
const activeOption = (container: HTMLElement, input: HTMLInputElement): HTMLElement | null => {
  const id = input.getAttribute('aria-activedescendant');
  return id ? (container.ownerDocument.getElementById(id) as HTMLElement | null) : null;
};

describe('ModelCombobox', () => {
  it('is a combobox that controls a listbox, collapsed until focused', async () => {
    const { container, input } = await open();
    expect(input.getAttribute('role')).toBe('combobox');
    expect(input.getAttribute('aria-autocomplete')).toBe('list');
    expect(input.getAttribute('aria-controls')).toBe(listbox(container).id);
    expect(input.getAttribute('aria-expanded')).toBe('false');
    expect(shownOptions(container)).toEqual([]);
    focus(input);
    expect(input.getAttribute('aria-expanded')).toBe('true');
    expect(shownOptions(container)).toEqual(['smart', 'ollama/qwen3:8b', 'openai/gpt-4.1', 'openai/gpt-4.1-mini']);
    // grouped, each group named, each option described by its context window and prices
    const groups = [...listbox(container).querySelectorAll('[role="group"]')].map(
      (group) => container.ownerDocument.getElementById(group.getAttribute('aria-labelledby') ?? '')?.textContent,
    );
    expect(groups).toEqual(['Route aliases', 'Ollama', 'OpenAI']);
    const mini = listbox(container).querySelector('[aria-label="openai/gpt-4.1-mini"]') as HTMLElement;
    expect(container.ownerDocument.getElementById(mini.getAttribute('aria-describedby') ?? '')?.textContent).toBe(
      '1M context · in $0.40 / M · out $1.60 / M · cloud',
    );
  });

  it('filters as you type, on every word, in name, group and detail', async () => {
    const { container, input } = await open();
    focus(input);
    typeInto(input, 'gpt mini');
    expect(shownOptions(container)).toEqual(['openai/gpt-4.1-mini']);
    typeInto(input, 'LOCAL');
    expect(shownOptions(container)).toEqual(['ollama/qwen3:8b']);
    typeInto(input, 'nothing-like-this');
    expect(shownOptions(container)).toEqual([]);
    expect(container.textContent).toContain('Press Enter to use “nothing-like-this”');
    // no empty popup: the field says it is collapsed while nothing matches
    expect(input.getAttribute('aria-expanded')).toBe('false');
  });

  it('moves the highlight with the arrow keys (wrapping) and takes it with Enter', async () => {
    const { container, input, committed } = await open();
    focus(input);
    typeInto(input, 'openai');
    press(input, 'ArrowDown');
    expect(activeOption(container, input)?.getAttribute('aria-label')).toBe('openai/gpt-4.1');
    expect(activeOption(container, input)?.getAttribute('aria-selected')).toBe('true');
    press(input, 'ArrowDown');
    expect(activeOption(container, input)?.getAttribute('aria-label')).toBe('openai/gpt-4.1-mini');
    press(input, 'ArrowDown');
    expect(activeOption(container, input)?.getAttribute('aria-label')).toBe('openai/gpt-4.1');
    press(input, 'ArrowUp');
    expect(activeOption(container, input)?.getAttribute('aria-label')).toBe('openai/gpt-4.1-mini');
    press(input, 'Enter');
    expect(committed).toEqual(['openai/gpt-4.1-mini']);
    expect(input.getAttribute('aria-expanded')).toBe('false');
    expect(input.hasAttribute('aria-activedescendant')).toBe(false);
  });

  it('takes a typed name that is not listed when nothing is highlighted', async () => {
    const { input, committed } = await open();
    focus(input);
    typeInto(input, '  groq/llama-3.3-70b ');
    press(input, 'Enter');
    expect(committed).toEqual(['groq/llama-3.3-70b']);
  });

  it('closes on Escape, then clears the field on a second Escape', async () => {
    const { input } = await open();
    focus(input);
    typeInto(input, 'qwen');
    press(input, 'Escape');
    expect(input.getAttribute('aria-expanded')).toBe('false');
    expect(input.value).toBe('qwen');
    press(input, 'Escape');
    expect(input.value).toBe('');
    // ArrowDown opens it again with the first option highlighted
    press(input, 'ArrowDown');
    expect(input.getAttribute('aria-expanded')).toBe('true');
    expect(input.getAttribute('aria-activedescendant')).not.toBeNull();
  });

  it('takes an option that is clicked', async () => {
    const { container, input, committed } = await open();
    focus(input);
    click(listbox(container).querySelector('[aria-label="smart"]'));
    await waitFor(() => committed.length === 1);
    expect(committed).toEqual(['smart']);
  });
});
