// The desktop entry point (package.json "main"): one instance, the gateway in this process, a hardened window,
// a tray with status and today's spend, notifications, start at login. Deliberately thin — every decision it makes
// is a tested function in a sibling file.
import { BrowserWindow, Menu, Notification, Tray, app, ipcMain, nativeImage, nativeTheme, session, shell } from 'electron';
import type { Gateway } from '../gateway/gateway.js';
import { defaultDataDir } from '../config/paths.js';
import { redactSecrets } from '../../shared/redact.js';
import { appPaths } from './app-paths.js';
import { NotificationPolicy, type DesktopNotice } from './desktop-notifications.js';
import { installPlaygroundCredential } from './playground-auth.js';
import { budgetActionLookup, desktopStatusFromControl, desktopStatusFromGateway, type DesktopStatus } from './desktop-status.js';
import { bootGateway, describeStartFailure } from './gateway-boot.js';
import { GatewayMonitor } from './gateway-monitor.js';
import { hardenSession, hardenWebContents, type HardeningHooks } from './hardening.js';
import type { ControlApi } from '../../shared/control/contract.js';
import { registerControlIpc } from './ipc-control.js';
import { guardIpcRoute, isTrustedSender, type IpcRoute } from './ipc-guard.js';
import { statusRoute } from './ipc-routes.js';
import { fileSystemLookup, installedBetterSqlite3Version, resolveElectronSqlite } from './native-binding.js';
import { QuitCoordinator } from './quit-coordinator.js';
import { resolveRendererSource } from './renderer-source.js';
import {
  appId,
  applyStartAtLogin,
  launchedAtLogin,
  linuxAutostartEntry,
  linuxAutostartPath,
  linuxExecutable,
  linuxLoginItemPort,
  loginItemQuery,
  loginItemSettings,
  type LoginItemPort,
} from './start-at-login.js';
import { StatusPoller } from './status-poller.js';
import { trayMenuTemplate, traySignature, trayTooltip } from './tray-menu.js';
import { mainWindowOptions } from './window-options.js';

const env = process.env;
const dataDir = defaultDataDir(env);
const paths = appPaths(app.getAppPath(), dataDir, process.platform);
const log = (line: string): void => console.error(`switchyard: ${redactSecrets(line)}`);

