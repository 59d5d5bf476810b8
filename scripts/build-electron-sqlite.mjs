#!/usr/bin/env node
// Builds better-sqlite3 for Electron into native/electron/<platform>-<arch>/ — a folder of its own, so node_modules
// keeps the Node build that tests and `switchyard serve` load. The desktop app passes this file to better-sqlite3's
// `nativeBinding` option (main/app/native-binding.ts); electron-builder's beforePack hook runs this for each target.
//
// Needs internet access once per Electron version: a prebuilt binary from better-sqlite3's GitHub releases, or
// Electron's headers (electronjs.org) to compile against. Offline it stops with a message and changes nothing.
//
//   node scripts/build-electron-sqlite.mjs [--platform linux|darwin|win32] [--arch x64|arm64] [--if-missing]
//                                          [--headers-url URL] [--print-path]
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const requireFromProject = createRequire(join(projectRoot, 'package.json'));
export const addonFileName = 'better_sqlite3.node';
export const markerFileName = 'better_sqlite3.json';
const defaultHeadersUrl = 'https://www.electronjs.org/headers';

/** Where the Electron build for one target lives; main/app/native-binding.ts looks in the same place. */
export function electronAddonDirectory(platform, arch, root = projectRoot) {
  return join(root, 'native', 'electron', `${platform}-${arch}`);
}

function installedVersion(name) {
  return JSON.parse(readFileSync(requireFromProject.resolve(`${name}/package.json`), 'utf8')).version;
}

/** NODE_MODULE_VERSION of an Electron version: the electron package says it for its own; node-abi knows the rest. */
export function electronAbi(electronVersion) {
  const electronPackage = dirname(requireFromProject.resolve('electron/package.json'));
  const abiFile = join(electronPackage, 'abi_version');
  if (installedVersion('electron') === electronVersion && existsSync(abiFile)) return readFileSync(abiFile, 'utf8').trim();
  return String(requireFromProject('node-abi').getAbi(electronVersion, 'electron'));
}

function readMarker(directory) {
  try {
    return JSON.parse(readFileSync(join(directory, markerFileName), 'utf8'));
  } catch {
    return undefined;
  }
}

export class OfflineError extends Error {}

async function checkReachable(headersUrl, electronVersion) {
  const url = `${headersUrl.replace(/\/+$/, '')}/v${electronVersion}/SHASUMS256.txt`;
  try {
    const response = await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(10_000) });
    if (response.status >= 500) throw new Error(`HTTP ${response.status}`);
  } catch (error) {
    const cause = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    throw new OfflineError(
      `cannot reach ${url} (${cause}).\n` +
        `Building better-sqlite3 for Electron ${electronVersion} needs internet access: a prebuilt binary from GitHub, or\n` +
        `Electron's headers to compile against. Run this on a machine with internet access (see docs/desktop.md), or\n` +
        `point --headers-url / SWITCHYARD_ELECTRON_HEADERS_URL at a mirror. Nothing was changed: node_modules keeps\n` +
        `the Node build that the tests and \`switchyard serve\` use.`,
    );
  }
}

/** @electron/rebuild comes with electron-builder (app-builder-lib's own pinned dependency); ESM only. */
async function loadRebuild() {
  const builderRequire = createRequire(requireFromProject.resolve('electron-builder/package.json'));
  const libraryRequire = createRequire(builderRequire.resolve('app-builder-lib/package.json'));
  const entry = libraryRequire.resolve('@electron/rebuild');
  return (await import(pathToFileURL(entry).href)).rebuild;
}

/**
 * Makes sure the Electron build for `platform`-`arch` exists and matches; builds it in a staging copy of
 * better-sqlite3 (never in node_modules) when it does not. Returns the addon's path.
 */
