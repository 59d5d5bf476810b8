// Where the desktop app finds its own files. `appRoot` is app.getAppPath(): the project folder when run with
// `electron .`, the app.asar archive when packaged; both hold dist/ and resources/icons/ at the same places.
import { join } from 'node:path';

export interface AppPaths {
  readonly rendererIndex: string;
  readonly preload: string;
  readonly windowIcon: string;
  readonly trayIcon: string;
  /** Chromium's profile (cache, local storage): inside the private data dir, apart from the ledger and config */
  readonly browserProfile: string;
}

export function appPaths(appRoot: string, dataDir: string, platform: NodeJS.Platform): AppPaths {
  const icons = join(appRoot, 'resources', 'icons');
  return {
    rendererIndex: join(appRoot, 'dist', 'renderer', 'index.html'),
    preload: join(appRoot, 'dist', 'preload', 'index.cjs'),
    windowIcon: join(icons, 'icon.png'),
    // macOS tints "Template" images for light and dark menu bars; elsewhere a coloured icon reads better.
    // Electron picks the @2x file beside each on high-density screens.
    trayIcon: join(icons, platform === 'darwin' ? 'trayTemplate.png' : 'tray.png'),
    browserProfile: join(dataDir, 'electron-profile'),
  };
}
