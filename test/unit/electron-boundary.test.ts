// The process boundary (DESIGN.md): only main/app and preload may load Electron, so everything else runs under
// plain Node as `switchyard serve`; and the renderer reaches the core only through the bridge, never Node.
// Module specifiers are read with TypeScript's own pre-processor, which sees static and type imports,
// `export … from`, `import x = require()`, require() and import() calls, and skips comments and strings.
import { readFileSync, readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const repository = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const scannedRoots = ['main', 'shared', 'renderer'];
const sourceExtensions = /\.(?:ts|tsx|cts|mts|js|jsx|cjs|mjs)$/;
const skippedDirectories = new Set(['node_modules', 'dist']);
const electronAllowed = ['main/app/', 'preload/'];
const nodeBuiltins = new Set(builtinModules);

interface Violation {
  readonly file: string;
  readonly line: number;
  readonly specifier: string;
  readonly rule: 'electron-outside-shell' | 'node-in-renderer';
}

function isElectron(specifier: string): boolean {
  return specifier === 'electron' || specifier.startsWith('electron/');
}

function isNodeBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || nodeBuiltins.has(specifier);
}

/** Every boundary violation in one file; `file` is repository-relative with forward slashes. */
function scanSource(file: string, text: string): Violation[] {
  const violations: Violation[] = [];
  const mayUseElectron = electronAllowed.some((prefix) => file.startsWith(prefix));
  const inRenderer = file.startsWith('renderer/');
  for (const reference of ts.preProcessFile(text, true, true).importedFiles) {
    const specifier = reference.fileName;
    const line = text.slice(0, reference.pos).split('\n').length;
    if (isElectron(specifier) && !mayUseElectron) violations.push({ file, line, specifier, rule: 'electron-outside-shell' });
    if (inRenderer && isNodeBuiltin(specifier)) violations.push({ file, line, specifier, rule: 'node-in-renderer' });
  }
  return violations;
}

function sourceFiles(directory: string): string[] {
  let entries;
  try {
    entries = readdirSync(directory, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return entries.flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return skippedDirectories.has(entry.name) ? [] : sourceFiles(path);
    return entry.isFile() && sourceExtensions.test(entry.name) ? [path] : [];
  });
}

function repositoryFiles(): string[] {
  return scannedRoots.flatMap((root) => sourceFiles(join(repository, root))).map((path) => relative(repository, path).split(sep).join('/'));
}

describe('the scanner', () => {
  it.each([
    ['a static import', "import { app } from 'electron';"],
    ['a type-only import', "import type { BrowserWindow } from 'electron';"],
    ['a side-effect import', "import 'electron';"],
    ['an electron subpath', "import { ipcMain } from 'electron/main';"],
    ['a dynamic import()', "const electron = await import('electron');"],
    ['require()', "const { app } = require('electron');"],
    ['require() with a template literal', 'const { app } = require(`electron`);'],
    ['import = require()', "import electron = require('electron');"],
    ['export … from', "export { app } from 'electron';"],
    ['export * from', "export * from 'electron';"],
  ])('reports %s outside main/app and preload', (_form, code) => {
    const violations = scanSource('main/gateway/server/router.ts', `// header\n${code}\n`);
    expect(violations).toEqual([
      { file: 'main/gateway/server/router.ts', line: 2, specifier: expect.stringMatching(/^electron/), rule: 'electron-outside-shell' },
    ]);
  });

  it('reports electron in shared/ and renderer/ too', () => {
    expect(scanSource('shared/contract.ts', "import { ipcRenderer } from 'electron';")).toHaveLength(1);
    expect(scanSource('renderer/src/App.tsx', "import { ipcRenderer } from 'electron';")).toHaveLength(1);
  });

  it('allows electron in main/app and preload', () => {
    expect(scanSource('main/app/electron-main.ts', "import { app } from 'electron';")).toEqual([]);
    expect(scanSource('preload/index.cts', "import electron = require('electron');")).toEqual([]);
  });

  it('ignores comments, strings and look-alike packages', () => {
    const code = ["// import 'electron'", 'const text = "require(\'electron\')";', "import builder from 'electron-builder';", "vi.mock('electron');"].join(
      '\n',
    );
    expect(scanSource('main/config/load.ts', code)).toEqual([]);
  });

  it.each([
    "import { readFileSync } from 'node:fs';",
    "import path from 'path';",
    "const fs = require('fs');",
    "import { exec } from 'child_process';",
    "import os from 'os';",
    "const { readFile } = await import('fs/promises');",
    "import { createServer } from 'http';",
  ])('reports Node built-ins in the renderer: %s', (code) => {
    expect(scanSource('renderer/src/status-source.ts', code).map((violation) => violation.rule)).toEqual(['node-in-renderer']);
  });

  it('allows Node built-ins outside the renderer, and packages inside it', () => {
    expect(scanSource('main/gateway/gateway.ts', "import { createServer } from 'node:http';")).toEqual([]);
    expect(scanSource('renderer/src/main.tsx', "import { createRoot } from 'react-dom/client';\nimport { useStore } from 'zustand';")).toEqual([]);
  });
});

describe('the repository', () => {
  const files = repositoryFiles();

  it('is actually scanned', () => {
    expect(files).toContain('main/app/electron-main.ts');
    expect(files).toContain('main/gateway/gateway.ts');
    expect(files).toContain('renderer/src/main.tsx');
    expect(files.some((file) => file.includes('node_modules') || file.startsWith('dist/'))).toBe(false);
    // the scanner sees the shell's own electron import, which it allows
    const shell = readFileSync(join(repository, 'main/app/electron-main.ts'), 'utf8');
    expect(ts.preProcessFile(shell, true, true).importedFiles.map((reference) => reference.fileName)).toContain('electron');
  });

  it('imports electron only in main/app and preload, and no Node built-in in the renderer', () => {
    const violations = files.flatMap((file) => scanSource(file, readFileSync(join(repository, file), 'utf8')));
    expect(violations).toEqual([]);
  });
});
