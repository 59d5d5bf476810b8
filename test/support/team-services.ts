// The team-mode servers the tests talk to: one PostgreSQL and one Redis that `npm test` (scripts/test-env.mjs)
// starts on 127.0.0.1 in a throwaway directory and names in the environment. A test that needs one and runs
// outside `npm test` fails with how to run it — it never skips.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function required(name: string, what: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(`${name} is not set: the ${what} tests run inside \`npm test\` (or \`npm test -- npx vitest run <file>\`), which starts it`);
  }
  return value;
}

/** postgres://switchyard@127.0.0.1:<port>/postgres — a superuser; create a database per test file. */
export const testPostgresUrl = (): string => required('SWITCHYARD_TEST_POSTGRES_URL', 'PostgreSQL');

/** redis://127.0.0.1:<port> — shared by the whole run: prefix keys per test, or start a private server below. */
export const testRedisUrl = (): string => required('SWITCHYARD_TEST_REDIS_URL', 'Redis');

export interface PrivateRedis {
  readonly url: string;
  readonly port: number;
  /** SIGKILL (no goodbye to clients), as a crash or a network cut would look. */
  kill(): Promise<void>;
  /** Starts again on the same port, empty. */
  start(): Promise<void>;
  close(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function pong(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.setEncoding('latin1').once('data', (text: string) => done(text.startsWith('+PONG')));
  });
}

/**
 * A Redis server of the test's own (the program `npm test` installed), for tests that stop and restart it: the
 * run's shared one must stay up for everyone else.
 */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  required('SWITCHYARD_TEST_REDIS_URL', 'Redis'); // the same precondition: redis-server is installed by `npm test`
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-redis-'));
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    const args = ['--bind', '127.0.0.1', '--port', String(port), '--dir', dir, '--save', '', '--appendonly', 'no', '--loglevel', 'warning'];
    const started = spawn('redis-server', args, { stdio: 'ignore' });
    child = started;
    for (let attempt = 0; attempt < 100; attempt++) {
      if (started.exitCode !== null) throw new Error(`redis-server exited with ${started.exitCode} on port ${port}`);
      if (await pong(port)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    started.kill('SIGKILL');
    throw new Error(`redis-server did not answer on port ${port} within 5 s`);
  };
  const kill = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill,
    start,
    close: async () => {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
