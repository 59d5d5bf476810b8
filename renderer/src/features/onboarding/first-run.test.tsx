// @vitest-environment happy-dom
// The first-run screen against the fake core: a fresh install opens on it; a local server is added in one click
// (one already configured says so), a key from the environment goes to the keychain, Claude Code's config is written
// after a confirmation (the backup named) and checked; finishing lands on the dashboard and is remembered. Skipping
// is possible at every step, and an install that is not fresh opens on the dashboard.
import { within } from '@testing-library/dom';
import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { renderApp, waitFor, type Rendered } from '../../test-support/render-app';
import { tap } from '../../test-support/keyboard';

let rendered: Rendered | undefined;
afterEach(async () => {
  await act(async () => {
    await new Promise((resolve) => setTimeout(resolve, 50));
  });
  rendered?.unmount();
  rendered = undefined;
});

const heading = (container: HTMLElement): string | undefined => within(container).queryByRole('heading', { level: 1 })?.textContent ?? undefined;
const stepTitle = (container: HTMLElement): string => within(container).queryByRole('heading', { level: 2, name: /^Step \d of \d/ })?.textContent ?? '';
const button = (root: HTMLElement, name: string): HTMLElement | null => within(root).queryByRole('button', { name });
/** A found server's or key's entry in its list, by the name it shows. */
function offer(container: HTMLElement, label: string): HTMLElement {
  const lists = within(container).getAllByRole('list', { name: /^(Local servers found|Keys in the environment)$/ });
  const item = lists.flatMap((list) => within(list).getAllByRole('listitem')).find((candidate) => within(candidate).queryByText(label, { selector: 'strong' }));
  if (item === undefined) throw new Error(`no offer for ${label}`);
  return item;
}

async function openFresh(options: Parameters<typeof renderApp>[0] = {}): Promise<Rendered> {
  rendered = await renderApp({ seeded: false, firstRunPending: true, ...options });
  await waitFor(() => heading(rendered!.container) === 'Welcome to Switchyard');
  return rendered;
}

