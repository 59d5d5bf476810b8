// One client token per tool, end to end: `switchyard tokens create` next to a running `serve`, the openai client
// with each token against a fake upstream, `usage --by client` attributing every request to its token's name,
// a revocation refused on the very next request, and no plaintext token (or 6-character piece of one) in SQLite.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../fakes/openai-fake.js';
import { filesUnder, findLeaks } from '../support/secret-scan.js';
import { runCli, startServe, type ServeProcess } from '../support/serve-process.js';

const providerKey = 'sk-proj-UPSTREAMKEY0123456789abcdefABCDEF';
const tools = ['editor', 'claude-code', 'scripts', 'playground'] as const;
type Tool = (typeof tools)[number];
const requestsPerTool: Record<Tool | 'default', number> = { editor: 3, 'claude-code': 2, scripts: 1, playground: 1, default: 1 };

let upstream: FakeOpenAI;
let serve: ServeProcess;
const tokens = new Map<Tool, string>();

interface UsageJson {
  by: string;
  totals: { requests: number; errors: number; inputTokens: number; outputTokens: number; p50Ms: number | null };
  rows: Array<{
    key: string;
    requests: number;
    inputTokens: number;
    outputTokens: number;
    costUsd: number;
    errorRate: number;
    p50Ms: number | null;
    p95Ms: number | null;
  }>;
}

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runCli([...args, '--data-dir', serve.dataDir]);
}

function client(token: string): OpenAI {
  return new OpenAI({ baseURL: serve.baseUrl, apiKey: token, maxRetries: 0, timeout: 20_000 });
}

async function chat(token: string): Promise<number> {
  try {
    await client(token).chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    return 200;
  } catch (error) {
    if (error instanceof OpenAI.APIError && error.status !== undefined) return error.status;
    throw error;
  }
}

async function usageByClient(): Promise<UsageJson> {
  const result = await cli(['usage', '--by', 'client', '--format', 'json', '--since', '1h']);
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as UsageJson;
}

beforeAll(async () => {
  upstream = await FakeOpenAI.start({ apiKey: providerKey });
  serve = await startServe({ config: { providers: [{ id: 'openai', base_url: upstream.baseUrl }] }, env: { OPENAI_API_KEY: providerKey } });
  for (const tool of tools) {
    const created = await cli(['tokens', 'create', tool]);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stderr).toContain(`give this to ${tool}`);
    expect(created.stderr).toContain('will not be shown again');
    tokens.set(tool, created.stdout.trim());
  }
});

afterAll(async () => {
  await serve?.stop();
  await upstream?.close();
});

function tokenOf(tool: Tool): string {
  const token = tokens.get(tool);
  if (!token) throw new Error(`no token for ${tool}`);
  return token;
}

