// Team mode's ledger end to end: two `switchyard serve` replicas writing one PostgreSQL database (`ledger.url`),
// requests to both, every request exactly once in the ledger; then one replica SIGKILLed under load: nothing that
// finished more than the flush window before the kill is lost, and its in-flight rows end up 'interrupted' once the
// other replica's sweep notices its silence. Needs `npm test` (it starts PostgreSQL); never skips.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Pool } from '../../main/ledger/postgres/client.js';
import { createTestDatabase, type TestDatabase } from '../../main/ledger/test-support/postgres-database.js';
import { storedAndRebuiltRollups } from '../../main/ledger/test-support/postgres-rollups.js';
import { FakeOpenAI, type Scenario } from '../fakes/openai-fake.js';
import { adminControl, startServe, type ServeProcess } from '../support/serve-process.js';

/** The ledger's flush interval (50 ms) with room for a loaded machine: finished this long before the kill ⇒ committed. */
const commitWindowMs = 250;

let database: TestDatabase;
let pool: Pool;
let upstream: FakeOpenAI;
const replicas: ServeProcess[] = [];

interface Sent {
  readonly tag: string;
  readonly replica: number;
  ok?: boolean;
  endedAt?: number;
}

function scenarioFor(tag: string): Scenario {
  return tag.endsWith('-slow')
    ? { kind: 'slow', chunks: 10, chunkDelayMs: 60 }
    : { kind: 'reply', content: 'fine', usage: { promptTokens: 10, completionTokens: 5 } };
}

