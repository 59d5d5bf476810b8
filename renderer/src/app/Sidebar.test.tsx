// @vitest-environment happy-dom
// The sidebar's gateway line in team mode (state.url): shared in Redis, or this replica's fallback while it is down;
// (ledger.url) client tokens still the last set read while PostgreSQL is unreachable.
import { within } from '@testing-library/dom';
import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { StatusDto } from '../../../shared/control/contract';
import { renderApp, waitFor, type Rendered } from '../test-support/render-app';
import { readyResource } from './resource';
import { Sidebar } from './Sidebar';

let rendered: Rendered | undefined;
afterEach(() => rendered?.unmount());

async function showStatus(sharedState: StatusDto['sharedState'], clientTokens: StatusDto['clientTokens'] = null): Promise<HTMLElement> {
  rendered = await renderApp({ seeded: false, element: <Sidebar /> });
  const { stores, container } = rendered;
  await act(() => stores.status.getState().refresh());
  const base = await waitFor(() => stores.status.getState().status.data);
  act(() => stores.status.setState({ status: readyResource({ ...base, sharedState, clientTokens }) }));
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

  it('says when the client tokens shared in PostgreSQL are the last set read (PostgreSQL unreachable)', async () => {
    const live = await showStatus(null, { backend: 'postgres', state: 'live', active: 2, detail: '2 active, shared in PostgreSQL' });
    expect(live.textContent).not.toContain('Tokens stale');
    rendered?.unmount();
    const detail = 'PostgreSQL unreachable since 2026-12-07T22:00:00.000Z: the 2 token(s) read at 2026-12-07T21:59:58.000Z stay in force';
    const stale = await showStatus(null, { backend: 'postgres', state: 'stale', active: 2, detail });
    expect(within(stale).getByText('Tokens stale').getAttribute('title')).toBe(detail);
  });
});
