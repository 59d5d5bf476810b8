// The tray's tooltip and menu, built from the status alone so a test can read them. electron-main.ts turns the
// template into a Menu, and rebuilds it only when traySignature() says something visible changed.
import type { MenuItemConstructorOptions } from 'electron';
import type { DesktopStatus } from './desktop-status.js';

export interface TrayActions {
  readonly open: () => void;
  readonly quit: () => void;
  /** the user's offline switch: on, off, or null for "as the config says" (`switchyard offline on|off|auto`) */
  readonly setOffline: (offline: boolean | null) => void;
}

const maxLabelLength = 100;

/** One line saying where the gateway is, or why it is not there. */
export function gatewayStatusLine(status: Pick<DesktopStatus, 'phase' | 'gatewayUrl' | 'message'>): string {
  switch (status.phase) {
    case 'running':
      return status.gatewayUrl ? `Gateway: ${status.gatewayUrl}` : 'Gateway: running';
    case 'starting':
      return 'Gateway: starting…';
    case 'stopping':
      return 'Gateway: stopping…';
    case 'stopped':
      return 'Gateway: stopped';
    case 'failed':
      return `Gateway failed: ${status.message ?? 'unknown error'}`;
  }
}

/** US dollars as the tray shows them: cents, and "<$0.01" for the fractions of a cent a few requests cost. */
export function formatUsd(amount: number): string {
  if (amount > 0 && amount < 0.005) return '<$0.01';
  return `$${amount.toFixed(2)}`;
}

export function providersLine(status: DesktopStatus): string {
  if (status.providers.length === 0) return 'Providers: none configured';
  const up = status.providers.filter((provider) => provider.up === true).length;
  const down = status.providers.filter((provider) => provider.up === false).map((provider) => provider.id);
  const unknown = status.providers.length - up - down.length;
  const parts = [`${up} up`];
  if (down.length > 0) parts.push(`${down.length} down (${down.join(', ')})`);
  if (unknown > 0) parts.push(`${unknown} not checked yet`);
  return `Providers: ${parts.join(', ')}`;
}

export function todayLine(today: NonNullable<DesktopStatus['today']>): string {
  return `Today: ${formatUsd(today.costUsd)} spent, ${formatUsd(today.savedUsd)} saved`;
}

export function trayTooltip(status: DesktopStatus): string {
  const today = status.phase === 'running' && status.today ? ` · today ${formatUsd(status.today.costUsd)}` : '';
  // Some platforms cut tooltips short (Windows at 127 characters)
  return `Switchyard — ${gatewayStatusLine(status)}${today}`.slice(0, 120);
}

function info(id: string, label: string): MenuItemConstructorOptions {
  return { id, label: label.slice(0, maxLabelLength), enabled: false };
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function trayMenuTemplate(status: DesktopStatus, actions: TrayActions): MenuItemConstructorOptions[] {
  const running = status.phase === 'running';
  const lines: MenuItemConstructorOptions[] = [info('status', gatewayStatusLine(status))];
  if (running) {
    lines.push(info('providers', providersLine(status)));
    if (status.today) lines.push(info('today', todayLine(status.today)));
    if (status.offline) lines.push(info('offline-state', `Local models only: ${status.offline.reason}`));
    for (const budget of status.budgets.filter((limit) => limit.state !== 'ok')) {
      lines.push(
        info(
          `budget:${budget.key}`,
          `${capitalised(budget.key)}: ${Math.round(Math.min(budget.fraction, 9.99) * 100)}%${budget.state === 'exceeded' ? ' (reached)' : ''}`,
        ),
      );
    }
  }
  const switchItem = (id: string, label: string, value: boolean | null): MenuItemConstructorOptions => ({
    id,
    label,
    type: 'radio',
    checked: status.offlineSwitch === value,
    click: () => actions.setOffline(value),
  });
  return [
    ...lines,
    { type: 'separator' },
    {
      id: 'offline',
      label: 'Offline Mode',
      enabled: running,
      submenu: [
        switchItem('offline-auto', 'Automatic (as configured)', null),
        switchItem('offline-on', 'On: local models only', true),
        switchItem('offline-off', 'Off', false),
      ],
    },
    { type: 'separator' },
    { id: 'open', label: 'Open Switchyard', click: () => actions.open() },
    { id: 'quit', label: 'Quit Switchyard', click: () => actions.quit() },
  ];
}

/** What the user would see of a template: when it is unchanged, the Menu need not be rebuilt (rebuilding closes an open menu on some platforms). */
export function traySignature(tooltip: string, template: readonly MenuItemConstructorOptions[]): string {
  const visible = (items: readonly MenuItemConstructorOptions[]): unknown[] =>
    items.map((item) => [item.id ?? item.type, item.label, item.enabled, item.checked, Array.isArray(item.submenu) ? visible(item.submenu) : null]);
  return JSON.stringify([tooltip, visible(template)]);
}
