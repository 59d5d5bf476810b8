// @vitest-environment happy-dom
// Feature flows through the DOM against the fake core: adding a provider with a key (shown masked only), building a
// route with the keyboard, the one-time token dialog, budgets, request capture, and the log detail with its bodies.
// Elements are found as a user finds them: by role and accessible name, label or text (Testing Library's queries).
import { within } from '@testing-library/dom';
import { act } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CallRequest } from '../../../shared/control/contract';
import { click, renderApp, submitWith, typeInto, waitFor, type Rendered } from '../test-support/render-app';

let rendered: Rendered | undefined;
afterEach(() => {
  rendered?.unmount();
  vi.restoreAllMocks();
});

async function openPage(name: 'providers' | 'routes' | 'logs' | 'settings', options: Parameters<typeof renderApp>[0] = {}): Promise<Rendered> {
  rendered = await renderApp(options);
  act(() => rendered!.stores.navigation.getState().go(name));
  const page = within(rendered.container);
  await waitFor(() => page.queryByRole('heading', { level: 1, name: 'Dashboard' }) === null && page.queryByRole('status', { name: /^Loading/ }) === null);
  return rendered;
}

/** The models of a route editor's targets, in order. */
function targetModels(editor: HTMLElement): string[] {
  const list = within(editor).getByRole('list', { name: 'Targets, tried in this order' });
  return within(list)
    .getAllByRole('listitem')
    .map((item) => within(item).getByRole('code').textContent ?? '');
}

/** The request log's rows (the header row left out). */
function logRows(container: HTMLElement): HTMLElement[] {
  return within(within(container).getByRole('table', { name: 'Requests, newest first' }))
    .getAllByRole('row')
    .slice(1);
}

describe('providers', () => {
  it('adds a custom OpenAI-compatible provider with a key that is then shown masked only', async () => {
    const { container, fake } = await openPage('providers', { seeded: false });
    const page = within(container);
    await waitFor(() => page.getByRole('heading', { name: 'No providers yet' }));
    click(page.getAllByRole('button', { name: 'Add provider' })[0]); // the page's and the empty state's
    const dialog = within(page.getByRole('dialog', { name: 'Add a provider' }));
    click(dialog.getByRole('radio', { name: /Custom OpenAI-compatible URL/ }));
    typeInto(dialog.getByLabelText('Base URL'), 'http://127.0.0.1:9999/v1');
    typeInto(dialog.getByLabelText('Name'), 'box');
    typeInto(dialog.getByLabelText(/API key/), 'sk-test-secret-abcd');
    submitWith(dialog.getByRole('button', { name: 'Add provider' }));
    const card = within(await waitFor(() => page.getByRole('article', { name: / box$/ })));
    expect(card.getByText('…abcd', { selector: 'code' })).toBeTruthy();
    expect(container.innerHTML).not.toContain('sk-test-secret');
    const added = fake.calls.find((call) => call.call === 'providers.add')?.request;
    expect(added).toEqual({ id: 'box', type: 'openai-compatible', baseUrl: 'http://127.0.0.1:9999/v1', locality: 'cloud', key: 'sk-test-secret-abcd' });
  });

  it('offers a local server it found running', async () => {
    const { container, fake } = await openPage('providers', { seeded: false });
    const page = within(container);
    click(await waitFor(() => page.getByRole('button', { name: 'Add Ollama' })));
    await waitFor(() => page.getByRole('article', { name: / ollama$/ }));
    expect(fake.calls.find((call) => call.call === 'providers.add')?.request).toMatchObject({ id: 'ollama', preset: 'ollama' });
  });

  it('tests a connection and lists the models', async () => {
    const { container } = await openPage('providers');
    const article = await waitFor(() => within(container).getByRole('article', { name: / openai$/ }));
    const card = within(article);
    click(card.getByRole('button', { name: 'Test connection' }));
    await waitFor(() => card.getByText(/^Connected: /));
    click(card.getByRole('button', { name: 'Show models' }));
    await waitFor(() => card.getByRole('rowheader', { name: 'openai/gpt-4.1-mini' }));
    expect(article.textContent).toContain('$0.40 / M');
  });
});

describe('routes', () => {
  it('builds a route, reorders its targets with the keyboard buttons, and saves it', async () => {
    const { container, fake } = await openPage('routes');
    const page = within(container);
    await waitFor(() => page.getByRole('article', { name: 'smart' }));
    click(page.getByRole('button', { name: 'New route' }));
    const editor = page.getByRole('dialog', { name: 'New route' });
    const dialog = within(editor);
    typeInto(dialog.getByLabelText('Alias'), 'fast');
    for (const model of ['openai/gpt-4.1-mini', 'ollama/qwen3:8b']) {
      typeInto(dialog.getByRole('combobox', { name: 'Model to add' }), model);
      click(dialog.getByRole('button', { name: 'Add target' }));
    }
    click(dialog.getByRole('button', { name: 'Move ollama/qwen3:8b up' }));
    expect(targetModels(editor)).toEqual(['ollama/qwen3:8b', 'openai/gpt-4.1-mini']);
    expect(editor.textContent).toContain('ollama/qwen3:8b moved to position 1 of 2');
    submitWith(dialog.getByRole('button', { name: 'Save route' }));
    const card = await waitFor(() => page.getByRole('article', { name: 'fast' }));
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
    const page = within(container);
    await waitFor(() => page.getByRole('rowheader', { name: 'cursor' }));
    typeInto(page.getByLabelText('New token name'), 'aider');
    submitWith(page.getByRole('button', { name: 'Create token' }));
    const dialog = within(await waitFor(() => page.getByRole('dialog', { name: 'Your new client token' })));
    const shown = dialog.getByText(/^sy-/).textContent ?? '';
    expect(shown).toMatch(/^sy-[0-9a-f]{64}$/);
    click(dialog.getByRole('button', { name: 'Done' }));
    expect(container.innerHTML).not.toContain(shown);
    await waitFor(() => page.getByRole('rowheader', { name: 'aider' }));
  });

  it('saves budgets', async () => {
    const { container, fake } = await openPage('settings');
    const page = within(container);
    const daily = await waitFor(() => page.getByLabelText('Daily budget (USD)'));
    typeInto(daily as HTMLInputElement, '0.5');
    submitWith(page.getByRole('button', { name: 'Save budgets' }));
    await waitFor(() => page.getByText('Budgets saved.', { selector: '[role="status"]' }));
    expect(fake.state.budgets.dailyUsd).toBe(0.5);
  });
});

