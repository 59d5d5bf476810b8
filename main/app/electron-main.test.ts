// Runs the real electron-main.ts against a stand-in 'electron' module (vi.mock: the Electron binary is never
// loaded) and a stand-in gateway, to check the wiring the pure modules cannot: what is registered, in which
// order, and what closing, the tray, notifications and quitting actually do.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ControlApi, SettingsDto, StatusDto } from '../../shared/control/contract.js';
import type { GatewayStatus } from '../gateway/gateway.js';
import { addonFileName, installedBetterSqlite3Version, markerFileName } from './native-binding.js';

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
    appRoot = '/opt/switchyard';
    quitCount = 0;
    /** true once a quit went through (no before-quit listener prevented it) */
    quitCompleted = false;
    readonly loginItemChanges: unknown[] = [];
    getAppPath = (): string => this.appRoot;
    getLoginItemSettings = (): { openAtLogin: boolean; wasOpenedAtLogin: boolean } => ({ openAtLogin: false, wasOpenedAtLogin: false });
    setLoginItemSettings = (settings: unknown): void => {
      this.loginItemChanges.push(settings);
    };
    setAppUserModelId = (id: string): void => {
      calls.push(`setAppUserModelId ${id}`);
    };
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
    readonly webContents = { id: 41 };
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

  interface FakeMenuItem {
    id?: string;
    label?: string;
    checked?: boolean;
    click?: () => void;
    submenu?: FakeMenuItem[];
  }
  class FakeTray extends Emitter {
    static instances: FakeTray[] = [];
    tooltip = '';
    menuBuilds = 0;
    menu: FakeMenuItem[] = [];
    constructor(readonly image: unknown) {
      super();
      FakeTray.instances.push(this);
    }
    setToolTip = (tooltip: string): void => {
      this.tooltip = tooltip;
    };
    setContextMenu = (menu: { template: FakeTray['menu'] }): void => {
      this.menuBuilds += 1;
      this.menu = menu.template;
    };
    item(id: string): FakeMenuItem | undefined {
      return this.menu.flatMap((entry) => [entry, ...(entry.submenu ?? [])]).find((entry) => entry.id === id);
    }
  }

  class FakeNotification extends Emitter {
    static instances: FakeNotification[] = [];
    static isSupported = (): boolean => true;
    shown = false;
    constructor(readonly options: { title: string; body: string }) {
      super();
      FakeNotification.instances.push(this);
    }
    show = (): void => {
      this.shown = true;
    };
  }

  const handlers = new Map<string, Listener>();
  const permissionHandlers: Listener[] = [];
  const headerListeners: Listener[] = [];
  const sendHeaderListeners: Listener[] = [];
  return {
    calls,
    handlers,
    permissionHandlers,
    headerListeners,
    sendHeaderListeners,
    FakeBrowserWindow,
    FakeTray,
    FakeNotification,
    module: {
      app: new FakeApp(),
      BrowserWindow: FakeBrowserWindow,
      Tray: FakeTray,
      Notification: FakeNotification,
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
          webRequest: {
            onHeadersReceived: (listener: Listener) => headerListeners.push(listener),
            onBeforeSendHeaders: (listener: Listener) => sendHeaderListeners.push(listener),
          },
        },
      },
      shell: { openExternal: () => Promise.resolve() },
    },
  };
});

