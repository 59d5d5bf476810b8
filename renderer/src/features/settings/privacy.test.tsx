// @vitest-environment happy-dom
// Settings → Privacy against the fake core: the test box shows where each detector fired in pasted text;
// saving writes the default action and a route's own action.
import { within } from '@testing-library/dom';
import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { byText, labelled, renderApp, typeInto, waitFor, type Rendered } from '../../test-support/render-app';
import { tap } from '../../test-support/keyboard';

let rendered: Rendered | undefined;
afterEach(async () => {
  await act(async () => {
    await new Promise((resolve) => setTimeout(resolve, 50));
  });
  rendered?.unmount();
  rendered = undefined;
});

async function openSettings(): Promise<Rendered> {
  rendered = await renderApp();
  act(() => rendered!.stores.navigation.getState().go('settings'));
  await waitFor(() =>
    within(within(rendered!.container).getByRole('region', { name: 'Privacy guard and response cache' })).getByRole('button', { name: 'Run detectors' }),
  );
  return rendered;
}

describe('Settings → Privacy', () => {
  it('runs the detectors on pasted text and shows each finding with its span', async () => {
    const { container } = await openSettings();
    const box = labelled<HTMLTextAreaElement>(container, /Test the detectors/);
    act(() => {
      Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')?.set?.call(box, 'deploy AKIAABCDEFGHIJKLMNOP now');
      box.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await tap(byText(container, 'button', 'Run detectors'));
    const results = await waitFor(() => within(container).getByRole('status', { name: 'Detector results' }));
    await waitFor(() => results.textContent?.includes('aws-access-key'));
    expect(results.textContent).toContain('aws-access-key: characters 7–27');
  });

  it('saves the default action and a route’s own action', async () => {
    const { container, fake } = await openSettings();
    act(() => typeInto(labelled<HTMLSelectElement>(container, /When a detector fires/), 'redact'));
    act(() => typeInto(labelled<HTMLSelectElement>(container, /^fast/), 'block'));
    await tap(byText(container, 'button', 'Save privacy settings'));
    await waitFor(() => byText(container, '[role="status"]', 'Privacy settings saved.'));
    expect(fake.state.privacy.action).toBe('redact');
    expect(fake.state.privacy.routes.find((route) => route.name === 'fast')?.action).toBe('block');
  });
});
