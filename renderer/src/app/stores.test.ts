// @vitest-environment happy-dom
// The feature stores over the fake core: what they load and ask for, that a slow old answer never overwrites a
// newer one, and that no secret (a provider key, a new client token) ever lands in any store.
import { describe, expect, it } from 'vitest';
import type { CallRequest } from '../../../shared/control/contract';
import { createFakeControl } from '../control/fake/fake-control-client';
import { createDashboardStore } from '../features/dashboard/dashboard-store';
import { createLogsStore, logPageSize } from '../features/logs/logs-store';
import { createProvidersStore } from '../features/providers/providers-store';
import { createSettingsStore } from '../features/settings/settings-store';
import { presetRange } from '../time/date-range';
import { createConnectionStore } from './connection-store';
import { createNavigationStore, pageFromHash } from './navigation-store';
import { createAppStores } from './stores';
import { createThemeStore } from './theme-store';

const now = new Date(2025, 2, 4, 15, 0).getTime();

describe('dashboard store', () => {
  it('loads the range and the budgets, with hourly buckets for today and daily beyond', async () => {
    const fake = createFakeControl({ now: () => now });
    const store = createDashboardStore(fake.client, () => now);
    await store.getState().refresh();
    const { data, spend } = store.getState();
    expect(data.data?.bucket).toBe('hour');
    expect(data.data?.totals.requests).toBeGreaterThan(0);
    expect(spend.data?.budgets.limits.dailyUsd).toBe(2);
    const series = fake.calls.find((call) => call.call === 'usage.series')?.request as CallRequest<'usage.series'>;
    expect(series.range).toEqual({ from: presetRange('today', now).from, to: presetRange('today', now).to });
    await store.getState().setRange(presetRange('30d', now));
    expect(store.getState().data.data?.bucket).toBe('day');
    expect(store.getState().data.data?.totals.requests).toBeGreaterThan(data.data?.totals.requests ?? 0);
  });

  it('keeps the newest range when an older load answers last', async () => {
    const fake = createFakeControl({ now: () => now });
    let release: (() => void) | undefined;
    const slowClient = {
      ...fake.client,
      'usage.totals': async (request: CallRequest<'usage.totals'>) => {
        if (request.range.to - request.range.from > 20 * 86_400_000) await new Promise<void>((resolve) => (release = resolve));
        return fake.client['usage.totals'](request);
      },
    };
    const store = createDashboardStore(slowClient, () => now);
    const slow = store.getState().setRange(presetRange('30d', now));
    await store.getState().setRange(presetRange('7d', now));
    release?.();
    await slow;
    expect(store.getState().data.data?.range.preset).toBe('7d');
  });

  it('keeps the last answer and says why when a reload fails', async () => {
    const fake = createFakeControl({ now: () => now });
    const store = createDashboardStore(fake.client, () => now);
    await store.getState().refresh();
    const failing = createDashboardStore({ ...fake.client, 'usage.errors': () => Promise.reject(new Error('ledger busy')) }, () => now);
    await failing.getState().refresh();
    expect(failing.getState().data).toMatchObject({ data: undefined, error: 'ledger busy', loading: false });
  });
});

describe('logs store', () => {
  it('sends only the filters that are set, and pages by cursor', async () => {
    const fake = createFakeControl({ now: () => now });
    const store = createLogsStore(fake.client, () => now);
    await store.getState().setFilters({ range: presetRange('30d', now), providerId: ' openai ' });
    const first = fake.calls.filter((call) => call.call === 'usage.log').at(-1)?.request as CallRequest<'usage.log'>;
    expect(first).toMatchObject({ providerId: 'openai', limit: logPageSize });
    expect(first).not.toHaveProperty('status');
    expect(store.getState().rows.data?.every((row) => row.providerId === 'openai')).toBe(true);

    await store.getState().setFilters({ providerId: '' });
    expect(store.getState().rows.data).toHaveLength(logPageSize);
    const cursor = store.getState().nextCursor;
    expect(cursor).not.toBeNull();
    await store.getState().loadMore();
    const second = fake.calls.filter((call) => call.call === 'usage.log').at(-1)?.request as CallRequest<'usage.log'>;
    expect(second.cursor).toEqual(cursor);
    const ids = store.getState().rows.data?.map((row) => row.id) ?? [];
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThan(logPageSize);
  });

  it('loads the detail of the selected request and clears it on close', async () => {
    const fake = createFakeControl({ now: () => now });
    const store = createLogsStore(fake.client, () => now);
    await store.getState().refresh();
    const id = store.getState().rows.data?.[0]?.id ?? '';
    await store.getState().select(id);
    expect(store.getState().detail.data?.request.id).toBe(id);
    expect(store.getState().detail.data?.attempts.length).toBeGreaterThan(0);
    await store.getState().select(null);
    expect(store.getState()).toMatchObject({ selectedId: null, detail: { data: undefined } });
  });
});