// Before anything else: the single-instance lock lives in the profile, and sandboxing must precede 'ready'.
app.setPath('userData', paths.browserProfile);
app.enableSandbox();
if (process.platform === 'win32') app.setAppUserModelId(appId); // Windows shows notifications only for an app with an id

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
  let tray: Tray | undefined = undefined; // created once the app is ready
  let shownTray = '';
  let control: ControlApi | undefined; // set once the core runs; calls before that answer "still starting"
  let playgroundToken: string | undefined; // the playground's client token: in this process only, never in the page
  const notifications = new NotificationPolicy();
  const shownNotices = new Set<Notification>(); // referenced until dismissed: a collected Notification loses its click handler

  const quit = new QuitCoordinator({
    drain: async () => {
      monitor.stopping();
      await gateway?.stop();
      monitor.stopped();
      poller.stop();
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

  // The tray's offline switch goes through the control service, like the window's and the CLI's.
  const setOffline = (value: boolean | null): void => {
    if (!control) return;
    control['settings.set']({ offline: value }).then(
      () => void poller.poll(),
      (error: unknown) => log(`could not switch offline mode: ${String(error)}`),
    );
  };

  const updateTray = (status: DesktopStatus): void => {
    if (!tray) return;
    const tooltip = trayTooltip(status);
    const template = trayMenuTemplate(status, { open: showWindow, quit: () => app.quit(), setOffline });
    const signature = traySignature(tooltip, template);
    if (signature === shownTray) return; // rebuilding an unchanged menu would close it under the user's pointer
    shownTray = signature;
    tray.setToolTip(tooltip);
    tray.setContextMenu(Menu.buildFromTemplate(template));
  };

  const notify = (notice: DesktopNotice): void => {
    log(`notice: ${notice.title}`);
    if (!Notification.isSupported()) return;
    const notification = new Notification({ title: notice.title, body: notice.body, icon: paths.windowIcon });
    shownNotices.add(notification);
    if (shownNotices.size > 10) shownNotices.delete(shownNotices.values().next().value as Notification);
    notification.on('click', showWindow);
    notification.on('close', () => shownNotices.delete(notification));
    notification.show();
  };

  // Tray and notifications read the status every few seconds (status.get: in-memory state plus today's totals from
  // the ledger's rollups), and at once when the monitor sees a change.
  const poller = new StatusPoller<DesktopStatus>({
    read: async () => {
      const shellStatus = monitor.snapshot();
      const budgetAction = budgetActionLookup(gateway?.config.budgets);
      if (!control || shellStatus.phase !== 'running')
        return desktopStatusFromGateway(shellStatus, gateway?.status(), { offlineSwitch: gateway?.offlineSwitch, budgetAction });
      const [status, settings] = await Promise.all([control['status.get']({}), control['settings.get']({})]);
      return desktopStatusFromControl(shellStatus, status, settings, budgetAction);
    },
    publish: (status) => {
      updateTray(status);
      for (const notice of notifications.observe(status)) notify(notice);
    },
    intervalMs: 5_000,
    log,
  });

  const loginItem: LoginItemPort =
    process.platform === 'linux'
      ? linuxLoginItemPort({ isPackaged: app.isPackaged, path: linuxAutostartPath(env), entry: linuxAutostartEntry(linuxExecutable(env, process.execPath)) })
      : {
          isPackaged: app.isPackaged,
          isSetTo: (enabled) => app.getLoginItemSettings(loginItemQuery(process.platform)).openAtLogin === enabled,
          setEnabled: (enabled) => app.setLoginItemSettings(loginItemSettings(enabled, process.platform)),
        };
  const applyLoginSetting = (desired: boolean | undefined): void => {
    try {
      const outcome = applyStartAtLogin(desired, loginItem);
      if (outcome === 'applied') log(`start at login ${desired ? 'on' : 'off'}`);
      if (outcome === 'not-packaged' && desired) log('start at login is applied by the packaged app only (here it would start a bare Electron)');
    } catch (error) {
      log(`could not change start at login: ${String(error)}`);
    }
  };

  const register = <Request, Response>(route: IpcRoute<Request, Response>): void => {
    ipcMain.handle(
      route.channel,
      guardIpcRoute(route, source, (error) => log(error.message)),
    );
  };

  app.on('before-quit', (event) => quit.beforeQuit(() => event.preventDefault()));
  app.on('second-instance', showWindow);
  app.on('activate', showWindow); // macOS: clicking the Dock icon
  app.on('window-all-closed', () => undefined); // stay in the tray
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, source, hooks));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());
  register(statusRoute(monitor));
  registerControlIpc(
    ipcMain,
    () => control,
    (event) => isTrustedSender(event, source),
    log,
  );

  await app.whenReady();
  hardenSession(session.defaultSession, source, { log });
  // The playground calls the gateway from the page; its token is added here, to that window's requests only.
  installPlaygroundCredential(
    session.defaultSession,
    {
      gatewayUrl: () => gateway?.url,
      token: () => playgroundToken,
      windowContentsId: () => (window && !window.isDestroyed() ? window.webContents.id : undefined),
    },
    source,
  );
  tray = new Tray(nativeImage.createFromPath(paths.trayIcon)); // held by `tray` in this closure: a collected Tray vanishes
  tray.on('click', showWindow);
  monitor.onChange(() => void poller.poll());
  poller.start();
  // Started at login: stay in the tray until the user opens the window.
  if (!launchedAtLogin(process.argv, process.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin)) showWindow();

  // better-sqlite3 built for this Electron, apart from the Node build in node_modules (native-binding.ts)
  const sqlite = resolveElectronSqlite({
    isPackaged: app.isPackaged,
    appRoot: app.getAppPath(),
    resourcesPath: process.resourcesPath,
    platform: process.platform,
    arch: process.arch,
    abi: process.versions.modules,
    betterSqlite3Version: installedBetterSqlite3Version(),
    ...fileSystemLookup,
  });
  if (sqlite.path === undefined) log(sqlite.problem);

  try {
    gateway = await bootGateway({
      env,
      dataDir,
      log,
      nativeBinding: sqlite.path,
      onControl: (service) => (control = service),
      onPlaygroundToken: (token) => (playgroundToken = token),
      onStartAtLoginChanged: applyLoginSetting,
    });
    monitor.running(gateway);
    log(`gateway listening on ${gateway.url}/v1`);
    void monitor.refresh();
  } catch (error) {
    const message = describeStartFailure(error);
    log(message);
    monitor.failed(message);
  }
  // The setting (settings.startAtLogin, kept in the ledger) drives the OS login item; unknown when the core did not start.
  applyLoginSetting(
    control
      ? await control['settings.get']({}).then(
          (settings) => settings.startAtLogin,
          () => undefined,
        )
      : undefined,
  );
}
