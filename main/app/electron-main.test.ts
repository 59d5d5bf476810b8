// Runs the real electron-main.ts against a stand-in 'electron' module (vi.mock: the Electron binary is never
// loaded) and a stand-in gateway, to check the wiring the pure modules cannot: what is registered, in which
// order, and what closing, the tray and quitting actually do.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { GatewayStatus } from '../gateway/gateway.js';

type Listener = (...args: unknown[]) => unknown;

const electron = vi.hoisted(() => {
  class Emitter {
    readonly listeners = new Map<string, Listener[]>();
    on(event: string, listener: Listener): this {
      this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
      return this;
    }
    once(event: string, listener: Listener): this {
      return this.on(event, listener);
    }
    emit(event: string, ...args: unknown[]): void {
      for (const listener of this.listeners.get(event) ?? []) listener(...args);
    }
  }

  const calls: string[] = [];
  class FakeApp extends Emitter {
    isPackaged = false;
    quitCount = 0;
    /** true once a quit went through (no before-quit listener prevented it) */
    quitCompleted = false;
    getAppPath = (): string => '/opt/switchyard';
    setPath = (name: string, path: string): void => {
      calls.push(`setPath ${name} ${path}`);
    };
    enableSandbox = (): void => {
      calls.push('enableSandbox');
    };
    requestSingleInstanceLock = (): boolean => {
      calls.push('requestSingleInstanceLock');
      return true;
    };
    isReady = (): boolean => true;
    whenReady = (): Promise<void> => Promise.resolve();
    exit = (code: number): void => {
      calls.push(`exit ${code}`);
    };
    quit = (): void => {
      this.quitCount += 1;
      let prevented = false;
      this.emit('before-quit', { preventDefault: () => (prevented = true) });
      if (!prevented) {
        this.quitCompleted = true;
        for (const window of FakeBrowserWindow.instances) window.close();
      }
    };
  }

  class FakeBrowserWindow extends Emitter {
    static instances: FakeBrowserWindow[] = [];
    visible = false;
    destroyed = false;
    readonly loaded: string[] = [];
    constructor(readonly options: { webPreferences?: Record<string, unknown> }) {
      super();
      FakeBrowserWindow.instances.push(this);
    }
    loadURL = (url: string): Promise<void> => {
      this.loaded.push(url);
      return Promise.resolve();
    };
    show = (): void => {
      this.visible = true;
    };
    hide = (): void => {
      this.visible = false;
    };
    focus = (): void => undefined;
    restore = (): void => undefined;
    isMinimized = (): boolean => false;
    isDestroyed = (): boolean => this.destroyed;
    /** what the user's close button does */
    close = (): boolean => {
      let prevented = false;
      this.emit('close', { preventDefault: () => (prevented = true) });
      if (!prevented) {
        this.destroyed = true;
        this.emit('closed');
      }
      return !prevented;
    };
  }

  class FakeTray extends Emitter {
    static instances: FakeTray[] = [];
    tooltip = '';
    menu: Array<{ id?: string; label?: string; click?: () => void }> = [];
    constructor(readonly image: unknown) {
      super();
      FakeTray.instances.push(this);
    }
    setToolTip = (tooltip: string): void => {
      this.tooltip = tooltip;
    };
    setContextMenu = (menu: { template: FakeTray['menu'] }): void => {
      this.menu = menu.template;
    };
  }

  const handlers = new Map<string, Listener>();
  const permissionHandlers: Listener[] = [];
  const headerListeners: Listener[] = [];
  return {
    calls,
    handlers,
    permissionHandlers,
    headerListeners,
    FakeBrowserWindow,
    FakeTray,
    module: {
      app: new FakeApp(),
      BrowserWindow: FakeBrowserWindow,
      Tray: FakeTray,
      Menu: { buildFromTemplate: (template: unknown[]) => ({ template }) },
      ipcMain: {
        handle: (channel: string, handler: Listener) => {
          handlers.set(channel, handler);
        },
      },
      nativeImage: { createFromPath: (path: string) => ({ path }) },
      nativeTheme: { shouldUseDarkColors: false },
      session: {
        defaultSession: {
          setPermissionRequestHandler: (handler: Listener) => permissionHandlers.push(handler),
          setPermissionCheckHandler: (handler: Listener) => permissionHandlers.push(handler),
          webRequest: { onHeadersReceived: (listener: Listener) => headerListeners.push(listener) },
        },
      },
      shell: { openExternal: () => Promise.resolve() },
    },
  };
});

const gateway = vi.hoisted(() => {
  let releaseStop: () => void = () => undefined;
  const status: GatewayStatus = {
    url: 'http://127.0.0.1:5454',
    configSource: undefined,
    inFlight: 1,
    routes: [],
    cooldowns: [],
    offline: undefined,
    budgets: [],
    providers: [{ id: 'ollama', type: 'ollama', baseUrl: 'http://127.0.0.1:11434', locality: 'local', keySource: 'none needed', reachable: undefined, keyRejected: false, lastError: undefined }],
  };
  return {
    stopCalls: 0,
    release: () => releaseStop(),
    handle: {
      url: status.url,
      port: 5454,
      status: () => status,
      probeProviders: () => Promise.resolve([{ id: 'ollama', result: { reachable: true, detail: 'ok', latencyMs: 2 } }]),
      stop(): Promise<void> {
        gateway.stopCalls += 1;
        return new Promise<void>((resolve) => (releaseStop = resolve));
      },
    },
  };
});

