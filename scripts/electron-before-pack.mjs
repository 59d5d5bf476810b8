// electron-builder's beforePack hook (electron-builder.yml): before each platform/arch is packed, makes sure
// native/electron/<platform>-<arch>/ holds better-sqlite3 built for the Electron being packaged — building it if
// it is missing or stale (needs internet access) — so extraResources can copy it into the app.
import { createRequire } from 'node:module';
import { ensureElectronSqlite } from './build-electron-sqlite.mjs';

const { Arch } = createRequire(import.meta.url)('electron-builder');

/** @param {{ electronPlatformName: string, arch: number, packager: { config: { electronVersion?: string | null } } }} context */
export default async function beforePack(context) {
  const arch = Arch[context.arch];
  // a universal macOS app is merged from the x64 and arm64 packs, each of which came through here
  if (arch === 'universal') return;
  const platform = context.electronPlatformName === 'mas' ? 'darwin' : context.electronPlatformName;
  await ensureElectronSqlite({
    platform,
    arch,
    electronVersion: context.packager.config.electronVersion ?? undefined,
    ifMissing: true,
    log: (line) => console.log(`  • better-sqlite3 for Electron: ${line}`),
  });
}
