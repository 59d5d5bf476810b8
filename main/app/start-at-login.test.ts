import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi, type Mock } from 'vitest';
import {
  applyStartAtLogin,
  launchedAtLogin,
  linuxAutostartEntry,
  linuxAutostartPath,
  linuxExecutable,
  linuxLoginItemPort,
  loginItemQuery,
  loginItemSettings,
  quoteExecArgument,
  startHiddenArgument,
  type LoginItemPort,
} from './start-at-login.js';

const temporary: string[] = [];
afterEach(() => {
  for (const directory of temporary.splice(0)) rmSync(directory, { recursive: true, force: true });
});

function fakePort(enabled: boolean, isPackaged = true): LoginItemPort & { readonly setEnabled: Mock<(enabled: boolean) => void> } {
  return { isPackaged, isSetTo: (wanted) => wanted === enabled, setEnabled: vi.fn<(enabled: boolean) => void>() };
}

describe('applyStartAtLogin', () => {
  it('changes the login item only when the setting differs from it', () => {
    const off = fakePort(false);
    expect(applyStartAtLogin(true, off)).toBe('applied');
    expect(off.setEnabled).toHaveBeenCalledWith(true);
    const on = fakePort(true);
    expect(applyStartAtLogin(true, on)).toBe('unchanged');
    expect(applyStartAtLogin(false, on)).toBe('applied');
    expect(on.setEnabled).toHaveBeenCalledWith(false);
  });

  it('leaves the OS alone when the setting is not known, or in an unpackaged app', () => {
    const port = fakePort(false, false);
    expect(applyStartAtLogin(undefined, port)).toBe('unknown');
    expect(applyStartAtLogin(true, port)).toBe('not-packaged');
    expect(port.setEnabled).not.toHaveBeenCalled();
  });
});

describe('login items on macOS and Windows', () => {
  it('passes the start-hidden argument on Windows, and looks the entry up with the same one', () => {
    expect(loginItemSettings(true, 'win32')).toEqual({ openAtLogin: true, args: [startHiddenArgument] });
    expect(loginItemQuery('win32')).toEqual({ args: [startHiddenArgument] });
    expect(loginItemSettings(false, 'darwin')).toEqual({ openAtLogin: false });
    expect(loginItemQuery('darwin')).toEqual({});
  });

  it('starts in the tray when launched at login', () => {
    expect(launchedAtLogin(['/opt/Switchyard/switchyard-desktop', startHiddenArgument], false)).toBe(true);
    expect(launchedAtLogin(['/Applications/Switchyard.app/Contents/MacOS/Switchyard'], true)).toBe(true);
    expect(launchedAtLogin(['/opt/Switchyard/switchyard-desktop'], false)).toBe(false);
  });
});

describe('Linux autostart', () => {
  it('lives in $XDG_CONFIG_HOME/autostart, else ~/.config/autostart', () => {
    expect(linuxAutostartPath({ XDG_CONFIG_HOME: '/home/ada/.cfg' }, '/home/ada')).toBe('/home/ada/.cfg/autostart/dev.switchyard.app.desktop');
    expect(linuxAutostartPath({}, '/home/ada')).toBe('/home/ada/.config/autostart/dev.switchyard.app.desktop');
    expect(linuxAutostartPath({ XDG_CONFIG_HOME: 'relative/ignored' }, '/home/ada')).toBe('/home/ada/.config/autostart/dev.switchyard.app.desktop');
  });

  it('starts the .AppImage file itself, not its temporary mount', () => {
    expect(linuxExecutable({ APPIMAGE: '/home/ada/Apps/Switchyard-0.1.0.AppImage' }, '/tmp/.mount_SwitchXYZ/switchyard-desktop')).toBe(
      '/home/ada/Apps/Switchyard-0.1.0.AppImage',
    );
    expect(linuxExecutable({}, '/opt/Switchyard/switchyard-desktop')).toBe('/opt/Switchyard/switchyard-desktop');
  });

  it('quotes the Exec argument as the Desktop Entry Specification asks', () => {
    expect(quoteExecArgument('/opt/Switchyard/switchyard-desktop')).toBe('"/opt/Switchyard/switchyard-desktop"');
    expect(quoteExecArgument('/home/ada/My Apps/100% "ok" $HOME`x`')).toBe('"/home/ada/My Apps/100%% \\\\"ok\\\\" \\\\$HOME\\\\`x\\\\`"');
    expect(quoteExecArgument('a\\b')).toBe('"a\\\\\\\\b"');
  });

  it('writes an entry that starts the app hidden', () => {
    const entry = linuxAutostartEntry('/opt/Switchyard/switchyard-desktop');
    expect(entry.split('\n')).toEqual(
      expect.arrayContaining([
        '[Desktop Entry]',
        'Type=Application',
        'Exec="/opt/Switchyard/switchyard-desktop" --start-hidden',
        'X-GNOME-Autostart-enabled=true',
      ]),
    );
  });

  it('turns on by writing the file, off by removing it, and rewrites or removes an entry for a program that moved', () => {
    const home = mkdtempSync(join(tmpdir(), 'switchyard-autostart-'));
    temporary.push(home);
    const path = linuxAutostartPath({}, home);
    const port = linuxLoginItemPort({ isPackaged: true, path, entry: linuxAutostartEntry('/opt/a') });
    expect([port.isSetTo(true), port.isSetTo(false)]).toEqual([false, true]);
    expect(applyStartAtLogin(true, port)).toBe('applied');
    expect(readFileSync(path, 'utf8')).toContain('Exec="/opt/a" --start-hidden');
    expect(statSync(path).mode & 0o777).toBe(0o644);
    expect(applyStartAtLogin(true, port)).toBe('unchanged');

    const moved = linuxLoginItemPort({ isPackaged: true, path, entry: linuxAutostartEntry('/opt/b') });
    expect(applyStartAtLogin(true, moved)).toBe('applied');
    expect(readFileSync(path, 'utf8')).toContain('Exec="/opt/b"');

    expect(applyStartAtLogin(false, port)).toBe('applied'); // the entry names /opt/b, not this program: still removed
    expect(existsSync(path)).toBe(false);
    expect(applyStartAtLogin(false, moved)).toBe('unchanged');
  });
});
