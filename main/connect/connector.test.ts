// Connecting on a temporary HOME with a real token store: the preview writes nothing and shows the token masked,
// apply keeps a backup of each file and writes only what changed, a second apply writes nothing, a file it cannot
// edit stops the whole apply before anything is written, and the tool's token is made once and then reused.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir, type TempDir } from '../ledger/test-support/fixtures.js';
import { ClientTokenStore } from '../secrets/client-token-store.js';
import { applyTool, listTools, pasteSnippet, previewTool, UnknownToolError, type ConnectEnvironment } from './connector.js';
import { ConnectFileError } from './errors.js';
import { ensureToolToken, keptToolToken, toolTokensDirName } from './tool-token.js';

let directory: TempDir | undefined;
const stores: ClientTokenStore[] = [];

afterEach(() => {
  for (const store of stores.splice(0)) store.close();
  directory?.remove();
  directory = undefined;
});

function setup(): { environment: ConnectEnvironment; home: string; dataDir: string; store: ClientTokenStore } {
  directory = tempDir('switchyard-connect-');
  const home = directory.file('home');
  const dataDir = directory.file('data');
  mkdirSync(home);
  mkdirSync(dataDir);
  const store = ClientTokenStore.open({ path: join(dataDir, 'ledger.sqlite') });
  stores.push(store);
  let clock = Date.parse('2026-12-07T10:00:00Z');
  const environment: ConnectEnvironment = {
    home,
    url: 'http://127.0.0.1:5454',
    ollamaUrl: null,
    sources: { routes: [{ name: 'smart' }, { name: 'claude-*' }], providers: [] },
    tokens: { kept: (name) => keptToolToken(store, dataDir, name), ensure: (name) => ensureToolToken(store, dataDir, name) },
    now: () => new Date((clock += 1_000)),
  };
  return { environment, home, dataDir, store };
}

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

