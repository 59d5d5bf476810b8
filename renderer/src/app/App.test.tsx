// @vitest-environment happy-dom
// The app against the fake core: the dashboard's figures, navigation, the signed-out screen, and the error state.
import { afterEach, describe, expect, it } from 'vitest';
import { byText, click, renderApp, waitFor, type Rendered } from '../test-support/render-app';
import { formatCount } from '../format/numbers';

let rendered: Rendered | undefined;
afterEach(() => rendered?.unmount());

describe('App', () => {
  it('shows today’s figures on the dashboard, matching the core', async () => {
    rendered = await renderApp({ seeded: true });
    const { container, fake } = rendered;
    const requests = await waitFor(() => container.querySelector('[data-testid="requests"]')?.textContent);
    const today = new Date();
    today.setHours(0, 0, 0, 0);
    const expected = fake.state.requests.filter((row) => row.startedAt >= today.getTime()).length;
    expect(requests).toBe(formatCount(expected));
    expect(container.querySelector('h1')?.textContent).toBe('Dashboard');
    expect(container.textContent).toContain('Spent this month');
    expect(container.querySelector('nav [aria-current="page"]')?.textContent).toBe('Dashboard');
  });

  it('shows a designed empty state when nothing was sent', async () => {
    rendered = await renderApp({ seeded: false });
    await waitFor(() => byText(rendered!.container, '.state-title', /No requests today/));
  });

  it('navigates with the sidebar, the Playground included', async () => {
    rendered = await renderApp({ seeded: true });
    const { container, stores } = rendered;
    click(byText(container, 'nav a', 'Providers'));
    await waitFor(() => container.querySelector('[data-provider="ollama"]'));
    expect(stores.navigation.getState().page).toBe('providers');
    expect(container.querySelector('nav [aria-disabled="true"]')).toBeNull();
    click(byText(container, 'nav a', 'Playground'));
    await waitFor(() => container.querySelector('h1')?.textContent === 'Playground');
    expect(stores.navigation.getState().page).toBe('playground');
  });

  it('says how to sign in again when the session is gone', async () => {
    rendered = await renderApp({ signedOut: true });
    expect(rendered.container.querySelector('h1')?.textContent).toContain('switchyard ui');
  });

  it('shows an error with a retry when a load fails', async () => {
    rendered = await renderApp({ failing: { 'usage.totals': 'the ledger is locked' } });
    const alert = await waitFor(() => byText(rendered!.container, '[role="alert"]', /the ledger is locked/));
    expect(byText(alert, 'button', 'Try again')).toBeDefined();
  });
});
