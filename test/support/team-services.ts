// The team-mode servers the tests talk to: one PostgreSQL and one Redis that `npm test` (scripts/test-env.mjs)
// starts on 127.0.0.1 in a throwaway directory and names in the environment. A test that needs one and runs
// outside `npm test` fails with how to run it — it never skips.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
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

/** One redis-server process on a port of its own, which a test may SIGKILL and start again (same arguments). */
function redisProcess(port: number, args: readonly string[], answers: () => Promise<boolean>): { start(): Promise<void>; kill(): Promise<void> } {
  let child: ChildProcess | undefined;
  return {
    start: async () => {
      const started = spawn('redis-server', [...args], { stdio: 'ignore' });
      child = started;
      for (let attempt = 0; attempt < 100; attempt++) {
        if (started.exitCode !== null) throw new Error(`redis-server exited with ${started.exitCode} on port ${port}`);
        if (await answers()) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      started.kill('SIGKILL');
      throw new Error(`redis-server did not answer on port ${port} within 5 s`);
    },
    kill: async () => {
      const running = child;
      child = undefined;
      if (running === undefined || running.exitCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGKILL');
      await exited;
    },
  };
}

const quietArgs = (port: number, dir: string): string[] => [
  '--bind',
  '127.0.0.1',
  '--port',
  String(port),
  '--dir',
  dir,
  '--save',
  '',
  '--appendonly',
  'no',
  '--loglevel',
  'warning',
];

/**
 * A Redis server of the test's own (the program `npm test` installed), for tests that stop and restart it: the
 * run's shared one must stay up for everyone else.
 */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  required('SWITCHYARD_TEST_REDIS_URL', 'Redis'); // the same precondition: redis-server is installed by `npm test`
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-redis-'));
  const port = await freePort();
  const server = redisProcess(port, quietArgs(port, dir), () => pong(port));
  await server.start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill: server.kill,
    start: server.start,
    close: async () => {
      await server.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface PrivateTlsRedis extends PrivateRedis {
  /** the throwaway CA that signed the server's certificate (PEM), to trust with state.tls_ca_file */
  readonly caFile: string;
  /** a CA that signed nothing here: trusting it instead must fail the handshake */
  readonly otherCaFile: string;
}

/**
 * Redis serving only TLS (`--tls-port`, the plain port off), with a certificate for 127.0.0.1 signed by a CA that
 * `openssl` makes in the test's throwaway dir. Debian's redis-server is built with TLS.
 */
export async function startPrivateTlsRedis(): Promise<PrivateTlsRedis> {
  required('SWITCHYARD_TEST_REDIS_URL', 'Redis');
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-redis-tls-'));
  const openssl = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'ignore', timeout: 20_000 });
  };
  for (const ca of ['ca', 'other-ca'])
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${ca}.key`, '-out', `${ca}.pem`, '-days', '2', '-subj', `/CN=Switchyard test ${ca}`);
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.pem',
    '-days',
    '2',
    '-extfile',
    'server.ext',
  );
  const port = await freePort();
  const args = [
    ...quietArgs(0, dir),
    '--tls-port',
    String(port),
    '--tls-cert-file',
    join(dir, 'server.pem'),
    '--tls-key-file',
    join(dir, 'server.key'),
    '--tls-ca-cert-file',
    join(dir, 'ca.pem'),
    '--tls-auth-clients',
    'no',
  ];
  const server = redisProcess(port, args, () => tlsPong(port, join(dir, 'ca.pem')));
  await server.start();
  return {
    url: `rediss://127.0.0.1:${port}`,
    port,
    caFile: join(dir, 'ca.pem'),
    otherCaFile: join(dir, 'other-ca.pem'),
    kill: server.kill,
    start: server.start,
    close: async () => {
      await server.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function tlsPong(port: number, caFile: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, ca: readFileSync(caFile) });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('secureConnect', () => socket.write('PING\r\n'));
    socket.setEncoding('latin1').once('data', (text: string) => done(text.startsWith('+PONG')));
  });
}

export interface PrivateRedisCluster {
  /** one redis:// URL per master: any of them is a seed node */
  readonly urls: readonly string[];
  /** SIGKILL every node (the cluster is gone for its clients). */
  kill(): Promise<void>;
  /** Starts every node again, empty but with its cluster config, and waits until the cluster serves every slot. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A real Redis Cluster of `masters` masters (no replicas) on free loopback ports in a throwaway dir: each node is
 * redis-server with `--cluster-enabled yes`; the slots are split evenly (CLUSTER ADDSLOTSRANGE) and the nodes
 * introduced (CLUSTER MEET), which is what `redis-cli --cluster create` does; ready once every node says
 * cluster_state:ok.
 */
export async function startPrivateRedisCluster(masters = 3): Promise<PrivateRedisCluster> {
  required('SWITCHYARD_TEST_REDIS_URL', 'Redis');
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-redis-cluster-'));
  const ports: number[] = [];
  for (let index = 0; index < masters; index++) ports.push(await freePort());
  const nodes = ports.map((port) =>
    redisProcess(
      port,
      [...quietArgs(port, dir), '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '2000'],
      () => pong(port),
    ),
  );
  const { Redis } = await import('ioredis');
  const command = async (port: number, ...args: Array<string | number>): Promise<unknown> => {
    const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1_000 });
    try {
      await client.connect();
      return await client.call(String(args[0]), ...args.slice(1));
    } finally {
      client.disconnect();
    }
  };
  const allOk = async (): Promise<void> => {
    for (let attempt = 0; attempt < 150; attempt++) {
      const states = await Promise.all(ports.map((port) => command(port, 'CLUSTER', 'INFO').then(String, () => '')));
      if (states.every((info) => info.includes('cluster_state:ok'))) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`the Redis Cluster on ports ${ports.join(', ')} did not reach cluster_state:ok within 15 s`);
  };
  const kill = async (): Promise<void> => {
    await Promise.all(nodes.map((node) => node.kill()));
  };
  try {
    await Promise.all(nodes.map((node) => node.start()));
    const perNode = Math.ceil(16_384 / masters);
    for (const [index, port] of ports.entries()) {
      await command(port, 'CLUSTER', 'ADDSLOTSRANGE', index * perNode, Math.min(16_383, (index + 1) * perNode - 1));
      await command(port, 'CLUSTER', 'SET-CONFIG-EPOCH', index + 1);
    }
    for (const port of ports.slice(1)) await command(ports[0] as number, 'CLUSTER', 'MEET', '127.0.0.1', port);
    await allOk();
  } catch (error) {
    await kill();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    urls: ports.map((port) => `redis://127.0.0.1:${port}`),
    kill,
    start: async () => {
      await Promise.all(nodes.map((node) => node.start()));
      await allOk();
    },
    close: async () => {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
