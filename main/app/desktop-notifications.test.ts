import { describe, expect, it } from 'vitest';
import { NotificationPolicy, periodKey } from './desktop-notifications.js';
import type { BudgetLimitView, DesktopStatus } from './desktop-status.js';

const base: DesktopStatus = {
  phase: 'running',
  gatewayUrl: 'http://127.0.0.1:5454/v1',
  message: null,
  providers: [],
  offline: null,
  offlineSwitch: null,
  budgets: [],
  today: null,
};

const daily = (state: BudgetLimitView['state'], fraction: number, action: BudgetLimitView['action'] = 'block'): BudgetLimitView => ({
  key: 'daily budget for all clients',
  period: 'day',
  description: `daily budget for all clients ${state === 'exceeded' ? 'reached' : 'at'} $${(fraction * 5).toFixed(2)} of $5.00`,
  state,
  fraction,
  action,
});

function clock(start: string): { now: () => Date; set: (time: string) => void; advance: (ms: number) => void } {
  let current = new Date(start);
  return { now: () => current, set: (time) => (current = new Date(time)), advance: (ms) => (current = new Date(current.getTime() + ms)) };
}

const titles = (policy: NotificationPolicy, status: DesktopStatus): string[] => policy.observe(status).map((notice) => notice.title);

describe('budget notifications', () => {
  it('notify once when a limit crosses into warning, once when it is reached, not on every poll', () => {
    const policy = new NotificationPolicy({ now: clock('2025-03-10T10:00:00').now });
    expect(titles(policy, { ...base, budgets: [daily('ok', 0.5)] })).toEqual([]);
    expect(titles(policy, { ...base, budgets: [daily('warning', 0.82)] })).toEqual(['Daily budget for all clients: 82% used']);
    expect(titles(policy, { ...base, budgets: [daily('warning', 0.9)] })).toEqual([]);
    expect(titles(policy, { ...base, budgets: [daily('exceeded', 1.01)] })).toEqual(['Daily budget for all clients reached']);
    expect(titles(policy, { ...base, budgets: [daily('exceeded', 1.2)] })).toEqual([]);
  });

  it('a limit already reached when the app starts notifies once, without a warning first', () => {
    const policy = new NotificationPolicy({ now: clock('2025-03-10T10:00:00').now });
    expect(titles(policy, { ...base, budgets: [daily('exceeded', 1.1)] })).toEqual(['Daily budget for all clients reached']);
    expect(titles(policy, { ...base, budgets: [daily('warning', 0.95)] })).toEqual([]);
  });

  it('says what happens at the limit: refused, or local models only (the budget downgrade)', () => {
    const blocked = new NotificationPolicy().observe({ ...base, budgets: [daily('exceeded', 1, 'block')] })[0];
    expect(blocked?.body).toBe('Daily budget for all clients reached $5.00 of $5.00. Requests are refused until it resets.');
    const downgraded = new NotificationPolicy().observe({ ...base, budgets: [daily('exceeded', 1, 'downgrade-local')] })[0];
    expect(downgraded).toMatchObject({
      title: 'Daily budget for all clients reached: using local models',
      body: expect.stringContaining('local models only until it resets'),
    });
  });

  it('notifies again in the next period, even when the poll never saw the spend back under the line', () => {
    const time = clock('2025-03-10T23:59:00');
    const policy = new NotificationPolicy({ now: time.now });
    expect(titles(policy, { ...base, budgets: [daily('exceeded', 1.1)] })).toHaveLength(1);
    time.set('2025-03-11T00:00:04');
    expect(titles(policy, { ...base, budgets: [daily('exceeded', 1.1)] })).toEqual(['Daily budget for all clients reached']);
  });

  it('re-arms when the limit goes back under the warning line (raised in the config)', () => {
    const policy = new NotificationPolicy({ now: clock('2025-03-10T10:00:00').now });
    expect(titles(policy, { ...base, budgets: [daily('warning', 0.8)] })).toHaveLength(1);
    expect(titles(policy, { ...base, budgets: [daily('ok', 0.4)] })).toEqual([]);
    expect(titles(policy, { ...base, budgets: [daily('warning', 0.8)] })).toHaveLength(1);
  });

  it('tracks each limit on its own, and gives every notice an id naming limit, period and level', () => {
    const policy = new NotificationPolicy({ now: clock('2025-03-10T10:00:00').now });
    const monthly: BudgetLimitView = {
      ...daily('warning', 0.85),
      key: 'monthly budget for all clients',
      period: 'month',
      description: 'monthly budget for all clients at $85.00 of $100.00',
    };
    const notices = policy.observe({ ...base, budgets: [daily('warning', 0.8), monthly] });
    expect(notices.map((notice) => notice.id)).toEqual([
      'budget:daily budget for all clients:2025-03-10:warning',
      'budget:monthly budget for all clients:2025-03:warning',
    ]);
  });

  it('stays quiet while the gateway is not running', () => {
    const policy = new NotificationPolicy();
    expect(policy.observe({ ...base, phase: 'stopping', budgets: [daily('exceeded', 2)], offline: { reason: 'x', automatic: true } })).toEqual([]);
  });
});

describe('fallback-to-local notifications', () => {
  const automatic = { reason: 'no cloud provider is reachable', automatic: true };

  it('notify when offline mode becomes active by itself, once', () => {
    const policy = new NotificationPolicy({ now: clock('2025-03-10T10:00:00').now });
    expect(titles(policy, base)).toEqual([]);
    const notices = policy.observe({ ...base, offline: automatic });
    expect(notices).toEqual([{ id: 'offline:automatic', title: 'Using local models only', body: expect.stringContaining('no cloud provider is reachable') }]);
    expect(titles(policy, { ...base, offline: automatic })).toEqual([]);
  });

  it('do not notify for the user’s own switch', () => {
    const policy = new NotificationPolicy();
    expect(titles(policy, { ...base, offline: { reason: 'offline mode is on', automatic: false }, offlineSwitch: true })).toEqual([]);
  });

  it('a flapping network notifies at most once per quiet period', () => {
    const time = clock('2025-03-10T10:00:00');
    const policy = new NotificationPolicy({ now: time.now, offlineRepeatAfterMs: 15 * 60_000 });
    expect(titles(policy, { ...base, offline: automatic })).toHaveLength(1);
    for (let flap = 0; flap < 5; flap += 1) {
      time.advance(60_000);
      expect(titles(policy, base)).toEqual([]);
      expect(titles(policy, { ...base, offline: automatic })).toEqual([]);
    }
    time.advance(15 * 60_000);
    expect(titles(policy, base)).toEqual([]);
    expect(titles(policy, { ...base, offline: automatic })).toHaveLength(1);
  });
});

describe('periodKey', () => {
  it('uses the local calendar day and month, as the ledger does', () => {
    const now = new Date(2025, 0, 5, 23, 30);
    expect([periodKey('day', now), periodKey('month', now), periodKey(null, now)]).toEqual(['2025-01-05', '2025-01', '']);
  });
});