export async function ensureElectronSqlite(options = {}) {
  const platform = options.platform ?? process.platform;
  const arch = options.arch ?? process.arch;
  const log = options.log ?? ((line) => console.error(`build-electron-sqlite: ${line}`));
  const electronVersion = options.electronVersion ?? installedVersion('electron');
  const wanted = { electronVersion, abi: electronAbi(electronVersion), platform, arch, betterSqlite3Version: installedVersion('better-sqlite3') };
  const directory = electronAddonDirectory(platform, arch);
  const addon = join(directory, addonFileName);
  const marker = readMarker(directory);
  const matches = marker !== undefined && existsSync(addon) && Object.entries(wanted).every(([key, value]) => marker[key] === value);
  if (options.ifMissing && matches) {
    log(`up to date: ${addon} (Electron ${electronVersion}, ABI ${wanted.abi})`);
    return addon;
  }
  const headersUrl = options.headersUrl ?? process.env['SWITCHYARD_ELECTRON_HEADERS_URL'] ?? defaultHeadersUrl;
  await checkReachable(headersUrl, electronVersion);

  const staging = join(projectRoot, 'native', `.staging-${platform}-${arch}`);
  rmSync(staging, { recursive: true, force: true });
  try {
    const source = dirname(requireFromProject.resolve('better-sqlite3/package.json'));
    const module = join(staging, 'node_modules', 'better-sqlite3');
    const nodeBuild = join(source, 'build');
    cpSync(source, module, { recursive: true, filter: (path) => path !== nodeBuild && !path.startsWith(`${nodeBuild}${sep}`) });
    writeFileSync(
      join(staging, 'package.json'),
      JSON.stringify({ name: 'switchyard-electron-native', private: true, dependencies: { 'better-sqlite3': wanted.betterSqlite3Version } }),
    );
    log(`building better-sqlite3 ${wanted.betterSqlite3Version} for Electron ${electronVersion} (ABI ${wanted.abi}, ${platform}-${arch})…`);
    const rebuild = await loadRebuild();
    await rebuild({ buildPath: staging, electronVersion, platform, arch, onlyModules: ['better-sqlite3'], force: true, headerURL: headersUrl });
    const built = join(module, 'build', 'Release', addonFileName);
    if (!existsSync(built)) throw new Error(`the rebuild left no ${addonFileName} in ${dirname(built)}`);
    assertNotNodeBuild(built, wanted);
    mkdirSync(directory, { recursive: true });
    renameSync(built, addon);
    writeFileSync(join(directory, markerFileName), `${JSON.stringify({ ...wanted, builtAt: new Date().toISOString() }, null, 2)}\n`);
    log(`wrote ${addon}`);
    return addon;
  } finally {
    rmSync(staging, { recursive: true, force: true });
    try {
      rmdirSync(join(projectRoot, 'native')); // only when empty: a failed first build leaves no trace
    } catch {
      // not empty, or not there
    }
  }
}

/** On the build machine's own platform, Node must refuse the addon for its ABI: if Node loads it, it is Node's build. */
function assertNotNodeBuild(path, wanted) {
  if (wanted.platform !== process.platform || wanted.arch !== process.arch || wanted.abi === process.versions.modules) return;
  try {
    process.dlopen({ exports: {} }, path);
  } catch {
    return; // refused: built for another ABI, as it should be
  }
  throw new Error(`${path} loads in Node ${process.version} (ABI ${process.versions.modules}): it is a Node build, not Electron's`);
}

async function main() {
  const { values } = parseArgs({
    options: {
      platform: { type: 'string' },
      arch: { type: 'string' },
      'if-missing': { type: 'boolean', default: false },
      'headers-url': { type: 'string' },
      'print-path': { type: 'boolean', default: false },
    },
  });
  const platform = values.platform ?? process.platform;
  const arch = values.arch ?? process.arch;
  if (values['print-path']) {
    console.log(join(electronAddonDirectory(platform, arch), addonFileName));
    return;
  }
  try {
    await ensureElectronSqlite({ platform, arch, ifMissing: values['if-missing'], headersUrl: values['headers-url'] });
  } catch (error) {
    console.error(
      `build-electron-sqlite: ${error instanceof OfflineError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    process.exitCode = 1;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