describe('client tokens per tool', () => {
  it('creates one 256-bit token per tool while serve runs, and the running gateway accepts each at once', async () => {
    const distinct = new Set([...tokens.values(), serve.token]);
    expect(distinct.size).toBe(tools.length + 1);
    for (const token of tokens.values()) expect(token).toMatch(/^sy-[A-Za-z0-9_-]{43}$/);
    for (const tool of tools) for (let index = 0; index < requestsPerTool[tool]; index += 1) expect(await chat(tokenOf(tool))).toBe(200);
    expect(await chat(serve.token)).toBe(200);
    for (const request of upstream.chatRequests()) expect(JSON.stringify(request.headers)).not.toMatch(/sy-[A-Za-z0-9_-]{20}/);
  });

  it('`usage --by client` attributes every request to its token name', async () => {
    await expect.poll(async () => (await usageByClient()).totals.requests, { timeout: 10_000 }).toBe(8);
    const usage = await usageByClient();
    expect(usage.by).toBe('client');
    const requests = Object.fromEntries(usage.rows.map((row) => [row.key, row.requests]));
    expect(requests).toEqual(requestsPerTool);
    for (const row of usage.rows) {
      expect(row.inputTokens).toBe(11 * row.requests);
      expect(row.outputTokens).toBe(3 * row.requests);
      expect(row.errorRate).toBe(0);
      expect(row.p50Ms).toBeGreaterThanOrEqual(0);
      expect(row.p95Ms).toBeGreaterThanOrEqual(row.p50Ms ?? 0);
    }
  });

  it('prints usage as a table, as CSV and as JSON', async () => {
    const table = await cli(['usage', '--by', 'client', '--since', '24h']);
    expect(table.code).toBe(0);
    const lines = table.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^Usage since \d{4}-\d{2}-\d{2} \d{2}:\d{2} \(24h\), by client$/);
    expect(lines[1]).toMatch(/^CLIENT\s+REQUESTS\s+TOKENS IN\s+TOKENS OUT\s+COST USD\s+SAVED USD\s+ERRORS\s+P50 MS\s+P95 MS$/);
    expect(lines.find((line) => line.startsWith('editor '))).toMatch(/^editor\s+3\s+33\s+9\s+\d+\.\d{4}\s+0\.0000\s+0\.0%\s+\d+\s+\d+$/);
    expect(lines.at(-1)).toMatch(/^TOTAL\s+8\s+88\s+24\s/);

    const csv = await cli(['usage', '--by', 'client', '--format', 'csv']);
    const [header, ...rows] = csv.stdout
      .trim()
      .split('\n')
      .map((line) => line.split(','));
    expect(header?.slice(0, 3)).toEqual(['kind', 'client', 'requests']);
    for (const row of rows) expect(row).toHaveLength(header?.length ?? 0);
    const column = (name: string): number => header?.indexOf(name) ?? -1;
    const records = rows.map((row) => ({ kind: row[0], key: row[1], requests: Number(row[column('requests')]), output: Number(row[column('output_tokens')]) }));
    expect(records.filter((record) => record.kind === 'row').reduce((sum, record) => sum + record.requests, 0)).toBe(8);
    expect(records.at(-1)).toEqual({ kind: 'total', key: '', requests: 8, output: 24 });
    expect(records.find((record) => record.key === 'claude-code')?.requests).toBe(2);

    const json = JSON.parse((await cli(['usage', '--by', 'provider', '--format', 'json'])).stdout) as UsageJson;
    expect(json.rows).toEqual([expect.objectContaining({ key: 'openai', requests: 8 })]);
    expect(json.totals).toMatchObject({ requests: 8, errors: 0, inputTokens: 88, outputTokens: 24 });

    const bad = await cli(['usage', '--by', 'weekday']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--by takes model, provider, client, route');
  });

  it('a revoked token is refused on the very next request while the others keep working', async () => {
    expect(await chat(tokenOf('scripts'))).toBe(200);
    const revoked = await cli(['tokens', 'revoke', 'scripts']);
    expect(revoked.code).toBe(0);
    const response = await fetch(`${serve.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokenOf('scripts')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid_api_key');
    const viaApiKeyHeader = await fetch(`${serve.baseUrl}/models`, { headers: { 'x-api-key': tokenOf('scripts') } });
    expect(viaApiKeyHeader.status).toBe(401);
    expect(await chat(tokenOf('editor'))).toBe(200);
    expect(await chat(serve.token)).toBe(200);

    const list = await cli(['tokens', 'list']);
    const scriptsLine = list.stdout.split('\n').find((line) => line.startsWith('scripts '));
    expect(scriptsLine).toMatch(/^scripts\s+sy-….{4}\s+\d{4}-\d{2}-\d{2} \d{2}:\d{2}\s+.+\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    expect(list.stdout).toMatch(/^NAME\s+TOKEN\s+CREATED\s+LAST USED\s+REVOKED$/m);
  });

  it('the ledger files hold no plaintext token, nor any 6-character piece of one', async () => {
    const printed = await cli(['tokens']);
    expect(printed.stdout.trim()).toBe(serve.token);
    const all = [...tokens.values(), serve.token];
    const listed = await cli(['tokens', 'list', '--json']);
    const ledgerFiles = filesUnder(serve.dataDir).filter((file) => /ledger\.sqlite(-wal|-shm)?$/.test(file.where));
    expect(ledgerFiles.map((file) => file.where.replace(/.*\//, '')).sort()).toEqual(expect.arrayContaining(['ledger.sqlite', 'ledger.sqlite-wal']));
    expect(findLeaks([...ledgerFiles, { where: 'tokens list', content: listed.stdout }, { where: 'serve output', content: serve.output() }], all)).toEqual([]);
    for (const token of all) expect(listed.stdout).toContain(`sy-…${token.slice(-4)}`);
  });

  it('writes last-used times when serve stops (batched, never per request)', async () => {
    expect(await serve.stop('SIGTERM')).toBe(0);
    const listed = JSON.parse((await cli(['tokens', 'list', '--json'])).stdout) as Array<{ name: string; lastUsedAt: number | null; revokedAt: number | null }>;
    const byName = new Map(listed.map((token) => [token.name, token]));
    for (const name of [...tools, 'default']) expect(byName.get(name)?.lastUsedAt, name).toBeGreaterThan(Date.now() - 120_000);
    expect(byName.get('scripts')?.revokedAt).not.toBeNull();
  });
});

describe('upgrading a data dir from before client tokens were stored', () => {
  it('adopts the existing client-token file as the default token, and `tokens` still prints it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sy-data-'));
    const existing = 'sy-PreExistingTokenFromAnOlderSwitchyard0123456';
    writeFileSync(join(dataDir, 'client-token'), `${existing}\n`, { mode: 0o600 });
    const older = await startServe({ config: { providers: [] }, dataDir });
    try {
      expect(older.token).toBe(existing);
      expect((await fetch(`${older.baseUrl}/models`, { headers: { authorization: `Bearer ${existing}` } })).status).toBe(200);
      const printed = await runCli(['tokens', '--data-dir', dataDir]);
      expect(printed.stdout.trim()).toBe(existing);
      const listed = await runCli(['tokens', 'list', '--data-dir', dataDir]);
      expect(listed.stdout).toMatch(/^default\s+sy-…3456\s/m);
      const revoked = await runCli(['tokens', 'revoke', 'default', '--data-dir', dataDir]);
      expect(revoked.stderr).toContain('no active client token is left');
      expect((await fetch(`${older.baseUrl}/models`, { headers: { authorization: `Bearer ${existing}` } })).status).toBe(401);
      const gone = await runCli(['tokens', '--data-dir', dataDir]);
      expect(gone.code).toBe(1);
      expect(gone.stderr).toContain('the default token was revoked');
    } finally {
      await older.stop();
    }
  });
});
