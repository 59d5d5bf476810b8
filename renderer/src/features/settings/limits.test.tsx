// @vitest-environment happy-dom
// Rate limits in the UI against the fake core: per client token in Settings, per route (with its queue) in the
// route editor; each saved through its control call.
import { within } from '@testing-library/dom';
import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallRequest } from '../../../../shared/control/contract';
import { click, renderApp, submitWith, typeInto, waitFor, type Rendered } from '../../test-support/render-app';

let rendered: Rendered | undefined;
afterEach(() => rendered?.unmount());

async function openPage(name: 'routes' | 'settings'): Promise<Rendered> {
  rendered = await renderApp({});
  act(() => rendered!.stores.navigation.getState().go(name));
  const page = within(rendered.container);
  await waitFor(() => page.queryByRole('heading', { level: 1, name: 'Dashboard' }) === null && page.queryByRole('status', { name: /^Loading/ }) === null);
  return rendered;
}

const field = (element: HTMLElement): HTMLInputElement => element as HTMLInputElement;

describe('rate limits', () => {
  it('saves limits for every client token and for one token of its own', async () => {
    const { container, fake } = await openPage('settings');
    const section = within(await waitFor(() => within(container).getByRole('region', { name: 'Rate limits' })));
    const every = within(await waitFor(() => section.getByRole('group', { name: 'Every client token' })));
    typeInto(field(every.getByLabelText('Requests / min')), '120');
    const cursor = within(await waitFor(() => section.getByRole('group', { name: 'Token cursor' })));
    typeInto(field(cursor.getByLabelText('Tokens / min')), '50000');
    typeInto(field(cursor.getByLabelText('Concurrent')), '2');
    submitWith(section.getByRole('button', { name: 'Save rate limits' }));
    await waitFor(() => section.getByText('Rate limits saved.', { selector: '[role="status"]' }));
    const saved = fake.calls.find((call) => call.call === 'limits.set')?.request as CallRequest<'limits.set'>;
    expect(saved.everyClient).toEqual({ requestsPerMinute: 120, tokensPerMinute: null, concurrent: null });
    expect(saved.clients['cursor']).toEqual({ requestsPerMinute: null, tokensPerMinute: 50_000, concurrent: 2 });
  });

  it("saves a route's limits and its queue with the route", async () => {
    const { container, fake } = await openPage('routes');
    const page = within(container);
    await waitFor(() => page.getByRole('article', { name: 'smart' }));
    click(page.getByRole('button', { name: 'New route' }));
    const dialog = within(page.getByRole('dialog', { name: 'New route' }));
    typeInto(field(dialog.getByLabelText('Alias')), 'limited');
    typeInto(field(dialog.getByRole('combobox', { name: 'Model to add' })), 'openai/gpt-4.1-mini');
    click(dialog.getByRole('button', { name: 'Add target' }));
    typeInto(field(dialog.getByLabelText('Requests / min')), '30');
    click(dialog.getByRole('checkbox', { name: /wait in a queue/ }));
    typeInto(field(dialog.getByLabelText('Longest wait (seconds)')), '5');
    submitWith(dialog.getByRole('button', { name: 'Save route' }));
    await waitFor(() => page.getByRole('article', { name: 'limited' }));
    const saved = fake.calls.find((call) => call.call === 'routes.save')?.request as CallRequest<'routes.save'>;
    expect(saved.limits).toEqual({ requestsPerMinute: 30, tokensPerMinute: null, concurrent: null, queue: { maxWaitMs: 5_000, maxLength: 64 } });
  });
});
