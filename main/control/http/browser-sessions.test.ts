// The UI's browser sessions and sign-in nonces on both implementations through one interface: in memory (desktop
// and single `serve`) and team mode's PostgreSQL (migration 8), where a second pool stands for a second replica.
// Lifetimes on an injected clock, single use, sign-out seen by the other handle, the caps (oldest first out), digests
// only in the database, and one nonce presented to two replicas at once accepted once. Needs `npm test` (it starts
// PostgreSQL); never skips.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Pool } from '../../ledger/postgres/client.js';
import { migratePostgres } from '../../ledger/postgres/migrations.js';
import { createTestDatabase, type TestDatabase } from '../../ledger/test-support/postgres-database.js';
import { PostgresSessionStore, PostgresSignInNonceStore } from './postgres-sessions.js';
import { SessionStore, maxSessions, sessionLifetimeMs, type BrowserSessions } from './sessions.js';
import { SignInNonceStore, maxOutstandingNonces, signInNonceLifetimeMs, type SignInNonces } from './sign-in-nonces.js';

interface Clock {
  now: () => number;
  advance(ms: number): void;
}

function clockAt(start: number): Clock {
  let time = start;
  return { now: () => time, advance: (ms) => (time += ms) };
}

interface Stores {
  readonly sessions: BrowserSessions;
  readonly nonces: SignInNonces;
  /** the same stores as another replica sees them (in memory: the same objects) */
  readonly otherSessions: BrowserSessions;
  readonly otherNonces: SignInNonces;
  sessionCount(): Promise<number>;
  nonceCount(): Promise<number>;
}

let database: TestDatabase;
let pool: Pool;
let second: Pool;

beforeAll(async () => {
  database = await createTestDatabase();
  [pool, second] = await Promise.all([createPool({ url: database.url, max: 2 }), createPool({ url: database.url, max: 2 })]);
  await migratePostgres(pool);
});

afterAll(async () => {
  await pool?.end();
  await second?.end();
  await database?.drop();
});

async function count(table: string): Promise<number> {
  const { rows } = await pool.query<{ count: number }>(`SELECT count(*)::bigint AS count FROM ${table}`);
  return rows[0]?.count ?? 0;
}

const backends: ReadonlyArray<{ readonly name: string; open(clock: Clock): Promise<Stores> }> = [
  {
    name: 'memory',
    async open(clock) {
      const sessions = new SessionStore(sessionLifetimeMs, clock.now);
      const nonces = new SignInNonceStore(signInNonceLifetimeMs, clock.now);
      return {
        sessions,
        nonces,
        otherSessions: sessions,
        otherNonces: nonces,
        sessionCount: () => Promise.resolve(sessions.size),
        nonceCount: () => Promise.resolve(nonces.size),
      };
    },
  },
  {
    name: 'postgres',
    async open(clock) {
      await pool.query('TRUNCATE ui_sessions, ui_sign_in_nonces');
      return {
        sessions: new PostgresSessionStore(pool, sessionLifetimeMs, clock.now),
        nonces: new PostgresSignInNonceStore(pool, signInNonceLifetimeMs, clock.now),
        otherSessions: new PostgresSessionStore(second, sessionLifetimeMs, clock.now),
        otherNonces: new PostgresSignInNonceStore(second, signInNonceLifetimeMs, clock.now),
        sessionCount: () => count('ui_sessions'),
        nonceCount: () => count('ui_sign_in_nonces'),
      };
    },
  },
];

