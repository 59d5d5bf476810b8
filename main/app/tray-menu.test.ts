import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import type { DesktopStatus } from './desktop-status.js';
import { formatUsd, gatewayStatusLine, providersLine, trayMenuTemplate, traySignature, trayTooltip, type TrayActions } from './tray-menu.js';

const running: DesktopStatus = {
  phase: 'running',
  gatewayUrl: 'http://127.0.0.1:5454/v1',
  message: null,
  providers: [],
  offline: null,
  offlineSwitch: null,
  budgets: [],
  today: null,
};

const actions = (): TrayActions => ({ open: vi.fn(), quit: vi.fn(), setOffline: vi.fn() });

function find(items: readonly MenuItemConstructorOptions[], id: string): MenuItemConstructorOptions {
  for (const item of items) {
    if (item.id === id) return item;
    if (Array.isArray(item.submenu)) {
      const found = item.submenu.find((entry) => entry.id === id);
      if (found) return found;
    }
  }
  throw new Error(`no ${id} item`);
}

function click(items: readonly MenuItemConstructorOptions[], id: string): void {
  // Electron passes (menuItem, window, event); the handlers ignore them
  (find(items, id).click as () => void)();
}

describe('tray', () => {
  it('shows the gateway address when running', () => {
    expect(gatewayStatusLine(running)).toBe('Gateway: http://127.0.0.1:5454/v1');
    expect(trayTooltip(running)).toBe('Switchyard — Gateway: http://127.0.0.1:5454/v1');
  });

  it('says why the gateway is not running', () => {
    const failed: DesktopStatus = { ...running, phase: 'failed', gatewayUrl: null, message: 'port 5454 on 127.0.0.1 is already in use' };
    expect(gatewayStatusLine(failed)).toBe('Gateway failed: port 5454 on 127.0.0.1 is already in use');
    expect(gatewayStatusLine({ ...running, phase: 'starting', gatewayUrl: null })).toBe('Gateway: starting…');
  });

  it('keeps the tooltip within what every platform shows', () => {
    const failed: DesktopStatus = { ...running, phase: 'failed', gatewayUrl: null, message: 'x'.repeat(500) };
    expect(trayTooltip(failed).length).toBeLessThanOrEqual(120);
  });

  it('puts today’s spend in the tooltip when known', () => {
    expect(trayTooltip({ ...running, today: { costUsd: 1.234, savedUsd: 0.5, requests: 12 } })).toBe(
      'Switchyard — Gateway: http://127.0.0.1:5454/v1 · today $1.23',
    );
  });

  it('formats dollars to the cent, and fractions of a cent as <$0.01', () => {
    expect([formatUsd(0), formatUsd(0.0004), formatUsd(0.006), formatUsd(12.345)]).toEqual(['$0.00', '<$0.01', '$0.01', '$12.35']);
  });

  it('counts providers up, down (by name) and not yet checked', () => {
    expect(providersLine(running)).toBe('Providers: none configured');
    const providers = [
      { id: 'ollama', up: true },
      { id: 'openai', up: false },
      { id: 'anthropic', up: false },
      { id: 'groq', up: null },
    ];
    expect(providersLine({ ...running, providers })).toBe('Providers: 1 up, 2 down (openai, anthropic), 1 not checked yet');
  });

  it('offers status lines (not clickable), the offline switch, Open and Quit', () => {
    const template = trayMenuTemplate(running, actions());
    expect(template.map((item) => item.id ?? item.type)).toEqual(['status', 'providers', 'separator', 'offline', 'separator', 'open', 'quit']);
    expect(template[0]).toMatchObject({ label: 'Gateway: http://127.0.0.1:5454/v1', enabled: false });
    expect(template[1]).toMatchObject({ enabled: false });
  });

  it('shows today’s spend and savings, local-only mode and budgets near or past their limit', () => {
    const status: DesktopStatus = {
      ...running,
      today: { costUsd: 0.42, savedUsd: 1.5, requests: 30 },
      offline: { reason: 'no cloud provider is reachable', automatic: true },
      budgets: [
        { key: 'daily budget for all clients', period: 'day', description: '', state: 'warning', fraction: 0.83, action: 'block' },
        { key: 'monthly budget for all clients', period: 'month', description: '', state: 'ok', fraction: 0.2, action: 'block' },
        { key: "daily budget for client 'cursor'", period: 'day', description: '', state: 'exceeded', fraction: 1.2, action: 'downgrade-local' },
      ],
    };
    const labels = trayMenuTemplate(status, actions())
      .filter((item) => item.enabled === false)
      .map((item) => item.label);
    expect(labels).toEqual([
      'Gateway: http://127.0.0.1:5454/v1',
      'Providers: none configured',
      'Today: $0.42 spent, $1.50 saved',
      'Local models only: no cloud provider is reachable',
      'Daily budget for all clients: 83%',
      "Daily budget for client 'cursor': 120% (reached)",
    ]);
  });

  it('shows no figures and disables the offline switch while the gateway is not running', () => {
    const template = trayMenuTemplate({ ...running, phase: 'failed', message: 'boom', today: { costUsd: 1, savedUsd: 1, requests: 1 } }, actions());
    expect(template.map((item) => item.id ?? item.type)).toEqual(['status', 'separator', 'offline', 'separator', 'open', 'quit']);
    expect(find(template, 'offline').enabled).toBe(false);
  });

  it('the offline switch has three states, the current one checked, like `switchyard offline auto|on|off`', () => {
    const handlers = actions();
    const template = trayMenuTemplate({ ...running, offlineSwitch: true }, handlers);
    expect([find(template, 'offline-auto').checked, find(template, 'offline-on').checked, find(template, 'offline-off').checked]).toEqual([false, true, false]);
    expect(find(trayMenuTemplate(running, handlers), 'offline-auto').checked).toBe(true);
    click(template, 'offline-off');
    click(template, 'offline-auto');
    click(template, 'offline-on');
    expect(vi.mocked(handlers.setOffline).mock.calls).toEqual([[false], [null], [true]]);
  });

  it('Open and Quit call their actions', () => {
    const handlers = actions();
    const template = trayMenuTemplate(running, handlers);
    click(template, 'open');
    click(template, 'quit');
    expect(handlers.open).toHaveBeenCalledTimes(1);
    expect(handlers.quit).toHaveBeenCalledTimes(1);
  });

  it('has the same signature for the same visible menu, a new one when anything shown changes', () => {
    const signature = (status: DesktopStatus): string => traySignature(trayTooltip(status), trayMenuTemplate(status, actions()));
    expect(signature(running)).toBe(signature({ ...running }));
    expect(signature({ ...running, offlineSwitch: true })).not.toBe(signature(running));
    expect(signature({ ...running, today: { costUsd: 0.01, savedUsd: 0, requests: 1 } })).not.toBe(
      signature({ ...running, today: { costUsd: 0.02, savedUsd: 0, requests: 1 } }),
    );
    // a request more that changes no figure shown changes nothing
    expect(signature({ ...running, today: { costUsd: 0.01, savedUsd: 0, requests: 1 } })).toBe(
      signature({ ...running, today: { costUsd: 0.01, savedUsd: 0, requests: 2 } }),
    );
  });
});
