// The options every Switchyard window is created with. The web preferences are the hardening RELIABILITY.md
// asks for; they live here, apart from the electron import, so a unit test can pin each one.
import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';

export interface WindowOptionsInput {
  /** absolute path of the compiled preload (dist/preload/index.cjs) */
  readonly preloadPath: string;
  /** window icon (used on Linux and Windows; macOS takes the bundle's) */
  readonly iconPath?: string | undefined;
  /** paint the first frame in the theme's background, so opening the window does not flash white in dark mode */
  readonly dark: boolean;
  /** developer tools only in an unpackaged app */
  readonly allowDevTools: boolean;
}

export const windowBackground = { light: '#f7f7f8', dark: '#16171a' } as const;

export function secureWebPreferences(preloadPath: string, allowDevTools: boolean): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    enableBlinkFeatures: '',
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
    devTools: allowDevTools,
  };
}

export function mainWindowOptions(input: WindowOptionsInput): BrowserWindowConstructorOptions {
  return {
    title: 'Switchyard',
    width: 1120,
    height: 740,
    minWidth: 720,
    minHeight: 480,
    // shown on 'ready-to-show', so the user never sees an empty frame
    show: false,
    autoHideMenuBar: true,
    backgroundColor: input.dark ? windowBackground.dark : windowBackground.light,
    ...(input.iconPath ? { icon: input.iconPath } : {}),
    webPreferences: secureWebPreferences(input.preloadPath, input.allowDevTools),
  };
}