describe('first run', () => {
  it('walks from found servers to a connected, checked tool, then to the dashboard', async () => {
    const { container, fake, stores } = await openFresh();
    expect(stores.navigation.getState().page).toBe('welcome');
    expect(stepTitle(container)).toBe('Step 1 of 4: Local model servers');
    expect(within(container).getByRole('listitem', { current: 'step' }).textContent).toContain('Local model servers');

    // step 1: two servers found, with their model counts; LM Studio added in one click
    const lmstudio = await waitFor(() => offer(container, 'LM Studio'));
    expect(lmstudio.textContent).toContain('http://127.0.0.1:1234/v1');
    expect(lmstudio.textContent).toContain('3 models');
    await tap(button(lmstudio, 'Add LM Studio'));
    await waitFor(() => within(offer(container, 'LM Studio')).queryByText('Added'));
    expect(within(offer(container, 'LM Studio')).getByRole('status').textContent).toContain('Added as lmstudio');
    expect(fake.calls.find((call) => call.call === 'providers.add')?.request).toEqual({
      id: 'lmstudio',
      preset: 'lmstudio',
      baseUrl: 'http://127.0.0.1:1234/v1',
    });
    expect(fake.state.providers.map((provider) => provider.id)).toEqual(['lmstudio']);
    // found again, it shows as already added
    await tap(button(container, 'Detect again'));
    await waitFor(() => within(offer(container, 'LM Studio')).queryByText(/^(Added|Already added)$/));
    expect(button(offer(container, 'Ollama'), 'Add Ollama')).not.toBeNull();

    // step 2: the environment's OpenAI key goes to the keychain (and OpenAI becomes a provider); Groq's is there already
    await tap(button(container, 'Next: Cloud keys'));
    const openai = await waitFor(() => offer(container, 'OpenAI'));
    expect(openai.textContent).toContain('OPENAI_API_KEY');
    expect(within(offer(container, 'Groq')).queryByText('In the keychain')).not.toBeNull();
    await tap(button(openai, 'Store the OpenAI key'));
    await waitFor(() => within(offer(container, 'OpenAI')).queryByText('In the keychain'));
    expect(fake.calls.filter((call) => call.call === 'providers.importEnvironmentKey').map((call) => call.request)).toEqual([{ preset: 'openai' }]);
    expect(fake.state.providers.map((provider) => provider.id)).toEqual(['lmstudio', 'openai']);

    // step 3: Claude Code, its config written after a confirmation, then checked
    await tap(button(container, 'Next: Connect a tool'));
    await tap(await waitFor(() => within(container).getByRole('radio', { name: /^Claude Code/ })));
    const panel = await waitFor(() => within(container).getByRole('region', { name: 'Claude Code' }));
    const diff = await waitFor(() => within(panel).getByLabelText('Changes to ~/.claude/settings.json'));
    expect(diff.textContent).toContain('+    "ANTHROPIC_BASE_URL": "http://127.0.0.1:5454",');
    expect(panel.textContent).toContain('(your file: only Switchyard’s settings change)');
    await tap(button(panel, 'Write config'));
    const confirm = within(panel).getByRole('group', { name: 'Confirm writing the config' });
    expect(confirm.textContent).toContain('A backup of each existing file is kept');
    expect(fake.calls.some((call) => call.call === 'connect.apply')).toBe(false);
    await tap(button(confirm, 'Write it'));
    const written = await waitFor(() => within(panel).getByTestId('connect-written'));
    expect(written.textContent).toContain('Wrote ~/.claude/settings.json; the previous version is in ~/.claude/settings.json.switchyard-backup.');
    expect(written.textContent).toContain('A client token claude-code was made for Claude Code');
    expect(fake.state.onboarding.files['~/.claude/settings.json']).toContain('"theme": "dark"');
    // written: nothing left to change, so nothing to write again
    await waitFor(() => /points at this Switchyard already/.test(panel.textContent ?? ''));
    expect(button(panel, 'Write config')).toBeNull();
    await tap(button(panel, 'Check Claude Code'));
    const result = await waitFor(() => within(panel).getByTestId('check-result'));
    expect(result.getAttribute('role')).toBe('status');
    expect(result.textContent).toContain('Answered in 412 ms by ollama as qwen3:8b.');
    expect(result.textContent).toContain('Hello from the fake model.');

    // done: remembered, then the dashboard
    await tap(button(container, 'Finish'));
    await waitFor(() => stepTitle(container) === 'Step 4 of 4: Done');
    await waitFor(() => fake.calls.some((call) => call.call === 'firstRun.finish'));
    expect(fake.state.onboarding.firstRunPending).toBe(false);
    await tap(button(container, 'Open the dashboard'));
    await waitFor(() => heading(container) === 'Dashboard');
    expect(stores.navigation.getState().page).toBe('dashboard');
  });

  it('can be skipped at every step, and skipping it is remembered', async () => {
    const { container, fake } = await openFresh();
    await waitFor(() => offer(container, 'Ollama'));
    await tap(button(container, 'Next: Cloud keys'));
    await waitFor(() => stepTitle(container) === 'Step 2 of 4: Cloud keys');
    await tap(button(container, 'Back'));
    await waitFor(() => stepTitle(container) === 'Step 1 of 4: Local model servers');
    await tap(button(container, 'Skip setup'));
    await waitFor(() => heading(container) === 'Dashboard');
    await waitFor(() => fake.calls.some((call) => call.call === 'firstRun.finish'));
    expect(fake.calls.some((call) => call.call === 'providers.add' || call.call === 'providers.importEnvironmentKey')).toBe(false);
  });

  it('says so when nothing is found, and stays reachable from the dashboard later', async () => {
    const { container, fake, stores } = await openFresh();
    act(() => {
      fake.state.onboarding.servers = [];
    });
    await tap(button(container, 'Detect again'));
    await waitFor(() => /No local model server answered/.test(container.textContent ?? ''));
    await tap(button(container, 'Skip setup'));
    await waitFor(() => heading(container) === 'Dashboard');
    const again = await waitFor(() => button(container, 'Find local servers and keys'));
    await tap(again);
    await waitFor(() => heading(container) === 'Welcome to Switchyard');
    expect(stores.navigation.getState().page).toBe('welcome');
  });

  it('starts over from Providers → "Detect servers and keys" after it was finished', async () => {
    const { container, stores } = await openFresh();
    act(() => stores.firstRun.getState().goTo('done'));
    await tap(await waitFor(() => button(container, 'Open the dashboard')));
    await waitFor(() => heading(container) === 'Dashboard');
    act(() => stores.navigation.getState().go('providers'));
    await tap(await waitFor(() => within(container).getAllByRole('button', { name: 'Detect servers and keys' })[0])); // the page's and the empty state's
    await waitFor(() => heading(container) === 'Welcome to Switchyard');
    expect(stepTitle(container)).toBe('Step 1 of 4: Local model servers');
  });

  it('does not open on an install that is not fresh', async () => {
    rendered = await renderApp({ seeded: false, firstRunPending: false });
    await waitFor(() => heading(rendered!.container) === 'Dashboard');
    expect(rendered.fake.calls.some((call) => call.call === 'firstRun.get')).toBe(true);
    expect(rendered.stores.navigation.getState().page).toBe('dashboard');
  });

  it('opens the app as usual when the core cannot say', async () => {
    rendered = await renderApp({ seeded: false, firstRunPending: true, failing: { 'firstRun.get': 'unknown call' } });
    await waitFor(() => heading(rendered!.container) === 'Dashboard');
  });
});