const gateway = vi.hoisted(() => {
  let releaseStop: () => void = () => undefined;
  let status: GatewayStatus = {
    url: 'http://127.0.0.1:5454',
    configSource: undefined,
    inFlight: 1,
    routes: [],
    cooldowns: [],
    offline: undefined,
    budgets: [],
    providers: [
      {
        id: 'ollama',
        type: 'ollama',
        baseUrl: 'http://127.0.0.1:11434',
        locality: 'local',
        keySource: 'none needed',
        reachable: true,
        keyRejected: false,
        lastError: undefined,
      },
    ],
  };
  let settings: SettingsDto = {
    host: '127.0.0.1',
    port: 5454,
    startAtLogin: false,
    offline: null,
    autoOffline: true,
    referenceModel: 'openai/gpt-4.1-mini',
    priceRefresh: true,
    capture: { enabled: false, retentionDays: 7, maxBytesPerRequest: 262_144 },
    requestRetentionDays: null,
  };
  // The control service as the shell uses it: status.get built from the gateway's status, settings kept here.
  const control: Pick<ControlApi, 'status.get' | 'settings.get' | 'settings.set'> = {
    'status.get': () =>
      Promise.resolve<StatusDto>({
        url: status.url,
        version: '0.1.0',
        configSource: null,
        inFlight: status.inFlight,
        offline: status.offline ?? null,
        providers: status.providers.map((provider) => ({ ...provider, label: provider.id, reachable: provider.reachable ?? null, lastError: null })),
        routes: [],
        cooldowns: [],
        budgets: status.budgets.map((line) => ({ ...line, state: line.state === 'warning' || line.state === 'exceeded' ? line.state : 'ok' })),
        today: { costUsd: 0.42, requests: 3, savedUsd: 1.5 },
        ledger: { queued: 0, written: 3, dropped: 0, lastError: null },
      }),
    'settings.get': () => Promise.resolve(settings),
    'settings.set': (request) => {
      gateway.settingsCalls.push(request);
      settings = { ...settings, ...(request.offline === undefined ? {} : { offline: request.offline }) };
      return Promise.resolve(settings);
    },
  };
  return {
    stopCalls: 0,
    settingsCalls: [] as Array<Parameters<ControlApi['settings.set']>[0]>,
    bootOptions: [] as Array<{
      nativeBinding?: string | undefined;
      onControl?: (control: ControlApi) => void;
      onPlaygroundToken?: (token: string) => void;
      onStartAtLoginChanged?: (enabled: boolean) => void;
    }>,
    control: control as ControlApi, // the shell calls only these three
    release: () => releaseStop(),
    change: (next: Partial<GatewayStatus>) => {
      status = { ...status, ...next };
    },
    handle: {
      url: status.url,
      port: 5454,
      config: { budgets: { daily: { limitUsd: 5, action: 'downgrade-local' } } },
      offlineSwitch: undefined,
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
  bootGateway: (options: (typeof gateway.bootOptions)[number]) => {
    gateway.bootOptions.push(options);
    options.onControl?.(gateway.control);
    options.onPlaygroundToken?.('sy-playground-in-memory');
    return Promise.resolve(gateway.handle);
  },
  describeStartFailure: (error: unknown) => String(error),
}));

// A checkout with an Electron build of better-sqlite3 made for "this Electron" (here: the Node running the test)
const appRoot = mkdtempSync(join(tmpdir(), 'switchyard-electron-main-'));
const electronSqlite = join(appRoot, 'native', 'electron', `${process.platform}-${process.arch}`);
const appPage = pathToFileURL(join(appRoot, 'dist', 'renderer', 'index.html')).href;
const processListeners = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };

beforeAll(async () => {
  mkdirSync(electronSqlite, { recursive: true });
  writeFileSync(join(electronSqlite, addonFileName), '');
  const marker = {
    electronVersion: '45.4.1',
    abi: process.versions.modules,
    platform: process.platform,
    arch: process.arch,
    betterSqlite3Version: installedBetterSqlite3Version(),
  };
  writeFileSync(join(electronSqlite, markerFileName), JSON.stringify(marker));
  electron.module.app.appRoot = appRoot;
  vi.stubEnv('SWITCHYARD_DATA_DIR', '/tmp/switchyard-electron-main-test');
  vi.stubEnv('XDG_CONFIG_HOME', join(appRoot, 'config')); // where a Linux autostart entry would go: never the real one
  vi.stubEnv('SWITCHYARD_RENDERER_URL', '');
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
  await import('./electron-main.js');
  await vi.waitFor(() => expect(electron.FakeTray.instances[0]?.tooltip).toContain('5454'));
});

