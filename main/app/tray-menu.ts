// The tray's tooltip and menu, built from the status alone so a test can read them. electron-main.ts turns the
// template into a Menu and rebuilds it whenever the status changes.
import type { MenuItemConstructorOptions } from 'electron';
import type { AppStatus } from '../../preload/bridge-api.js';

export interface TrayActions {
  readonly open: () => void;
  readonly quit: () => void;
}

/** One line saying where the gateway is, or why it is not there. */
export function gatewayStatusLine(status: AppStatus): string {
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

export function trayTooltip(status: AppStatus): string {
  // Some platforms cut tooltips short (Windows at 127 characters)
  return `Switchyard — ${gatewayStatusLine(status)}`.slice(0, 120);
}

export function trayMenuTemplate(status: AppStatus, actions: TrayActions): MenuItemConstructorOptions[] {
  return [
    { id: 'status', label: gatewayStatusLine(status).slice(0, 100), enabled: false },
    { type: 'separator' },
    { id: 'open', label: 'Open Switchyard', click: () => actions.open() },
    { id: 'quit', label: 'Quit Switchyard', click: () => actions.quit() },
  ];
}
