import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  addonFileName,
  electronAddonDirectory,
  installedBetterSqlite3Version,
  markerFileName,
  resolveElectronSqlite,
  type BindingLookup,
  type ElectronAddonMarker,
} from './native-binding.js';

const repository = fileURLToPath(new URL('../..', import.meta.url));

const marker: ElectronAddonMarker = { electronVersion: '45.4.1', abi: '140', platform: 'linux', arch: 'x64', betterSqlite3Version: '12.6.2' };

function lookup(files: Record<string, string>, overrides: Partial<BindingLookup> = {}): BindingLookup {
  return {
    isPackaged: false,
    appRoot: '/src/switchyard',
    resourcesPath: '/opt/Switchyard/resources',
    platform: 'linux',
    arch: 'x64',
    abi: '140',
    betterSqlite3Version: '12.6.2',
    readText: (path) => files[path],
    exists: (path) => path in files,
    ...overrides,
  };
}

const checkout = '/src/switchyard/native/electron/linux-x64';

describe('resolveElectronSqlite', () => {
  it('finds the Electron build beside the checkout when run with `electron .`', () => {
    const files = { [join(checkout, markerFileName)]: JSON.stringify(marker), [join(checkout, addonFileName)]: '' };
    expect(resolveElectronSqlite(lookup(files))).toEqual({ path: join(checkout, addonFileName) });
  });

  it('finds it in resources/native in a packaged app (electron-builder.yml extraResources)', () => {
    const packaged = '/opt/Switchyard/resources/native';
    const files = { [join(packaged, markerFileName)]: JSON.stringify(marker), [join(packaged, addonFileName)]: '' };
    expect(resolveElectronSqlite(lookup(files, { isPackaged: true }))).toEqual({ path: join(packaged, addonFileName) });
  });

  it('says how to build it when there is none', () => {
    const resolution = resolveElectronSqlite(lookup({}));
    expect(resolution.path).toBeUndefined();
    expect(resolution).toMatchObject({ problem: expect.stringContaining('node scripts/build-electron-sqlite.mjs') });
  });

  it.each([
    ['another Electron ABI', { abi: '139' }, 'abi 139 (needs 140)'],
    ['another better-sqlite3', { betterSqlite3Version: '12.5.0' }, 'betterSqlite3Version 12.5.0 (needs 12.6.2)'],
    ['another architecture', { arch: 'arm64' }, 'arch arm64 (needs x64)'],
  ])('refuses a build made for %s', (_case, change, expected) => {
    const files = { [join(checkout, markerFileName)]: JSON.stringify({ ...marker, ...change }), [join(checkout, addonFileName)]: '' };
    const resolution = resolveElectronSqlite(lookup(files));
    expect(resolution.path).toBeUndefined();
    expect(resolution).toMatchObject({ problem: expect.stringContaining(expected) });
  });

  it('refuses a marker without its addon, or a marker that is not one', () => {
    expect(resolveElectronSqlite(lookup({ [join(checkout, markerFileName)]: JSON.stringify(marker) })).path).toBeUndefined();
    expect(resolveElectronSqlite(lookup({ [join(checkout, markerFileName)]: '{"nope":1}', [join(checkout, addonFileName)]: '' })).path).toBeUndefined();
    expect(resolveElectronSqlite(lookup({ [join(checkout, markerFileName)]: 'not json', [join(checkout, addonFileName)]: '' })).path).toBeUndefined();
  });

  it('reads the installed better-sqlite3 version', () => {
    expect(installedBetterSqlite3Version()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('looks where scripts/build-electron-sqlite.mjs writes', () => {
    const printed = execFileSync(
      process.execPath,
      [join(repository, 'scripts', 'build-electron-sqlite.mjs'), '--print-path', '--platform', 'darwin', '--arch', 'arm64'],
      { encoding: 'utf8' },
    ).trim();
    const expected = electronAddonDirectory({ isPackaged: false, appRoot: repository, resourcesPath: '', platform: 'darwin', arch: 'arm64' });
    expect(printed).toBe(join(expected, addonFileName));
  });
});
