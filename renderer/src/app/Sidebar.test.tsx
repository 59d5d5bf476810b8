// @vitest-environment happy-dom
// The sidebar's gateway line in team mode (state.url): shared in Redis, or this replica's fallback while it is down.
import { within } from '@testing-library/dom';
import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { StatusDto } from '../../../shared/control/contract';
import { renderApp, waitFor, type Rendered } from '../test-support/render-app';
import { readyResource } from './resource';
import { Sidebar } from './Sidebar';

let rendered: Rendered | undefined;
afterEach(() => rendered?.unmount());

async function showStatus(sharedState: StatusDto['sharedState']): Promise<HTMLElement> {
  rendered = await renderApp({ seeded: false, element: <Sidebar /> });
  const { stores, container } = rendered;
  await act(() => stores.status.getState().refresh());
  const base = await waitFor(() => stores.status.getState().status.data);
  act(() => stores.status.setState({ status: readyResource({ ...base, sharedState }) }));
  return within(container).getByRole('status');
}

describe('Sidebar', () => {
  it('says nothing of shared state on a single gateway', async () => {
    const line = await showStatus(null);
    expect(line.textContent).not.toMatch(/Shared|fallback/);
  });

  it('shows the replicas sharing Redis, and the fallback with its detail while Redis is down', async () => {
    const shared = await showStatus({ backend: 'redis', replicas: 3, url: 'redis://cache:6379', detail: 'shared in Redis by 3 replica(s)' });
    expect(within(shared).getByText('Shared (3)').getAttribute('title')).toBe('shared in Redis by 3 replica(s)');
    rendered?.unmount();
    const detail = "Redis unreachable since 2026-12-07T22:00:00.000Z: rate limits on this replica's own counters at limit ÷ 3";
    const fallback = await showStatus({ backend: 'local_fallback', replicas: 3, url: 'redis://cache:6379', detail });
    expect(within(fallback).getByText('Local fallback').getAttribute('title')).toBe(detail);
  });
});
