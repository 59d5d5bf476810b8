// `switchyard tokens …` in team mode, against the real PostgreSQL `npm test` starts: the URL from
// SWITCHYARD_LEDGER_URL or the config's `ledger.url`, the shared table (nothing in the data dir's ledger file), no
// default token, and the same messages and exit codes as with the ledger file.
import { existsSync, writeFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tokensCommand } from './tokens.js';
import { tempDir, type TempDir } from '../ledger/test-support/fixtures.js';
import { createTestDatabase, type TestDatabase } from '../ledger/test-support/postgres-database.js';

let database: TestDatabase;
let directory: TempDir | undefined;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());
afterEach(() => {
  directory?.remove();
  directory = undefined;
});

async function run(args: string[], env: NodeJS.ProcessEnv, configFlag?: string, json = false): Promise<{ code: number; out: string; err: string }> {
  directory ??= tempDir('switchyard-cli-team-tokens-');
  const out: string[] = [];
  const err: string[] = [];
  const code = await tokensCommand(args, { dataDir: directory.path, env, configFlag, json, out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('switchyard tokens in team mode', () => {
  it('creates, lists and revokes in the shared table named by SWITCHYARD_LEDGER_URL', async () => {
    const env = { SWITCHYARD_LEDGER_URL: database.url };
    const created = await run(['create', 'alice'], env);
    expect(created).toMatchObject({ code: 0, out: expect.stringMatching(/^sy-[A-Za-z0-9_-]{43}$/) });
    expect(created.err).toContain('for every replica');
    expect(existsSync(`${directory?.path ?? ''}/ledger.sqlite`)).toBe(false); // not the local file
    expect(await run(['create', 'alice'], env)).toMatchObject({ code: 1, err: expect.stringContaining('exists already') });
    expect(await run(['create', 'Alice'], env)).toMatchObject({ code: 2, err: expect.stringContaining('is not a token name') });
    const listed = JSON.parse((await run(['list'], env, undefined, true)).out) as unknown[];
    expect(listed).toEqual([{ name: 'alice', masked: `sy-…${created.out.slice(-4)}`, createdAt: expect.any(Number), lastUsedAt: null, revokedAt: null }]);
    expect(await run(['revoke', 'alice'], env)).toMatchObject({ code: 0, err: expect.stringContaining("token 'alice' revoked; every replica refuses it") });
    const again = await run(['revoke', 'alice'], env);
    expect(again.err).toContain('was revoked already');
    expect(again.err).toContain('no active client token is left');
    expect(await run(['revoke', 'ghost'], env)).toMatchObject({ code: 1, err: expect.stringContaining("no token named 'ghost'") });
    expect(await run([], env)).toMatchObject({ code: 1, err: expect.stringContaining('there is no default token') });
  });

  it('reads ledger.url from the config file, and reports an unreachable database with the password masked', async () => {
    directory = tempDir('switchyard-cli-team-tokens-');
    const config = directory.file('config.yaml');
    writeFileSync(config, `ledger:\n  url: ${database.url}\n`);
    expect(await run(['create', 'bob'], {}, config)).toMatchObject({ code: 0 });
    expect((await run(['list'], {}, config)).out).toMatch(/^bob\s+sy-…/m);
    const unreachable = await run(['list'], { SWITCHYARD_LEDGER_URL: 'postgres://sy:s3cret@127.0.0.1:1/none' });
    expect(unreachable.code).toBe(1);
    expect(unreachable.err).toContain('postgres://sy:***@127.0.0.1:1/none');
    expect(unreachable.err).not.toContain('s3cret');
  });
});
