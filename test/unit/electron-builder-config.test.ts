// Packaging config: the hardening fuses, targets and asar settings are pinned here, and the file goes through
// electron-builder's own loader and JSON-schema validation (offline; a misspelt option fails it).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const repository = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const config = parse(readFileSync(join(repository, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;

interface BuilderConfigModule {
  getConfig(projectDirectory: string, configPath: string | null, configFromOptions: null): Promise<Record<string, unknown>>;
  validateConfiguration(config: Record<string, unknown>, debugLogger: { isEnabled: boolean; add(key: string, value: unknown): void }): Promise<void>;
}

// electron-builder keeps its loader and validator in app-builder-lib, its own pinned dependency; resolve it from
// there rather than adding a direct dependency.
const builder = createRequire(createRequire(import.meta.url).resolve('electron-builder/package.json'))('app-builder-lib/out/util/config/config') as BuilderConfigModule;
const quietLogger = { isEnabled: false, add: () => undefined };

function section(name: string): Record<string, unknown> {
  const value = config[name];
  if (typeof value !== 'object' || value === null) throw new Error(`electron-builder.yml has no ${name} section`);
  return value as Record<string, unknown>;
}

describe('electron-builder.yml', () => {
  it('identifies the app', () => {
    expect(config['appId']).toBe('dev.switchyard.app');
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

  it('packs the app into asar, with native addons unpacked and rebuilt for Electron', () => {
    expect(config['asar']).toBe(true);
    expect(config['asarUnpack']).toContain('**/*.node');
    expect(config['npmRebuild']).toBe(true);
  });

  it('packages the build output only, and writes installers outside it', () => {
    const files = config['files'] as string[];
    expect(files).toContain('dist/**/*');
    expect(files.filter((pattern) => !pattern.startsWith('!') && !pattern.startsWith('dist/') && !pattern.startsWith('resources/icons/'))).toEqual([]);
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
