// @vitest-environment happy-dom
// Feature flows through the DOM against the fake core: adding a provider with a key (shown masked only), building a
// route with the keyboard, the one-time token dialog, budgets, request capture, and the log detail with its bodies.
import { act } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CallRequest } from '../../../shared/control/contract';
import { byText, click, labelled, renderApp, typeInto, waitFor, type Rendered } from '../test-support/render-app';

let rendered: Rendered | undefined;
afterEach(() => {
  rendered?.unmount();
  vi.restoreAllMocks();
});

async function openPage(name: 'providers' | 'routes' | 'logs' | 'settings', options: Parameters<typeof renderApp>[0] = {}): Promise<Rendered> {
  rendered = await renderApp(options);
  act(() => rendered!.stores.navigation.getState().go(name));
  await waitFor(() => rendered!.container.querySelector('h1')?.textContent !== 'Dashboard' && rendered!.container.querySelector('.state-loading') === null);
  return rendered;
}

describe('providers', () => {
  it('adds a custom OpenAI-compatible provider with a key that is then shown masked only', async () => {
    const { container, fake } = await openPage('providers', { seeded: false });
    await waitFor(() => byText(container, '.state-title', 'No providers yet'));
    click(byText(container, 'button', 'Add provider'));
    const dialog = container.querySelector('dialog') as HTMLElement;
    click(byText(dialog, 'label', /Custom OpenAI-compatible URL/)?.querySelector('input'));
    typeInto(labelled(dialog, 'Base URL'), 'http://127.0.0.1:9999/v1');
    typeInto(labelled(dialog, 'Name'), 'box');
    typeInto(labelled(dialog, /API key/), 'sk-test-secret-abcd');
    act(() => dialog.querySelector('form')?.requestSubmit());
    const card = await waitFor(() => container.querySelector('[data-provider="box"]'));
    expect(card.querySelector('[data-testid="masked-key"]')?.textContent).toBe('…abcd');
    expect(container.innerHTML).not.toContain('sk-test-secret');
    const added = fake.calls.find((call) => call.call === 'providers.add')?.request;
    expect(added).toEqual({ id: 'box', type: 'openai-compatible', baseUrl: 'http://127.0.0.1:9999/v1', locality: 'cloud', key: 'sk-test-secret-abcd' });
  });

  it('offers a local server it found running', async () => {
    const { container, fake } = await openPage('providers', { seeded: false });
    const add = await waitFor(() => byText(container, 'button', 'Add Ollama'));
    click(add);
    await waitFor(() => container.querySelector('[data-provider="ollama"]'));
    expect(fake.calls.find((call) => call.call === 'providers.add')?.request).toMatchObject({ id: 'ollama', preset: 'ollama' });
  });

  it('tests a connection and lists the models', async () => {
    const { container } = await openPage('providers');
    const card = await waitFor(() => container.querySelector('[data-provider="openai"]') as HTMLElement);
    click(byText(card, 'button', 'Test connection'));
    await waitFor(() => /Connected/.test(card.querySelector('[data-testid="test-result"]')?.textContent ?? ''));
    click(byText(card, 'button', 'Show models'));
    await waitFor(() => byText(card, 'th code', 'openai/gpt-4.1-mini'));
    expect(card.textContent).toContain('$0.40 / M');
  });
});

describe('routes', () => {
  it('builds a route, reorders its targets with the keyboard buttons, and saves it', async () => {
    const { container, fake } = await openPage('routes');
    await waitFor(() => container.querySelector('[data-route="smart"]'));
    click(byText(container, 'button', 'New route'));
    const dialog = container.querySelector('dialog') as HTMLElement;
    typeInto(labelled(dialog, 'Alias'), 'fast');
    for (const model of ['openai/gpt-4.1-mini', 'ollama/qwen3:8b']) {
      typeInto(labelled(dialog, 'Model to add'), model);
      click(byText(dialog, 'button', 'Add target'));
    }
    click(dialog.querySelector('[aria-label="Move ollama/qwen3:8b up"]'));
    expect([...dialog.querySelectorAll('[data-testid="route-target"] .target-model')].map((item) => item.textContent)).toEqual([
      'ollama/qwen3:8b',
      'openai/gpt-4.1-mini',
    ]);
    expect(dialog.textContent).toContain('ollama/qwen3:8b moved to position 1 of 2');
    act(() => dialog.querySelector('form')?.requestSubmit());
    const card = await waitFor(() => container.querySelector('[data-route="fast"]'));
    const saved = fake.calls.find((call) => call.call === 'routes.save')?.request as CallRequest<'routes.save'>;
    expect(saved.targets.map((target) => [target.model, target.tier])).toEqual([
      ['ollama/qwen3:8b', 0],
      ['openai/gpt-4.1-mini', 1],
    ]);
    expect(card.textContent).toContain('41k'); // qwen3:8b's context window, from the provider's model list
  });
});

