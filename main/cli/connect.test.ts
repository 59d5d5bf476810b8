// `switchyard connect` in-process: the question before a write (declined: nothing written, no token), no write
// without --yes when nobody can be asked, yes: written with a backup, and usage errors.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connectCommand, type ConnectCommandOptions } from './connect.js';
import { ClientTokenStore } from '../secrets/client-token-store.js';

let root: string | undefined;

afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
  root = undefined;
});

function setup(): {
  home: string;
  dataDir: string;
  run: (args: string[], options?: Partial<ConnectCommandOptions>) => Promise<{ code: number; out: string; err: string }>;
} {
  root = mkdtempSync(join(tmpdir(), 'sy-cli-connect-'));
  const home = join(root, 'home');
  const dataDir = join(root, 'data');
  mkdirSync(home);
  const configPath = join(root, 'config.yaml');
  writeFileSync(configPath, 'providers:\n  - id: ollama\nroutes:\n  local: { targets: [ollama/qwen3:8b] }\n');
  const run = async (args: string[], options: Partial<ConnectCommandOptions> = {}) => {
    let out = '';
    let err = '';
    const code = await connectCommand(args, {
      env: { HOME: home },
      dataDir,
      configFlag: configPath,
      url: undefined,
      port: undefined,
      model: undefined,
      write: false,
      yes: false,
      check: false,
      json: false,
      out: (text) => (out += `${text}\n`),
      err: (text) => (err += `${text}\n`),
      ...options,
    });
    return { code, out, err };
  };
  return { home, dataDir, run };
}

describe('switchyard connect', () => {
  it('asks before writing; a no writes nothing and makes no token', async () => {
    const { home, dataDir, run } = setup();
    writeFileSync(join(home, '.aider.conf.yml'), 'dark-mode: true\n');
    const questions: string[] = [];
    const declined = await run(['aider'], { write: true, confirm: async (question) => (questions.push(question), false) });
    expect(declined.code).toBe(1);
    expect(declined.out).toContain('+openai-api-base: http://127.0.0.1:5454/v1');
    expect(declined.out).toContain('+model: openai/local');
    expect(questions).toEqual(['Write this change (a backup of each file is kept)? [y/N] ']);
    expect(readFileSync(join(home, '.aider.conf.yml'), 'utf8')).toBe('dark-mode: true\n');
    const store = ClientTokenStore.open({ path: join(dataDir, 'ledger.sqlite') });
    try {
      expect(store.get('aider')).toBeUndefined();
    } finally {
      store.close();
    }

    const noTerminal = await run(['aider'], { write: true });
    expect(noTerminal).toMatchObject({ code: 1, err: expect.stringContaining('add --yes') as unknown });

    const accepted = await run(['aider'], { write: true, confirm: async () => true });
    expect(accepted.code).toBe(0);
    expect(accepted.err).toContain("made the client token 'aider'");
    expect(readFileSync(join(home, '.aider.conf.yml'), 'utf8')).toMatch(
      /^dark-mode: true\nopenai-api-base: http:\/\/127\.0\.0\.1:5454\/v1\nopenai-api-key: sy-\S+\nmodel: openai\/local\n$/,
    );
    expect(readdirSync(home).filter((name) => name.startsWith('.aider.conf.yml.switchyard-backup-'))).toHaveLength(1);
  });

  it('lists the tools, and answers usage mistakes with exit 2', async () => {
    const { run } = setup();
    const listed = await run([]);
    expect(listed.code).toBe(0);
    expect(listed.out).toMatch(/^TOOL +NAME +CONFIG +CONNECTED\nclaude-code +Claude Code +\S+\.claude\/settings\.json/);
    expect((await run(['aider', 'extra'])).code).toBe(2);
    expect((await run([], { write: true })).code).toBe(2);
    expect((await run(['nope'])).err).toContain("no tool 'nope'");
  });
});
