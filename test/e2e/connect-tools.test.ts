// Black-box: connecting real tools. Each tool's config file is written by Switchyard itself — `switchyard connect
// <tool> --write --yes` (Codex, Gemini CLI, opencode) or the connect.apply control call (Claude Code) — into a
// temporary HOME that already holds the user's own settings (other keys, comments, other providers). Then the REAL
// client (pinned in test/clients) runs with HOME pointing there and NO base-URL or key variables from the test:
// the config file alone has to bring it to `switchyard serve`, whose provider is a local fake. Checked for each:
// the answer the tool prints, the user's settings still there, a backup, nothing changed on a second run, and the
// request filed in the ledger under the tool's own client token.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseToml } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAI, type RecordedRequest } from '../fakes/openai-fake.js';
import { runClientProcess, type ClientRun } from '../support/client-process.js';
import { runCli, startServe, type ServeProcess } from '../support/serve-process.js';

const providerKey = 'sk-proj-UPSTREAMKEY0123456789abcdefABCDEF';
const clients = fileURLToPath(new URL('../clients/node_modules/', import.meta.url));
const claudeBinary = join(clients, '@anthropic-ai/claude-code/bin/claude.exe');
const codexScript = join(clients, '@openai/codex/bin/codex.js');
const geminiScript = join(clients, '@google/gemini-cli/bundle/gemini.js');
const opencodeBinary = join(clients, 'opencode-ai/bin/opencode.exe');
const clientTimeoutMs = 90_000;

let openaiFake: FakeOpenAI;
let serve: ServeProcess;
let configPath: string;
/** the HOME every tool's config is written into (also `serve`'s, for the control-call path) */
let home: string;
let root: string;
let adminToken: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'sy-connect-'));
  home = join(root, 'home');
  mkdirSync(home);
  openaiFake = await FakeOpenAI.start({ apiKey: providerKey });
  configPath = join(root, 'switchyard.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      providers: [{ id: 'chatonly', type: 'openai-compatible', base_url: openaiFake.baseUrl, api_key_env: 'CHATONLY_API_KEY', models: ['gpt-4o-mini'] }],
      routes: { smart: { targets: ['chatonly/gpt-4o-mini'] }, fast: { targets: ['chatonly/gpt-4o-mini'] } },
      routing: { num_retries: 0, allowed_fails: 1_000, auto_offline: false },
      ledger: { price_refresh: false },
    }),
  );
  serve = await startServe({ configPath, env: { CHATONLY_API_KEY: providerKey, HOME: home } });
  adminToken = readFileSync(join(serve.dataDir, 'admin-token'), 'utf8').trim();
});

