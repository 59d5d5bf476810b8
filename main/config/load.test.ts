import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, defaultProviderInputs, findConfigPath, loadConfig, parseConfigText, resolveConfig } from './load.js';
import { ollamaBaseUrl } from './presets.js';

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('config file', () => {
  it('names a misspelt field and its line', () => {
    const text = ['providers:', '  - id: groq', '    base_urll: https://api.groq.com/openai/v1', ''].join('\n');
    expect(problemsOf(() => parseConfigText(text, 'c.yaml'))).toEqual([expect.stringMatching(/^line 3: providers\[0\]\.base_urll: Unrecognized key/)]);
  });

  it('names a wrong type with its line', () => {
    const text = ['server:', '  port: "fifty"', ''].join('\n');
    const [problem] = problemsOf(() => parseConfigText(text, 'c.yaml'));
    expect(problem).toMatch(/^line 2: server\.port: /);
  });

  it('reports YAML syntax errors with line and column', () => {
    const [problem] = problemsOf(() => parseConfigText('providers:\n  - id: [unclosed\n', 'c.yaml'));
    expect(problem).toMatch(/^line \d+, column \d+: /);
  });

  it('accepts JSON too', () => {
    const parsed = parseConfigText('{"providers":[{"id":"openai"}]}', 'c.json');
    expect(parsed.providers?.[0]?.id).toBe('openai');
  });

  it('lists every problem at once and does not start on half a config', () => {
    const problems = problemsOf(() =>
      resolveConfig({ providers: [{ id: 'custom' }, { id: 'openai' }, { id: 'openai' }, { id: 'x', type: 'openai-compatible' }] }, { path: 'c.yaml', env: {} }),
    );
    expect(problems).toEqual([
      "providers[0]: 'custom' needs a type (openai-compatible, ollama, anthropic, gemini) or a preset",
      "providers[2].id: 'openai' is used twice",
      "providers[3]: 'x' needs a base_url",
    ]);
  });

  it('rejects base URLs with credentials and non-http schemes', () => {
    expect(problemsOf(() => parseConfigText('providers:\n  - id: a\n    type: openai-compatible\n    base_url: file:///etc/passwd\n', 'c.yaml'))[0]).toMatch(
      /line 4: providers\[0\]\.base_url: must be an http\(s\) URL/,
    );
    expect(problemsOf(() => parseConfigText('providers:\n  - id: a\n    base_url: https://u:p@example.com\n', 'c.yaml'))[0]).toMatch(/base_url/);
  });

  it('a missing file is an error naming the file', () => {
    expect(() => loadConfig({ path: '/nonexistent/switchyard.yaml', env: {} })).toThrow(/switchyard\.yaml.*\n.*file not found/);
  });
});

