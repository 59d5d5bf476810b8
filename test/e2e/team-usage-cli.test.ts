// `switchyard usage` in team mode: two `switchyard serve` replicas write one PostgreSQL ledger (`ledger.url`), and
// the real CLI from dist/ reports what both wrote — through the config's ledger.url or SWITCHYARD_LEDGER_URL, from
// any data dir — not the replica's own SQLite file. It only reads: no migration, no replica registered. A database
// it cannot read is a clear error. Needs `npm test` (it starts PostgreSQL); never skips.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../../main/ledger/postgres/client.js';
import { createTestDatabase, type TestDatabase } from '../../main/ledger/test-support/postgres-database.js';
import type { FakeOpenAI } from '../fakes/openai-fake.js';
import { runCli, type ServeProcess } from '../support/serve-process.js';
import { startTeam, type Team } from '../support/team.js';

let team: Team<FakeOpenAI>;
let empty: TestDatabase;
// In team mode the client tokens live in PostgreSQL and no client-token file is written: both replicas take this one
// from SWITCHYARD_API_KEY (named `env`), and the data dir's file tells startServe what to send.
const token = `sy-usage-${randomBytes(16).toString('hex')}`;

function replicaDataDir(): string {
  const dataDir = mkdtempSync(join(tmpdir(), 'sy-data-'));
  writeFileSync(join(dataDir, 'client-token'), `${token}\n`);
  return dataDir;
}

/** Sent per replica and model: 3 + 2 to alpha, 1 + 4 to beta. */
const plan = [
  { replica: 0, model: 'alpha', count: 3 },
  { replica: 1, model: 'alpha', count: 2 },
  { replica: 0, model: 'beta', count: 1 },
  { replica: 1, model: 'beta', count: 4 },
];

interface ReportLine {
  readonly requests: number;
  readonly ok: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costUsd: number;
  readonly p50Ms: number | null;
}

beforeAll(async () => {
  [team, empty] = await Promise.all([
    startTeam({
      upstream: {},
      config: ({ upstream }) => ({
        providers: [{ id: 'openai', type: 'openai-compatible', base_url: upstream, locality: 'cloud' }],
        // $1 and $2 per million tokens: 10 in + 5 out = $0.00002 a request
        ledger: { price_overrides: { 'openai/alpha': { input: 1, output: 2 }, 'openai/beta': { input: 1, output: 2 } } },
      }),
      env: { SWITCHYARD_API_KEY: token },
      dataDir: replicaDataDir,
    }),
    createTestDatabase(),
  ]);
  team.upstream.onChat = () => ({ kind: 'reply', content: 'fine', usage: { promptTokens: 10, completionTokens: 5 } });
  for (const { replica, model, count } of plan) {
    const serve = team.replicas[replica] as ServeProcess;
    for (let index = 0; index < count; index += 1) {
      const response = await fetch(`${serve.baseUrl}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${serve.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: `openai/${model}`, messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(response.status, await response.text()).toBe(200);
    }
  }
  // every finish is committed within the flush interval
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { rows } = await team.pool.query<{ count: number }>(`SELECT count(*)::bigint AS count FROM requests WHERE status = 'ok'`);
    if (rows[0]?.count === 10) break;
    if (Date.now() > deadline) throw new Error(`only ${rows[0]?.count ?? 0} of 10 rows committed`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}, 60_000);

afterAll(() => Promise.all([team?.stop(), empty?.drop()]));

async function usageJson(args: string[], env: Record<string, string> = {}): Promise<{ totals: ReportLine; rows: Array<ReportLine & { key: string }> }> {
  const run = await runCli(['usage', '--since', '1h', '--format', 'json', ...args], { env });
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as { totals: ReportLine; rows: Array<ReportLine & { key: string }> };
}

describe('switchyard usage on the PostgreSQL ledger', () => {
  it("reports both replicas' requests with the config's ledger.url, from a replica's own data dir", async () => {
    const report = await usageJson(['--by', 'model', '--config', team.configPath, '--data-dir', (team.replicas[0] as ServeProcess).dataDir]);
    expect(report.totals).toMatchObject({ requests: 10, ok: 10, inputTokens: 100, outputTokens: 50 });
    expect(report.totals.costUsd).toBeCloseTo(0.0002, 10);
    expect(report.totals.p50Ms).not.toBeNull();
    expect(report.rows.map((row) => [row.key, row.requests])).toEqual([
      ['openai/alpha', 5],
      ['openai/beta', 5],
    ]);
    for (const row of report.rows) expect(row.costUsd).toBeCloseTo(0.0001, 10);
  });

  it('reads SWITCHYARD_LEDGER_URL without any config, and says in the table where the figures come from', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'sy-usage-'));
    const report = await usageJson(['--by', 'provider', '--data-dir', elsewhere], { SWITCHYARD_LEDGER_URL: team.database.url });
    expect(report.rows).toEqual([expect.objectContaining({ key: 'openai', requests: 10 })]);
    const table = await runCli(['usage', '--since', '1h', '--by', 'model', '--data-dir', elsewhere], { env: { SWITCHYARD_LEDGER_URL: team.database.url } });
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(new RegExp(`, in postgres://switchyard@127\\.0\\.0\\.1:\\d+/${team.database.name}$`));
    expect(table.stdout).toMatch(/^openai\/alpha\s+5\s+50\s+25\s+0\.0001\s/m);
    expect(table.stdout).toMatch(/^TOTAL\s+10\s+100\s+50\s+0\.0002\s/m);
  });

  it('only reads: no replica registered, nothing migrated; a database without the ledger is a clear error', async () => {
    const { rows } = await team.pool.query<{ count: number }>(`SELECT count(*)::bigint AS count FROM ledger_instances`);
    expect(rows[0]?.count).toBe(2);
    const bare = await runCli(['usage', '--data-dir', mkdtempSync(join(tmpdir(), 'sy-usage-'))], { env: { SWITCHYARD_LEDGER_URL: empty.url } });
    expect(bare.code).toBe(1);
    expect(bare.stderr).toContain(`cannot read the ledger in postgres://switchyard@127.0.0.1`);
    expect(bare.stderr).toContain('no `switchyard serve` has opened it yet');
    const emptyPool = await createPool({ url: empty.url, max: 1 });
    try {
      const { rows: tables } = await emptyPool.query<{ count: number }>(`SELECT count(*)::bigint AS count FROM pg_tables WHERE schemaname = 'public'`);
      expect(tables[0]?.count).toBe(0);
    } finally {
      await emptyPool.end();
    }
    const closed = await runCli(['usage', '--data-dir', mkdtempSync(join(tmpdir(), 'sy-usage-'))], {
      env: { SWITCHYARD_LEDGER_URL: 'postgres://switchyard:secret-pw@127.0.0.1:9/none' },
    });
    expect(closed.code).toBe(1);
    expect(closed.stderr).toContain('cannot read the ledger in postgres://switchyard:***@127.0.0.1:9/none');
    expect(closed.stderr).not.toContain('secret-pw');
  });
});
