// What a request needs from a target: tools, vision, JSON schema, and a cheap context estimate.
import { describe, expect, it } from 'vitest';
import type { ChatRequest, ToolDefinition } from '../../../shared/openai-types.js';
import { minimumAnswerRoom, requirementsOf } from './requirements.js';

const weather: ToolDefinition = { type: 'function', function: { name: 'weather', parameters: { type: 'object' } } };

function request(overrides: Partial<ChatRequest> = {}): ChatRequest {
  return { model: 'm', messages: [{ role: 'user', content: 'hi' }], ...overrides };
}

describe('requirementsOf', () => {
  it('a plain text request needs nothing special', () => {
    expect(requirementsOf(request())).toEqual({ tools: false, vision: false, jsonSchema: false, contextTokens: 1 });
  });

  it('tools are needed when tools are given, unless tool_choice is "none"', () => {
    expect(requirementsOf(request({ tools: [weather] })).tools).toBe(true);
    expect(requirementsOf(request({ tools: [weather], tool_choice: 'auto' })).tools).toBe(true);
    expect(requirementsOf(request({ tools: [weather], tool_choice: 'required' })).tools).toBe(true);
    expect(requirementsOf(request({ tools: [weather], tool_choice: { type: 'function', function: { name: 'weather' } } })).tools).toBe(true);
    expect(requirementsOf(request({ tools: [weather], tool_choice: 'none' })).tools).toBe(false);
    expect(requirementsOf(request({ tools: [] })).tools).toBe(false);
  });

  it('tool definitions still count towards the context when tool_choice is "none"', () => {
    const withTools = requirementsOf(request({ tools: [weather], tool_choice: 'none' }));
    expect(withTools.contextTokens).toBe(Math.ceil((2 + JSON.stringify([weather]).length) / 4));
  });

  it('an image part needs vision and adds a flat 1 000 tokens', () => {
    const result = requirementsOf(
      request({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'what is this?' },
              { type: 'image_url', image_url: { url: `data:image/png;base64,${'A'.repeat(40_000)}` } },
            ],
          },
        ],
      }),
    );
    expect(result.vision).toBe(true);
    expect(result.contextTokens).toBe(Math.ceil('what is this?'.length / 4) + 1_000);
  });

  it('json_schema output is noted; json_object and text are not', () => {
    expect(requirementsOf(request({ response_format: { type: 'json_schema', json_schema: { name: 'x', schema: {} } } })).jsonSchema).toBe(true);
    expect(requirementsOf(request({ response_format: { type: 'json_object' } })).jsonSchema).toBe(false);
    expect(requirementsOf(request({ response_format: { type: 'text' } })).jsonSchema).toBe(false);
  });

  it('estimates input as characters / 4 over every message, including assistant tool calls', () => {
    const result = requirementsOf(
      request({
        messages: [
          { role: 'system', content: 'a'.repeat(400) },
          { role: 'user', content: [{ type: 'text', text: 'b'.repeat(400) }] },
          { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'lookup', arguments: '{"q":"x"}' } }] },
          { role: 'tool', tool_call_id: 'c1', content: 'c'.repeat(100) },
        ],
      }),
    );
    expect(result.contextTokens).toBe(Math.ceil((400 + 400 + 'lookup'.length + '{"q":"x"}'.length + 100) / 4));
  });

  it('adds the output the request reserves: max_completion_tokens, else max_tokens', () => {
    const base = requirementsOf(request({ messages: [{ role: 'user', content: 'x'.repeat(4_000) }] })).contextTokens;
    expect(base).toBe(1_000);
    expect(requirementsOf(request({ messages: [{ role: 'user', content: 'x'.repeat(4_000) }], max_tokens: 500 })).contextTokens).toBe(1_500);
    expect(
      requirementsOf(request({ messages: [{ role: 'user', content: 'x'.repeat(4_000) }], max_tokens: 500, max_completion_tokens: 2_000 })).contextTokens,
    ).toBe(3_000);
    expect(
      requirementsOf(request({ messages: [{ role: 'user', content: 'x'.repeat(4_000) }], max_tokens: null, max_completion_tokens: null })).contextTokens,
    ).toBe(1_000);
  });

  it("counts max_tokens only up to room for a useful answer: Claude Code's 32 000 must not rule out a 40 960-token local model", () => {
    const claudeCode = requirementsOf(request({ messages: [{ role: 'user', content: 'x'.repeat(48_000) }], max_tokens: 32_000 }));
    expect(claudeCode.contextTokens).toBe(12_000 + minimumAnswerRoom);
    expect(claudeCode.contextTokens).toBeLessThan(40_960);
  });
});