describe('resolution', () => {
  it('keeps every request row by default; ledger.retention_days sets an age limit in whole days', () => {
    expect(resolveConfig(parseConfigText('{}', 'c.json'), { path: undefined, env: {} }).ledger.retentionDays).toBeUndefined();
    expect(resolveConfig(parseConfigText('ledger:\n  retention_days: 90\n', 'c.yaml'), { path: undefined, env: {} }).ledger.retentionDays).toBe(90);
    expect(problemsOf(() => parseConfigText('ledger:\n  retention_days: 0.5\n', 'c.yaml'))).toEqual([
      expect.stringMatching(/^line 2: ledger\.retention_days: /),
    ]);
  });

  it('keeps body capture off by default and reads ledger.capture strictly', () => {
    expect(resolveConfig(parseConfigText('{}', 'c.json'), { path: undefined, env: {} }).ledger.capture).toEqual({
      enabled: false,
      retentionDays: 7,
      maxBytesPerRequest: 262_144,
    });
    const text = ['ledger:', '  capture:', '    enabled: true', '    retention_days: 2', '    max_bytes_per_request: 4096', ''].join('\n');
    expect(resolveConfig(parseConfigText(text, 'c.yaml'), { path: undefined, env: {} }).ledger.capture).toEqual({
      enabled: true,
      retentionDays: 2,
      maxBytesPerRequest: 4096,
    });
    expect(problemsOf(() => parseConfigText('ledger:\n  capture:\n    enabled: true\n    headers: true\n', 'c.yaml'))).toEqual([
      expect.stringMatching(/^line 4: ledger\.capture\.headers: Unrecognized key/),
    ]);
    expect(problemsOf(() => parseConfigText('ledger:\n  capture: { retention_days: 0 }\n', 'c.yaml'))).toEqual([
      expect.stringMatching(/ledger\.capture\.retention_days/),
    ]);
  });

  it('fills presets from the id alone', () => {
    const config = resolveConfig({ providers: [{ id: 'groq' }, { id: 'lmstudio' }] }, { path: undefined, env: {} });
    expect(config.providers).toEqual([
      expect.objectContaining({
        id: 'groq',
        type: 'openai-compatible',
        baseUrl: 'https://api.groq.com/openai/v1',
        apiKeyEnv: 'GROQ_API_KEY',
        locality: 'cloud',
      }),
      expect.objectContaining({ id: 'lmstudio', baseUrl: 'http://127.0.0.1:1234/v1', apiKeyEnv: undefined, locality: 'local' }),
    ]);
  });

  it('a custom provider on loopback is local, elsewhere cloud; preset under another id works', () => {
    const config = resolveConfig(
      {
        providers: [
          { id: 'box', type: 'openai-compatible', base_url: 'http://127.0.0.1:9999/v1/' },
          { id: 'remote', type: 'openai-compatible', base_url: 'https://llm.example.com/v1', api_key_env: 'REMOTE_KEY' },
          { id: 'work-openai', preset: 'openai', api_key_env: 'WORK_OPENAI_KEY' },
        ],
      },
      { path: undefined, env: {} },
    );
    expect(config.providers.map((provider) => [provider.id, provider.locality, provider.baseUrl, provider.apiKeyEnv])).toEqual([
      ['box', 'local', 'http://127.0.0.1:9999/v1', undefined],
      ['remote', 'cloud', 'https://llm.example.com/v1', 'REMOTE_KEY'],
      ['work-openai', 'cloud', 'https://api.openai.com/v1', 'WORK_OPENAI_KEY'],
    ]);
  });

  it('without a file: Ollama plus every cloud provider whose key is set', () => {
    expect(defaultProviderInputs({}).map((input) => input.id)).toEqual(['ollama']);
    expect(defaultProviderInputs({ GROQ_API_KEY: 'g', OPENAI_API_KEY: 'o', XAI_API_KEY: '' }).map((input) => input.id)).toEqual(['ollama', 'openai', 'groq']);
    const config = loadConfig({ path: undefined, env: { OLLAMA_HOST: '0.0.0.0:11500', DEEPSEEK_API_KEY: 'd' } });
    expect(config.providers.map((provider) => `${provider.id} ${provider.baseUrl}`)).toEqual([
      'ollama http://127.0.0.1:11500',
      'deepseek https://api.deepseek.com/v1',
    ]);
    expect(config.server).toMatchObject({ host: '127.0.0.1', port: 5454, maxBodyBytes: 32 * 1024 * 1024 });
    expect(config.source).toBeUndefined();
  });

  it('understands the forms OLLAMA_HOST takes', () => {
    expect(ollamaBaseUrl({})).toBe('http://127.0.0.1:11434');
    expect(ollamaBaseUrl({ OLLAMA_HOST: 'gpu-box' })).toBe('http://gpu-box:11434');
    expect(ollamaBaseUrl({ OLLAMA_HOST: 'http://10.0.0.5:8000' })).toBe('http://10.0.0.5:8000');
    expect(ollamaBaseUrl({ OLLAMA_HOST: 'https://ollama.example.com' })).toBe('https://ollama.example.com');
  });

  it('flags beat the file; disabled providers are left out', () => {
    const config = resolveConfig(
      { server: { port: 7000, host: '127.0.0.1' }, providers: [{ id: 'openai', enabled: false }] },
      { path: 'c', env: {}, port: 7001 },
    );
    expect(config.server.port).toBe(7001);
    expect(config.providers).toEqual([]);
  });

  it('finds the config: flag, then SWITCHYARD_CONFIG, then the data dir', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-config-'));
    expect(findConfigPath(undefined, {}, dir)).toBeUndefined();
    writeFileSync(join(dir, 'config.yml'), 'providers: []\n');
    expect(findConfigPath(undefined, {}, dir)).toBe(join(dir, 'config.yml'));
    expect(findConfigPath(undefined, { SWITCHYARD_CONFIG: '/e.yaml' }, dir)).toBe('/e.yaml');
    expect(findConfigPath('/f.yaml', { SWITCHYARD_CONFIG: '/e.yaml' }, dir)).toBe('/f.yaml');
  });
});
