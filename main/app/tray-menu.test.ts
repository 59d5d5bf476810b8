import { describe, expect, it, vi } from 'vitest';
import type { AppStatus } from '../../preload/bridge-api.js';
import { gatewayStatusLine, trayMenuTemplate, trayTooltip } from './tray-menu.js';

const running: AppStatus = { phase: 'running', gatewayUrl: 'http://127.0.0.1:5454/v1', message: null, configSource: null, inFlight: 0, providers: [], checkedAt: null };

describe('tray', () => {
  it('shows the gateway address when running', () => {
    expect(gatewayStatusLine(running)).toBe('Gateway: http://127.0.0.1:5454/v1');
    expect(trayTooltip(running)).toBe('Switchyard — Gateway: http://127.0.0.1:5454/v1');
  });

  it('says why the gateway is not running', () => {
    const failed: AppStatus = { ...running, phase: 'failed', gatewayUrl: null, message: 'port 5454 on 127.0.0.1 is already in use' };
    expect(gatewayStatusLine(failed)).toBe('Gateway failed: port 5454 on 127.0.0.1 is already in use');
    expect(gatewayStatusLine({ ...running, phase: 'starting', gatewayUrl: null })).toBe('Gateway: starting…');
  });

  it('keeps the tooltip within what every platform shows', () => {
    const failed: AppStatus = { ...running, phase: 'failed', gatewayUrl: null, message: 'x'.repeat(500) };
    expect(trayTooltip(failed).length).toBeLessThanOrEqual(120);
  });

  it('offers status (not clickable), Open and Quit', () => {
    const open = vi.fn();
    const quit = vi.fn();
    const template = trayMenuTemplate(running, { open, quit });
    expect(template.map((item) => item.id ?? item.type)).toEqual(['status', 'separator', 'open', 'quit']);
    expect(template[0]).toMatchObject({ label: 'Gateway: http://127.0.0.1:5454/v1', enabled: false });
    const click = (id: string): void => {
      const item = template.find((entry) => entry.id === id);
      if (!item?.click) throw new Error(`no ${id} item`);
      // Electron passes (menuItem, window, event); the handlers ignore them
      (item.click as () => void)();
    };
    click('open');
    expect(open).toHaveBeenCalledTimes(1);
    click('quit');
    expect(quit).toHaveBeenCalledTimes(1);
  });
});
