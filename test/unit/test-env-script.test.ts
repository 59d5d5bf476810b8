// scripts/test-env.mjs (`npm test`) where it cannot set things up: it must stop before starting anything, naming
// the missing programs, the exact packages and the one command that installs them — never try to install when it
// may not, never leave a half-made environment behind. (Where it can, the whole `npm test` run is the test.)
import { execFile } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repository = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
let scratch: string;

function testEnv(script: string, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((settle) => {
    // no inherited environment: no CHROMIUM_PATH, no sudo, no session bus of the caller's
    execFile(
      process.execPath,
      [script, process.execPath, '-e', "console.log('the command ran')"],
      { env: { HOME: scratch, ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        settle({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
      },
    );
  });
}

/** A PATH of one directory holding only an apt-get that records being called. */
function pathWithAptGet(): { path: string; called: string } {
  const bin = mkdtempSync(join(scratch, 'bin-'));
  const called = join(bin, 'apt-get-was-called');
  writeFileSync(join(bin, 'apt-get'), `#!/bin/sh\necho "$@" >> ${called}\nexit 1\n`);
  chmodSync(join(bin, 'apt-get'), 0o755);
  return { path: bin, called };
}

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'switchyard-test-env-script-'));
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe.runIf(process.platform === 'linux')('scripts/test-env.mjs when it may not install', () => {
  const script = join(repository, 'scripts', 'test-env.mjs');

  it('names the missing programs, the exact packages and the apt-get command, and stops without running anything', async () => {
    const { path, called } = pathWithAptGet();
    const result = await testEnv(script, { PATH: path, SWITCHYARD_TEST_NO_INSTALL: '1' });
    expect(result.code).toBe(1);
    expect(result.stdout).not.toContain('the command ran');
    expect(result.stderr).toMatch(/^ {2}dbus-daemon +a private D-Bus session/m);
    expect(result.stderr).toMatch(/^ {2}gnome-keyring-daemon +the keychain tests/m);
    expect(result.stderr).toContain('Not installing them: SWITCHYARD_TEST_NO_INSTALL is set. Run this once, then `npm test` again:');
    // chromium comes first when /usr/bin/chromium is missing too; the rest is always in this order
    expect(result.stderr).toMatch(/^ {2}redis-server +the shared rate-limit and budget state tests/m);
    expect(result.stderr).toMatch(/^ {2}openssl +a throwaway CA for the rediss:\/\/ \(Redis over TLS\) test/m);
    // PostgreSQL's programs are found under /usr/lib/postgresql whatever the PATH, so it is listed only where not installed
    expect(result.stderr).toMatch(
      /\n {2}sudo apt-get install -y --no-install-recommends (chromium )?dbus gnome-keyring dbus-x11 (postgresql )?redis-server openssl\n$/,
    );
    expect(existsSync(called)).toBe(false);
    expect(result.stderr).not.toMatch(/^\s+at /m); // a message, not a stack trace
  });

  // As root it installs: apt-get here is a stand-in that links the real programs into the PATH, after which the
  // script starts the real services and runs the command in them.
  it.runIf(process.getuid?.() === 0)('as root it runs apt-get update and install with exactly the missing packages, then the command', async () => {
    const { path, called } = pathWithAptGet();
    const real = (program: string): string =>
      (process.env['PATH'] ?? '')
        .split(':')
        .map((dir) => join(dir, program))
        .find((file) => existsSync(file)) ?? program;
    const links = ['dbus-daemon', 'dbus-send', 'gnome-keyring-daemon', 'redis-server', 'openssl']
      .map((program) => `${real('ln')} -s ${real(program)} ${join(path, program)}`)
      .join('; ');
    writeFileSync(join(path, 'apt-get'), `#!/bin/sh\necho "$DEBIAN_FRONTEND $@" >> ${called}\ncase "$1" in install) ${links};; esac\n`);
    const result = await testEnv(join(repository, 'scripts', 'test-env.mjs'), { PATH: path });
    expect(result.stderr).toContain('npm test: installing dbus gnome-keyring dbus-x11 redis-server openssl with apt-get');
    expect(readFileSync(called, 'utf8')).toBe(
      'noninteractive update -qq\nnoninteractive install -y -qq --no-install-recommends dbus gnome-keyring dbus-x11 redis-server openssl\n',
    );
    expect(result).toMatchObject({ code: 0, stdout: 'the command ran\n' });
  });

  it('without apt-get it names the Debian packages to find equivalents of', async () => {
    const result = await testEnv(script, { PATH: mkdtempSync(join(scratch, 'empty-')) });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Not installing them: this is not Debian or Ubuntu (no apt-get).');
    expect(result.stderr).toMatch(
      /Install the equivalent of Debian's (chromium )?dbus gnome-keyring dbus-x11 (postgresql )?redis-server openssl with your package manager/,
    );
  });

  it("without the project's node_modules it says to run npm install first", async () => {
    const project = mkdtempSync(join(scratch, 'project-'));
    cpSync(join(repository, 'package-lock.json'), join(project, 'package-lock.json'));
    cpSync(join(repository, 'scripts', 'test-env.mjs'), join(project, 'scripts', 'test-env.mjs'));
    const result = await testEnv(join(project, 'scripts', 'test-env.mjs'), { PATH: process.env['PATH'] ?? '' });
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toBe('npm test: node_modules is missing or does not match package-lock.json: run `npm install` first.\n');
  });
});
