// Packs the real app with electron-builder (`--dir --linux`, the real electron-builder.yml) around a stand-in
// Electron — a shell script carrying a real fuse wire, so electron-builder's fuse flipping runs on it — in a copy of
// the project with a stand-in Electron build of better-sqlite3. Offline: every proxy points at a closed port, so
// any download attempt fails the run. Then reads what came out: app.asar, the unpacked addons, resources/native,
// the fuses, and that node_modules kept its Node build.
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appPaths } from '../../main/app/app-paths.js';
import { addonFileName, markerFileName, resolveElectronSqlite } from '../../main/app/native-binding.js';

const repository = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const requireFromRepository = createRequire(join(repository, 'package.json'));
// @electron/asar and @electron/fuses come with electron-builder (app-builder-lib's pinned dependencies)
const requireFromBuilder = createRequire(createRequire(requireFromRepository.resolve('electron-builder/package.json')).resolve('app-builder-lib/package.json'));

interface AsarModule {
  listPackage(archive: string, options: { isPack: boolean }): string[];
  extractFile(archive: string, file: string): Buffer;
}
interface FusesModule {
  getCurrentFuseWire(binary: string): Promise<Record<string, number | string>>;
  FuseV1Options: Record<string, number>;
}
const asar = requireFromBuilder('@electron/asar') as AsarModule;
const fuses = requireFromBuilder('@electron/fuses') as FusesModule;

const sentinel = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'; // @electron/fuses looks for this in the Electron binary
const electronVersion = (requireFromRepository('electron/package.json') as { version: string }).version;
const electronAbi = readFileSync(join(dirname(requireFromRepository.resolve('electron/package.json')), 'abi_version'), 'utf8').trim();
const betterSqlite3Version = (requireFromRepository('better-sqlite3/package.json') as { version: string }).version;
const nodeSqliteBuild = join(repository, 'node_modules', 'better-sqlite3', 'build', 'Release', addonFileName);

interface Run {
  readonly code: number;
  readonly output: string;
}

let work: string;
let closedPort: number;

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

