import { describe, expect, it } from 'vitest';
import { estimateTokens, loadTokenizer, requestText } from './token-estimate.js';

describe('token estimates', () => {
  it('count with the o200k tokenizer once it is loaded', async () => {
    await loadTokenizer();
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('Hello world')).toBe(2);
    expect(estimateTokens('The quick brown fox jumps over the lazy dog.')).toBe(10);
  });

  it('take the text of every message, tool call and tool definition', () => {
    const text = requestText({
      model: 'm',
      messages: [
        { role: 'system', content: 'be brief' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'hi' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
          ],
        },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }] },
        { role: 'tool', tool_call_id: 'c', content: 'done' },
      ],
      tools: [{ type: 'function', function: { name: 'f' } }],
    });
    expect(text.split('\n')).toEqual(['be brief', 'hi', 'f', '{"a":1}', 'done', '[{"type":"function","function":{"name":"f"}}]']);
  });
});
