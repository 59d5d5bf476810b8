#!/usr/bin/env node
// `npm test`: everything the suite needs besides the project's own node_modules, then the suite. The system
// packages (installed with apt-get when it may: root or passwordless sudo; otherwise it stops at once with the
// command to run), the pinned real clients in test/clients, and the services the tests talk to — a private D-Bus
// session and a gnome-keyring unlocked with a random password — started in a throwaway directory and stopped at
// the end. The user's own session bus and keyring are never reached. Plain Node, no dependencies: it runs before
// anything is built or installed.
//
//   node scripts/test-env.mjs                 the whole suite (`npm run -s test:suite`) in that environment
//   node scripts/test-env.mjs COMMAND [ARG…]  one command in it: `npm test -- npx vitest run test/e2e/keychain.test.ts`
//   node scripts/test-env.mjs --system        only check/install the system packages, and the compiler `npm install`
//                                             needs where better-sqlite3 cannot download its prebuilt binary
//
// SWITCHYARD_TEST_NO_INSTALL=1 never installs: a missing package stops the run with the command instead.
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, chmodSync, chownSync, constants, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { constants as osConstants, tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const say = (line) => console.error(`npm test: ${line}`);

class Stop extends Error {}

// ---- What the tests need from the system: a program, and the Debian/Ubuntu packages that provide it ----

const chromium = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium'; // as playwright.config.ts reads it
const testNeeds = [
  process.env['CHROMIUM_PATH'] === undefined
    ? { program: chromium, packages: ['chromium'], purpose: "the browser tests (Debian's Chromium, never a downloaded one)" }
    : { program: chromium, packages: [], purpose: 'the browser tests: CHROMIUM_PATH names no executable file' },
  { program: 'dbus-daemon', packages: ['dbus'], purpose: 'a private D-Bus session for the keychain tests' },
  { program: 'dbus-send', packages: ['dbus'], purpose: 'waiting for the keyring to appear on that session' },
  // dbus-x11: gnome-keyring needs some session-bus package, and this one brings no systemd user session along
  { program: 'gnome-keyring-daemon', packages: ['gnome-keyring', 'dbus-x11'], purpose: 'the keychain tests (a real Secret Service)' },
  // Debian keeps PostgreSQL's server programs off the PATH, under /usr/lib/postgresql/<major>/bin
  { program: 'postgres', find: () => postgresProgram('postgres'), packages: ['postgresql'], purpose: 'the PostgreSQL ledger tests (team mode)' },
  { program: 'redis-server', packages: ['redis-server'], purpose: 'the shared rate-limit and budget state tests (team mode)' },
  { program: 'openssl', packages: ['openssl'], purpose: 'a throwaway CA for the rediss:// (Redis over TLS) test' },
];
const buildNeeds = [
  { program: 'python3', packages: ['python3'], purpose: 'compiling better-sqlite3 during `npm install` (no prebuilt binary reachable)' },
  { program: 'make', packages: ['make'], purpose: 'the same' },
  { program: 'g++', packages: ['g++'], purpose: 'the same' },
];

/** A PostgreSQL server program: on the PATH, else in the newest /usr/lib/postgresql/<major>/bin. */
function postgresProgram(program) {
  const onPath = findProgram(program);
  if (onPath !== undefined) return onPath;
  let majors = [];
  try {
    majors = readdirSync('/usr/lib/postgresql').filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  majors.sort((a, b) => Number(b) - Number(a));
  return majors.map((major) => findProgram(join('/usr/lib/postgresql', major, 'bin', program))).find((path) => path !== undefined);
}

function findProgram(program) {
  const candidates = program.includes('/')
    ? [program]
    : (process.env['PATH'] ?? '')
        .split(delimiter)
        .filter(Boolean)
        .map((dir) => join(dir, program));
  return candidates.find((path) => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** How packages can be installed here, or why they cannot. */
function installer() {
  if (process.env['SWITCHYARD_TEST_NO_INSTALL']) return { why: 'SWITCHYARD_TEST_NO_INSTALL is set' };
  if (!findProgram('apt-get')) return { why: 'this is not Debian or Ubuntu (no apt-get)' };
  if (process.getuid?.() === 0) return { prefix: [] };
  if (findProgram('sudo') && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore', timeout: 5_000 }).status === 0) return { prefix: ['sudo', '-n'] };
  return { why: 'not root, and sudo is missing or asks for a password' };
}

function ensureSystemPackages(needs) {
  const missing = () => needs.filter((need) => (need.find?.() ?? findProgram(need.program)) === undefined);
  const before = missing();
  if (before.length === 0) return;
  const packages = [...new Set(before.flatMap((need) => need.packages))];
  const listing = before.map((need) => `  ${need.program.padEnd(22)} ${need.purpose}`).join('\n');
  const command = `sudo apt-get install -y --no-install-recommends ${packages.join(' ')}`;
  const how = installer();
  if (packages.length === 0)
    throw new Stop(`missing what the tests need:\n${listing}\nPoint CHROMIUM_PATH at a Chromium binary, or unset it to use /usr/bin/chromium.`);
  if (how.prefix === undefined) {
    const fix = findProgram('apt-get')
      ? `Run this once, then \`npm test\` again:\n  ${command}`
      : `Install the equivalent of Debian's ${packages.join(' ')} with your package manager (on Debian/Ubuntu: ${command}).`;
    throw new Stop(`missing what the tests need:\n${listing}\nNot installing them: ${how.why}. ${fix}`);
  }
  say(`installing ${packages.join(' ')} with apt-get, for:\n${listing}\n(SWITCHYARD_TEST_NO_INSTALL=1 stops this)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (args) =>
    spawnSync(how.prefix[0] ?? 'apt-get', [...how.prefix.slice(1), ...(how.prefix.length > 0 ? ['apt-get'] : []), ...args], {
      env,
      stdio: 'inherit',
      timeout: 15 * 60_000,
    });
  apt(['update', '-qq']); // stale package lists are the usual reason an install fails; a failed update may still leave usable ones
  const installed = apt(['install', '-y', '-qq', '--no-install-recommends', ...packages]);
  const after = missing();
  if (installed.status !== 0 || after.length > 0) {
    throw new Stop(
      `apt-get could not install ${packages.join(' ')}${after.length > 0 ? ` (still missing: ${after.map((need) => need.program).join(', ')})` : ''}. Try:\n  ${command}`,
    );
  }
}

// ---- npm packages: the project's own (a precondition), and the real clients the e2e tests drive ----

/** True when node_modules holds every non-optional package of the lockfile, at its version (npm's own record). */
function installedAsLocked(dir) {
  try {
    const installed = JSON.parse(readFileSync(join(dir, 'node_modules', '.package-lock.json'), 'utf8')).packages;
    const locked = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8')).packages;
    return Object.entries(locked).every(([path, entry]) => path === '' || entry.optional === true || installed[path]?.version === entry.version);
  } catch {
    return false;
  }
}

function ensureProjectModules() {
  if (!installedAsLocked(root)) throw new Stop('node_modules is missing or does not match package-lock.json: run `npm install` first.');
}

function ensureClientModules() {
  const clients = join(root, 'test', 'clients');
  if (installedAsLocked(clients)) return;
  // `npm install --no-save`, not `npm ci`: opencode-ai lists a binary package per platform as optional, and the
  // registry mirror has only some of them, so its lockfile cannot name the others and `npm ci` refuses it as out of
  // sync. `install` takes every version from the lockfile as `ci` would, skips the missing optional ones, and
  // --no-save leaves package.json and the lockfile untouched.
  say('installing the pinned real clients the e2e tests drive: npm install --no-save --prefix test/clients');
  const result = spawnSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', clients], { stdio: 'inherit', timeout: 15 * 60_000 });
  if (result.status !== 0) throw new Stop('`npm install --no-save --prefix test/clients` failed (see above); run it again once the cause is fixed.');
}

// ---- Services: started for this run in the scratch directory, ready before the tests start, stopped after ----

/** A daemon in a process group of its own: a Ctrl-C meant for the tests reaches it only through stop(). */
function startDaemon(program, args, { env, input, stopSignal = 'SIGTERM', ...options }) {
  const child = spawn(program, args, { env, ...options, detached: true, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  let output = '';
  const keep = (text) => (output = (output + text).slice(-4_000));
  child.stdout.setEncoding('utf8').on('data', keep);
  child.stderr.setEncoding('utf8').on('data', keep);
  if (input !== undefined) child.stdin.end(input);
  const daemon = { child, ended: false, output: () => output.trim(), stop: () => stopProcess(daemon, stopSignal) };
  daemon.exited = new Promise((resolveExit) => {
    child.once('exit', resolveExit);
    child.once('error', (error) => resolveExit(keep(`\n${error.message}`)));
  }).then(() => {
    daemon.ended = true;
    liveProcesses.delete(child);
  });
  liveProcesses.add(child);
  return daemon;
}

async function stopProcess({ child, ended, exited }, signal) {
  if (ended) return;
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** Polls ready() every 100 ms for up to 10 s; fails early when the daemon exits. */
async function waitUntil(name, daemon, ready) {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (daemon.ended || interrupted !== undefined) break;
    if (await ready()) return;
    await new Promise((done) => setTimeout(done, 100));
  }
  await daemon.stop();
  if (interrupted !== undefined) throw new Stop(`${interrupted} while starting ${name}`);
  throw new Stop(`${name} did not start:\n${daemon.output() || '(no output)'}`);
}

/** The session bus, listening at $XDG_RUNTIME_DIR/bus — where D-Bus clients look when the address is unset, too. */
async function startSessionBus(env) {
  const socket = join(env['XDG_RUNTIME_DIR'], 'bus');
  const daemon = startDaemon('dbus-daemon', ['--session', '--nofork', '--print-address=1', `--address=unix:path=${socket}`], { env });
  let address;
  daemon.child.stdout.on('data', (text) => (address ??= text.split('\n')[0]));
  await waitUntil('dbus-daemon', daemon, async () => address !== undefined && address !== '');
  return { env: { DBUS_SESSION_BUS_ADDRESS: address }, stop: daemon.stop };
}

/** gnome-keyring, its login keyring created and unlocked with a password nobody sees, in the throwaway data dir. */
async function startKeyring(env, scratch) {
  // its own config and cache dirs too (dconf, gcr): nothing of the user's is read or written
  const daemonEnv = { ...env, XDG_CONFIG_HOME: join(scratch, 'config'), XDG_CACHE_HOME: join(scratch, 'cache') };
  const password = randomBytes(16).toString('hex');
  const daemon = startDaemon('gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets'], { env: daemonEnv, input: password });
  const hasOwner = [
    '--session',
    '--print-reply',
    '--dest=org.freedesktop.DBus',
    '/org/freedesktop/DBus',
    'org.freedesktop.DBus.NameHasOwner',
    'string:org.freedesktop.secrets',
  ];
  await waitUntil('gnome-keyring-daemon', daemon, () => run('dbus-send', hasOwner, env).then((output) => output.includes('boolean true')));
  return { env: {}, stop: daemon.stop };
}

/** A TCP port free on 127.0.0.1 right now (the server that takes it binds it a moment later). */
function freePort() {
  return new Promise((resolvePort, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/** Resolves true once something accepts a TCP connection on 127.0.0.1:port and answers `probe` with `expect`. */
function answers(port, probe, expect) {
  return new Promise((settle) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok) => (socket.destroy(), settle(ok));
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write(probe));
    socket.setEncoding('latin1').on('data', (text) => (reply += text) && reply.includes(expect) && done(true));
  });
}

/**
 * PostgreSQL on 127.0.0.1 in a throwaway cluster (trust auth for the user `switchyard`, no fsync: the tests kill
 * gateways, never the database). It refuses to run as root, so as root it runs as Debian's `postgres` user.
 * The tests read SWITCHYARD_TEST_POSTGRES_URL and create a database of their own in it.
 */
async function startPostgres(env, scratch) {
  const dir = join(scratch, 'postgres');
  mkdirSync(dir, { mode: 0o700 });
  const user = process.getuid?.() === 0 ? systemUser('postgres') : undefined;
  if (user !== undefined) {
    chmodSync(scratch, 0o711); // the postgres user passes through to its own directory; the others stay 0700
    chownSync(dir, user.uid, user.gid);
  }
  const asUser = user === undefined ? {} : { uid: user.uid, gid: user.gid };
  const initdb = spawnSync(
    postgresProgram('initdb'),
    ['-D', join(dir, 'data'), '-U', 'switchyard', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync'],
    { env: { ...env, HOME: dir }, cwd: dir, encoding: 'utf8', timeout: 60_000, ...asUser },
  );
  if (initdb.status !== 0) throw new Stop(`initdb failed:\n${(initdb.stderr || initdb.stdout || String(initdb.error)).trim()}`);
  const port = await freePort();
  const settings = [
    'listen_addresses=127.0.0.1',
    `port=${port}`,
    `unix_socket_directories=${dir}`,
    'fsync=off',
    'synchronous_commit=off',
    'full_page_writes=off',
    'max_connections=200',
  ];
  const daemon = startDaemon(postgresProgram('postgres'), ['-D', join(dir, 'data'), ...settings.flatMap((setting) => ['-c', setting])], {
    env: { ...env, HOME: dir },
    cwd: dir,
    stopSignal: 'SIGINT', // "fast" shutdown: SIGTERM would wait for every client to disconnect
    ...asUser,
  });
  // an SSLRequest: any running server answers it with one byte, 'N' or 'S'
  const sslRequest = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);
  await waitUntil('postgres', daemon, async () => (await answers(port, sslRequest, 'N')) || (await answers(port, sslRequest, 'S')));
  return { env: { SWITCHYARD_TEST_POSTGRES_URL: `postgres://switchyard@127.0.0.1:${port}/postgres` }, stop: daemon.stop };
}

/** Redis on 127.0.0.1 with nothing saved to disk. The tests read SWITCHYARD_TEST_REDIS_URL. */
async function startRedis(env, scratch) {
  const dir = join(scratch, 'redis');
  mkdirSync(dir, { mode: 0o700 });
  const port = await freePort();
  const args = ['--bind', '127.0.0.1', '--port', String(port), '--dir', dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--loglevel', 'warning'];
  const daemon = startDaemon('redis-server', args, { env, cwd: dir });
  await waitUntil('redis-server', daemon, () => answers(port, 'PING\r\n', '+PONG'));
  return { env: { SWITCHYARD_TEST_REDIS_URL: `redis://127.0.0.1:${port}` }, stop: daemon.stop };
}

function systemUser(name) {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith(`${name}:`));
  if (line === undefined) throw new Stop(`no '${name}' user to run ${name} as (root may not run it); reinstall the postgresql package`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

// Started in this order, stopped in reverse. Each start(env, scratch) runs its server with its files under scratch
// (on 127.0.0.1 where it listens), resolves when it accepts connections, and returns the environment the tests read
// its address from.
const services = [
  { name: 'D-Bus session', start: startSessionBus },
  { name: 'gnome-keyring (Secret Service)', start: startKeyring },
  { name: 'PostgreSQL', start: startPostgres },
  { name: 'Redis', start: startRedis },
];

function run(program, args, env) {
  return new Promise((resolveRun) => {
    const child = spawn(program, args, { env, stdio: ['ignore', 'pipe', 'ignore'], timeout: 5_000 });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (text) => (output += text));
    child.once('error', () => resolveRun(''));
    child.once('close', () => resolveRun(output));
  });
}

// ---- The run: environment, services, the command, and cleanup whatever happens ----

const liveProcesses = new Set();
let scratch;
let command; // the running command's child process
let interrupted; // the first signal this script got
let signals = 0;

/** Signals go to the command's whole process group; a second one, or 30 s, kills it. Services are stopped after. */
function onSignal(signal) {
  interrupted ??= signal;
  signals += 1;
  if (command === undefined) return;
  const group = -command.pid;
  signalGroup(group, signals > 1 ? 'SIGKILL' : signal);
  if (signals === 1) setTimeout(() => signalGroup(group, 'SIGKILL'), 30_000).unref();
}

function signalGroup(group, signal) {
  try {
    process.kill(group, signal);
  } catch {
    // the group is gone already
  }
}

/** Last resort on any exit: nothing of this run may outlive it. */
process.on('exit', () => {
  for (const child of liveProcesses) signalGroup(-child.pid, 'SIGKILL');
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
});

/** The environment of the tests: the caller's, minus every pointer to the user's own session bus and keyring. */
function testEnvironment(directory) {
  const env = { ...process.env, XDG_DATA_HOME: join(directory, 'data'), XDG_RUNTIME_DIR: join(directory, 'runtime') };
  for (const name of [
    'DBUS_SESSION_BUS_ADDRESS',
    'DBUS_SESSION_BUS_PID',
    'DBUS_SESSION_BUS_WINDOWID',
    'DBUS_STARTER_ADDRESS',
    'DBUS_STARTER_BUS_TYPE',
    'GNOME_KEYRING_CONTROL',
    'GNOME_KEYRING_PID',
  ]) {
    delete env[name];
  }
  return env;
}

/** Runs the command in a process group of its own (stdin closed: nothing in the suite reads it); onSignal passes signals on. */
function runCommand(argv, env) {
  if (interrupted !== undefined) return Promise.resolve(128 + osConstants.signals[interrupted]);
  const child = spawn(argv[0], argv.slice(1), { env, detached: true, stdio: ['ignore', 'inherit', 'inherit'] });
  command = child;
  liveProcesses.add(child);
  return new Promise((resolveRun) => {
    child.once('error', (error) => {
      say(`cannot run ${argv[0]}: ${error.message}`);
      resolveRun(127);
    });
    child.once('exit', (code, signal) => {
      liveProcesses.delete(child);
      command = undefined;
      signalGroup(-child.pid, 'SIGTERM'); // anything the command left running in its group
      resolveRun(code ?? 128 + osConstants.signals[signal]);
    });
  });
}

async function main(args) {
  if (args[0] === '--system') {
    ensureSystemPackages([...buildNeeds, ...testNeeds]);
    return 0;
  }
  const argv = args.length > 0 ? args : ['npm', 'run', '-s', 'test:suite'];
  // the quick checks first: a missing package stops the run in seconds, not after the clients' install
  ensureProjectModules();
  if (process.platform === 'linux') ensureSystemPackages(testNeeds);
  ensureClientModules();
  // from here on a signal never kills this script half-way: it stops what it started, then exits
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, onSignal);
  // npm exits on SIGTERM without passing it on: a caller gone is a SIGTERM too (this script is then an orphan)
  const caller = process.ppid;
  const watch = setInterval(() => process.ppid !== caller && (clearInterval(watch), onSignal('SIGTERM')), 1_000).unref();
  if (process.platform !== 'linux') {
    say(`no private keyring on ${process.platform}: running \`${argv.join(' ')}\` as it is`);
    return runCommand(argv, process.env);
  }
  scratch = mkdtempSync(join(tmpdir(), 'switchyard-test-'));
  for (const dir of ['data', 'runtime', 'config', 'cache']) mkdirSync(join(scratch, dir), { mode: 0o700 });
  let env = testEnvironment(scratch);
  const running = [];
  try {
    for (const service of services) {
      const started = await service.start(env, scratch);
      running.push(started);
      env = { ...env, ...started.env };
    }
    say(`${services.map((service) => service.name).join(', ')}: private, in ${scratch} (removed at the end)`);
    return await runCommand(argv, env);
  } finally {
    for (const service of running.reverse()) await service.stop();
    rmSync(scratch, { recursive: true, force: true });
    scratch = undefined;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    say(error instanceof Stop ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = interrupted === undefined ? 1 : 128 + osConstants.signals[interrupted];
  },
);
