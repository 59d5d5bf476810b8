// @vitest-environment happy-dom
// The first screen in both modes: with the desktop bridge it shows the gateway and providers; without it (a plain
// browser, headless mode) it says the status is unavailable instead of breaking.
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AppStatus, SwitchyardBridge } from '../../preload/bridge-api.js';
import { App } from './App';
import { statusSourceFor } from './status-source';
import { createStatusStore } from './status-store';

const status: AppStatus = {
  phase: 'running',
  gatewayUrl: 'http://127.0.0.1:5454/v1',
  message: null,
  configSource: null,
  inFlight: 0,
  checkedAt: '2025-01-01T12:00:00.000Z',
  providers: [
    { id: 'ollama', type: 'ollama', locality: 'local', address: 'http://127.0.0.1:11434', keySource: 'none needed', reachability: 'reachable', detail: 'ok', latencyMs: 3 },
    { id: 'openai', type: 'openai-compatible', locality: 'cloud', address: 'https://api.openai.com/v1', keySource: 'missing (set OPENAI_API_KEY)', reachability: 'unreachable', detail: '401', latencyMs: null },
  ],
};

let root: Root | undefined;
let container: HTMLElement;

beforeAll(() => {
  (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
});

afterEach(() => {
  act(() => root?.unmount());
  container.remove();
  vi.useRealTimers();
});

async function render(bridge: SwitchyardBridge | undefined): Promise<void> {
  container = document.createElement('div');
  document.body.append(container);
  const store = createStatusStore(statusSourceFor(bridge));
  await act(async () => {
    root = createRoot(container);
    root.render(<App store={store} />);
  });
}

describe('App', () => {
  it('shows the gateway address and each provider’s reachability from the desktop bridge', async () => {
    await render({ getStatus: () => Promise.resolve(status) });
    expect(container.textContent).toContain('http://127.0.0.1:5454/v1');
    expect(container.querySelector('.pill')?.textContent).toBe('Running');
    const rows = [...container.querySelectorAll('tbody tr')].map((row) => [row.getAttribute('data-provider'), row.querySelector('td:last-child')?.textContent]);
    expect(rows).toEqual([
      ['ollama', 'Reachable (3 ms)'],
      ['openai', 'Unreachable'],
    ]);
  });

  it('says the status is unavailable when there is no bridge (plain browser)', async () => {
    await render(undefined);
    expect(container.querySelector('h2')?.textContent).toBe('Status unavailable');
    expect(container.textContent).not.toContain('5454');
  });

  it('says the status is unavailable when the bridge call fails', async () => {
    await render({ getStatus: () => Promise.reject(new Error('switchyard:get-status: caller is not the Switchyard window')) });
    expect(container.querySelector('h2')?.textContent).toBe('Status unavailable');
    expect(container.textContent).toContain('caller is not the Switchyard window');
  });

  it('shows why the gateway is not running', async () => {
    await render({ getStatus: () => Promise.resolve({ ...status, phase: 'failed', gatewayUrl: null, message: 'port 5454 on 127.0.0.1 is already in use' }) });
    expect(container.querySelector('.pill')?.textContent).toBe('Not running');
    expect(container.querySelector('.error')?.textContent).toBe('port 5454 on 127.0.0.1 is already in use');
  });

  it('polls the status while shown', async () => {
    vi.useFakeTimers();
    const getStatus = vi.fn(() => Promise.resolve(status));
    await render({ getStatus });
    expect(getStatus).toHaveBeenCalledTimes(1);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(5_000);
    });
    expect(getStatus).toHaveBeenCalledTimes(2);
  });
});