afterAll(() => {
  rmSync(appRoot, { recursive: true, force: true });
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
    expect(electron.calls.slice(0, 3)).toEqual([
      'setPath userData /tmp/switchyard-electron-main-test/electron-profile',
      'enableSandbox',
      'requestSingleInstanceLock',
    ]);
  });

  it('opens one hardened window on the built page', () => {
    expect(electron.FakeBrowserWindow.instances).toHaveLength(1);
    const preferences = mainWindow().options.webPreferences ?? {};
    expect(preferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      preload: join(appRoot, 'dist', 'preload', 'index.cjs'),
    });
    expect(mainWindow().loaded).toEqual([appPage]);
    mainWindow().emit('ready-to-show');
    expect(mainWindow().visible).toBe(true);
  });

  it('denies permissions and sets the CSP on the default session', () => {
    expect(electron.permissionHandlers).toHaveLength(2);
    expect(electron.headerListeners).toHaveLength(1);
  });

  it('adds the playground token to the window’s own fetches of the gateway, and to nothing else', () => {
    expect(electron.sendHeaderListeners).toHaveLength(1);
    const listener = electron.sendHeaderListeners[0] as (details: unknown, callback: (response: unknown) => void) => void;
    const answers: unknown[] = [];
    const request = {
      url: 'http://127.0.0.1:5454/v1/chat/completions',
      webContentsId: 41,
      resourceType: 'xhr',
      frame: { url: appPage },
      requestHeaders: { 'Content-Type': 'text/plain' },
    };
    listener(request, (response) => answers.push(response));
    listener({ ...request, webContentsId: 42 }, (response) => answers.push(response));
    listener({ ...request, url: 'https://evil.example/v1/chat/completions' }, (response) => answers.push(response));
    expect(answers).toEqual([{ requestHeaders: { 'Content-Type': 'text/plain', Authorization: 'Bearer sy-playground-in-memory' } }, {}, {}]);
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

  it('boots the gateway with the Electron build of better-sqlite3 from the checkout', () => {
    expect(gateway.bootOptions).toHaveLength(1);
    expect(gateway.bootOptions[0]?.nativeBinding).toBe(join(electronSqlite, addonFileName));
  });

  it('shows the gateway address, providers and today’s spend in the tray (status.get), with the offline switch, Open and Quit', async () => {
    const tray = electron.FakeTray.instances[0];
    await vi.waitFor(() => expect(tray?.item('today')?.label).toBe('Today: $0.42 spent, $1.50 saved'));
    expect(tray?.tooltip).toBe('Switchyard — Gateway: http://127.0.0.1:5454/v1 · today $0.42');
    expect(tray?.menu.map((item) => item.label)).toEqual([
      'Gateway: http://127.0.0.1:5454/v1',
      'Providers: 1 up',
      'Today: $0.42 spent, $1.50 saved',
      undefined,
      'Offline Mode',
      undefined,
      'Open Switchyard',
      'Quit Switchyard',
    ]);
  });

  it('the offline switch in the tray goes through settings.set and shows the switch settings.get reports', async () => {
    const tray = electron.FakeTray.instances[0];
    tray?.item('offline-on')?.click?.();
    await vi.waitFor(() => expect(tray?.item('offline-on')?.checked).toBe(true));
    tray?.item('offline-auto')?.click?.();
    await vi.waitFor(() => expect(tray?.item('offline-auto')?.checked).toBe(true));
    expect(gateway.settingsCalls).toEqual([{ offline: true }, { offline: null }]);
  });

  it('rebuilds the tray menu only when something shown changed', async () => {
    const tray = electron.FakeTray.instances[0];
    const builds = tray?.menuBuilds ?? 0;
    electron.module.app.emit('browser-window-focus'); // nothing the tray reads
    gateway.change({ inFlight: 7 }); // not shown in the tray
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(tray?.menuBuilds).toBe(builds);
  });

  it('notifies once when a budget is reached and requests fall back to local models', async () => {
    const reached = { description: 'daily budget for all clients reached $5.00 of $5.00', state: 'exceeded', fraction: 1 };
    gateway.change({ budgets: [reached] });
    electron.FakeTray.instances[0]?.item('offline-off')?.click?.(); // any poll will do
    await vi.waitFor(() => expect(electron.FakeNotification.instances).toHaveLength(1));
    const notice = electron.FakeNotification.instances[0];
    expect(notice?.options.title).toBe('Daily budget for all clients reached: using local models');
    expect(notice?.shown).toBe(true);
    electron.FakeTray.instances[0]?.item('offline-auto')?.click?.();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(electron.FakeNotification.instances).toHaveLength(1);
    expect(electron.FakeTray.instances[0]?.item('budget:daily budget for all clients')?.label).toBe('Daily budget for all clients: 100% (reached)');
  });

  it('notifies when the gateway goes local-only by itself, and a click opens the window', async () => {
    mainWindow().hide();
    gateway.change({ offline: 'no cloud provider is reachable' });
    electron.FakeTray.instances[0]?.item('offline-auto')?.click?.();
    await vi.waitFor(() => expect(electron.FakeNotification.instances).toHaveLength(2));
    const notice = electron.FakeNotification.instances[1];
    expect(notice?.options.title).toBe('Using local models only');
    notice?.emit('click');
    expect(mainWindow().visible).toBe(true);
  });

  it('applies start at login from the control service’s setting, but never from an unpackaged app', () => {
    const changed = gateway.bootOptions[0]?.onStartAtLoginChanged;
    expect(changed).toBeTypeOf('function');
    changed?.(true);
    expect(vi.mocked(console.error).mock.calls.flat().join('\n')).toContain('start at login is applied by the packaged app only');
    expect(electron.module.app.loginItemChanges).toEqual([]);
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
    await vi.waitFor(() => expect(electron.FakeTray.instances[0]?.tooltip).toBe('Switchyard — Gateway: stopping…'));

    electron.module.app.quit(); // impatient second quit: still held, no second stop
    expect(gateway.stopCalls).toBe(1);
    expect(electron.module.app.quitCompleted).toBe(false);

    gateway.release();
    await vi.waitFor(() => expect(electron.module.app.quitCompleted).toBe(true));
    expect(mainWindow().destroyed).toBe(true); // closing for real this time, not hiding
  });
});
