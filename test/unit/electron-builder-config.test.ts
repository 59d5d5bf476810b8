// Packaging config: the hardening fuses, targets, asar and native-addon settings are pinned here, and the file goes
// through electron-builder's own loader and JSON-schema validation (offline; a misspelt option fails it).
// test/e2e/electron-package.test.ts packs with it for real (--dir, stand-in Electron).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { electronAddonDirectory } from '../../main/app/native-binding.js';
import { appId } from '../../main/app/start-at-login.js';

const repository = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const config = parse(readFileSync(join(repository, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;

interface BuilderConfigModule {
  getConfig(projectDirectory: string, configPath: string | null, configFromOptions: null): Promise<Record<string, unknown>>;
  validateConfiguration(config: Record<string, unknown>, debugLogger: { isEnabled: boolean; add(key: string, value: unknown): void }): Promise<void>;
}

// electron-builder keeps its loader and validator in app-builder-lib, its own pinned dependency; resolve it from
// there rather than adding a direct dependency.
const builder = createRequire(createRequire(import.meta.url).resolve('electron-builder/package.json'))(
  'app-builder-lib/out/util/config/config',
) as BuilderConfigModule;
const quietLogger = { isEnabled: false, add: () => undefined };

function section(name: string): Record<string, unknown> {
  const value = config[name];
  if (typeof value !== 'object' || value === null) throw new Error(`electron-builder.yml has no ${name} section`);
  return value as Record<string, unknown>;
}

describe('electron-builder.yml', () => {
  it('identifies the app, with the id the app gives Windows for its notifications', () => {
    expect(config['appId']).toBe('dev.switchyard.app');
    expect(config['appId']).toBe(appId);
    expect(config['productName']).toBe('Switchyard');
  });

  it('flips the hardening fuses (RELIABILITY.md)', () => {
    expect(section('electronFuses')).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });

  it('packs the app into asar, with native addons unpacked', () => {
    expect(config['asar']).toBe(true);
    expect(config['asarUnpack']).toContain('**/*.node');
  });

  it('never rebuilds node_modules for Electron: the Node build of better-sqlite3 stays for tests and serve', () => {
    expect(config['npmRebuild']).toBe(false);
    expect(config['buildDependenciesFromSource']).toBeUndefined();
    expect(config['files']).toEqual(expect.arrayContaining(['!node_modules/better-sqlite3/{build,deps,src}{,/**/*}']));
  });

  it('ships the Electron build of better-sqlite3 from where the build script writes it to where the app looks', () => {
    const hook = String(config['beforePack']);
    expect(hook).toBe('./scripts/electron-before-pack.mjs');
    expect(existsSync(join(repository, hook))).toBe(true);
    for (const [platform, electronPlatform] of [
      ['mac', 'darwin'],
      ['win', 'win32'],
      ['linux', 'linux'],
    ] as const) {
      const expectedFrom = electronAddonDirectory({ isPackaged: false, appRoot: '.', resourcesPath: '', platform: electronPlatform, arch: '${arch}' }).replace(
        /^\.\//,
        '',
      );
      expect(section(platform)['extraResources'], platform).toEqual([
        { from: expectedFrom, to: 'native', filter: ['better_sqlite3.node', 'better_sqlite3.json'] },
      ]);
    }
    // resources/native in the packaged app: electronAddonDirectory({ isPackaged: true }) is <resourcesPath>/native
    expect(electronAddonDirectory({ isPackaged: true, appRoot: '', resourcesPath: '/r', platform: 'linux', arch: 'x64' })).toBe('/r/native');
  });

  it('packages the build output, icons and the price snapshot only, and writes installers outside it', () => {
    const files = config['files'] as string[];
    expect(files).toContain('dist/**/*');
    expect(files).toContain('resources/prices/snapshot.json');
    expect(
      files.filter(
        (pattern) =>
          !pattern.startsWith('!') && !pattern.startsWith('dist/') && !pattern.startsWith('resources/icons/') && pattern !== 'resources/prices/snapshot.json',
      ),
    ).toEqual([]);
    expect(files).toContain('!**/*.map');
    expect(section('directories')['output']).not.toBe('dist');
  });

  it('builds dmg, nsis, AppImage and deb with the right categories', () => {
    expect(section('mac')).toMatchObject({ target: 'dmg', category: 'public.app-category.developer-tools' });
    expect(section('win')).toMatchObject({ target: 'nsis' });
    expect(section('linux')).toMatchObject({ target: ['AppImage', 'deb'], category: 'Development' });
    expect(String(section('linux')['maintainer'])).toMatch(/^.+ <.+@.+>$/);
  });

  it('points every icon at a committed 512×512 PNG', () => {
    for (const platform of ['mac', 'win', 'linux']) {
      const icon = join(repository, String(section(platform)['icon']));
      expect(existsSync(icon)).toBe(true);
      const bytes = readFileSync(icon);
      expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([512, 512]);
    }
  });

  it('is found and accepted by electron-builder’s own loader and schema', async () => {
    const loaded = await builder.getConfig(repository, null, null);
    expect(loaded['appId']).toBe('dev.switchyard.app');
    await expect(builder.validateConfiguration(loaded, quietLogger)).resolves.toBeUndefined();
  });

  it('would fail validation on a misspelt option (the check is real)', async () => {
    const misspelt = { ...config, electronFuses: { ...section('electronFuses'), runAsNod: false } };
    await expect(builder.validateConfiguration(misspelt, quietLogger)).rejects.toThrow(/electronFuses/);
    await expect(builder.validateConfiguration({ ...config, asarUnpak: ['**/*.node'] }, quietLogger)).rejects.toThrow(/asarUnpak|additional/i);
  });
});