describe.each(backends)('browser sessions ($name)', (backend) => {
  it('opens 256-bit sessions for 12 hours, good on every replica', async () => {
    const clock = clockAt(1_000_000);
    const stores = await backend.open(clock);
    const session = await stores.sessions.create();
    expect(session.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(session.maxAgeSeconds).toBe(12 * 3600);
    expect(await stores.sessions.isValid(session.id)).toBe(true);
    expect(await stores.otherSessions.isValid(session.id)).toBe(true);
    expect((await stores.sessions.create()).id).not.toBe(session.id);
    clock.advance(sessionLifetimeMs - 1);
    expect(await stores.otherSessions.isValid(session.id)).toBe(true);
    clock.advance(1);
    expect(await stores.otherSessions.isValid(session.id)).toBe(false);
    expect(await stores.sessions.isValid(session.id)).toBe(false);
    // an expired one is gone once looked at; the other is gone at the next create
    await stores.sessions.create();
    expect(await stores.sessionCount()).toBe(1);
  });

  it('refuses what it never opened, and sign-out on one replica ends the session on the other', async () => {
    const stores = await backend.open(clockAt(0));
    const { id } = await stores.sessions.create();
    for (const guess of [undefined, '', 'x', id.slice(0, -1), `${id}x`, id.toUpperCase()]) expect(await stores.otherSessions.isValid(guess)).toBe(false);
    expect(await stores.otherSessions.isValid(id)).toBe(true);
    await stores.sessions.end(undefined);
    await stores.sessions.end('not a session');
    expect(await stores.otherSessions.isValid(id)).toBe(true);
    await stores.sessions.end(id);
    expect(await stores.otherSessions.isValid(id)).toBe(false);
    expect(await stores.sessionCount()).toBe(0);
  });

  it(`keeps at most ${maxSessions} sessions: the oldest go first`, async () => {
    const stores = await backend.open(clockAt(0));
    const ids: string[] = [];
    for (let index = 0; index < maxSessions + 6; index++) ids.push((await (index % 2 === 0 ? stores.sessions : stores.otherSessions).create()).id);
    expect(await stores.sessionCount()).toBe(maxSessions);
    expect(await stores.sessions.isValid(ids[5])).toBe(false);
    expect(await stores.sessions.isValid(ids[6])).toBe(true);
    expect(await stores.sessions.isValid(ids.at(-1))).toBe(true);
  });
});

describe.each(backends)('sign-in nonces ($name)', (backend) => {
  it('mints 256-bit nonces for a minute; one made on a replica is good once on another', async () => {
    const stores = await backend.open(clockAt(0));
    const first = await stores.nonces.mint();
    expect(first.nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first.expiresInSeconds).toBe(60);
    expect(signInNonceLifetimeMs).toBe(60_000);
    expect((await stores.nonces.mint()).nonce).not.toBe(first.nonce);
    expect(await stores.otherNonces.redeem(first.nonce)).toBe(true);
    expect(await stores.nonces.redeem(first.nonce)).toBe(false);
    expect(await stores.otherNonces.redeem(first.nonce)).toBe(false);
    expect(await stores.nonceCount()).toBe(1);
  });

  it('an expired nonce is refused and gone, also if the clock goes back', async () => {
    const clock = clockAt(1_000_000);
    const stores = await backend.open(clock);
    const late = (await stores.nonces.mint()).nonce;
    const inTime = (await stores.nonces.mint()).nonce;
    clock.advance(signInNonceLifetimeMs - 1);
    expect(await stores.otherNonces.redeem(inTime)).toBe(true);
    clock.advance(1);
    expect(await stores.otherNonces.redeem(late)).toBe(false);
    expect(await stores.nonceCount()).toBe(0);
    clock.advance(-10_000);
    expect(await stores.nonces.redeem(late)).toBe(false);
  });

  it('refuses what it never minted, without using up the real ones', async () => {
    const stores = await backend.open(clockAt(0));
    const { nonce } = await stores.nonces.mint();
    for (const guess of ['', 'x', nonce.slice(0, -1), `${nonce}x`, nonce.toUpperCase()]) expect(await stores.otherNonces.redeem(guess)).toBe(false);
    expect(await stores.otherNonces.redeem(nonce)).toBe(true);
  });

  it(`keeps at most ${maxOutstandingNonces} outstanding: the oldest go first, expired ones are pruned`, async () => {
    const clock = clockAt(0);
    const stores = await backend.open(clock);
    const minted: string[] = [];
    for (let index = 0; index < maxOutstandingNonces + 8; index++) minted.push((await (index % 2 === 0 ? stores.nonces : stores.otherNonces).mint()).nonce);
    expect(await stores.nonceCount()).toBe(maxOutstandingNonces);
    expect(await stores.nonces.redeem(minted[0] as string)).toBe(false);
    expect(await stores.nonces.redeem(minted[7] as string)).toBe(false);
    expect(await stores.nonces.redeem(minted[8] as string)).toBe(true);
    expect(await stores.nonces.redeem(minted.at(-1) as string)).toBe(true);
    clock.advance(signInNonceLifetimeMs);
    await stores.nonces.mint();
    expect(await stores.nonceCount()).toBe(1);
  });

  it('one nonce presented to both replicas at once is accepted once', async () => {
    const stores = await backend.open(clockAt(0));
    for (let round = 0; round < 20; round++) {
      const { nonce } = await stores.nonces.mint();
      const results = await Promise.all([stores.nonces.redeem(nonce), stores.otherNonces.redeem(nonce), stores.otherNonces.redeem(nonce)]);
      expect(results.filter(Boolean)).toHaveLength(1);
    }
  });
});

describe('PostgreSQL browser sessions', () => {
  it('stores SHA-256 digests only, never a session id or a nonce', async () => {
    await pool.query('TRUNCATE ui_sessions, ui_sign_in_nonces');
    const { id } = await new PostgresSessionStore(pool).create();
    const { nonce } = await new PostgresSignInNonceStore(pool).mint();
    const { rows } = await pool.query<{ digest: Buffer; text: string }>(
      `SELECT digest, row_to_json(s)::text AS text FROM ui_sessions s UNION ALL SELECT digest, row_to_json(n)::text FROM ui_sign_in_nonces n`,
    );
    expect(rows.map((row) => row.digest.toString('hex'))).toEqual([id, nonce].map((secret) => createHash('sha256').update(secret, 'utf8').digest('hex')));
    for (const row of rows) {
      expect(row.text).not.toContain(id);
      expect(row.text).not.toContain(nonce);
    }
  });
});
