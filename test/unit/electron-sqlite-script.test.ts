// scripts/build-electron-sqlite.mjs without the internet: it must stop with a clear message and change nothing, and
// an Electron build that is already there and matches must be accepted without asking the network. Run from a copy
// of the scripts beside a link to node_modules, so the repository's native/ folder is never touched.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addonFileName, installedBetterSqlite3Version, markerFileName } from '../../main/app/native-binding.js';

const repository = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const nodeBuild = join(repository, 'node_modules', 'better-sqlite3', 'build', 'Release', addonFileName);
const electronPackage = join(repository, 'node_modules', 'electron');

let project: string;
let deadUrl: string;

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function script(args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((settle) => {
    execFile(
      process.execPath,
      [join(project, 'scripts', 'build-electron-sqlite.mjs'), ...args],
      { env: { ...process.env, SWITCHYARD_ELECTRON_HEADERS_URL: deadUrl }, timeout: 30_000 },
      (error, stdout, stderr) => {
        settle({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: `${stdout}${stderr}` });
      },
    );
  });
}

beforeAll(async () => {
  project = mkdtempSync(join(tmpdir(), 'switchyard-sqlite-script-'));
  cpSync(join(repository, 'package.json'), join(project, 'package.json'));
  cpSync(join(repository, 'scripts'), join(project, 'scripts'), { recursive: true });
  symlinkSync(join(repository, 'node_modules'), join(project, 'node_modules'), 'dir');
  const server = createServer();
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const address = server.address();
  await new Promise<void>((closed) => server.close(() => closed()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  deadUrl = `http://127.0.0.1:${address.port}`;
});

afterAll(() => {
  rmSync(project, { recursive: true, force: true });
});

describe('build-electron-sqlite.mjs offline', () => {
  it('stops with a message saying it needs internet access, and changes nothing', async () => {
    const before = sha256(nodeBuild);
    const result = await script([]);
    expect(result.code).toBe(1);
    expect(result.output).toContain(`cannot reach ${deadUrl}/v`);
    expect(result.output).toContain('needs internet access');
    expect(result.output).toContain('node_modules keeps');
    expect(result.output).not.toMatch(/^\s+at /m); // a message, not a stack trace
    expect(existsSync(join(project, 'native'))).toBe(false);
    expect(sha256(nodeBuild)).toBe(before);
  });

  it('accepts a matching Electron build with --if-missing without asking the network', async () => {
    const electronVersion = (JSON.parse(readFileSync(join(electronPackage, 'package.json'), 'utf8')) as { version: string }).version;
    const abi = readFileSync(join(electronPackage, 'abi_version'), 'utf8').trim();
    const directory = join(project, 'native', 'electron', `${process.platform}-${process.arch}`);
    mkdirSync(directory, { recursive: true });
    writeFileSync(join(directory, addonFileName), '');
    const marker = { electronVersion, abi, platform: process.platform, arch: process.arch, betterSqlite3Version: installedBetterSqlite3Version() };
    writeFileSync(join(directory, markerFileName), JSON.stringify(marker));
    const result = await script(['--if-missing']);
    expect(result.output).toContain('up to date');
    expect(result.code).toBe(0);

    writeFileSync(join(directory, markerFileName), JSON.stringify({ ...marker, abi: '1' })); // stale: needs a rebuild, so the network
    const stale = await script(['--if-missing']);
    expect(stale.code).toBe(1);
    expect(stale.output).toContain('needs internet access');
    rmSync(join(project, 'native'), { recursive: true, force: true });
  });

  it('prints where the build goes', async () => {
    const result = await script(['--print-path', '--platform', 'win32', '--arch', 'arm64']);
    expect(result.output.trim()).toBe(join(project, 'native', 'electron', 'win32-arm64', addonFileName));
  });
});
