// Which better-sqlite3 addon the desktop app loads. node_modules holds the Node build (tests, `switchyard serve`);
// the Electron build lives apart — native/electron/<platform>-<arch>/ in a checkout (made by
// scripts/build-electron-sqlite.mjs), resources/native/ in a packaged app — and reaches the ledger through
// better-sqlite3's `nativeBinding` option. A marker file beside the addon says what it was built for.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { z } from 'zod';

export const addonFileName = 'better_sqlite3.node';
export const markerFileName = 'better_sqlite3.json';

export const markerSchema = z.object({
  electronVersion: z.string(),
  /** NODE_MODULE_VERSION of that Electron (process.versions.modules inside it) */
  abi: z.string(),
  platform: z.string(),
  arch: z.string(),
  betterSqlite3Version: z.string(),
});
export type ElectronAddonMarker = z.infer<typeof markerSchema>;

export interface BindingLookup {
  readonly isPackaged: boolean;
  /** app.getAppPath(): the checkout when run with `electron .` */
  readonly appRoot: string;
  /** process.resourcesPath: the packaged app's resources folder (extraResources land in it) */
  readonly resourcesPath: string;
  readonly platform: string;
  readonly arch: string;
  /** what the running Electron needs */
  readonly abi: string;
  readonly betterSqlite3Version: string;
  /** the file's text, or undefined when it does not exist */
  readonly readText: (path: string) => string | undefined;
  readonly exists: (path: string) => boolean;
}

export type BindingResolution = { readonly path: string } | { readonly path: undefined; readonly problem: string };

export function electronAddonDirectory(lookup: Pick<BindingLookup, 'isPackaged' | 'appRoot' | 'resourcesPath' | 'platform' | 'arch'>): string {
  return lookup.isPackaged ? join(lookup.resourcesPath, 'native') : join(lookup.appRoot, 'native', 'electron', `${lookup.platform}-${lookup.arch}`);
}

const buildHint = 'run `node scripts/build-electron-sqlite.mjs` (needs internet access once; see docs/desktop.md)';

/** The addon to pass as `nativeBinding`, or why there is none that fits this Electron. */
export function resolveElectronSqlite(lookup: BindingLookup): BindingResolution {
  const directory = electronAddonDirectory(lookup);
  const addon = join(directory, addonFileName);
  const markerText = lookup.readText(join(directory, markerFileName));
  if (markerText === undefined) return { path: undefined, problem: `no better-sqlite3 build for Electron in ${directory}: ${buildHint}` };
  let marker: ElectronAddonMarker;
  try {
    marker = markerSchema.parse(JSON.parse(markerText));
  } catch {
    return { path: undefined, problem: `${join(directory, markerFileName)} is not a build marker: ${buildHint}` };
  }
  const expected = { abi: lookup.abi, platform: lookup.platform, arch: lookup.arch, betterSqlite3Version: lookup.betterSqlite3Version };
  const stale = (Object.keys(expected) as Array<keyof typeof expected>).filter((key) => marker[key] !== expected[key]);
  if (stale.length > 0) {
    const found = stale.map((key) => `${key} ${marker[key]} (needs ${expected[key]})`).join(', ');
    return { path: undefined, problem: `the better-sqlite3 build in ${directory} was made for another target: ${found}; ${buildHint}` };
  }
  if (!lookup.exists(addon)) return { path: undefined, problem: `${addon} is missing: ${buildHint}` };
  return { path: addon };
}

/** The better-sqlite3 the app's code loads (its JavaScript must match the addon's version). */
export function installedBetterSqlite3Version(): string {
  return (createRequire(import.meta.url)('better-sqlite3/package.json') as { version: string }).version;
}

/** readText/exists for BindingLookup, on the real file system. */
export const fileSystemLookup = {
  readText: (path: string): string | undefined => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
  exists: (path: string): boolean => existsSync(path),
};
