// @vitest-environment happy-dom
// The Connect page against the fake core: a paste tool's lines with a placeholder until a token is made for it (then
// with the token, shown once), the model picked in the combobox going into the set-up, a check that fails before
// the tool has a token (the error shown, not thrown away), and the Settings page pointing here.
import { within } from '@testing-library/dom';
import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeTokenPlaceholder } from '../../control/fake/fake-onboarding';
import { focus, press, tap } from '../../test-support/keyboard';
import { renderApp, typeInto, waitFor, type Rendered } from '../../test-support/render-app';

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
  const page = within(rendered.container);
  await waitFor(() => page.queryByRole('heading', { level: 1, name: 'Connect' }) && page.queryAllByRole('radio').length > 0);
  return rendered;
}

/** Picks a tool in the chooser (by the name it shows) and returns its set-up panel. */
async function pick(container: HTMLElement, tool: string): Promise<HTMLElement> {
  await tap(within(container).getByRole('radio', { name: new RegExp(`^${tool}`) }));
  const panel = await waitFor(() => within(container).getByRole('region', { name: tool }));
  await waitFor(() => within(panel).getByTestId('connect-snippet'));
  return panel;
}

const snippet = (panel: HTMLElement): string => within(panel).queryByTestId('connect-snippet')?.textContent ?? '';
const button = (root: HTMLElement, name: string): HTMLElement | null => within(root).queryByRole('button', { name });
const option = (root: HTMLElement, name: string): HTMLElement | null => within(root).queryByRole('option', { name });

describe('Connect', () => {
  it('lists every tool, saying which ones Switchyard configures itself', async () => {
    const { container } = await openConnect();
    const chooser = within(container).getByRole('group', { name: 'Tool' });
    const labels = within(chooser)
      .getAllByRole('radio')
      .map((radio) => (radio as HTMLInputElement).labels?.[0]?.textContent);
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
    const panel = await pick(container, 'Cursor');
    expect(snippet(panel)).toContain('OPENAI_BASE_URL=http://127.0.0.1:5454/v1');
    expect(snippet(panel)).toContain(fakeTokenPlaceholder);
    expect(within(panel).queryByRole('heading', { name: 'What Switchyard would change' })).toBeNull();
    await tap(button(panel, 'Fill in a token for Cursor'));
    await waitFor(() => !snippet(panel).includes(fakeTokenPlaceholder));
    const token = fake.state.onboarding.tokens['cursor'] ?? 'missing';
    expect(snippet(panel)).toContain(`OPENAI_API_KEY=${token}`);
    expect(panel.textContent).toContain('This is the only time the token is shown');
    expect(fake.state.tokens.map((entry) => entry.name)).toContain('cursor');
    expect(button(panel, 'Copy Cursor set-up')).not.toBeNull();
  });

  it('puts the model picked in the combobox into the set-up, and can go back to the default', async () => {
    const { container, fake } = await openConnect();
    const panel = await pick(container, 'Codex CLI');
    expect(snippet(panel)).toContain('codex -m smart');
    const combobox = within(panel).getByRole('combobox', { name: 'Model Codex CLI asks for' }) as HTMLInputElement;
    focus(combobox);
    typeInto(combobox, 'local');
    await waitFor(() => option(panel, 'local'));
    press(combobox, 'ArrowDown');
    press(combobox, 'Enter');
    await waitFor(() => snippet(panel).includes('codex -m local'));
    expect(fake.calls.filter((call) => call.call === 'connect.preview').at(-1)?.request).toEqual({ tool: 'codex', model: 'local' });
    await tap(button(panel, 'Use the default'));
    await waitFor(() => snippet(panel).includes('codex -m smart'));
    expect(fake.calls.filter((call) => call.call === 'connect.preview').at(-1)?.request).toEqual({ tool: 'codex' });
  });

  it('shows why a check failed', async () => {
    const { container } = await openConnect();
    const panel = await pick(container, 'Aider');
    await tap(button(panel, 'Check Aider'));
    const result = await waitFor(() => within(panel).getByTestId('check-result'));
    expect(result.getAttribute('role')).toBe('alert');
    expect(result.textContent).toBe('The check failed after 3 ms: Aider has no client token yet: connect it first.');
  });

  it('writes nothing when the confirmation is cancelled', async () => {
    const { container, fake } = await openConnect();
    const panel = await pick(container, 'Codex CLI');
    await waitFor(() => within(panel).getByLabelText('Changes to ~/.codex/config.toml'));
    expect(panel.textContent).toContain('(new file)');
    await tap(button(panel, 'Write config'));
    expect(panel.textContent).toContain('Nothing is there yet, so nothing needs a backup.');
    await tap(button(panel, 'Cancel'));
    expect(button(panel, 'Write config')).not.toBeNull();
    expect(fake.calls.some((call) => call.call === 'connect.apply')).toBe(false);
  });

  it('is where Settings sends you to set up a tool', async () => {
    rendered = await renderApp();
    act(() => rendered!.stores.navigation.getState().go('settings'));
    await tap(await waitFor(() => button(rendered!.container, 'Open Connect')));
    await waitFor(() => within(rendered!.container).getByRole('heading', { level: 1, name: 'Connect' }));
  });
});

describe('model pickers', () => {
  it('the playground picks a model from the live list by keyboard', async () => {
    rendered = await renderApp();
    act(() => rendered!.stores.navigation.getState().go('playground'));
    const page = within(rendered.container);
    const input = (await waitFor(() => page.getByRole('combobox', { name: 'Model to compare' }))) as HTMLInputElement;
    focus(input);
    typeInto(input, 'gpt mini');
    await waitFor(() => option(rendered!.container, 'openai/gpt-4.1-mini'));
    press(input, 'ArrowDown');
    press(input, 'Enter');
    await waitFor(() => within(page.getByRole('list', { name: 'Models to compare' })).getByText('openai/gpt-4.1-mini'));
    expect(input.value).toBe('');
    // a model chosen once is not offered again
    focus(input);
    typeInto(input, 'gpt-4.1');
    expect(option(rendered.container, 'openai/gpt-4.1-mini')).toBeNull();
    expect(option(rendered.container, 'openai/gpt-4.1')).not.toBeNull();
  });

  it('the route editor offers the providers’ models with their context windows, not route aliases', async () => {
    rendered = await renderApp();
    act(() => rendered!.stores.navigation.getState().go('routes'));
    await tap(await waitFor(() => button(rendered!.container, 'New route')));
    const dialog = within(rendered.container).getByRole('dialog', { name: 'New route' });
    const input = within(dialog).getByRole('combobox', { name: 'Model to add' });
    focus(input);
    const qwen = await waitFor(() => option(dialog, 'ollama/qwen3:8b'));
    expect(qwen.textContent).toContain('41k context · tools, reasoning · free · local');
    expect(option(dialog, 'smart')).toBeNull();
    press(input, 'ArrowDown');
    press(input, 'Enter');
    const targets = await waitFor(() => within(dialog).getByRole('list', { name: 'Targets, tried in this order' }));
    expect(within(within(targets).getAllByRole('listitem')[0] as HTMLElement).getByRole('code').textContent).toBe('ollama/llama3.2:3b');
  });
});
