// @vitest-environment happy-dom
// The first-run screen against the fake core: a fresh install opens on it; a local server is added in one click
// (one already configured says so), a key from the environment goes to the keychain, Claude Code's config is written
// after a confirmation (the backup named) and checked; finishing lands on the dashboard and is remembered. Skipping
// is possible at every step, and an install that is not fresh opens on the dashboard.
import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { byText, renderApp, waitFor, type Rendered } from '../../test-support/render-app';
import { tap } from '../../test-support/keyboard';

let rendered: Rendered | undefined;
afterEach(async () => {
  await act(async () => {
    await new Promise((resolve) => setTimeout(resolve, 50));
  });
  rendered?.unmount();
  rendered = undefined;
});

const heading = (container: HTMLElement): string | undefined => container.querySelector('h1')?.textContent ?? undefined;
const stepTitle = (container: HTMLElement): string => container.querySelector('#first-run-step-title')?.textContent ?? '';
const offer = (container: HTMLElement, preset: string): HTMLElement => container.querySelector(`.offer[data-preset="${preset}"]`) as HTMLElement;

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
    expect(container.querySelector('[aria-current="step"]')?.textContent).toContain('Local model servers');

    // step 1: two servers found, with their model counts; LM Studio added in one click
    const lmstudio = await waitFor(() => offer(container, 'lmstudio'));
    expect(lmstudio.textContent).toContain('http://127.0.0.1:1234/v1');
    expect(lmstudio.textContent).toContain('3 models');
    await tap(byText(lmstudio, 'button', 'Add LM Studio'));
    await waitFor(() => byText(offer(container, 'lmstudio'), '.tag', 'Added'));
    expect(offer(container, 'lmstudio').querySelector('[role="status"]')?.textContent).toContain('Added as lmstudio');
    expect(fake.calls.find((call) => call.call === 'providers.add')?.request).toEqual({
      id: 'lmstudio',
      preset: 'lmstudio',
      baseUrl: 'http://127.0.0.1:1234/v1',
    });
    expect(fake.state.providers.map((provider) => provider.id)).toEqual(['lmstudio']);
    // found again, it shows as already added
    await tap(byText(container, 'button', 'Detect again'));
    await waitFor(() => byText(offer(container, 'lmstudio'), '.tag', /Added|Already added/));
    expect(byText(offer(container, 'ollama'), 'button', 'Add Ollama')).toBeDefined();

    // step 2: the environment's OpenAI key goes to the keychain (and OpenAI becomes a provider); Groq's is there already
    await tap(byText(container, 'button', 'Next: Cloud keys'));
    const openai = await waitFor(() => offer(container, 'openai'));
    expect(openai.textContent).toContain('OPENAI_API_KEY');
    expect(byText(offer(container, 'groq'), '.tag', 'In the keychain')).toBeDefined();
    await tap(byText(openai, 'button', 'Store the OpenAI key'));
    await waitFor(() => byText(offer(container, 'openai'), '.tag', 'In the keychain'));
    expect(fake.calls.filter((call) => call.call === 'providers.importEnvironmentKey').map((call) => call.request)).toEqual([{ preset: 'openai' }]);
    expect(fake.state.providers.map((provider) => provider.id)).toEqual(['lmstudio', 'openai']);

    // step 3: Claude Code, its config written after a confirmation, then checked
    await tap(byText(container, 'button', 'Next: Connect a tool'));
    const radio = await waitFor(() => container.querySelector<HTMLInputElement>('input[type="radio"][value="claude-code"]'));
    expect(radio.closest('label')?.textContent).toContain('Claude Code');
    await tap(radio);
    const panel = await waitFor(() => container.querySelector('[data-tool="claude-code"]') as HTMLElement);
    const diff = await waitFor(() => panel.querySelector('[aria-label="Changes to ~/.claude/settings.json"]'));
    expect(diff.textContent).toContain('+    "ANTHROPIC_BASE_URL": "http://127.0.0.1:5454",');
    expect(panel.textContent).toContain('(your file: only Switchyard’s settings change)');
    await tap(byText(panel, 'button', 'Write config'));
    const confirm = panel.querySelector('[role="group"][aria-label="Confirm writing the config"]') as HTMLElement;
    expect(confirm.textContent).toContain('A backup of each existing file is kept');
    expect(fake.calls.some((call) => call.call === 'connect.apply')).toBe(false);
    await tap(byText(confirm, 'button', 'Write it'));
    const written = await waitFor(() => panel.querySelector('[data-testid="connect-written"]'));
    expect(written.textContent).toContain('Wrote ~/.claude/settings.json; the previous version is in ~/.claude/settings.json.switchyard-backup.');
    expect(written.textContent).toContain('A client token claude-code was made for Claude Code');
    expect(fake.state.onboarding.files['~/.claude/settings.json']).toContain('"theme": "dark"');
    // written: nothing left to change, so nothing to write again
    await waitFor(() => /points at this Switchyard already/.test(panel.textContent ?? ''));
    expect(byText(panel, 'button', 'Write config')).toBeUndefined();
    await tap(byText(panel, 'button', 'Check Claude Code'));
    const result = await waitFor(() => panel.querySelector('[data-testid="check-result"]'));
    expect(result.getAttribute('role')).toBe('status');
    expect(result.textContent).toContain('Answered in 412 ms by ollama as qwen3:8b.');
    expect(result.textContent).toContain('Hello from the fake model.');

    // done: remembered, then the dashboard
    await tap(byText(container, 'button', 'Finish'));
    await waitFor(() => stepTitle(container) === 'Step 4 of 4: Done');
    await waitFor(() => fake.calls.some((call) => call.call === 'firstRun.finish'));
    expect(fake.state.onboarding.firstRunPending).toBe(false);
    await tap(byText(container, 'button', 'Open the dashboard'));
    await waitFor(() => heading(container) === 'Dashboard');
    expect(stores.navigation.getState().page).toBe('dashboard');
  });

  it('can be skipped at every step, and skipping it is remembered', async () => {
    const { container, fake } = await openFresh();
    await waitFor(() => offer(container, 'ollama'));
    await tap(byText(container, 'button', 'Next: Cloud keys'));
    await waitFor(() => stepTitle(container) === 'Step 2 of 4: Cloud keys');
    await tap(byText(container, 'button', 'Back'));
    await waitFor(() => stepTitle(container) === 'Step 1 of 4: Local model servers');
    await tap(byText(container, 'button', 'Skip setup'));
    await waitFor(() => heading(container) === 'Dashboard');
    await waitFor(() => fake.calls.some((call) => call.call === 'firstRun.finish'));
    expect(fake.calls.some((call) => call.call === 'providers.add' || call.call === 'providers.importEnvironmentKey')).toBe(false);
  });

  it('says so when nothing is found, and stays reachable from the dashboard later', async () => {
    const { container, fake, stores } = await openFresh();
    act(() => {
      fake.state.onboarding.servers = [];
    });
    await tap(byText(container, 'button', 'Detect again'));
    await waitFor(() => /No local model server answered/.test(container.textContent ?? ''));
    await tap(byText(container, 'button', 'Skip setup'));
    await waitFor(() => heading(container) === 'Dashboard');
    const again = await waitFor(() => byText(container, 'button', 'Find local servers and keys'));
    await tap(again);
    await waitFor(() => heading(container) === 'Welcome to Switchyard');
    expect(stores.navigation.getState().page).toBe('welcome');
  });

  it('starts over from Providers → "Detect servers and keys" after it was finished', async () => {
    const { container, stores } = await openFresh();
    act(() => stores.firstRun.getState().goTo('done'));
    await tap(await waitFor(() => byText(container, 'button', 'Open the dashboard')));
    await waitFor(() => heading(container) === 'Dashboard');
    act(() => stores.navigation.getState().go('providers'));
    await tap(await waitFor(() => byText(container, 'button', 'Detect servers and keys')));
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
