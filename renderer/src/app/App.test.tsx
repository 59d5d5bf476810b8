// @vitest-environment happy-dom
// The app against the fake core: the dashboard's figures, navigation, the signed-out screen, and the error state.
import { within } from '@testing-library/dom';
import { afterEach, describe, expect, it } from 'vitest';
import { click, renderApp, waitFor, type Rendered } from '../test-support/render-app';
import { formatCount } from '../format/numbers';

let rendered: Rendered | undefined;
afterEach(() => rendered?.unmount());

describe('App', () => {
  it('shows today’s figures on the dashboard, matching the core', async () => {
    rendered = await renderApp({ seeded: true });
    const { container, fake } = rendered;
    const page = within(container);
    const requests = await waitFor(() => page.getByTestId('requests').textContent);
    const today = new Date();
    today.setHours(0, 0, 0, 0);
    const expected = fake.state.requests.filter((row) => row.startedAt >= today.getTime()).length;
    expect(requests).toBe(formatCount(expected));
    expect(page.getByRole('heading', { level: 1 }).textContent).toBe('Dashboard');
    expect(container.textContent).toContain('Spent this month');
    expect(within(page.getByRole('navigation')).getByRole('link', { current: 'page' }).textContent).toBe('Dashboard');
  });

  it('shows a designed empty state when nothing was sent', async () => {
    rendered = await renderApp({ seeded: false });
    await waitFor(() => within(rendered!.container).getByRole('heading', { name: /No requests today/ }));
  });

  it('navigates with the sidebar, the Playground included', async () => {
    rendered = await renderApp({ seeded: true });
    const { container, stores } = rendered;
    const nav = within(within(container).getByRole('navigation'));
    click(nav.getByRole('link', { name: 'Providers' }));
    await waitFor(() => within(container).getByRole('article', { name: / ollama$/ }));
    expect(stores.navigation.getState().page).toBe('providers');
    expect(nav.queryAllByRole('link').filter((link) => link.getAttribute('aria-disabled') === 'true')).toEqual([]);
    click(nav.getByRole('link', { name: 'Playground' }));
    await waitFor(() => within(container).getByRole('heading', { level: 1, name: 'Playground' }));
    expect(stores.navigation.getState().page).toBe('playground');
  });

  it('says how to sign in again when the session is gone', async () => {
    rendered = await renderApp({ signedOut: true });
    expect(within(rendered.container).getByRole('heading', { level: 1 }).textContent).toContain('switchyard ui');
  });

  it('shows an error with a retry when a load fails', async () => {
    rendered = await renderApp({ failing: { 'usage.totals': 'the ledger is locked' } });
    const alert = await waitFor(() =>
      within(rendered!.container)
        .getAllByRole('alert')
        .find((candidate) => /the ledger is locked/.test(candidate.textContent ?? '')),
    );
    expect(within(alert).getByRole('button', { name: 'Try again' })).toBeTruthy();
  });
});
