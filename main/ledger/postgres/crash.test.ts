// RELIABILITY.md "Ledger durability", PostgreSQL: a replica writing under load is SIGKILLed at a random moment.
// Every finish it saw committed is in the database once with its final state; its in-flight rows end up
// 'interrupted' — by another replica's sweep once its heartbeat is stale, or by itself when it restarts with the
// same instance id — and the rollups equal a rebuild from the rows.
import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../test-support/fixtures.js';
import { createTestDatabase, type TestDatabase } from '../test-support/postgres-database.js';
import { storedAndRebuiltRollups } from '../test-support/postgres-rollups.js';
import { createPool, type Pool } from './client.js';
import { PostgresLedger } from './ledger.js';

const register = pathToFileURL(fileURLToPath(new URL('../test-support/ts-register.mjs', import.meta.url))).href;
const child = fileURLToPath(new URL('../test-support/postgres-crash-child.ts', import.meta.url));

let database: TestDatabase;
let pool: Pool;

beforeAll(async () => {
  database = await createTestDatabase();
  pool = await createPool({ url: database.url, max: 2 });
});
afterAll(async () => {
  await pool.end();
  await database.drop();
});

interface ChildRun {
  readonly recovered: number;
  readonly begun: Set<string>;
  readonly finished: Set<string>;
}

/** Runs the child until it has committed `minimumFinished` finishes and some in-flight row, then SIGKILLs it. */
function runAndKill(instanceId: string, prefix: string, minimumFinished: number): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const process = spawn(globalThis.process.execPath, ['--import', register, child, database.url, instanceId, prefix], { stdio: ['ignore', 'pipe', 'pipe'] });
    const begun = new Set<string>();
    const finished = new Set<string>();
    let recovered = -1;
    let buffer = '';
    let stderr = '';
    let killScheduled = false;
    const timeout = setTimeout(() => {
      process.kill('SIGKILL');
      reject(new Error(`child made no progress: ${stderr}`));
    }, 20_000);
    process.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    process.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('READY ')) recovered = Number(line.slice(6));
        if (line.startsWith('B ')) begun.add(line.slice(2));
        if (line.startsWith('F ')) finished.add(line.slice(2));
      }
      if (!killScheduled && finished.size >= minimumFinished && [...begun].some((id) => !finished.has(id))) {
        killScheduled = true;
        setTimeout(() => process.kill('SIGKILL'), Math.floor(Math.random() * 40));
      }
    });
    process.on('exit', (_code, signal) => {
      clearTimeout(timeout);
      if (signal !== 'SIGKILL') reject(new Error(`child exited by itself (${String(signal)}): ${stderr}`));
      else resolve({ recovered, begun, finished });
    });
  });
}

async function statuses(ids: Iterable<string>): Promise<Map<string, { status: string; attempts: number; copies: number }>> {
  const { rows } = await pool.query<{ id: string; status: string; attempts: number; copies: number }>(
    `SELECT r.id, r.status, (SELECT count(*) FROM attempts a WHERE a.request_id = r.id)::bigint AS attempts, ` +
      `(SELECT count(*) FROM requests c WHERE c.id = r.id)::bigint AS copies FROM requests r WHERE r.id = ANY($1::text[])`,
    [[...ids]],
  );
  return new Map(rows.map((row) => [row.id, row]));
}

async function inFlightOf(instanceId: string): Promise<number> {
  const { rows } = await pool.query<{ count: number }>(`SELECT count(*)::bigint AS count FROM requests WHERE status = 'in_flight' AND instance_id = $1`, [
    instanceId,
  ]);
  return rows[0]?.count ?? 0;
}

async function expectSound(finished: Set<string>, begun: Set<string>): Promise<void> {
  const found = await statuses([...finished, ...begun]);
  for (const id of finished) expect(found.get(id), id).toEqual({ id, status: 'ok', attempts: 2, copies: 1 });
  for (const id of begun) if (!finished.has(id)) expect(['interrupted', 'ok'], id).toContain(found.get(id)?.status);
  const { stored, rebuilt } = await storedAndRebuiltRollups(pool);
  expect(stored).toEqual(rebuilt);
}

describe('SIGKILL of a replica under load (PostgreSQL)', () => {
  it("loses no committed finish; another replica's sweep, or its own restart, interrupts its in-flight rows", async () => {
    // 1: killed; a live replica notices its silence (3 heartbeats of the child's 100 ms) and sweeps
    const sweeper = await PostgresLedger.open({ url: database.url, instanceId: 'sweeper', heartbeatMs: 100, staleAfterMs: 600 });
    let first: ChildRun;
    try {
      first = await runAndKill('replica-a', 'one', 300);
      expect(first.recovered).toBe(0);
      await until(() => sweeper.interruptedByMe > 0, 10_000, "the sweeper to interrupt the dead replica's rows");
      expect(await inFlightOf('replica-a')).toBe(0);
      await expectSound(first.finished, first.begun);
    } finally {
      await sweeper.close();
    }

    // 2: killed, then restarted with the same instance id before anyone sweeps: it interrupts its own leftovers at open
    const second = await runAndKill('replica-b', 'two', 300);
    expect(await inFlightOf('replica-b')).toBeGreaterThan(0);
    const third = await runAndKill('replica-b', 'three', 100);
    expect(third.recovered).toBeGreaterThan(0);
    const restarted = await PostgresLedger.open({ url: database.url, instanceId: 'replica-b' });
    await restarted.close();
    expect(await inFlightOf('replica-b')).toBe(0);
    await expectSound(new Set([...first.finished, ...second.finished, ...third.finished]), new Set([...second.begun, ...third.begun]));
  }, 90_000);
});
