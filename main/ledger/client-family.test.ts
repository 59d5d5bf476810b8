// User-Agent strings as the real clients send them → client family.
import { describe, expect, it } from 'vitest';
import { clientFamily, clientSignature } from './client-family.js';

describe('clientFamily', () => {
  it.each([
    ['OpenAI/Python 1.99.9', 'openai-python'],
    ['AsyncOpenAI/Python 1.51.0', 'openai-python'],
    ['OpenAI/JS 4.104.0', 'openai-node'],
    ['Anthropic/Python 0.64.0', 'anthropic-sdk'],
    ['Anthropic/JS 0.60.0', 'anthropic-sdk'],
    ['claude-cli/1.0.83 (external, cli)', 'claude-code'],
    ['curl/8.5.0', 'curl'],
    [
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Cursor/1.4.5 Chrome/132.0.6834.210 Electron/34.5.8 Safari/537.36',
      'cursor',
    ],
    ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36', 'browser'],
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:143.0) Gecko/20100101 Firefox/143.0', 'browser'],
    ['Continue/1.2.3 (vscode)', 'continue'],
    ['aider/0.86.1 litellm/1.74', 'aider'],
    ['QwenCode/0.2.1 (linux; x64)', 'qwen-code'],
    ['opencode/1.18.33 ai-sdk/provider-utils/3.0.9 runtime/bun/1.2.21', 'opencode'],
    ['Agents/JavaScript 0.20.0', 'openai-agents'],
    ['Agents/Python 0.5.1', 'openai-agents'],
    ['ai/7.0.185 ai-sdk-provider-utils/5.0.86 node.js/v20.20.2', 'ai-sdk'],
    ['ai-sdk-openai/4.0.126 ai-sdk-provider-utils/5.0.86 node.js/v20.20.2', 'ai-sdk'],
    ['GeminiCLI/0.61.0/gemini-2.5-pro (linux; x64)', 'gemini-cli'],
    ['ollama-js/0.6.4 (x64 linux Node.js/v20.20.2)', 'ollama-client'],
    ['GitHubCopilotChat/0.31.0', 'copilot'],
    ['python-requests/2.32.3', 'other'],
    ['node', 'other'],
    ['', 'other'],
  ] as const)('%s → %s', (userAgent, family) => {
    expect(clientFamily(userAgent)).toBe(family);
  });

  it.each([
    ['Codex exec', { 'user-agent': 'codex_exec/0.171.0 (Debian 12.0.0; x86_64) unknown (codex_exec; 0.171.0)', originator: 'codex_exec' }, 'codex'],
    ['Codex in an IDE (its own UA hidden behind a proxy)', { 'user-agent': 'node', originator: 'codex_vscode' }, 'codex'],
    ['Claude Code', { 'user-agent': 'claude-cli/2.1.337 (external, cli)', 'x-app': 'cli' }, 'claude-code'],
    [
      'the GenAI SDK',
      { 'user-agent': 'google-genai-sdk/3.6.1 gl-node/v20.20.2', 'x-goog-api-client': 'google-genai-sdk/3.6.1 gl-node/v20.20.2' },
      'google-genai',
    ],
    // @langchain/openai puts `langchainjs-openai/<version> (<env>)` in front of the OpenAI SDK's own User-Agent
    ['LangChain', { 'user-agent': 'langchainjs-openai/1.6.0 (env: node; version: v20.20.2)', 'x-stainless-lang': 'js' }, 'langchain'],
    ['the OpenAI SDK alone', { 'user-agent': 'OpenAI/JS 6.30.1', 'x-stainless-lang': 'js' }, 'openai-node'],
  ] as const)('%s, from its real headers', (_tool, headers, family) => {
    expect(clientFamily(clientSignature(headers))).toBe(family);
  });

  it('answers other for a missing header and does not choke on a huge one', () => {
    expect(clientFamily(undefined)).toBe('other');
    expect(clientFamily(null)).toBe('other');
    expect(clientFamily(`${'x'.repeat(100_000)} curl/8`)).toBe('other');
  });

  it('answers the same for a User-Agent seen before, and past 256 distinct ones still classifies each right', () => {
    for (let round = 0; round < 2; round += 1) {
      expect(clientFamily('OpenAI/Python 1.99.0')).toBe('openai-python');
      expect(clientFamily('claude-cli/2.0.1 (external, cli)')).toBe('claude-code');
    }
    for (let index = 0; index < 600; index += 1) {
      expect(clientFamily(`curl/8.${index}`)).toBe('curl');
      expect(clientFamily(`Mozilla/5.0 build ${index}`)).toBe('browser');
    }
    expect(clientFamily('OpenAI/Python 1.99.0')).toBe('openai-python');
  });
});
