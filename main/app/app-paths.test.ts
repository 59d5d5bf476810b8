// The paths the app opens at run time must be where the build puts things: tsc for the preload, Vite for the
// renderer, the committed icons. A mismatch here is a blank or icon-less window that no other test would see.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import viteConfig from '../../vite.config.js';
import { appPaths } from './app-paths.js';

const repository = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function pngSize(path: string): { width: number; height: number } {
  const bytes = readFileSync(path);
  expect(bytes.subarray(1, 4).toString('ascii')).toBe('PNG');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('appPaths', () => {
  const paths = appPaths(repository, '/data/switchyard', 'linux');

  it('loads the preload that tsc emits for preload/index.cts', () => {
    const configPath = join(repository, 'tsconfig.main.json');
    const parsed = ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
    if (!parsed) throw new Error('cannot read tsconfig.main.json');
    const source = join(repository, 'preload', 'index.cts');
    expect(parsed.fileNames.map((name) => resolve(name))).toContain(source);
    const outputs = ts.getOutputFileNames(parsed, source, false).map((name) => resolve(name));
    expect(outputs).toContain(paths.preload);
  });

  it('loads the page Vite builds', () => {
    const build = viteConfig.build ?? {};
    const root = resolve(repository, viteConfig.root ?? '.');
    expect(resolve(root, build.outDir ?? 'dist', 'index.html')).toBe(paths.rendererIndex);
    expect(existsSync(join(root, 'index.html'))).toBe(true);
  });

  it('finds committed icons of the right sizes on every platform', () => {
    expect(pngSize(paths.windowIcon)).toEqual({ width: 512, height: 512 });
    for (const platform of ['linux', 'win32', 'darwin'] as const) {
      const tray = appPaths(repository, '/data', platform).trayIcon;
      expect(pngSize(tray)).toEqual({ width: 16, height: 16 });
      expect(pngSize(tray.replace(/\.png$/, '@2x.png'))).toEqual({ width: 32, height: 32 });
    }
    expect(appPaths(repository, '/data', 'darwin').trayIcon).toMatch(/Template\.png$/);
  });

  it('keeps Chromium’s profile inside the private data dir', () => {
    expect(paths.browserProfile).toBe(join('/data/switchyard', 'electron-profile'));
  });
});
