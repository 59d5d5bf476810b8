// Client tokens in team mode against the real PostgreSQL `npm test` starts: two stores stand for two replicas. A
// token created through one works on the other; a revocation reaches the other through NOTIFY; a NOTIFY lost while
// a replica's connection was down is caught up when it reconnects; with PostgreSQL unreachable a replica keeps its
// last set and says `stale`; last_used_at is batched and moved forward only; the same refusals as SQLite.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../ledger/test-support/fixtures.js';
import { createTestDatabase, type TestDatabase } from '../ledger/test-support/postgres-database.js';
import { createPool, type Pool } from '../ledger/postgres/client.js';
import { ClientTokenError } from './client-token-store.js';
import { PostgresClientTokenStore, type PostgresClientTokenStoreOptions } from './postgres-client-token-store.js';

let database: TestDatabase;
let pool: Pool;
const opened: PostgresClientTokenStore[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  pool = await createPool({ url: database.url, max: 2 });
});
afterAll(async () => {
  await pool.end();
  await database.drop();
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
  await pool.query('DELETE FROM client_tokens').catch(() => undefined);
});

async function replica(options: Partial<PostgresClientTokenStoreOptions> = {}): Promise<PostgresClientTokenStore> {
  const store = await PostgresClientTokenStore.open({ url: database.url, ...options });
  opened.push(store);
  return store;
}

/** ms until `check` holds, polling every 10 ms, at most `limitMs` */
async function msUntil(check: () => boolean, limitMs = 5_000): Promise<number> {
  const start = performance.now();
  await until(check, limitMs);
  return performance.now() - start;
}

/**
 * A TCP relay to the test PostgreSQL that can be cut (every connection dropped, new ones refused) and restored, or
 * frozen: connections stay open and new ones are accepted, but no byte passes (a partition, no reset).
 */
async function relay(
  target: URL,
): Promise<{ url: string; cut(): Promise<void>; restore(): Promise<void>; freeze(): void; thaw(): void; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let frozen = false;
  let server: Server | undefined;
  let port = 0;
  const start = (): Promise<void> =>
    new Promise((resolve) => {
      server = createServer((socket) => {
        const upstream = connect({ host: target.hostname, port: Number(target.port) });
        for (const each of [socket, upstream]) {
          sockets.add(each);
          each.on('error', () => undefined).on('close', () => sockets.delete(each));
        }
        socket.on('data', (chunk: Buffer) => void (frozen || upstream.write(chunk)));
        upstream.on('data', (chunk: Buffer) => void (frozen || socket.write(chunk)));
      });
      server.listen(port, '127.0.0.1', () => {
        const address = server?.address();
        if (typeof address === 'object' && address !== null) port = address.port;
        resolve();
      });
    });
  const cut = async (): Promise<void> => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  };
  await start();
  const url = new URL(target);
  url.port = String(port);
  return {
    url: url.toString(),
    cut,
    restore: start,
    freeze: () => (frozen = true),
    thaw: () => (frozen = false),
    close: cut,
  };
}

