// Each config-file tool's edit on a file that already holds the user's own settings: ours are set, theirs (other
// keys, comments, other providers or models) stay, a second run changes nothing, and reading back finds the
// connection. Every file format Switchyard writes is here: JSON with comments, TOML, YAML, .env.
import { parse as parseToml } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { readJson } from './json-edit.js';
import type { ConnectSettings } from './settings.js';
import { editToolFile, readToolConfig } from './tool-config.js';
import { findTool, type ConnectTool, type ToolFile } from './tools.js';

const settings: ConnectSettings = {
  url: 'http://127.0.0.1:5454',
  ollamaUrl: null,
  token: 'sy-TOKEN0123456789abcdefghijklmnopqrstuvwxyzAB',
  model: 'smart',
  models: ['smart', 'fast'],
};

function tool(id: string): ConnectTool {
  const found = findTool(id);
  if (!found) throw new Error(id);
  return found;
}

function edit(id: string, befores: ReadonlyArray<string | null>, with_: ConnectSettings = settings): string[] {
  const entry = tool(id);
  return entry.files.map((file, index) => editToolFile(entry, file, befores[index] ?? null, with_));
}

function expectIdempotent(id: string, afters: readonly string[]): void {
  expect(edit(id, afters)).toEqual(afters);
}

function readBack(id: string, texts: readonly string[]): ReturnType<typeof readToolConfig> {
  const entry = tool(id);
  return readToolConfig(entry, (file: ToolFile) => texts[entry.files.indexOf(file)] ?? null, settings.url);
}

describe('Claude Code: ~/.claude/settings.json', () => {
  it('sets env keys next to the user ones, keeping comments and other settings', () => {
    const before = '{\n  // mine\n  "model": "opus",\n  "env": { "FOO": "1" },\n  "permissions": { "allow": ["Bash(ls:*)"] }\n}\n';
    const [after = ''] = edit('claude-code', [before]);
    expect(after).toContain('// mine');
    expect(after).toContain('"permissions": { "allow": ["Bash(ls:*)"] }');
    expect(readJson(after, '')).toEqual({
      model: 'opus',
      env: {
        FOO: '1',
        ANTHROPIC_BASE_URL: settings.url,
        ANTHROPIC_AUTH_TOKEN: settings.token,
        ANTHROPIC_MODEL: 'smart',
        ANTHROPIC_DEFAULT_OPUS_MODEL: 'smart',
        ANTHROPIC_DEFAULT_SONNET_MODEL: 'smart',
        ANTHROPIC_DEFAULT_HAIKU_MODEL: 'smart',
        ANTHROPIC_DEFAULT_FABLE_MODEL: 'smart',
      },
      permissions: { allow: ['Bash(ls:*)'] },
    });
    expectIdempotent('claude-code', [after]);
    expect(readBack('claude-code', [after])).toEqual({ connected: true, token: settings.token, model: 'smart' });
  });

  it('leaves the model variables alone when no model is chosen, and keeps tab indentation', () => {
    const before = '{\n\t"env": {\n\t\t"ANTHROPIC_MODEL": "mine"\n\t}\n}\n';
    const [after = ''] = edit('claude-code', [before], { ...settings, model: null });
    expect(after).toContain('\t\t"ANTHROPIC_MODEL": "mine"');
    expect(after).toContain('\t\t"ANTHROPIC_BASE_URL": "http://127.0.0.1:5454"');
  });

  it('refuses a file that is not JSON, or whose "env" is not an object', () => {
    expect(() => edit('claude-code', ['{ "env": '])).toThrow(/not valid JSON/);
    expect(() => edit('claude-code', ['{ "env": "x" }'])).toThrow(/"env" is not an object/);
  });
});

describe('Codex: ~/.codex/config.toml', () => {
  it('adds the provider table and selects it, keeping another provider and the comments', () => {
    const before = '# mine\nmodel = "o3"\n\n[model_providers.ollama]\nname = "Ollama" # local\nbase_url = "http://localhost:11434/v1"\n';
    const [after = ''] = edit('codex', [before]);
    expect(after).toContain('name = "Ollama" # local');
    expect(parseToml(after)).toEqual({
      model: 'smart',
      model_provider: 'switchyard',
      model_providers: {
        ollama: { name: 'Ollama', base_url: 'http://localhost:11434/v1' },
        switchyard: { name: 'Switchyard', base_url: `${settings.url}/v1`, wire_api: 'responses', experimental_bearer_token: settings.token },
      },
    });
    expectIdempotent('codex', [after]);
    expect(readBack('codex', [after])).toEqual({ connected: true, token: settings.token, model: 'smart' });
  });
});

