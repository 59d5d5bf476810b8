// Snippets use the real gateway address, and never a token.
import { describe, expect, it } from 'vitest';
import { snippetsFor, tokenPlaceholder } from './snippets';

describe('snippets', () => {
  const snippets = snippetsFor('http://127.0.0.1:6000/', 'fast');

  it('cover the common tools', () => {
    expect(snippets.map((snippet) => snippet.id)).toEqual(['curl', 'python', 'javascript', 'claude-code', 'continue', 'cursor', 'aider', 'open-webui']);
  });

  it('point OpenAI clients at /v1 and Claude Code at the bare address', () => {
    const byId = Object.fromEntries(snippets.map((snippet) => [snippet.id, snippet.code]));
    expect(byId['curl']).toContain('http://127.0.0.1:6000/v1/chat/completions');
    expect(byId['python']).toContain('base_url="http://127.0.0.1:6000/v1"');
    expect(byId['claude-code']).toContain('ANTHROPIC_BASE_URL=http://127.0.0.1:6000\n');
    expect(byId['aider']).toContain('--model openai/fast');
  });

  it('carry a placeholder or an environment variable instead of a token', () => {
    for (const snippet of snippets) expect(snippet.code.includes(tokenPlaceholder) || snippet.code.includes('SWITCHYARD_TOKEN')).toBe(true);
  });
});
