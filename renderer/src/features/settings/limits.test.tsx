// @vitest-environment happy-dom
// Rate limits in the UI against the fake core: per client token in Settings, per route (with its queue) in the
// route editor; each saved through its control call.
import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallRequest } from '../../../../shared/control/contract';
import { byText, click, labelled, renderApp, typeInto, waitFor, type Rendered } from '../../test-support/render-app';

let rendered: Rendered | undefined;
afterEach(() => rendered?.unmount());

async function openPage(name: 'routes' | 'settings'): Promise<Rendered> {
  rendered = await renderApp({});
  act(() => rendered!.stores.navigation.getState().go(name));
  await waitFor(() => rendered!.container.querySelector('h1')?.textContent !== 'Dashboard' && rendered!.container.querySelector('.state-loading') === null);
  return rendered;
}

describe('rate limits', () => {
  it('saves limits for every client token and for one token of its own', async () => {
    const { container, fake } = await openPage('settings');
    const section = await waitFor(() => container.querySelector('[aria-labelledby="limits-title"]') as HTMLElement | null);
    const every = await waitFor(() => section.querySelector('[aria-label="Every client token"]') as HTMLElement | null);
    typeInto(labelled(every, 'Requests / min'), '120');
    const cursor = await waitFor(() => section.querySelector('[aria-label="Token cursor"]') as HTMLElement | null);
    typeInto(labelled(cursor, 'Tokens / min'), '50000');
    typeInto(labelled(cursor, 'Concurrent'), '2');
    act(() => byText(section, 'button', 'Save rate limits')?.closest('form')?.requestSubmit());
    await waitFor(() => byText(section, '[role="status"]', 'Rate limits saved.'));
    const saved = fake.calls.find((call) => call.call === 'limits.set')?.request as CallRequest<'limits.set'>;
    expect(saved.everyClient).toEqual({ requestsPerMinute: 120, tokensPerMinute: null, concurrent: null });
    expect(saved.clients['cursor']).toEqual({ requestsPerMinute: null, tokensPerMinute: 50_000, concurrent: 2 });
  });

  it("saves a route's limits and its queue with the route", async () => {
    const { container, fake } = await openPage('routes');
    await waitFor(() => container.querySelector('[data-route="smart"]'));
    click(byText(container, 'button', 'New route'));
    const dialog = container.querySelector('dialog') as HTMLElement;
    typeInto(labelled(dialog, 'Alias'), 'limited');
    typeInto(labelled(dialog, 'Model to add'), 'openai/gpt-4.1-mini');
    click(byText(dialog, 'button', 'Add target'));
    typeInto(labelled(dialog, 'Requests / min'), '30');
    click(labelled(dialog, /wait in a queue/));
    typeInto(labelled(dialog, 'Longest wait (seconds)'), '5');
    act(() => dialog.querySelector('form')?.requestSubmit());
    await waitFor(() => container.querySelector('[data-route="limited"]'));
    const saved = fake.calls.find((call) => call.call === 'routes.save')?.request as CallRequest<'routes.save'>;
    expect(saved.limits).toEqual({ requestsPerMinute: 30, tokensPerMinute: null, concurrent: null, queue: { maxWaitMs: 5_000, maxLength: 64 } });
  });
});