describe('providers and settings stores', () => {
  it('sends a new provider’s key to the core and keeps only its masked form', async () => {
    const fake = createFakeControl({ seeded: false });
    const store = createProvidersStore(fake.client);
    await store.getState().refresh();
    await store.getState().add({ id: 'box', type: 'openai-compatible', baseUrl: 'http://127.0.0.1:8000/v1', key: 'sk-box-secret-1234' });
    expect(store.getState().providers.data?.[0]?.maskedKeys).toEqual(['…1234']);
    await store.getState().setKey('box', 'sk-second-secret-9876', true);
    expect(store.getState().providers.data?.[0]?.maskedKeys).toEqual(['…1234', '…9876']);
    expect(JSON.stringify(store.getState())).not.toContain('secret');
  });

  it('hands a new client token to the caller only', async () => {
    const fake = createFakeControl({ seeded: false });
    const store = createSettingsStore(fake.client);
    await store.getState().refresh();
    const token = await store.getState().createToken('cursor');
    expect(token).toMatch(/^sy-[0-9a-f]{64}$/);
    expect(store.getState().tokens.data?.map((entry) => entry.name)).toEqual(['cursor']);
    expect(JSON.stringify(store.getState())).not.toContain(token.slice(3, 12));
  });

  it('a store’s failures become error states, not throws', async () => {
    const fake = createFakeControl({ failing: { 'providers.list': 'keychain locked' } });
    const store = createProvidersStore(fake.client);
    await store.getState().refresh();
    expect(store.getState().providers).toMatchObject({ data: undefined, error: 'keychain locked' });
  });
});

describe('no secrets in any store', () => {
  it('after adding keys and creating tokens, no store holds any piece of them', async () => {
    const fake = createFakeControl({ now: () => now });
    const stores = createAppStores({
      client: fake.client,
      connection: createConnectionStore(),
      theme: createThemeStore({ root: document.documentElement, storage: undefined }),
      now: () => now,
    });
    const key = 'sk-CANARY-0123456789abcdefghij';
    await stores.providers.getState().refresh();
    await stores.providers.getState().add({ id: 'canary', preset: 'openai', key });
    await stores.providers.getState().setKey('openai', key, true);
    const token = await stores.settings.getState().createToken('canary-tool');
    await Promise.all([
      stores.dashboard.getState().refresh(),
      stores.logs.getState().refresh(),
      stores.routes.getState().refresh(),
      stores.status.getState().refresh(),
    ]);
    const everything = JSON.stringify(Object.values(stores).map((store) => store.getState()));
    for (let start = 0; start + 6 <= key.length - 4; start++) expect(everything).not.toContain(key.slice(start, start + 6));
    for (let start = 3; start + 6 <= token.length - 4; start++) expect(everything).not.toContain(token.slice(start, start + 6));
  });
});

describe('navigation and theme', () => {
  it('maps the fragment to a page and writes it back', () => {
    let hash = '#/logs';
    const store = createNavigationStore({
      get hash() {
        return hash;
      },
      setHash: (next) => (hash = next),
    });
    expect(store.getState().page).toBe('logs');
    store.getState().go('routes');
    expect(hash).toBe('#/routes');
    expect(pageFromHash('#admin=abc')).toBe('dashboard');
    expect(pageFromHash('#signin=abc')).toBe('dashboard');
    expect(pageFromHash('#/nonsense')).toBe('dashboard');
  });

  it('applies and remembers the theme choice', () => {
    const saved = new Map<string, string>();
    const storage = { getItem: (name: string) => saved.get(name) ?? null, setItem: (name: string, value: string) => void saved.set(name, value) };
    const root = document.createElement('html');
    const store = createThemeStore({ root, storage });
    expect(root.dataset['theme']).toBeUndefined();
    store.getState().choose('dark');
    expect(root.dataset['theme']).toBe('dark');
    expect(createThemeStore({ root: document.createElement('html'), storage }).getState().preference).toBe('dark');
    store.getState().choose('system');
    expect(root.dataset['theme']).toBeUndefined();
  });
});
