// @vitest-environment happy-dom
// The playground through the DOM against the fake core and a fake gateway that streams real SSE: comparing two
// models with their figures and ledger cost, an error and a stop confined to their columns, blind voting and the
// leaderboard, follow-ups with each column's own history, carrying an answer forward, saved sets, "Use this", and
// a link that asks first.
import { within } from '@testing-library/dom';
import { act } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { byText, click, labelled, renderApp, typeInto, waitFor, type Rendered } from '../../test-support/render-app';

let rendered: Rendered | undefined;
afterEach(async () => {
  // let the last ledger reads and history saves land inside act before unmounting
  await act(async () => {
    await new Promise((resolve) => setTimeout(resolve, 100));
  });
  rendered?.unmount();
  rendered = undefined;
  vi.restoreAllMocks();
});

function typeText(element: HTMLTextAreaElement, value: string): void {
  const setter = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')?.set;
  act(() => {
    setter?.call(element, value);
    element.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

/** A click whose work goes on asynchronously (streams, saves): its updates land inside act. */
async function press(element: Element | null | undefined): Promise<void> {
  if (!(element instanceof HTMLElement)) throw new Error('press: no such element');
  await act(async () => {
    element.click();
    await new Promise((resolve) => setTimeout(resolve, 20));
  });
}

async function openPlayground(options: Parameters<typeof renderApp>[0] = {}): Promise<Rendered> {
  rendered = await renderApp(options);
  act(() => rendered!.stores.navigation.getState().go('playground'));
  const page = within(rendered.container);
  await waitFor(() => page.queryByRole('heading', { level: 1, name: 'Playground' }) && page.queryByRole('status', { name: /^Loading/ }) === null);
  return rendered;
}

function addModel(container: HTMLElement, model: string): void {
  typeInto(within(container).getByRole('combobox', { name: 'Model to compare' }) as HTMLInputElement, model);
  click(within(container).getByRole('button', { name: 'Add model' }));
}

function columns(container: HTMLElement): HTMLElement[] {
  return [...container.querySelectorAll<HTMLElement>('[data-testid="answer-column"]')];
}

async function compare(container: HTMLElement, models: readonly string[], prompt: string): Promise<void> {
  for (const model of models) addModel(container, model);
  typeText(labelled<HTMLTextAreaElement>(container, 'Prompt'), prompt);
  await press(byText(container, 'button', 'Run comparison'));
  await waitFor(() => columns(container).length === models.length);
}

const settled = (container: HTMLElement) => columns(container).every((column) => ['done', 'stopped', 'error'].includes(column.dataset['phase'] ?? ''));

describe('comparing models', () => {
  it('streams two answers side by side with their figures, the provider, and the cost confirmed by the ledger', async () => {
    const { container, gatewayBodies } = await openPlayground();
    typeText(labelled<HTMLTextAreaElement>(container, 'System prompt (optional)'), 'Answer in one line.');
    typeInto(labelled(container, 'Temperature'), '0.4');
    await compare(container, ['openai/gpt-4.1-mini', 'anthropic/claude-sonnet-4-5'], 'Explain SSE');
    await waitFor(() => settled(container) && columns(container).every((column) => within(column).queryByText('ledger')));
    const [first, second] = columns(container);
    expect(first?.getAttribute('aria-label')).toBe('openai/gpt-4.1-mini');
    expect(first?.querySelector('[data-testid="answer-body"]')?.textContent).toContain('openai/gpt-4.1-mini here');
    expect(second?.querySelector('[data-testid="metric-provider"]')?.textContent).toBe('anthropic/claude-sonnet-4-5');
    expect(first?.querySelector('[data-testid="metric-tokens"]')?.textContent).toMatch(/^12 in · \d+ out$/);
    expect(first?.querySelector('[data-testid="metric-cost"]')?.textContent).toMatch(/^\$0\.0000\d+ledger$/);
    expect(first?.querySelector('[data-testid="metric-ttft"]')?.textContent).toMatch(/ms$/);
    const sent = gatewayBodies.map((body) => JSON.parse(body) as { model: string; temperature: number; stream_options: unknown; messages: unknown[] });
    expect(sent.map((body) => body.model)).toEqual(['openai/gpt-4.1-mini', 'anthropic/claude-sonnet-4-5']);
    expect(sent[0]).toMatchObject({
      temperature: 0.4,
      stream_options: { include_usage: true },
      messages: [
        { role: 'system', content: 'Answer in one line.' },
        { role: 'user', content: 'Explain SSE' },
      ],
    });
    // kept in the history
    await waitFor(() => rendered!.fake.state.playground.comparisons.length === 1);
  });

  it('shows an error in its own column and lets the others finish', async () => {
    const { container } = await openPlayground({ gateway: { failing: { 'broken/model': 'upstream exploded' } } });
    await compare(container, ['broken/model', 'openai/gpt-4.1'], 'Hi');
    await waitFor(() => settled(container));
    const [broken, healthy] = columns(container);
    expect(broken?.dataset['phase']).toBe('error');
    expect(broken?.querySelector('[data-testid="column-error"]')?.textContent).toBe('502: upstream exploded');
    expect(healthy?.dataset['phase']).toBe('done');
  });

  it('stops one column without disturbing the other, and the ledger says cancelled', async () => {
    const { container } = await openPlayground({
      gateway: { delayMs: 15, answer: (model) => (model.startsWith('slow') ? 'word '.repeat(400) : 'quick answer') },
    });
    await compare(container, ['slow/model', 'openai/gpt-4.1'], 'Hi');
    const slow = columns(container)[0] as HTMLElement;
    await waitFor(() => slow.dataset['phase'] === 'streaming');
    await press(byText(slow, 'button', 'Stop'));
    await waitFor(() => settled(container));
    expect(slow.dataset['phase']).toBe('stopped');
    expect(columns(container)[1]?.dataset['phase']).toBe('done');
    await waitFor(() => rendered!.fake.state.requests.some((row) => row.requestedModel === 'slow/model' && row.status === 'cancelled'));
  });
});

describe('blind mode and the leaderboard', () => {
  it('hides who is who until the vote, then counts it in the task tag’s leaderboard', async () => {
    const { container, fake } = await openPlayground();
    click(labelled(container, /Blind mode/));
    typeInto(labelled(container, 'Task tag'), 'code');
    await compare(container, ['openai/gpt-4.1-mini', 'anthropic/claude-sonnet-4-5'], 'Write a sort');
    await waitFor(() => settled(container) && byText(container, 'button', 'Model A is best'));
    expect(columns(container).map((column) => column.getAttribute('aria-label'))).toEqual(['Model A', 'Model B']);
    for (const column of columns(container)) {
      expect(column.querySelector('[data-testid="metric-provider"]')?.textContent).toBe('hidden until you vote');
      expect(column.querySelector('[data-testid="metric-cost"]')?.textContent).toBe('hidden');
      expect(byText(column, 'button', 'Use this')).toBeUndefined();
    }
    const winner = columns(container)[1]?.querySelector('[data-testid="answer-body"]')?.textContent?.split(' here')[0] ?? '';
    await press(byText(container, 'button', 'Model B is best'));
    await waitFor(() => container.querySelector('[data-testid="vote-result"]'));
    expect(container.querySelector('[data-testid="vote-result"]')?.textContent).toContain(`You picked ${winner}`);
    expect(columns(container)[1]?.getAttribute('aria-label')).toBe(winner);
    expect(fake.state.playground.votes).toEqual([expect.objectContaining({ taskTag: 'code', winner, turn: 0 })]);
    const row = await waitFor(() => container.querySelector(`[data-testid="leaderboard"] tr[data-model="${winner}"]`));
    expect(row.querySelector('[data-testid="votes"]')?.textContent).toBe('1');
    expect(row.querySelector('[data-testid="rating"]')?.textContent).toMatch(/^\d+ ± \d+$/);
  });
});

describe('conversations', () => {
  it('continues every column with its own history, and carries one answer forward into all', async () => {
    const { container, gatewayBodies } = await openPlayground();
    await compare(container, ['openai/gpt-4.1-mini', 'openai/gpt-4.1'], 'First question');
    await waitFor(() => settled(container) && byText(container, 'button', 'Continue in every column'));
    typeText(labelled<HTMLTextAreaElement>(container, 'Follow-up'), 'Second question');
    await press(byText(container, 'button', 'Continue in every column'));
    await waitFor(() => gatewayBodies.length === 4 && settled(container) && byText(container, 'button', 'Continue in every column'));
    const secondTurn = gatewayBodies
      .slice(2)
      .map((body) => (JSON.parse(body) as { messages: Array<{ content: string }> }).messages.map((message) => message.content));
    expect(secondTurn[0]?.[1]).toContain('**openai/gpt-4.1-mini** here');
    expect(secondTurn[1]?.[1]).toContain('**openai/gpt-4.1** here');
    expect(secondTurn.map((messages) => messages[2])).toEqual(['Second question', 'Second question']);

    click(byText(columns(container)[1] as HTMLElement, 'button', 'Carry forward'));
    typeText(labelled<HTMLTextAreaElement>(container, 'Follow-up'), 'Third');
    await press(byText(container, 'button', 'Continue in every column'));
    await waitFor(() => gatewayBodies.length === 6);
    const thirdTurn = gatewayBodies.slice(4).map((body) => (JSON.parse(body) as { messages: Array<{ content: string }> }).messages[3]?.content);
    expect(thirdTurn[0]).toBe(thirdTurn[1]);
    expect(thirdTurn[0]).toContain('**openai/gpt-4.1** here');
  });
});

describe('sets, routes and links', () => {
  it('saves a comparison set and loads it back', async () => {
    const { container, fake } = await openPlayground();
    addModel(container, 'openai/gpt-4.1-mini');
    addModel(container, 'smart');
    typeInto(labelled(container, 'Save these models and settings as'), 'Duo');
    await press(byText(container, 'button', 'Save set'));
    await waitFor(() => fake.state.playground.sets.length === 1);
    expect(fake.state.playground.sets[0]).toMatchObject({ name: 'Duo', models: ['openai/gpt-4.1-mini', 'smart'], taskTag: 'general' });
    await waitFor(() => labelled<HTMLSelectElement>(container, 'Saved set').querySelector('option[value="Duo"]'));
    click(container.querySelector('[aria-label="Remove smart"]'));
    typeInto(labelled<HTMLSelectElement>(container, 'Saved set'), '');
    typeInto(labelled<HTMLSelectElement>(container, 'Saved set'), 'Duo');
    await waitFor(() => container.querySelector('[aria-label="Remove smart"]'));
  });

  it('"Use this" makes the winner a new route, or puts it first in an existing one', async () => {
    const { container, fake } = await openPlayground();
    await compare(container, ['openai/gpt-4.1-mini', 'anthropic/claude-sonnet-4-5'], 'Hi');
    await waitFor(() => settled(container));
    click(byText(columns(container)[1] as HTMLElement, 'button', 'Use this'));
    const promoteDialog = () =>
      [...container.querySelectorAll<HTMLElement>('dialog')].find((candidate) => candidate.textContent?.includes('Use this model for a route')) as HTMLElement;
    const dialog = promoteDialog();
    typeInto(labelled(dialog, 'Alias'), 'writer');
    await press(byText(dialog, 'button', 'Save route'));
    await waitFor(() => dialog.querySelector('[data-testid="promoted"]'));
    expect(fake.state.routes.find((route) => route.name === 'writer')?.targets.map((target) => target.model)).toEqual(['anthropic/claude-sonnet-4-5']);
    click(byText(dialog, 'button', 'Done'));

    click(byText(columns(container)[0] as HTMLElement, 'button', 'Use this'));
    const again = promoteDialog();
    click(labelled(again, /existing route/));
    typeInto(labelled<HTMLSelectElement>(again, 'Existing route'), 'writer');
    expect(again.querySelector('[data-testid="promote-preview"]')?.textContent).toBe('Targets in order: openai/gpt-4.1-mini → anthropic/claude-sonnet-4-5');
    await press(byText(again, 'button', 'Save route'));
    await waitFor(() => fake.state.routes.find((route) => route.name === 'writer')?.targets.length === 2);
    expect(fake.state.routes.find((route) => route.name === 'writer')?.targets.map((target) => [target.model, target.tier])).toEqual([
      ['openai/gpt-4.1-mini', 0],
      ['anthropic/claude-sonnet-4-5', 1],
    ]);
  });

  it('asks before opening a link an answer contains, and opens only https', async () => {
    const open = vi.spyOn(window, 'open').mockImplementation(() => null);
    const { container } = await openPlayground({ gateway: { answer: () => 'See [the docs](https://example.com/docs) or [this](javascript:alert(1)).' } });
    await compare(container, ['openai/gpt-4.1-mini', 'openai/gpt-4.1'], 'Links please');
    await waitFor(() => settled(container));
    click(within(columns(container)[0] as HTMLElement).getByRole('button', { name: 'the docs' }));
    const dialog = await waitFor(() => within(container).getByRole('dialog', { name: 'Open this link?' }));
    expect(open).not.toHaveBeenCalled();
    expect(dialog.querySelector('[data-testid="link-url"]')?.textContent).toBe('https://example.com/docs');
    click(byText(dialog, 'button', 'Open in browser'));
    expect(open).toHaveBeenCalledWith('https://example.com/docs', '_blank', 'noopener,noreferrer');

    click(within(columns(container)[0] as HTMLElement).getByRole('button', { name: 'this' }));
    const refused = await waitFor(() =>
      within(container)
        .getAllByRole('dialog', { name: 'Open this link?' })
        .find((candidate) => candidate.textContent?.includes('was removed')),
    );
    expect(byText(refused, 'button', 'Open in browser')).toBeUndefined();
    expect(open).toHaveBeenCalledTimes(1);
  });
});
