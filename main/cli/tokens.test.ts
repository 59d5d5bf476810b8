// `switchyard tokens …` in-process: what goes to stdout (only the token, so `$(switchyard tokens create x)` works),
// the hints on stderr, exit codes, and the list table.
import { afterEach, describe, expect, it } from 'vitest';
import { formatTokenList, tokensCommand } from './tokens.js';
import { tempDir, type TempDir } from '../ledger/test-support/fixtures.js';

let directory: TempDir | undefined;

afterEach(() => {
  directory?.remove();
  directory = undefined;
});

async function run(args: string[], env: NodeJS.ProcessEnv = {}, json = false): Promise<{ code: number; out: string; err: string }> {
  directory ??= tempDir('switchyard-cli-tokens-');
  const out: string[] = [];
  const err: string[] = [];
  const code = await tokensCommand(args, { dataDir: directory.path, env, json, out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('switchyard tokens', () => {
  it('prints the default token, the same one every time', async () => {
    const first = await run([]);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/^sy-[A-Za-z0-9_-]{43}$/);
    expect((await run([])).out).toBe(first.out);
  });

  it('create prints only the token on stdout and the hint on stderr; a duplicate is refused', async () => {
    const created = await run(['create', 'claude-code']);
    expect(created).toMatchObject({ code: 0, out: expect.stringMatching(/^sy-[A-Za-z0-9_-]{43}$/) });
    expect(created.err).toContain('give this to claude-code as its API key — it will not be shown again');
    expect(await run(['create', 'claude-code'])).toMatchObject({ code: 1, out: '', err: expect.stringContaining('exists already') });
    expect(await run(['create', 'Claude'])).toMatchObject({ code: 2, err: expect.stringContaining('is not a token name') });
    expect(await run(['create', 'env'])).toMatchObject({ code: 2, err: expect.stringContaining('reserved') });
  });

  it('revoke says what happened, warns when nothing is left, and is idempotent', async () => {
    await run(['create', 'editor']);
    expect(await run(['revoke', 'editor'])).toMatchObject({ code: 0, err: expect.stringContaining("token 'editor' revoked") });
    const last = await run(['revoke', 'editor']);
    expect(last.err).toContain('was revoked already');
    expect(last.err).toContain('no active client token is left');
    expect((await run(['revoke', 'editor'], { SWITCHYARD_API_KEY: 'sy-env-token-0123456789' })).err).not.toContain('no active client token');
    expect(await run(['revoke', 'ghost'])).toMatchObject({ code: 1, err: expect.stringContaining("no token named 'ghost'") });
  });

  it('rejects malformed commands with the usage lines', async () => {
    for (const args of [['create'], ['revoke'], ['list', 'x'], ['create', 'a', 'b'], ['rotate', 'a'], ['frobnicate']]) {
      expect(await run(args), args.join(' ')).toMatchObject({ code: 2, err: expect.stringContaining('switchyard tokens create <name>') });
    }
  });

  it('lists name, masked token, created, last used and revoked; --json for scripts', async () => {
    const token = (await run(['create', 'editor'])).out;
    const table = (await run(['list'], { SWITCHYARD_API_KEY: 'sy-env-token-0123456789' })).out.split('\n');
    expect(table[0]).toMatch(/^NAME\s+TOKEN\s+CREATED\s+LAST USED\s+REVOKED$/);
    expect(table[1]).toMatch(new RegExp(`^editor\\s+sy-…${token.slice(-4).replace(/[-]/g, '\\-')}\\s+\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}\\s+never$`));
    expect(table[2]).toMatch(/^env\s+\(SWITCHYARD_API_KEY\)$/);
    const listed = JSON.parse((await run(['list'], {}, true)).out) as unknown[];
    expect(listed).toEqual([{ name: 'editor', masked: `sy-…${token.slice(-4)}`, createdAt: expect.any(Number), lastUsedAt: null, revokedAt: null }]);
    expect((await run(['list'], {}, true)).out).not.toContain(token.slice(3, 9));
  });

  it('says how to start when there are no tokens', async () => {
    expect(formatTokenList([], false)).toContain('`switchyard tokens create <name>`');
  });
});
