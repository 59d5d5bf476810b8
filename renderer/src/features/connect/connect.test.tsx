// @vitest-environment happy-dom
// The Connect page against the fake core: a paste tool's lines with a placeholder until a token is made for it (then
// with the token, shown once), the model picked in the combobox going into the set-up, a check that fails before
// the tool has a token (the error shown, not thrown away), and the Settings page pointing here.
import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeTokenPlaceholder } from '../../control/fake/fake-onboarding';
import { focus, press, tap } from '../../test-support/keyboard';
import { byText, labelled, renderApp, typeInto, waitFor, type Rendered } from '../../test-support/render-app';

let rendered: Rendered | undefined;
afterEach(async () => {
  await act(async () => {
    await new Promise((resolve) => setTimeout(resolve, 50));
  });
  rendered?.unmount();
  rendered = undefined;
});

async function openConnect(): Promise<Rendered> {
  rendered = await renderApp();
  act(() => rendered!.stores.navigation.getState().go('connect'));
  await waitFor(() => rendered!.container.querySelector('h1')?.textContent === 'Connect' && rendered!.container.querySelector('input[type="radio"]'));
  return rendered;
}

async function pick(container: HTMLElement, tool: string): Promise<HTMLElement> {
  await tap(container.querySelector(`input[type="radio"][value="${tool}"]`));
  const panel = await waitFor(() => container.querySelector(`[data-tool="${tool}"]`) as HTMLElement);
  await waitFor(() => panel.querySelector('[data-testid="connect-snippet"]'));
  return panel;
}

const snippet = (panel: HTMLElement): string => panel.querySelector('[data-testid="connect-snippet"]')?.textContent ?? '';

describe('Connect', () => {
  it('lists every tool, saying which ones Switchyard configures itself', async () => {
    const { container } = await openConnect();
    const labels = [...container.querySelectorAll('.tool-option')].map((option) => option.textContent);
    expect(labels).toEqual([
      'Claude CodeSwitchyard writes its config',
      'Codex CLISwitchyard writes its config',
      'AiderSwitchyard writes its config',
      'CursorPaste a few lines',
      'OpenAI SDK (Python, Node)Paste a few lines',
    ]);
    expect(container.textContent).toContain('Pick a tool to see how it connects.');
  });

  it('fills a paste tool’s token in once it is made, and says it is shown only now', async () => {
    const { container, fake } = await openConnect();
    const panel = await pick(container, 'cursor');
    expect(snippet(panel)).toContain('OPENAI_BASE_URL=http://127.0.0.1:5454/v1');
    expect(snippet(panel)).toContain(fakeTokenPlaceholder);
    expect(panel.querySelector('.connect-files')).toBeNull();
    await tap(byText(panel, 'button', 'Fill in a token for Cursor'));
    await waitFor(() => !snippet(panel).includes(fakeTokenPlaceholder));
    const token = fake.state.onboarding.tokens['cursor'] ?? 'missing';
    expect(snippet(panel)).toContain(`OPENAI_API_KEY=${token}`);
    expect(panel.textContent).toContain('This is the only time the token is shown');
    expect(fake.state.tokens.map((entry) => entry.name)).toContain('cursor');
    expect(byText(panel, 'button', 'Copy Cursor set-up')).toBeDefined();
  });

  it('puts the model picked in the combobox into the set-up, and can go back to the default', async () => {
    const { container, fake } = await openConnect();
    const panel = await pick(container, 'codex');
    expect(snippet(panel)).toContain('codex -m smart');
    const combobox = labelled(panel, 'Model Codex CLI asks for');
    focus(combobox);
    typeInto(combobox, 'local');
    await waitFor(() => panel.querySelector('[role="option"][aria-label="local"]'));
    press(combobox, 'ArrowDown');
    press(combobox, 'Enter');
    await waitFor(() => snippet(panel).includes('codex -m local'));
    expect(fake.calls.filter((call) => call.call === 'connect.preview').at(-1)?.request).toEqual({ tool: 'codex', model: 'local' });
    await tap(byText(panel, 'button', 'Use the default'));
    await waitFor(() => snippet(panel).includes('codex -m smart'));
    expect(fake.calls.filter((call) => call.call === 'connect.preview').at(-1)?.request).toEqual({ tool: 'codex' });
  });

  it('shows why a check failed', async () => {
    const { container } = await openConnect();
    const panel = await pick(container, 'aider');
    await tap(byText(panel, 'button', 'Check Aider'));
    const result = await waitFor(() => panel.querySelector('[data-testid="check-result"]'));
    expect(result.getAttribute('role')).toBe('alert');
    expect(result.textContent).toBe('The check failed after 3 ms: Aider has no client token yet: connect it first.');
  });

  it('writes nothing when the confirmation is cancelled', async () => {
    const { container, fake } = await openConnect();
    const panel = await pick(container, 'codex');
    await waitFor(() => panel.querySelector('[aria-label="Changes to ~/.codex/config.toml"]'));
    expect(panel.textContent).toContain('(new file)');
    await tap(byText(panel, 'button', 'Write config'));
    expect(panel.textContent).toContain('Nothing is there yet, so nothing needs a backup.');
    await tap(byText(panel, 'button', 'Cancel'));
    expect(byText(panel, 'button', 'Write config')).toBeDefined();
    expect(fake.calls.some((call) => call.call === 'connect.apply')).toBe(false);
  });

  it('is where Settings sends you to set up a tool', async () => {
    rendered = await renderApp();
    act(() => rendered!.stores.navigation.getState().go('settings'));
    const button = await waitFor(() => byText(rendered!.container, 'button', 'Open Connect'));
    await tap(button);
    await waitFor(() => rendered!.container.querySelector('h1')?.textContent === 'Connect');
  });
});