vi.mock('electron', () => electron.module);
vi.mock('./gateway-boot.js', () => ({
  bootGateway: () => Promise.resolve(gateway.handle),
  describeStartFailure: (error: unknown) => String(error),
}));

const appPage = 'file:///opt/switchyard/dist/renderer/index.html';
const processListeners = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };

beforeAll(async () => {
  vi.stubEnv('SWITCHYARD_DATA_DIR', '/tmp/switchyard-electron-main-test');
  vi.stubEnv('SWITCHYARD_RENDERER_URL', '');
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
  await import('./electron-main.js');
  await vi.waitFor(() => expect(electron.FakeTray.instances[0]?.tooltip).toContain('5454'));
});

afterAll(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    for (const listener of process.listeners(signal)) if (!processListeners[signal].includes(listener)) process.off(signal, listener);
  }
});

function mainWindow(): InstanceType<typeof electron.FakeBrowserWindow> {
  const window = electron.FakeBrowserWindow.instances[0];
  if (!window) throw new Error('no window was created');
  return window;
}

describe('electron-main', () => {
  it('moves the browser profile into the data dir and sandboxes before taking the instance lock', () => {
    expect(electron.calls.slice(0, 3)).toEqual(['setPath userData /tmp/switchyard-electron-main-test/electron-profile', 'enableSandbox', 'requestSingleInstanceLock']);
  });

  it('opens one hardened window on the built page', () => {
    expect(electron.FakeBrowserWindow.instances).toHaveLength(1);
    const preferences = mainWindow().options.webPreferences ?? {};
    expect(preferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, preload: '/opt/switchyard/dist/preload/index.cjs' });
    expect(mainWindow().loaded).toEqual([appPage]);
    mainWindow().emit('ready-to-show');
    expect(mainWindow().visible).toBe(true);
  });

  it('denies permissions and sets the CSP on the default session', () => {
    expect(electron.permissionHandlers).toHaveLength(2);
    expect(electron.headerListeners).toHaveLength(1);
  });

  it('hardens every web contents created', () => {
    const hooked: string[] = [];
    const contents = {
      setWindowOpenHandler: () => hooked.push('window-open'),
      on: (event: string) => hooked.push(event),
    };
    electron.module.app.emit('web-contents-created', {}, contents);
    expect(hooked).toEqual(['window-open', 'will-navigate', 'will-redirect', 'will-attach-webview']);
  });

  it('answers getStatus from the app page only', async () => {
    const handler = electron.handlers.get('switchyard:get-status');
    if (!handler) throw new Error('no status handler');
    const status = await handler({ senderFrame: { url: appPage, parent: null } });
    expect(status).toMatchObject({ phase: 'running', gatewayUrl: 'http://127.0.0.1:5454/v1', providers: [{ id: 'ollama', reachability: 'reachable' }] });
    await expect(handler({ senderFrame: { url: 'https://evil.example/', parent: null } })).rejects.toThrow(/not the Switchyard window/);
  });

  it('shows the gateway address in the tray, with Open and Quit', () => {
    const tray = electron.FakeTray.instances[0];
    expect(tray?.tooltip).toBe('Switchyard — Gateway: http://127.0.0.1:5454/v1');
    expect(tray?.menu.map((item) => item.label)).toEqual(['Gateway: http://127.0.0.1:5454/v1', undefined, 'Open Switchyard', 'Quit Switchyard']);
  });

  it('hides to the tray on close, and Open brings the same window back', () => {
    expect(mainWindow().close()).toBe(false);
    expect(mainWindow().visible).toBe(false);
    electron.FakeTray.instances[0]?.menu.find((item) => item.id === 'open')?.click?.();
    expect(mainWindow().visible).toBe(true);
    expect(electron.FakeBrowserWindow.instances).toHaveLength(1);
  });

  it('quits only after the gateway has drained', async () => {
    electron.FakeTray.instances[0]?.menu.find((item) => item.id === 'quit')?.click?.();
    expect(gateway.stopCalls).toBe(1);
    expect(electron.module.app.quitCompleted).toBe(false);
    expect(electron.FakeTray.instances[0]?.tooltip).toBe('Switchyard — Gateway: stopping…');

    electron.module.app.quit(); // impatient second quit: still held, no second stop
    expect(gateway.stopCalls).toBe(1);
    expect(electron.module.app.quitCompleted).toBe(false);

    gateway.release();
    await vi.waitFor(() => expect(electron.module.app.quitCompleted).toBe(true));
    expect(mainWindow().destroyed).toBe(true); // closing for real this time, not hiding
  });
});
