// The desktop entry point (package.json "main"): one instance, the gateway in this process, a hardened window
// and a tray. Deliberately thin — every decision it makes is a tested function in a sibling file.
import { BrowserWindow, Menu, Tray, app, ipcMain, nativeImage, nativeTheme, session, shell } from 'electron';
import type { Gateway } from '../gateway/gateway.js';
import { defaultDataDir } from '../config/paths.js';
import { redactSecrets } from '../../shared/redact.js';
import { appPaths } from './app-paths.js';
import { bootGateway, describeStartFailure } from './gateway-boot.js';
import { GatewayMonitor } from './gateway-monitor.js';
import { hardenSession, hardenWebContents, type HardeningHooks } from './hardening.js';
import { guardIpcRoute, type IpcRoute } from './ipc-guard.js';
import { statusRoute } from './ipc-routes.js';
import { QuitCoordinator } from './quit-coordinator.js';
import { resolveRendererSource } from './renderer-source.js';
import { trayMenuTemplate, trayTooltip } from './tray-menu.js';
import { mainWindowOptions } from './window-options.js';

const env = process.env;
const dataDir = defaultDataDir(env);
const paths = appPaths(app.getAppPath(), dataDir, process.platform);
const log = (line: string): void => console.error(`switchyard: ${redactSecrets(line)}`);

// Before anything else: the single-instance lock lives in the profile, and sandboxing must precede 'ready'.
app.setPath('userData', paths.browserProfile);
app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  app.quit(); // the running instance shows its window (see 'second-instance')
} else {
  run().catch((error: unknown) => {
    log(`fatal: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    app.exit(1);
  });
}

async function run(): Promise<void> {
  const source = resolveRendererSource({ isPackaged: app.isPackaged, env, rendererIndexPath: paths.rendererIndex });
  const monitor = new GatewayMonitor();
  const hooks: HardeningHooks = {
    openExternal: (url) => void shell.openExternal(url).catch((error: unknown) => log(`could not open a link: ${String(error)}`)),
    log,
  };
  let gateway: Gateway | undefined;
  let window: BrowserWindow | undefined;

  const quit = new QuitCoordinator({
    drain: async () => {
      monitor.stopping();
      await gateway?.stop();
      monitor.stopped();
    },
    finish: () => app.quit(),
    // gateway.stop() ends by itself after the configured grace (5 s by default); this only guards a hang
    hardLimitMs: 30_000,
    log,
  });

  const showWindow = (): void => {
    if (!app.isReady()) return;
    if (window && !window.isDestroyed()) {
      if (window.isMinimized()) window.restore();
      window.show();
      window.focus();
      return;
    }
    const created = new BrowserWindow(
      mainWindowOptions({ preloadPath: paths.preload, iconPath: paths.windowIcon, dark: nativeTheme.shouldUseDarkColors, allowDevTools: !app.isPackaged }),
    );
    window = created;
    created.once('ready-to-show', () => created.show());
    // Closing the window keeps the gateway serving from the tray; only Quit stops it.
    created.on('close', (event) => {
      if (quit.quitting) return;
      event.preventDefault();
      created.hide();
    });
    created.on('closed', () => {
      if (window === created) window = undefined;
    });
    void created.loadURL(source.url).catch((error: unknown) => log(`could not load the window: ${String(error)}`));
  };

  const updateTray = (tray: Tray): void => {
    const status = monitor.snapshot();
    tray.setToolTip(trayTooltip(status));
    tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(status, { open: showWindow, quit: () => app.quit() })));
  };

  const register = <Request, Response>(route: IpcRoute<Request, Response>): void => {
    ipcMain.handle(route.channel, guardIpcRoute(route, source, (error) => log(error.message)));
  };

  app.on('before-quit', (event) => quit.beforeQuit(() => event.preventDefault()));
  app.on('second-instance', showWindow);
  app.on('activate', showWindow); // macOS: clicking the Dock icon
  app.on('window-all-closed', () => undefined); // stay in the tray
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, source, hooks));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());
  register(statusRoute(monitor));

  await app.whenReady();
  hardenSession(session.defaultSession, source, { log });
  const tray = new Tray(nativeImage.createFromPath(paths.trayIcon));
  tray.on('click', showWindow);
  updateTray(tray);
  monitor.onChange(() => updateTray(tray)); // this listener also keeps the Tray referenced: a collected Tray vanishes
  showWindow();

  try {
    gateway = await bootGateway({ env, dataDir, log });
    monitor.running(gateway);
    log(`gateway listening on ${gateway.url}/v1`);
    void monitor.refresh();
  } catch (error) {
    const message = describeStartFailure(error);
    log(message);
    monitor.failed(message);
  }
}