async function freeClosedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const address = server.address();
  await new Promise<void>((closed) => server.close(() => closed()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((settle) => {
    execFile(command, args, { cwd, env: { ...process.env, ...env }, timeout: 90_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      settle({ code, output: `${stdout}${stderr}` });
    });
  });
}

/** A Linux Electron distribution as electron-builder expects an unpacked one: the `electron` executable and resources/. */
function standInElectron(directory: string): void {
  mkdirSync(join(directory, 'resources'), { recursive: true });
  // Electron's own defaults: RunAsNode, NODE_OPTIONS, --inspect on; cookie encryption, asar integrity, asar-only off
  const wire = Buffer.concat([
    Buffer.from(`#!/bin/sh\n# stand-in Electron for packaging tests; fuse wire: ${sentinel}`),
    Buffer.from([1, 8]),
    Buffer.from('10110001\n'),
  ]);
  writeFileSync(join(directory, 'electron'), Buffer.concat([wire, Buffer.from('echo "stand-in Electron: cannot run the app" >&2\nexit 1\n')]));
  chmodSync(join(directory, 'electron'), 0o755);
}

/** The files electron-builder reads, in a folder of their own: the test never writes into the repository. */
function stageProject(directory: string, options: { readonly withElectronSqlite: boolean }): void {
  mkdirSync(directory, { recursive: true });
  for (const file of ['package.json', 'electron-builder.yml']) cpSync(join(repository, file), join(directory, file));
  const skipped = (path: string): boolean => path.endsWith('.map') || path.endsWith('.tsbuildinfo');
  cpSync(join(repository, 'dist'), join(directory, 'dist'), { recursive: true, filter: (path) => !skipped(path) });
  for (const folder of ['resources/icons', 'resources/prices', 'scripts']) cpSync(join(repository, folder), join(directory, folder), { recursive: true });
  stageNodeModules(directory);
  if (!options.withElectronSqlite) return;
  // The Node build stands in for Electron's: only its place in the package is under test, not its ABI.
  const native = join(directory, 'native', 'electron', `linux-${process.arch}`);
  mkdirSync(native, { recursive: true });
  cpSync(nodeSqliteBuild, join(native, addonFileName));
  writeFileSync(
    join(native, markerFileName),
    JSON.stringify({ electronVersion, abi: electronAbi, platform: 'linux', arch: process.arch, betterSqlite3Version }),
  );
}

/**
 * The production dependencies copied for real, as `npm ls` sees them in the repository, plus links to the build
 * tools the beforePack hook loads. (A link to the whole node_modules made npm judge every package extraneous
 * whenever its hidden lockfile was older than some package folder — as after a clean `npm ci` and a build — and
 * electron-builder then left the keychain addon out.)
 */
function stageNodeModules(directory: string): void {
  const listing = execFileSync('npm', ['ls', '--omit', 'dev', '--all', '--parseable', '--silent'], { cwd: repository, encoding: 'utf8' });
  const root = join(repository, 'node_modules');
  for (const path of listing.split('\n').map((line) => line.trim())) {
    if (!path.startsWith(`${root}/`)) continue;
    cpSync(path, join(directory, 'node_modules', path.slice(root.length + 1)), {
      recursive: true,
      dereference: true,
      filter: (source) => !source.slice(path.length).includes('/node_modules/'),
    });
  }
  for (const tool of ['electron-builder', 'electron']) symlinkSync(join(root, tool), join(directory, 'node_modules', tool), 'dir');
}

function pack(project: string, output: string): Promise<Run> {
  const cli = requireFromRepository.resolve('electron-builder/cli.js');
  const deadProxy = `http://127.0.0.1:${closedPort}`;
  return run(
    process.execPath,
    [
      cli,
      '--dir',
      '--linux',
      `--${process.arch}`,
      '--config',
      'electron-builder.yml',
      `-c.electronDist=${join(work, 'electron')}`,
      `-c.directories.output=${output}`,
      '--publish',
      'never',
    ],
    project,
    {
      HTTP_PROXY: deadProxy,
      HTTPS_PROXY: deadProxy,
      http_proxy: deadProxy,
      https_proxy: deadProxy,
      NO_PROXY: '',
      no_proxy: '',
      ELECTRON_BUILDER_CACHE: join(work, 'cache'),
      SWITCHYARD_ELECTRON_HEADERS_URL: deadProxy,
      CI: 'true',
    },
  );
}

function ensureRendererBuilt(project: string): Promise<Run> | undefined {
  if (existsSync(join(project, 'dist', 'renderer', 'index.html'))) return undefined;
  // `npm test` builds the renderer first; run on its own, this test builds it into the staged copy
  const vite = join(dirname(requireFromRepository.resolve('vite/package.json')), 'bin', 'vite.js');
  return run(process.execPath, [vite, 'build', '--logLevel', 'warn', '--outDir', join(project, 'dist', 'renderer'), '--emptyOutDir'], repository);
}

describe.runIf(process.platform === 'linux')('electron-builder --dir with a stand-in Electron', () => {
  const project = (): string => join(work, 'project');
  const unpacked = (): string => join(work, 'out', 'linux-unpacked');
  const archive = (): string => join(unpacked(), 'resources', 'app.asar');
  let packed: Run;
  let nodeBuildBefore: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'switchyard-package-'));
    closedPort = await freeClosedPort();
    for (const file of ['dist/main/app/electron-main.js', 'dist/preload/index.cjs']) {
      if (!existsSync(join(repository, file))) throw new Error(`${file} is missing: run \`npm run build\` first`);
    }
    nodeBuildBefore = sha256(nodeSqliteBuild);
    standInElectron(join(work, 'electron'));
    stageProject(project(), { withElectronSqlite: true });
    const renderer = await ensureRendererBuilt(project());
    if (renderer && renderer.code !== 0) throw new Error(`renderer build failed:\n${renderer.output}`);
    packed = await pack(project(), join(work, 'out'));
  }, 120_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('packs without the network, running the beforePack hook', () => {
    expect(packed.output).not.toMatch(/ECONNREFUSED|downloading/i);
    expect(packed.code, packed.output).toBe(0);
    expect(packed.output).toMatch(/better-sqlite3 for Electron: up to date/);
    expect(existsSync(join(unpacked(), 'switchyard-desktop'))).toBe(true);
  });

  it('puts the compiled app, preload, renderer, icons and price snapshot in app.asar, where the app looks for them', () => {
    const files = new Set(asar.listPackage(archive(), { isPack: false }).map((file) => file.split(sep).join('/')));
    const inArchive = (path: string): string => `/${relative('/app', path).split(sep).join('/')}`;
    const paths = appPaths('/app', '/data', 'linux');
    for (const expected of [paths.rendererIndex, paths.preload, paths.windowIcon, paths.trayIcon, join('/app', 'resources', 'icons', 'trayTemplate.png')]) {
      expect(files, expected).toContain(inArchive(expected));
    }
    for (const expected of [
      '/dist/main/app/electron-main.js',
      '/dist/main/boot.js',
      '/resources/prices/snapshot.json',
      '/package.json',
      '/node_modules/better-sqlite3/lib/index.js',
      '/node_modules/zod/package.json',
    ]) {
      expect(files).toContain(expected);
    }
    const main = (JSON.parse(asar.extractFile(archive(), 'package.json').toString('utf8')) as { main: string }).main;
    expect(main).toBe('dist/main/app/electron-main.js');
    const snapshot = JSON.parse(asar.extractFile(archive(), 'resources/prices/snapshot.json').toString('utf8')) as { schema: number };
    expect(snapshot.schema).toBe(1);
  });

  it('leaves out sources, source maps, tests, dev dependencies and better-sqlite3’s Node build', () => {
    const files = asar.listPackage(archive(), { isPack: false }).map((file) => file.split(sep).join('/'));
    expect(files.filter((file) => /\.map$|\.tsbuildinfo$|\.test\.js$|^\/(main|shared|preload|renderer|test|scripts|native)\//.test(file))).toEqual([]);
    for (const devOnly of ['electron', 'electron-builder', 'typescript', 'vitest', 'vite', 'eslint']) expect(files).not.toContain(`/node_modules/${devOnly}`);
    expect(files.filter((file) => file.startsWith('/node_modules/better-sqlite3/') && /\/(build|deps|src)\//.test(file))).toEqual([]);
  });

  it('ships the Electron build of better-sqlite3 in resources/native, where the app resolves it', () => {
    const resources = join(unpacked(), 'resources');
    const resolution = resolveElectronSqlite({
      isPackaged: true,
      appRoot: archive(),
      resourcesPath: resources,
      platform: 'linux',
      arch: process.arch,
      abi: electronAbi,
      betterSqlite3Version,
      readText: (path) => (existsSync(path) ? readFileSync(path, 'utf8') : undefined),
      exists: existsSync,
    });
    expect(resolution).toEqual({ path: join(resources, 'native', addonFileName) });
    expect(existsSync(join(resources, 'app.asar.unpacked', 'node_modules', 'better-sqlite3'))).toBe(false);
  });

  it('unpacks the keychain addon from app.asar (asarUnpack)', () => {
    const keyring = join(unpacked(), 'resources', 'app.asar.unpacked', 'node_modules', '@napi-rs', `keyring-linux-${process.arch}-gnu`);
    expect(existsSync(keyring)).toBe(true);
    expect(readFileSync(join(keyring, 'package.json'), 'utf8')).toContain('keyring');
  });

  it('flips the hardening fuses in the packaged binary', async () => {
    const wire = await fuses.getCurrentFuseWire(join(unpacked(), 'switchyard-desktop'));
    const [off, on] = ['0'.charCodeAt(0), '1'.charCodeAt(0)];
    const state = (name: string): number | string | undefined => wire[String(fuses.FuseV1Options[name])];
    expect({
      RunAsNode: state('RunAsNode'),
      EnableNodeOptionsEnvironmentVariable: state('EnableNodeOptionsEnvironmentVariable'),
      EnableNodeCliInspectArguments: state('EnableNodeCliInspectArguments'),
      EnableEmbeddedAsarIntegrityValidation: state('EnableEmbeddedAsarIntegrityValidation'),
      OnlyLoadAppFromAsar: state('OnlyLoadAppFromAsar'),
      EnableCookieEncryption: state('EnableCookieEncryption'),
    }).toEqual({
      RunAsNode: off,
      EnableNodeOptionsEnvironmentVariable: off,
      EnableNodeCliInspectArguments: off,
      EnableEmbeddedAsarIntegrityValidation: on,
      OnlyLoadAppFromAsar: on,
      EnableCookieEncryption: on,
    });
  });

  it('leaves the Node build of better-sqlite3 in node_modules as it was', () => {
    expect(sha256(nodeSqliteBuild)).toBe(nodeBuildBefore);
  });

  it('refuses to pack without an Electron build of better-sqlite3 when it cannot fetch one', async () => {
    const bare = join(work, 'bare');
    stageProject(bare, { withElectronSqlite: false });
    cpSync(join(project(), 'dist', 'renderer'), join(bare, 'dist', 'renderer'), { recursive: true });
    const refused = await pack(bare, join(work, 'out-bare'));
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain('needs internet access');
    expect(existsSync(join(work, 'out-bare', 'linux-unpacked', 'resources', 'app.asar'))).toBe(false);
    expect(existsSync(join(bare, 'native'))).toBe(false);
  }, 60_000);
});
