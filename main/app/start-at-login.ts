// Start at login, per platform. macOS and Windows: Electron's login items (app.setLoginItemSettings). Linux:
// Electron has none, so an XDG autostart entry (~/.config/autostart/<app id>.desktop) — honoured by GNOME, KDE,
// Xfce, Cinnamon, MATE and LXQt sessions, not by a bare window manager without an autostart helper.
// Launched at login, the app starts in the tray without opening its window.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Settings } from 'electron';

/** electron-builder.yml's appId; also the Windows AppUserModelId that notifications need */
export const appId = 'dev.switchyard.app';

/** passed by the login item (Windows, Linux); macOS says so through getLoginItemSettings().wasOpenedAtLogin */
export const startHiddenArgument = '--start-hidden';

/** What app.setLoginItemSettings() is given on macOS and Windows. */
export function loginItemSettings(openAtLogin: boolean, platform: NodeJS.Platform): Settings {
  // Windows compares path and args to find its own entry again: they must be the same on every call.
  if (platform === 'win32') return { openAtLogin, args: [startHiddenArgument] };
  return { openAtLogin };
}

/** What app.getLoginItemSettings() needs to find the entry loginItemSettings() made. */
export function loginItemQuery(platform: NodeJS.Platform): { args?: string[] } {
  return platform === 'win32' ? { args: [startHiddenArgument] } : {};
}

export function launchedAtLogin(argv: readonly string[], wasOpenedAtLogin: boolean): boolean {
  return wasOpenedAtLogin || argv.includes(startHiddenArgument);
}

export function linuxAutostartPath(env: NodeJS.ProcessEnv, home: string = homedir()): string {
  const configHome = env['XDG_CONFIG_HOME']?.startsWith('/') ? env['XDG_CONFIG_HOME'] : join(home, '.config');
  return join(configHome, 'autostart', `${appId}.desktop`);
}

/** The program to start: an AppImage runs from a temporary mount, so the entry must name the .AppImage file itself. */
export function linuxExecutable(env: NodeJS.ProcessEnv, execPath: string): string {
  return env['APPIMAGE'] || execPath;
}

/**
 * One Exec argument as the Desktop Entry Specification asks: quoted, with " ` $ \\ escaped; then the string-value
 * escape (each backslash doubled again) and the field-code escape (% as %%).
 */
export function quoteExecArgument(argument: string): string {
  const quoted = `"${argument.replace(/(["`$\\])/g, '\\$1')}"`;
  return quoted.replaceAll('\\', '\\\\').replaceAll('%', '%%');
}

export function linuxAutostartEntry(executable: string): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Version=1.0',
    'Name=Switchyard',
    'Comment=Local-first LLM router (starts in the tray)',
    `Exec=${quoteExecArgument(executable)} ${startHiddenArgument}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

export type StartAtLoginOutcome = 'applied' | 'unchanged' | 'not-packaged' | 'unknown';

export interface LoginItemPort {
  readonly isPackaged: boolean;
  /** whether the login item is already as asked (on and pointing at this app, or off) */
  isSetTo(enabled: boolean): boolean;
  setEnabled(enabled: boolean): void;
}

/**
 * Applies the setting when it differs from what the OS has. An unpackaged app (`npm start`) is left alone: its
 * login item would start a bare Electron, not Switchyard.
 */
export function applyStartAtLogin(desired: boolean | undefined, port: LoginItemPort): StartAtLoginOutcome {
  if (desired === undefined) return 'unknown';
  if (!port.isPackaged) return 'not-packaged';
  if (port.isSetTo(desired)) return 'unchanged';
  port.setEnabled(desired);
  return 'applied';
}

/** The Linux login item: the autostart file exists with this entry, or does not exist. */
export function linuxLoginItemPort(options: { readonly isPackaged: boolean; readonly path: string; readonly entry: string }): LoginItemPort {
  return {
    isPackaged: options.isPackaged,
    isSetTo: (enabled) => {
      let text: string | undefined;
      try {
        text = readFileSync(options.path, 'utf8');
      } catch {
        text = undefined;
      }
      // an entry left by an older install (another path) counts as wrong either way: rewritten or removed
      return enabled ? text === options.entry : text === undefined;
    },
    setEnabled: (enabled) => {
      if (!enabled) return rmSync(options.path, { force: true });
      mkdirSync(dirname(options.path), { recursive: true });
      writeFileSync(options.path, options.entry, { mode: 0o644 });
    },
  };
}