describe('client tokens in PostgreSQL', () => {
  it('a token created through one replica works on another; revoked, the other refuses it within a second', async () => {
    const a = await replica();
    const b = await replica();
    const { token } = await a.create('alice');
    expect(a.verify(token)).toEqual({ name: 'alice' }); // the creating replica at once
    const seen = await msUntil(() => b.verify(token) !== undefined);
    expect(await a.revoke('alice')).toBe(true);
    expect(a.verify(token)).toBeUndefined();
    const refused = await msUntil(() => b.verify(token) === undefined, 1_000);
    console.log(`client tokens: create seen on the other replica after ${seen.toFixed(0)} ms, revoke after ${refused.toFixed(0)} ms`);
    expect(b.isRevoked('alice')).toBe(true);
    expect(b.view()).toMatchObject({ backend: 'postgres', state: 'live', active: 0 });
  });

  it('refuses as SQLite does: invalid and reserved names, an unrevoked name, an unknown name; revoking twice is false', async () => {
    const a = await replica({ watch: false });
    await a.create('editor');
    await expect(a.create('Editor')).rejects.toMatchObject({ problem: 'invalid-name' });
    await expect(a.create('env')).rejects.toThrow(/reserved/);
    await expect(a.create('editor')).rejects.toThrow("a token named 'editor' exists already; revoke it first to replace it");
    await expect(a.revoke('nobody')).rejects.toThrow("no token named 'nobody' (`switchyard tokens list` shows them)");
    await expect(a.revoke('nobody')).rejects.toBeInstanceOf(ClientTokenError);
    expect(await a.revoke('editor')).toBe(true);
    expect(await a.revoke('editor')).toBe(false);
    const rotated = await a.create('editor'); // a revoked name may be given a new token
    expect((await a.get('editor'))?.revokedAt).toBeNull();
    expect(rotated.token).toMatch(/^sy-[A-Za-z0-9_-]{43}$/);
    expect(await a.activeCount()).toBe(1);
    const [listed] = await a.list();
    expect(listed?.masked).toBe(`sy-…${rotated.token.slice(-4)}`);
  });

  it('batches last_used_at (no write per request) and moves it forward only across replicas', async () => {
    let nowA = 10_000;
    let nowB = 20_000;
    const a = await replica({ now: () => nowA, lastUsedFlushMs: 60_000 });
    const b = await replica({ now: () => nowB, lastUsedFlushMs: 60_000 });
    const { token } = await a.create('alice');
    await until(() => b.verify(token) !== undefined, 5_000);
    for (let index = 0; index < 100; index++) {
      nowA += 1;
      a.verify(token);
    }
    expect((await a.get('alice'))?.lastUsedAt).toBeNull(); // nothing written yet
    await b.flushLastUsed(); // B's use is later than A's
    await a.flushLastUsed(); // A's older one arrives after: it must not move the time back
    expect((await a.get('alice'))?.lastUsedAt).toBe(nowB);
    nowB = 5; // a replica whose clock is behind
    b.verify(token);
    await b.flushLastUsed();
    expect((await a.get('alice'))?.lastUsedAt).toBe(20_000);
  });

  it('catches up on a revocation whose NOTIFY it missed while its connection was down', async () => {
    const a = await replica({ watch: false });
    const b = await replica({ refreshMs: 60_000 }); // the reconnect, not the periodic re-read, must catch it
    const { token } = await a.create('bob');
    await until(() => b.verify(token) !== undefined, 5_000);
    // cut every connection B has (its LISTEN one included), then revoke while B is not listening
    await pool.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'switchyard' AND query LIKE 'LISTEN%'`,
    );
    await a.revoke('bob');
    const refused = await msUntil(() => b.verify(token) === undefined, 5_000);
    console.log(`client tokens: a revocation missed while disconnected applied ${refused.toFixed(0)} ms after it was made`);
    await until(() => b.view().state === 'live', 5_000);
  });

  it('keeps the last set while PostgreSQL is unreachable, says stale, and re-reads when it answers again', async () => {
    const cuttable = await relay(new URL(database.url));
    const lines: string[] = [];
    try {
      const a = await replica({ watch: false });
      const b = await replica({ url: cuttable.url, refreshMs: 100, onError: (line) => lines.push(line), log: (line) => lines.push(line) });
      const { token: kept } = await a.create('kept');
      await until(() => b.verify(kept) !== undefined, 5_000);
      await cuttable.cut();
      await until(() => b.view().state === 'stale', 5_000);
      expect(b.view()).toMatchObject({ state: 'stale', active: 1, since: expect.any(Number) });
      expect(b.verify(kept)).toEqual({ name: 'kept' }); // the last set read stays in force
      const { token: added } = await a.create('added'); // made while B cannot hear of it
      await a.revoke('kept');
      expect(b.verify(added)).toBeUndefined();
      await new Promise((resolve) => setTimeout(resolve, 600)); // several failed re-reads and reconnects
      expect(lines.filter((line) => line.includes('unreachable'))).toHaveLength(1); // said once, not per retry
      await cuttable.restore();
      await until(() => b.view().state === 'live' && b.verify(added) !== undefined && b.verify(kept) === undefined, 15_000);
      expect(lines.some((line) => line.includes('answers again'))).toBe(true);
      expect(lines.join('\n')).not.toContain(kept);
    } finally {
      await Promise.all(opened.splice(0).map((store) => store.close()));
      await cuttable.close();
    }
  });

  it('notices a connection that stops answering without a reset (a partition), and recovers after it', async () => {
    const cuttable = await relay(new URL(database.url));
    try {
      const a = await replica({ watch: false });
      const b = await replica({ url: cuttable.url, refreshMs: 100, queryTimeoutMs: 300 });
      const { token } = await a.create('dana');
      await until(() => b.verify(token) !== undefined, 5_000);
      cuttable.freeze();
      await until(() => b.view().state === 'stale', 5_000); // not waiting on the silent connection for ever
      expect(b.verify(token)).toEqual({ name: 'dana' });
      await a.revoke('dana');
      cuttable.thaw();
      await until(() => b.view().state === 'live' && b.verify(token) === undefined, 15_000);
    } finally {
      await Promise.all(opened.splice(0).map((store) => store.close()));
      await cuttable.close();
    }
  });

  it('fails to open with the URL masked when PostgreSQL cannot be reached', async () => {
    const cuttable = await relay(new URL(database.url));
    await cuttable.cut();
    const url = new URL(cuttable.url);
    url.password = 's3cret';
    const error = await PostgresClientTokenStore.open({ url: url.toString() }).catch((caught: unknown) => caught);
    expect(String(error)).toMatch(/client tokens in PostgreSQL at postgres:\/\/switchyard:\*\*\*@127\.0\.0\.1/);
    expect(String(error)).not.toContain('s3cret');
  });
});
