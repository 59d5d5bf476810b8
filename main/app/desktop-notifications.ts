// Which desktop notifications a new status calls for. Edge-triggered and de-duplicated: a budget limit notifies
// once when it crosses into warning and once when it is reached, per period; falling back to local models
// notifies when it starts, not on every poll. Pure: electron-main.ts shows what observe() returns.
import type { BudgetPeriod } from '../ledger/budgets.js';
import type { BudgetLimitView, DesktopStatus } from './desktop-status.js';

export interface DesktopNotice {
  /** what the notice is about; equal ids are the same notice */
  readonly id: string;
  readonly title: string;
  readonly body: string;
}

export interface NotificationPolicyOptions {
  readonly now?: () => Date;
  /** a flapping network must not notify on every flap: automatic offline notifies at most this often */
  readonly offlineRepeatAfterMs?: number;
}

const level = { ok: 0, warning: 1, exceeded: 2 } as const;

/** The ledger's calendar (local time, main/ledger/queries.ts calendarRanges): the period a spend belongs to. */
export function periodKey(period: BudgetPeriod | null, now: Date): string {
  const month = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}`;
  if (period === 'month') return month;
  if (period === 'day') return `${month}-${String(now.getDate()).padStart(2, '0')}`;
  return '';
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function budgetNotice(limit: BudgetLimitView, period: string): DesktopNotice {
  const id = `budget:${limit.key}:${period}:${limit.state}`;
  if (limit.state === 'warning') {
    return { id, title: `${capitalised(limit.key)}: ${Math.floor(limit.fraction * 100)}% used`, body: `${capitalised(limit.description)}.` };
  }
  const consequence =
    limit.action === 'downgrade-local'
      ? 'Requests now go to local models only until it resets.'
      : limit.action === 'block'
        ? 'Requests are refused until it resets.'
        : 'Requests are held to the limit until it resets.';
  const title = limit.action === 'downgrade-local' ? `${capitalised(limit.key)} reached: using local models` : `${capitalised(limit.key)} reached`;
  return { id, title, body: `${capitalised(limit.description)}. ${consequence}` };
}

export class NotificationPolicy {
  /** the highest level notified per limit, and the period it was in */
  private readonly notified = new Map<string, { readonly level: number; readonly period: string }>();
  private automaticOffline = false;
  private offlineNotifiedAt: number | undefined;
  private readonly now: () => Date;

  constructor(private readonly options: NotificationPolicyOptions = {}) {
    this.now = options.now ?? (() => new Date());
  }

  /** The notices this status calls for (usually none). Call it with every poll. */
  observe(status: DesktopStatus): DesktopNotice[] {
    if (status.phase !== 'running') return [];
    const now = this.now();
    return [...this.budgetNotices(status.budgets, now), ...this.offlineNotices(status, now)];
  }

  private budgetNotices(budgets: readonly BudgetLimitView[], now: Date): DesktopNotice[] {
    const notices: DesktopNotice[] = [];
    const seen = new Set<string>();
    for (const limit of budgets) {
      seen.add(limit.key);
      const period = periodKey(limit.period, now);
      const previous = this.notified.get(limit.key);
      // A new period, or back under the warning line (limit raised, spend reset): notify afresh next time.
      if (limit.state === 'ok' || (previous && previous.period !== period)) this.notified.delete(limit.key);
      const current = level[limit.state];
      if (current > (this.notified.get(limit.key)?.level ?? level.ok)) {
        this.notified.set(limit.key, { level: current, period });
        notices.push(budgetNotice(limit, period));
      }
    }
    for (const key of this.notified.keys()) if (!seen.has(key)) this.notified.delete(key); // a limit removed from the config
    return notices;
  }

  private offlineNotices(status: DesktopStatus, now: Date): DesktopNotice[] {
    const automatic = status.offline?.automatic === true;
    const started = automatic && !this.automaticOffline;
    this.automaticOffline = automatic;
    if (!started || !status.offline) return [];
    const repeatAfter = this.options.offlineRepeatAfterMs ?? 15 * 60_000;
    if (this.offlineNotifiedAt !== undefined && now.getTime() - this.offlineNotifiedAt < repeatAfter) return [];
    this.offlineNotifiedAt = now.getTime();
    return [
      {
        id: 'offline:automatic',
        title: 'Using local models only',
        body: `Switchyard switched to local models: ${status.offline.reason}. It switches back when a cloud provider answers again.`,
      },
    ];
  }
}