describe('connecting a tool on a temporary HOME', () => {
  it('previews without writing, applies with a backup, and changes nothing on a second run', () => {
    const { environment, home, store } = setup();
    const settingsPath = join(home, '.claude', 'settings.json');
    const user = '{\n  // my settings\n  "theme": "dark"\n}\n';
    write(settingsPath, user);

    const preview = previewTool(environment, 'claude-code', 'smart');
    expect(preview.files).toHaveLength(1);
    expect(preview.files[0]).toMatchObject({ path: settingsPath, exists: true });
    expect(preview.files[0]?.diff).toContain("<new client token 'claude-code', made when you connect>");
    expect(preview.models).toEqual(['smart']);
    expect(readFileSync(settingsPath, 'utf8')).toBe(user);
    expect(store.get('claude-code')).toBeUndefined();

    const applied = applyTool(environment, 'claude-code', 'smart');
    expect(applied).toMatchObject({ tokenName: 'claude-code', tokenCreated: true, tokenReplaced: false });
    expect(applied.written).toEqual([{ path: settingsPath, backup: expect.stringMatching(/settings\.json\.switchyard-backup-\d{8}-\d{9}$/) as unknown }]);
    expect(readFileSync(applied.written[0]?.backup ?? '', 'utf8')).toBe(user);
    const text = readFileSync(settingsPath, 'utf8');
    expect(text).toContain('// my settings');
    expect(text).toContain('"theme": "dark"');
    const token = /"ANTHROPIC_AUTH_TOKEN": "(sy-[^"]+)"/.exec(text)?.[1] ?? '';
    expect(store.holds('claude-code', token)).toBe(true);
    expect(statSync(settingsPath).mode & 0o077).toBe(0); // it holds a token now: the user's only

    // a later preview finds nothing to change; diffs show the token masked
    const again = previewTool(environment, 'claude-code', 'smart');
    expect(again.files[0]?.diff).toBe('');
    expect(JSON.stringify(again.files)).not.toContain(token.slice(3));
    expect(again.snippet).toContain(`ANTHROPIC_AUTH_TOKEN=${token}`); // what to paste: the kept token itself

    const second = applyTool(environment, 'claude-code', 'smart');
    expect(second).toMatchObject({ written: [], tokenCreated: false });
    expect(readdirSync(dirname(settingsPath)).filter((name) => name.includes('switchyard-backup'))).toHaveLength(1);
    expect(listTools(environment).find((tool) => tool.id === 'claude-code')?.connected).toBe(true);

    // a model change is shown as a diff of just that line
    const switched = previewTool(environment, 'claude-code', 'fast');
    expect(switched.files[0]?.diff).toContain('-    "ANTHROPIC_MODEL": "smart",');
    expect(switched.files[0]?.diff).toContain('+    "ANTHROPIC_MODEL": "fast",');
    expect(switched.files[0]?.diff).toContain('sy-…');
  });

  it("follows the tools' own folder variables (CODEX_HOME, CLAUDE_CONFIG_DIR, XDG_CONFIG_HOME)", () => {
    const { environment, home } = setup();
    const moved = { ...environment, env: { CODEX_HOME: join(home, 'codex-home'), XDG_CONFIG_HOME: join(home, 'xdg') } };
    expect(previewTool(moved, 'codex', 'smart').files[0]?.path).toBe(join(home, 'codex-home', 'config.toml'));
    expect(previewTool(moved, 'opencode', 'smart').files[0]?.path).toBe(join(home, 'xdg', 'opencode', 'opencode.json'));
    expect(previewTool(moved, 'claude-code', 'smart').files[0]?.path).toBe(join(home, '.claude', 'settings.json'));
  });

  it('creates missing files and folders without a backup', () => {
    const { environment, home } = setup();
    const applied = applyTool(environment, 'gemini-cli', 'smart');
    expect(applied.written).toEqual([
      { path: join(home, '.gemini', 'settings.json'), backup: null },
      { path: join(home, '.gemini', '.env'), backup: null },
    ]);
    expect(readFileSync(join(home, '.gemini', '.env'), 'utf8')).toMatch(/^GOOGLE_GEMINI_BASE_URL=http:\/\/127\.0\.0\.1:5454\nGEMINI_API_KEY=sy-/);
  });

  it('writes nothing at all when one of the files cannot be edited', () => {
    const { environment, home } = setup();
    write(join(home, '.gemini', 'settings.json'), '{ "broken": ');
    expect(() => applyTool(environment, 'gemini-cli', 'smart')).toThrow(ConnectFileError);
    expect(existsSync(join(home, '.gemini', '.env'))).toBe(false);
    expect(readFileSync(join(home, '.gemini', 'settings.json'), 'utf8')).toBe('{ "broken": ');
  });

  it('names a file it cannot write, and writes no half of it', () => {
    const { environment, home } = setup();
    write(join(home, '.codex', 'config.toml'), 'model = "o3"\n');
    // the backup's name is taken by a folder: the copy fails before the file is touched
    mkdirSync(join(home, '.codex', 'config.toml.switchyard-backup-20261207-100000000'));
    const fixed = { ...environment, now: () => new Date(2026, 11, 7, 10, 0, 0, 0) };
    expect(() => applyTool(fixed, 'codex', 'smart')).toThrow(/\.codex\/config\.toml: cannot write it \(E[A-Z]+\)/);
    expect(readFileSync(join(home, '.codex', 'config.toml'), 'utf8')).toBe('model = "o3"\n');
  });

  it('keeps one token per tool: reused while it works, replaced when revoked or made elsewhere', () => {
    const { environment, dataDir, store } = setup();
    const first = pasteSnippet(environment, 'openai-sdk', undefined);
    expect(first.token).toMatchObject({ created: true, replaced: false });
    expect(first.snippet).toContain(`OPENAI_API_KEY=${first.token?.token}`);
    expect(statSync(join(dataDir, toolTokensDirName, 'openai-sdk')).mode & 0o777).toBe(0o600);
    expect(pasteSnippet(environment, 'openai-sdk', undefined).token).toMatchObject({ token: first.token?.token, created: false });

    store.revoke('openai-sdk');
    const afterRevoke = pasteSnippet(environment, 'openai-sdk', undefined).token;
    expect(afterRevoke).toMatchObject({ created: true, replaced: false });
    expect(afterRevoke?.token).not.toBe(first.token?.token);
  });

  it('replaces a token of the same name it holds no plaintext for, and says so', () => {
    const { environment, store } = setup();
    store.create('codex'); // `switchyard tokens create codex`: shown once, not kept
    const token = pasteSnippet(environment, 'codex', 'smart').token;
    expect(token).toMatchObject({ created: true, replaced: true });
    expect(store.holds('codex', token?.token ?? '')).toBe(true);
  });

  it("makes no token for Copilot (the Ollama API's tokenless loopback access) and names an unknown tool", () => {
    const { environment, store } = setup();
    expect(pasteSnippet(environment, 'copilot', undefined)).toMatchObject({ token: null, tokenName: 'ollama-api' });
    expect(pasteSnippet(environment, 'copilot', undefined).snippet).toContain('ollama_api:');
    expect(pasteSnippet({ ...environment, ollamaUrl: 'http://127.0.0.1:11435' }, 'copilot', undefined).snippet).toContain(
      '"github.copilot.chat.byok.ollamaEndpoint": "http://127.0.0.1:11435"',
    );
    expect(store.list()).toEqual([]);
    expect(() => previewTool(environment, 'vim', undefined)).toThrow(UnknownToolError);
  });

  it('keeps Claude Code on its own model names when a route catches them', () => {
    const { environment } = setup();
    expect(previewTool(environment, 'claude-code', undefined).model).toBeNull();
    expect(previewTool(environment, 'codex', undefined).model).toBe('smart');
    expect(previewTool({ ...environment, sources: { routes: [], providers: [] } }, 'claude-code', undefined).model).toBeNull();
    expect(
      previewTool({ ...environment, sources: { routes: [], providers: [{ id: 'ollama', type: 'ollama', models: ['qwen3:8b'] }] } }, 'claude-code', undefined)
        .model,
    ).toBe('ollama/qwen3:8b');
  });
});