describe('Gemini CLI: ~/.gemini/settings.json and ~/.gemini/.env', () => {
  it('selects API-key sign-in and the model; the .env gets the address and token beside the user lines', () => {
    const [settingsJson = '', env = ''] = edit('gemini-cli', [
      '{\n  "ui": { "theme": "GitHub" }, // mine\n  "security": { "folderTrust": { "enabled": true } }\n}\n',
      '# mine\nGEMINI_API_KEY=old\nOTHER=1\n',
    ]);
    expect(settingsJson).toContain('"ui": { "theme": "GitHub" }, // mine');
    expect(readJson(settingsJson, '')).toEqual({
      ui: { theme: 'GitHub' },
      security: { auth: { selectedType: 'gemini-api-key' }, folderTrust: { enabled: true } },
      model: { name: 'smart' },
    });
    expect(env).toBe(`# mine\nGEMINI_API_KEY=${settings.token}\nOTHER=1\nGOOGLE_GEMINI_BASE_URL=http://127.0.0.1:5454\n`);
    expectIdempotent('gemini-cli', [settingsJson, env]);
    expect(readBack('gemini-cli', [settingsJson, env])).toEqual({ connected: true, token: settings.token, model: 'smart' });
  });
});

describe('opencode: ~/.config/opencode/opencode.json', () => {
  it('adds a switchyard provider with the route aliases as models, next to the user providers', () => {
    const before =
      '{\n  "$schema": "https://opencode.ai/config.json",\n  "provider": {\n    "ollama": { "npm": "@ai-sdk/openai-compatible", "options": { "baseURL": "http://localhost:11434/v1" } }\n  }\n}\n';
    const [after = ''] = edit('opencode', [before]);
    expect(after).toContain('"ollama": { "npm": "@ai-sdk/openai-compatible", "options": { "baseURL": "http://localhost:11434/v1" } }');
    const parsed = readJson(after, '') as { provider: Record<string, unknown>; model: string };
    expect(parsed.model).toBe('switchyard/smart');
    expect(parsed.provider['switchyard']).toEqual({
      npm: '@ai-sdk/openai-compatible',
      name: 'Switchyard',
      options: { baseURL: `${settings.url}/v1`, apiKey: settings.token },
      models: { smart: { name: 'smart' }, fast: { name: 'fast' } },
    });
    expectIdempotent('opencode', [after]);
    expect(readBack('opencode', [after])).toEqual({ connected: true, token: settings.token, model: 'smart' });
  });
});

describe('Qwen Code: ~/.qwen/settings.json and ~/.qwen/.env', () => {
  it('selects the OpenAI-compatible sign-in and writes OPENAI_* to its .env', () => {
    const [settingsJson = '', env = ''] = edit('qwen-code', ['{ "ui": { "theme": "Default" } }\n', null]);
    expect(readJson(settingsJson, '')).toEqual({ ui: { theme: 'Default' }, security: { auth: { selectedType: 'openai' } }, model: { name: 'smart' } });
    expect(env).toBe(`OPENAI_BASE_URL=http://127.0.0.1:5454/v1\nOPENAI_API_KEY=${settings.token}\nOPENAI_MODEL=smart\n`);
    expect(readBack('qwen-code', [settingsJson, env]).connected).toBe(true);
  });
});

describe('Continue: ~/.continue/config.yaml', () => {
  it("puts Switchyard's models first, keeps the user's models and comments, and replaces its own on a re-run", () => {
    const before =
      'name: My config # mine\nversion: 0.0.1\nschema: v1\nmodels:\n  # my local one\n  - name: Llama\n    provider: ollama\n    model: llama3.2\n';
    const [after = ''] = edit('continue', [before]);
    expect(after).toContain('name: My config # mine');
    expect(after).toContain('# my local one');
    const parsed = parseYaml(after) as { models: Array<Record<string, unknown>> };
    expect(parsed.models.map((model) => model['name'])).toEqual(['Switchyard: smart', 'Switchyard: fast', 'Llama']);
    expect(parsed.models[0]).toEqual({
      name: 'Switchyard: smart',
      provider: 'openai',
      model: 'smart',
      apiBase: `${settings.url}/v1`,
      apiKey: settings.token,
      roles: ['chat', 'edit', 'apply'],
    });
    expectIdempotent('continue', [after]);
    const [rerun = ''] = edit('continue', [after], { ...settings, model: 'fast' });
    expect((parseYaml(rerun) as { models: Array<Record<string, unknown>> }).models.map((model) => model['name'])).toEqual([
      'Switchyard: fast',
      'Switchyard: smart',
      'Llama',
    ]);
    expect(readBack('continue', [after])).toEqual({ connected: true, token: settings.token, model: 'smart' });
  });

  it('makes a new file with the fields Continue requires', () => {
    const [after = ''] = edit('continue', [null]);
    expect(parseYaml(after)).toMatchObject({ name: 'Local config', version: '1.0.0', schema: 'v1' });
  });
});

describe('Aider: ~/.aider.conf.yml', () => {
  it('sets the OpenAI-compatible address, key and model, keeping the user options and comments', () => {
    const before = '# aider options\ndark-mode: true\nmodel: gpt-4o # old\n';
    const [after = ''] = edit('aider', [before]);
    expect(after).toContain('# aider options');
    expect(after).toContain('dark-mode: true');
    expect(parseYaml(after)).toEqual({ 'dark-mode': true, model: 'openai/smart', 'openai-api-base': `${settings.url}/v1`, 'openai-api-key': settings.token });
    expectIdempotent('aider', [after]);
    expect(readBack('aider', [after])).toEqual({ connected: true, token: settings.token, model: 'smart' });
  });

  it('refuses YAML it cannot read', () => {
    expect(() => edit('aider', ['model: [unclosed\n'])).toThrow(/not valid YAML/);
  });
});