describe('model pickers', () => {
  it('the playground picks a model from the live list by keyboard', async () => {
    rendered = await renderApp();
    act(() => rendered!.stores.navigation.getState().go('playground'));
    const input = await waitFor(() => labelled(rendered!.container, 'Model to compare'));
    focus(input);
    typeInto(input, 'gpt mini');
    await waitFor(() => rendered!.container.querySelector('[role="option"][aria-label="openai/gpt-4.1-mini"]'));
    press(input, 'ArrowDown');
    press(input, 'Enter');
    await waitFor(() => byText(rendered!.container, '.model-chip code', 'openai/gpt-4.1-mini'));
    expect(input.value).toBe('');
    // a model chosen once is not offered again
    focus(input);
    typeInto(input, 'gpt-4.1');
    expect(rendered.container.querySelector('[role="option"][aria-label="openai/gpt-4.1-mini"]')).toBeNull();
    expect(rendered.container.querySelector('[role="option"][aria-label="openai/gpt-4.1"]')).not.toBeNull();
  });

  it('the route editor offers the providers’ models with their context windows, not route aliases', async () => {
    rendered = await renderApp();
    act(() => rendered!.stores.navigation.getState().go('routes'));
    await tap(await waitFor(() => byText(rendered!.container, 'button', 'New route')));
    const dialog = rendered.container.querySelector('dialog') as HTMLElement;
    const input = labelled(dialog, 'Model to add');
    focus(input);
    const option = await waitFor(() => dialog.querySelector('[role="option"][aria-label="ollama/qwen3:8b"]'));
    expect(option.textContent).toContain('41k context · tools, reasoning · free · local');
    expect(dialog.querySelector('[role="option"][aria-label="smart"]')).toBeNull();
    press(input, 'ArrowDown');
    press(input, 'Enter');
    await waitFor(() => dialog.querySelector('[data-testid="route-target"]'));
    expect(dialog.querySelector('[data-testid="route-target"] .target-model')?.textContent).toBe('ollama/llama3.2:3b');
  });
});
