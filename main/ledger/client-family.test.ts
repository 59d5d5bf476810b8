// User-Agent strings as the real clients send them → client family.
import { describe, expect, it } from 'vitest';
import { clientFamily } from './client-family.js';

describe('clientFamily', () => {
  it.each([
    ['OpenAI/Python 1.99.9', 'openai-python'],
    ['AsyncOpenAI/Python 1.51.0', 'openai-python'],
    ['OpenAI/JS 4.104.0', 'openai-node'],
    ['Anthropic/Python 0.64.0', 'anthropic-sdk'],
    ['Anthropic/JS 0.60.0', 'anthropic-sdk'],
    ['claude-cli/1.0.83 (external, cli)', 'claude-code'],
    ['curl/8.5.0', 'curl'],
    ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Cursor/1.4.5 Chrome/132.0.6834.210 Electron/34.5.8 Safari/537.36', 'cursor'],
    ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36', 'browser'],
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:143.0) Gecko/20100101 Firefox/143.0', 'browser'],
    ['Continue/1.2.3 (vscode)', 'continue'],
    ['aider/0.86.1 litellm/1.74', 'aider'],
    ['python-requests/2.32.3', 'other'],
    ['node', 'other'],
    ['', 'other'],
  ] as const)('%s → %s', (userAgent, family) => {
    expect(clientFamily(userAgent)).toBe(family);
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