describe('request log retention', () => {
  it('keeps every request by default; a number of days is saved as the limit, and clearing it keeps all again', async () => {
    const { container, fake } = await openPage('settings');
    const section = within(await waitFor(() => within(container).getByRole('region', { name: 'Request log' })));
    const field = await waitFor(() => section.getByLabelText('Keep requests (days)') as HTMLInputElement);
    expect(field.value).toBe('');
    expect(section.getByRole('button', { name: 'Save' }).hasAttribute('disabled')).toBe(true); // nothing changed yet
    typeInto(field, '90');
    submitWith(section.getByRole('button', { name: 'Save' }));
    await waitFor(() => section.getByText('Requests older than 90 day(s) are deleted; totals and charts keep them.', { selector: '[role="status"]' }));
    expect(fake.state.settings.requestRetentionDays).toBe(90);
    typeInto(section.getByLabelText('Keep requests (days)') as HTMLInputElement, '');
    submitWith(section.getByRole('button', { name: 'Save' }));
    await waitFor(() => section.getByText('Every request is kept.', { selector: '[role="status"]' }));
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
    const region = await waitFor(() => within(container).getByRole('region', { name: 'Request capture' }));
    const section = within(region);
    const capture = await waitFor(() => section.getByRole('checkbox', { name: /Capture request and response bodies/ }));
    expect(region.textContent).toContain('Headers are never stored');
    expect(region.textContent).toContain('up to 256 KiB per request, for 7 days');
    click(capture);
    await waitFor(() => section.getByText('Capture is on for new requests.', { selector: '[role="status"]' }));
    expect(fake.state.settings.capture.enabled).toBe(true);
    typeInto(section.getByLabelText('Keep captured bodies (days)') as HTMLInputElement, '2');
    submitWith(section.getByRole('button', { name: 'Save retention' }));
    await waitFor(() => section.getByText('Captured bodies are kept 2 day(s).', { selector: '[role="status"]' }));
    expect(fake.calls.filter((call) => call.call === 'settings.set').map((call) => call.request)).toEqual([
      { capture: { enabled: true } },
      { capture: { retentionDays: 2 } },
    ]);
    expect(fake.state.settings.capture).toMatchObject({ enabled: true, retentionDays: 2 });
    click(section.getByRole('button', { name: 'Delete captured bodies…' }));
    click(section.getByRole('button', { name: 'Delete all captured bodies' }));
    await waitFor(() => section.getByText('Deleted the captured bodies of 5 requests.', { selector: '[role="status"]' }));
    expect(fake.state.captures).toEqual({});
  });
});

describe('logs', () => {
  it('opens a request’s detail with its attempt trail', async () => {
    // happy-dom lays nothing out: give the virtualised list a viewport to fill
    vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(600);
    vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(1000);
    const { container } = await openPage('logs');
    click(await waitFor(() => logRows(container)[0]));
    const detail = await waitFor(() => within(container).getByRole('dialog', { name: 'Request detail' }));
    const trail = await waitFor(() => within(detail).getByRole('region', { name: 'Attempt trail' }));
    expect(within(trail).getAllByRole('listitem').length).toBeGreaterThan(0);
    expect(detail.textContent).toContain('Switchyard overhead');
  });

  it('shows a captured request and answer as plain text, markup and all', async () => {
    vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(600);
    vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(1000);
    const { container } = await openPage('logs');
    click(await waitFor(() => logRows(container)[0]));
    const capture = await waitFor(() => within(container).getByRole('region', { name: 'Captured bodies' }));
    const request = await waitFor(() => within(capture).getByRole('region', { name: 'Captured request' }));
    const answer = within(capture).getByRole('region', { name: 'Captured answer' });
    expect(request.textContent).toContain('Summarise <b>this</b> **release note**');
    expect(request.textContent).toContain('\n  "messages": ['); // whole JSON is indented for reading
    expect(answer.textContent).toMatch(/<i>fewer<\/i>|rate limited/);
    expect(capture.querySelector('b, i, strong, em, a')).toBeNull(); // nothing was rendered as markup (a structural check on purpose)
  });

  it('says when a request was not captured', async () => {
    vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(600);
    vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(1000);
    const { container, fake } = await openPage('logs');
    fake.state.captures = {};
    click(await waitFor(() => logRows(container)[0]));
    const capture = await waitFor(() => within(container).getByRole('region', { name: 'Captured bodies' }));
    expect(capture.textContent).toContain('Not captured');
  });
});