async function send(sent: Sent): Promise<void> {
  const serve = replicas[sent.replica] as ServeProcess;
  try {
    const response = await fetch(`${serve.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${serve.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: `openai/${sent.tag}`, messages: [{ role: 'user', content: 'hi' }], stream: sent.tag.endsWith('-slow') }),
    });
    await response.text();
    sent.ok = response.status === 200;
  } catch {
    sent.ok = false; // the replica died mid-answer
  }
  sent.endedAt = Date.now();
}

async function rowsByTag(): Promise<Map<string, { status: string; count: number }>> {
  const { rows } = await pool.query<{ tag: string; status: string; count: number }>(
    `SELECT substr(requested_model, 8) AS tag, min(status) AS status, count(*)::bigint AS count FROM requests GROUP BY requested_model`,
  );
  return new Map(rows.map((row) => [row.tag, row]));
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  database = await createTestDatabase();
  pool = await createPool({ url: database.url, max: 2 });
  upstream = await FakeOpenAI.start();
  upstream.onChat = (request) => scenarioFor(String((request.body as { model?: unknown } | undefined)?.model ?? ''));
  const config = {
    server: { shutdown_grace_ms: 500 },
    providers: [{ id: 'openai', type: 'openai-compatible', base_url: upstream.baseUrl, locality: 'cloud' }],
    routing: { num_retries: 0, auto_offline: false, allowed_fails: 1_000 },
    ledger: { url: database.url, price_refresh: false },
  };
  // started together: both migrate under the advisory lock at once. Team mode makes no default token: both replicas
  // take SWITCHYARD_API_KEY's (per-person tokens in PostgreSQL: team-tokens.test.ts)
  const env = { SWITCHYARD_API_KEY: `sy-ledger-${randomBytes(16).toString('hex')}` };
  replicas.push(...(await Promise.all([startServe({ config, env }), startServe({ config, env })])));
}, 60_000);

afterAll(async () => {
  await Promise.all(replicas.map((serve) => serve.stop()));
  await upstream?.close();
  await pool?.end();
  await database?.drop();
});

describe('two replicas on one PostgreSQL ledger', () => {
  it('log where the ledger is (password masked) and write every request exactly once', async () => {
    for (const serve of replicas) expect(serve.output()).toMatch(/ledger: PostgreSQL at postgres:\/\/switchyard@127\.0\.0\.1:\d+\/sy_\w+ \(instance /);
    const sent: Sent[] = Array.from({ length: 120 }, (_, index) => ({ tag: `both-${index}`, replica: index % 2 }));
    await Promise.all(sent.map(send));
    expect(sent.every((request) => request.ok)).toBe(true);
    // each finish commits within a flush interval of its answer
    await waitFor(async () => [...(await rowsByTag()).values()].filter((row) => row.status === 'ok').length === sent.length, 5_000, 'every final row');
    const rows = await rowsByTag();
    for (const request of sent) expect(rows.get(request.tag), request.tag).toEqual({ tag: request.tag, status: 'ok', count: 1 });
    const { rows: instances } = await pool.query<{ instances: number }>(`SELECT count(DISTINCT instance_id)::bigint AS instances FROM requests`);
    expect(instances[0]?.instances).toBe(2);
    // either replica's dashboard reads the shared database: each sees all 120, and the log of both
    const range = { from: Date.now() - 3_600_000, to: Date.now() + 60_000 };
    for (const serve of replicas) {
      expect(await adminControl<{ requests: number; ok: number }>(serve, 'usage.totals', { range })).toMatchObject({ requests: 120, ok: 120 });
      const page = await adminControl<{ rows: { requestedModel: string }[] }>(serve, 'usage.log', { range, limit: 500 });
      expect(new Set(page.rows.map((row) => row.requestedModel)).size).toBe(120);
    }
  }, 60_000);

  it("loses nothing finished before a SIGKILL; the survivor interrupts the dead replica's in-flight rows", async () => {
    const sent: Sent[] = [];
    let sequence = 0;
    let killedAt = Number.POSITIVE_INFINITY;
    const pending: Promise<void>[] = [];
    // 8 workers per replica, each sending until the kill (+ 1 s for the survivor), a third of them slow streams
    const worker = async (replica: number): Promise<void> => {
      const stopAt = (): number => (replica === 0 ? killedAt : killedAt + 1_000);
      for (let round = 0; round < 500 && Date.now() < stopAt(); round += 1) {
        const request: Sent = { tag: `load-${sequence++}${sequence % 3 === 0 ? '-slow' : ''}`, replica };
        sent.push(request);
        await send(request);
      }
    };
    for (let index = 0; index < 16; index += 1) pending.push(worker(index % 2));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    killedAt = Date.now();
    await (replicas[0] as ServeProcess).stop('SIGKILL');
    await Promise.all(pending);

    // replica 1 sweeps replica 0's rows once its heartbeat is three beats (6 s) old
    await waitFor(
      async () => Number((await pool.query(`SELECT count(*) AS n FROM requests WHERE status = 'in_flight'`)).rows[0]?.n ?? 0) === 0,
      20_000,
      'no row left in flight',
    );
    const rows = await rowsByTag();
    const problems: string[] = [];
    for (const request of sent) {
      const row = rows.get(request.tag);
      if (row && row.count !== 1) problems.push(`${request.tag}: ${row.count} rows`);
      const safelyBefore = request.ok === true && (request.endedAt ?? Infinity) < killedAt - commitWindowMs;
      if ((request.replica === 1 || safelyBefore) && request.ok && row?.status !== 'ok')
        problems.push(`${request.tag}: finished, ledger says ${row?.status ?? 'nothing'}`);
    }
    expect(problems).toEqual([]);
    expect([...rows.values()].filter((row) => row.status === 'interrupted').length).toBeGreaterThan(0); // slow streams cut by the kill
    expect(sent.filter((request) => request.replica === 0 && request.ok).length).toBeGreaterThan(20);
    expect(sent.filter((request) => request.replica === 0 && !request.ok).length).toBeGreaterThan(0); // the kill cut some
    const { stored, rebuilt } = await storedAndRebuiltRollups(pool);
    expect(stored).toEqual(rebuilt);
  }, 90_000);
});