describe('settings', () => {
  it('shows a new token once, then forgets it', async () => {
    const { container } = await openPage('settings');
    await waitFor(() => byText(container, 'th', 'cursor'));
    typeInto(labelled(container, 'New token name'), 'aider');
    act(() => byText(container, 'button', 'Create token')?.closest('form')?.requestSubmit());
    const shown = await waitFor(() => container.querySelector('[data-testid="new-token"]')?.textContent);
    expect(shown).toMatch(/^sy-[0-9a-f]{64}$/);
    click(byText(container, 'dialog button', 'Done'));
    expect(container.innerHTML).not.toContain(shown);
    await waitFor(() => byText(container, 'th', 'aider'));
  });

  it('saves budgets', async () => {
    const { container, fake } = await openPage('settings');
    const daily = await waitFor(() => labelled(container, 'Daily budget (USD)'));
    typeInto(daily, '0.5');
    act(() => byText(container, 'button', 'Save budgets')?.closest('form')?.requestSubmit());
    await waitFor(() => byText(container, '[role="status"]', 'Budgets saved.'));
    expect(fake.state.budgets.dailyUsd).toBe(0.5);
  });
});

describe('request log retention', () => {
  it('keeps every request by default; a number of days is saved as the limit, and clearing it keeps all again', async () => {
    const { container, fake } = await openPage('settings');
    const section = await waitFor(() => container.querySelector('[aria-labelledby="request-log-title"]') as HTMLElement);
    const field = await waitFor(() => labelled(section, 'Keep requests (days)') as HTMLInputElement);
    expect(field.value).toBe('');
    expect(byText(section, 'button', 'Save')?.hasAttribute('disabled')).toBe(true); // nothing changed yet
    typeInto(field, '90');
    act(() => byText(section, 'button', 'Save')?.closest('form')?.requestSubmit());
    await waitFor(() => byText(section, '[role="status"]', 'Requests older than 90 day(s) are deleted; totals and charts keep them.'));
    expect(fake.state.settings.requestRetentionDays).toBe(90);
    typeInto(labelled(section, 'Keep requests (days)'), '');
    act(() => byText(section, 'button', 'Save')?.closest('form')?.requestSubmit());
    await waitFor(() => byText(section, '[role="status"]', 'Every request is kept.'));
    expect(fake.calls.filter((call) => call.call === 'settings.set').map((call) => call.request)).toEqual([
      { requestRetentionDays: 90 },
      { requestRetentionDays: null },
    ]);
    expect(fake.state.settings.requestRetentionDays).toBeNull();
  });
});

describe('request capture', () => {
  it('switches capture on, keeps bodies for the days given, and deletes them after asking', async () => {
    const { container, fake } = await openPage('settings');
    const section = await waitFor(() => container.querySelector('[aria-labelledby="capture-title"]') as HTMLElement);
    await waitFor(() => byText(section, 'label', /Capture request and response bodies/));
    expect(section.textContent).toContain('Headers are never stored');
    expect(section.textContent).toContain('up to 256 KiB per request, for 7 days');
    click(byText(section, 'label', /Capture request and response bodies/)?.querySelector('input'));
    await waitFor(() => byText(section, '[role="status"]', 'Capture is on for new requests.'));
    expect(fake.state.settings.capture.enabled).toBe(true);
    typeInto(labelled(section, 'Keep captured bodies (days)'), '2');
    act(() => byText(section, 'button', 'Save retention')?.closest('form')?.requestSubmit());
    await waitFor(() => byText(section, '[role="status"]', 'Captured bodies are kept 2 day(s).'));
    expect(fake.calls.filter((call) => call.call === 'settings.set').map((call) => call.request)).toEqual([
      { capture: { enabled: true } },
      { capture: { retentionDays: 2 } },
    ]);
    expect(fake.state.settings.capture).toMatchObject({ enabled: true, retentionDays: 2 });
    click(byText(section, 'button', 'Delete captured bodies…'));
    click(byText(section, 'button', 'Delete all captured bodies'));
    await waitFor(() => byText(section, '[role="status"]', 'Deleted the captured bodies of 5 requests.'));
    expect(fake.state.captures).toEqual({});
  });
});

describe('logs', () => {
  it('opens a request’s detail with its attempt trail', async () => {
    // happy-dom lays nothing out: give the virtualised list a viewport to fill
    vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(600);
    vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(1000);
    const { container } = await openPage('logs');
    const row = await waitFor(() => container.querySelector('[data-request-id]') as HTMLElement);
    click(row);
    const detail = await waitFor(() => container.querySelector('[data-testid="log-detail"]'));
    expect(detail.querySelectorAll('[data-testid="attempt"]').length).toBeGreaterThan(0);
    expect(detail.textContent).toContain('Switchyard overhead');
  });

  it('shows a captured request and answer as plain text, markup and all', async () => {
    vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(600);
    vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(1000);
    const { container } = await openPage('logs');
    const row = await waitFor(() => container.querySelector('[data-request-id]') as HTMLElement);
    click(row);
    const capture = await waitFor(() => container.querySelector('[data-testid="capture"]'));
    const request = capture.querySelector('[data-testid="capture-request"]') as HTMLElement;
    const answer = capture.querySelector('[data-testid="capture-response"]') as HTMLElement;
    expect(request.textContent).toContain('Summarise <b>this</b> **release note**');
    expect(request.textContent).toContain('\n  "messages": ['); // whole JSON is indented for reading
    expect(answer.textContent).toMatch(/<i>fewer<\/i>|rate limited/);
    expect(capture.querySelector('b, i, strong, em, a')).toBeNull(); // nothing was rendered as markup
  });

  it('says when a request was not captured', async () => {
    vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(600);
    vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(1000);
    const { container, fake } = await openPage('logs');
    fake.state.captures = {};
    click(await waitFor(() => container.querySelector('[data-request-id]') as HTMLElement));
    const capture = await waitFor(() => container.querySelector('[data-testid="capture"]'));
    expect(capture.textContent).toContain('Not captured');
  });
});