afterAll(async () => {
  await serve?.stop();
  await openaiFake?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

/** `switchyard connect …` against this serve's config and data dir, with HOME at the test's home. */
function connect(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runCli(['connect', ...args, '--config', configPath, '--data-dir', serve.dataDir, '--url', serve.url], { env: { HOME: home } });
}

async function control(call: string, body: unknown = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${serve.url}/_switchyard/api/${call}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

const backupsOf = (path: string): string[] =>
  readdirSync(dirname(path)).filter((name) => name.startsWith(`${path.split('/').at(-1) ?? ''}.switchyard-backup-`));

/** The process environment a user's shell would have: no Switchyard address, no key. */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home, LANG: 'C.UTF-8', NO_COLOR: '1', TMPDIR: join(root, 'tmp'), ...extra };
}

function workdir(name: string): string {
  const path = join(root, 'work', name);
  mkdirSync(path, { recursive: true });
  mkdirSync(join(root, 'tmp'), { recursive: true });
  return path;
}

/** The ledger rows of one client token (polled: the ledger writes in batches). */
async function rowsOf(tokenName: string, atLeast = 1): Promise<Array<Record<string, unknown>>> {
  const range = { from: 0, to: Date.now() + 3_600_000 };
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const answer = await control('usage.log', { range, clientTokenName: tokenName });
    const rows = (answer.body['rows'] as Array<Record<string, unknown>> | undefined) ?? [];
    if (rows.length >= atLeast) return rows;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return [];
}

const output = (run: ClientRun): string => `exit ${run.code}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}\nswitchyard:\n${serve.output().slice(-3_000)}`;
const chatFrom = (from: number): RecordedRequest[] => openaiFake.chatRequests().filter((request) => request.index >= from);

describe('connect: the tool list and the paste snippets', () => {
  it('lists every tool, and prints a paste snippet with a token that works', async () => {
    const listed = await connect(['--json']);
    expect(listed.code, listed.stderr).toBe(0);
    const ids = (JSON.parse(listed.stdout) as Array<{ id: string }>).map((tool) => tool.id);
    expect(ids).toEqual([
      'claude-code',
      'codex',
      'gemini-cli',
      'opencode',
      'qwen-code',
      'continue',
      'aider',
      'cursor',
      'copilot',
      'open-webui',
      'openai-sdk',
      'anthropic-sdk',
    ]);

    const printed = await connect(['openai-sdk', '--model', 'fast']);
    expect(printed.code, printed.stderr).toBe(0);
    const token = /OPENAI_API_KEY=(sy-\S+)/.exec(printed.stdout)?.[1];
    expect(token, printed.stdout).toBeDefined();
    expect(printed.stdout).toContain(`OPENAI_BASE_URL=${serve.url}/v1`);
    expect(printed.stderr).toContain("made the client token 'openai-sdk'");
    // printed again: the same token (kept), no new one
    const again = await connect(['openai-sdk', '--model', 'fast']);
    expect(again.stdout).toContain(`OPENAI_API_KEY=${token}`);
    expect(again.stderr).not.toContain('made the client token');

    const checked = await connect(['openai-sdk', '--check']);
    expect(checked.code, checked.stderr).toBe(0);
    expect(checked.stdout.trim()).toMatch(/^ok: ".+"\nserved by chatonly\/gpt-4o-mini in \d+ ms$/);
    expect((await rowsOf('openai-sdk')).length).toBeGreaterThanOrEqual(1);
  });

  it('refuses an unknown tool, and --write for a paste-only tool', async () => {
    const unknown = await connect(['vim']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("no tool 'vim'");
    const paste = await connect(['cursor', '--write', '--yes']);
    expect(paste.code).toBe(1);
    expect(paste.stderr).toContain('writes no file for cursor');
  });
});

describe('Claude Code: connected by the connect.apply control call, then `claude -p`', () => {
  it('keeps the user settings, writes a backup, is idempotent, and Claude Code answers through Switchyard', async () => {
    const settingsPath = join(home, '.claude', 'settings.json');
    write(settingsPath, JSON.stringify({ permissions: { allow: ['Bash(ls:*)'] }, env: { MY_VAR: 'kept' }, includeCoAuthoredBy: false }, null, 2) + '\n');

    const tools = await control('connect.tools');
    expect(tools.status).toBe(200);
    const preview = await control('connect.preview', { tool: 'claude-code', model: 'smart' });
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    const diff = (preview.body['files'] as Array<{ path: string; diff: string; exists: boolean }>)[0];
    expect(diff?.path).toBe(settingsPath);
    expect(diff?.exists).toBe(true);
    expect(diff?.diff).toContain(`+    "ANTHROPIC_BASE_URL": "${serve.url}"`);
    expect(readFileSync(settingsPath, 'utf8')).not.toContain('ANTHROPIC'); // a preview writes nothing

    const applied = await control('connect.apply', { tool: 'claude-code', model: 'smart' });
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
    expect(applied.body['tokenName']).toBe('claude-code');
    expect(applied.body['tokenCreated']).toBe(true);
    const written = applied.body['written'] as Array<{ path: string; backup: string | null }>;
    expect(written).toHaveLength(1);
    expect(written[0]?.backup).toMatch(/settings\.json\.switchyard-backup-\d{8}-\d{9}$/);
    expect(JSON.parse(readFileSync(written[0]?.backup ?? '', 'utf8'))).toEqual({
      permissions: { allow: ['Bash(ls:*)'] },
      env: { MY_VAR: 'kept' },
      includeCoAuthoredBy: false,
    });
    const settings = JSON.parse(readFileSync(settingsPath, 'utf8')) as { env: Record<string, string>; permissions: unknown; includeCoAuthoredBy: boolean };
    expect(settings.permissions).toEqual({ allow: ['Bash(ls:*)'] });
    expect(settings.includeCoAuthoredBy).toBe(false);
    expect(settings.env).toMatchObject({ MY_VAR: 'kept', ANTHROPIC_BASE_URL: serve.url, ANTHROPIC_MODEL: 'smart' });
    expect(settings.env['ANTHROPIC_AUTH_TOKEN']).toMatch(/^sy-/);

    const second = await control('connect.apply', { tool: 'claude-code', model: 'smart' });
    expect(second.body['written']).toEqual([]);
    expect(second.body['tokenCreated']).toBe(false);
    expect(backupsOf(settingsPath)).toHaveLength(1);
    const listed = (await control('connect.tools')).body as unknown as Array<{ id: string; connected: boolean }>;
    expect(listed.find((tool) => tool.id === 'claude-code')?.connected).toBe(true);

    openaiFake.onChat = () => ({ kind: 'reply', content: 'Claude Code came through Switchyard.' });
    const from = openaiFake.requests.length;
    const run = await runClientProcess(claudeBinary, ['-p', 'Say hello'], {
      cwd: workdir('claude'),
      env: userEnv({ DISABLE_TELEMETRY: '1', DISABLE_ERROR_REPORTING: '1', DISABLE_AUTOUPDATER: '1', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' }),
      timeoutMs: clientTimeoutMs,
      name: 'claude -p',
    });
    expect(run.stdout.trim(), output(run)).toBe('Claude Code came through Switchyard.');
    expect(run.code, output(run)).toBe(0);
    expect(chatFrom(from).length).toBeGreaterThanOrEqual(1);
    expect((await rowsOf('claude-code'))[0]).toMatchObject({ clientTokenName: 'claude-code', endpoint: 'messages', providerId: 'chatonly' });

    const check = await control('connect.check', { tool: 'claude-code' });
    expect(check.body).toMatchObject({ ok: true, answer: 'Claude Code came through Switchyard.', provider: 'chatonly', model: 'gpt-4o-mini', error: null });
  });
});

describe('Codex CLI: connected by `switchyard connect codex --write --yes`, then `codex exec`', () => {
  it('keeps the user config.toml (comments, other providers, profiles), and Codex answers through Switchyard', async () => {
    const configToml = join(home, '.codex', 'config.toml');
    const userToml = [
      '# my Codex settings',
      'model = "gpt-5"',
      'approval_policy = "never"',
      'sandbox_mode = "danger-full-access"',
      'check_for_update_on_startup = false',
      '',
      '[analytics]',
      'enabled = false # no analytics',
      '',
      '[feedback]',
      'enabled = false',
      '',
      '[otel]',
      'exporter = "none"',
      'trace_exporter = "none"',
      'metrics_exporter = "none"',
      '',
      '[features]',
      'plugins = false',
      'remote_plugin = false',
      'apps = false',
      '',
      '# another provider of mine',
      '[model_providers.local]',
      'name = "Local"',
      'base_url = "http://127.0.0.1:9/v1"',
      'wire_api = "responses"',
      '',
      '[profiles.fast]',
      'model = "o4-mini"',
      '',
    ].join('\n');
    write(configToml, userToml);

    const written = await connect(['codex', '--write', '--yes', '--model', 'smart']);
    expect(written.code, written.stderr).toBe(0);
    expect(written.stdout).toContain('+[model_providers.switchyard]');
    expect(written.stdout).toContain('-model = "gpt-5"');
    expect(written.stderr).toMatch(/wrote .*config\.toml; the previous version is in .*config\.toml\.switchyard-backup-/);
    const text = readFileSync(configToml, 'utf8');
    expect(text).toContain('# my Codex settings');
    expect(text).toContain('enabled = false # no analytics');
    expect(text).toContain('# another provider of mine');
    const parsed = parseToml(text) as Record<string, unknown>;
    expect(parsed).toMatchObject({ model: 'smart', model_provider: 'switchyard', approval_policy: 'never', profiles: { fast: { model: 'o4-mini' } } });
    expect((parsed['model_providers'] as Record<string, unknown>)['local']).toEqual({
      name: 'Local',
      base_url: 'http://127.0.0.1:9/v1',
      wire_api: 'responses',
    });
    expect((parsed['model_providers'] as Record<string, Record<string, unknown>>)['switchyard']).toMatchObject({
      base_url: `${serve.url}/v1`,
      wire_api: 'responses',
    });
    expect(readFileSync(join(home, '.codex', backupsOf(configToml)[0] ?? ''), 'utf8')).toBe(userToml);

    const again = await connect(['codex', '--write', '--yes', '--model', 'smart']);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('connected already');
    expect(backupsOf(configToml)).toHaveLength(1);

    openaiFake.onChat = () => ({ kind: 'reply', content: 'Codex came through Switchyard.' });
    const work = workdir('codex');
    const run = await runClientProcess(
      process.execPath,
      [codexScript, 'exec', '--json', '--strict-config', '--skip-git-repo-check', '--ephemeral', '--color', 'never', '-C', work, 'Say hello'],
      {
        cwd: work,
        env: userEnv(),
        timeoutMs: clientTimeoutMs,
        name: 'codex exec',
      },
    );
    const messages = run.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { type: string; item?: { type: string; text?: string } })
      .filter((event) => event.type === 'item.completed' && event.item?.type === 'agent_message');
    expect(messages.at(-1)?.item?.text, output(run)).toBe('Codex came through Switchyard.');
    expect(run.code, output(run)).toBe(0);
    expect((await rowsOf('codex'))[0]).toMatchObject({ clientTokenName: 'codex', endpoint: 'responses', providerId: 'chatonly' });

    const check = await connect(['codex', '--check']);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toContain('ok: "Codex came through Switchyard."');
  });
});

describe('Gemini CLI: connected by `switchyard connect gemini-cli --write --yes`, then `gemini -p`', () => {
  it('keeps the user settings.json (comments) and .env, and Gemini CLI answers through Switchyard', async () => {
    const settingsPath = join(home, '.gemini', 'settings.json');
    const envPath = join(home, '.gemini', '.env');
    const userSettings = [
      '{',
      '  // my Gemini settings',
      '  "ui": { "theme": "GitHub" },',
      '  "privacy": { "usageStatisticsEnabled": false },',
      '  "telemetry": { "enabled": false },',
      '  "general": { "disableAutoUpdate": true, "disableUpdateNag": true },',
      '  "ide": { "enabled": false }',
      '}',
      '',
    ].join('\n');
    write(settingsPath, userSettings);
    write(envPath, '# mine\nMY_SETTING=1\n');

    const written = await connect(['gemini-cli', '--write', '--yes', '--model', 'smart']);
    expect(written.code, written.stderr).toBe(0);
    const settings = readFileSync(settingsPath, 'utf8');
    expect(settings).toContain('// my Gemini settings');
    expect(settings).toContain('"ui": { "theme": "GitHub" },');
    expect(settings).toContain('"ide": { "enabled": false }\n}');
    expect(settings).toContain('"selectedType": "gemini-api-key"');
    const env = readFileSync(envPath, 'utf8');
    expect(env).toMatch(new RegExp(`^# mine\\nMY_SETTING=1\\nGOOGLE_GEMINI_BASE_URL=${serve.url.replace(/[.]/g, '\\.')}\\nGEMINI_API_KEY=sy-\\S+\\n$`));
    expect(backupsOf(settingsPath)).toHaveLength(1);
    expect(backupsOf(envPath)).toHaveLength(1);
    expect((await connect(['gemini-cli', '--write', '--yes', '--model', 'smart'])).stderr).toContain('connected already');

    openaiFake.onChat = () => ({ kind: 'reply', content: 'Gemini CLI came through Switchyard.' });
    const run = await runClientProcess(process.execPath, [geminiScript, '--skip-trust', '-p', 'Say hello'], {
      cwd: workdir('gemini'),
      env: userEnv(),
      timeoutMs: clientTimeoutMs,
      name: 'gemini -p',
    });
    expect(run.stdout.trim(), output(run)).toBe('Gemini CLI came through Switchyard.');
    expect(run.code, output(run)).toBe(0);
    expect((await rowsOf('gemini-cli'))[0]).toMatchObject({ clientTokenName: 'gemini-cli', providerId: 'chatonly' });

    const check = await connect(['gemini-cli', '--check']);
    expect(check.code, check.stderr).toBe(0);
  });
});

describe('opencode: connected by `switchyard connect opencode --write --yes`, then `opencode run`', () => {
  it('keeps the user opencode.json (comments, another provider), and opencode answers through Switchyard', async () => {
    const configJson = join(home, '.config', 'opencode', 'opencode.json');
    const userConfig = [
      '{',
      '  "$schema": "https://opencode.ai/config.json",',
      '  // no update checks, no sharing',
      '  "autoupdate": false,',
      '  "share": "disabled",',
      '  "provider": {',
      '    "mine": { "npm": "@ai-sdk/openai-compatible", "name": "Mine", "options": { "baseURL": "http://127.0.0.1:9/v1" }, "models": { "m": {} } }',
      '  }',
      '}',
      '',
    ].join('\n');
    write(configJson, userConfig);

    const written = await connect(['opencode', '--write', '--yes', '--model', 'smart']);
    expect(written.code, written.stderr).toBe(0);
    const text = readFileSync(configJson, 'utf8');
    expect(text).toContain('// no update checks, no sharing');
    expect(text).toContain('"mine": { "npm": "@ai-sdk/openai-compatible"');
    expect(text).toContain('"model": "switchyard/smart"');
    expect(backupsOf(configJson)).toHaveLength(1);
    expect((await connect(['opencode', '--write', '--yes', '--model', 'smart'])).stderr).toContain('connected already');

    openaiFake.onChat = () => ({ kind: 'reply', content: 'opencode came through Switchyard.' });
    const run = await runClientProcess(opencodeBinary, ['run', 'Say hello'], {
      cwd: workdir('opencode'),
      env: userEnv({
        OPENCODE_DISABLE_AUTOUPDATE: '1',
        OPENCODE_DISABLE_MODELS_FETCH: '1',
        OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
        OPENCODE_DISABLE_DEFAULT_PLUGINS: '1',
      }),
      timeoutMs: clientTimeoutMs,
      name: 'opencode run',
    });
    expect(run.stdout, output(run)).toContain('opencode came through Switchyard.');
    expect(run.code, output(run)).toBe(0);
    expect((await rowsOf('opencode'))[0]).toMatchObject({ clientTokenName: 'opencode', endpoint: 'chat', providerId: 'chatonly' });
    expect(existsSync(join(home, '.config', 'opencode', 'opencode.json'))).toBe(true);
  });
});
