// ChatCompletion → Anthropic message: block order, thinking (signed or not), tool input, stop reasons and the
// Anthropic usage split (input excludes cache reads and writes).
import { describe, expect, it } from 'vitest';
import type { ChatCompletion } from '../../../../shared/openai-types.js';
import { messageId, stopReasonFor, toAnthropicMessage, toAnthropicUsage } from './to-anthropic-message.js';

const completion = (message: Record<string, unknown>, finishReason: ChatCompletion['choices'][number]['finish_reason'] = 'stop'): ChatCompletion => ({
  id: 'chatcmpl-abc.1',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: null, ...message }, finish_reason: finishReason }],
  usage: { prompt_tokens: 100, completion_tokens: 7, total_tokens: 107, prompt_tokens_details: { cached_tokens: 60, cache_write_tokens: 10 } },
});

describe('toAnthropicMessage', () => {
  it('text answer: the client-chosen model, an msg_ id, end_turn and the usage split', () => {
    expect(toAnthropicMessage(completion({ content: 'Hello!' }), 'claude-sonnet-4-5')).toEqual({
      id: 'msg_chatcmpl-abc1',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      content: [{ type: 'text', text: 'Hello!' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 30, output_tokens: 7, cache_creation_input_tokens: 10, cache_read_input_tokens: 60 },
    });
  });

  it('thinking first, then text, then tool_use with parsed input', () => {
    const message = toAnthropicMessage(
      completion(
        {
          content: 'Let me look.',
          reasoning_content: 'The user wants weather.',
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
            { id: 'call_2', type: 'function', function: { name: 'broken', arguments: 'not json' } },
          ],
        },
        'tool_calls',
      ),
      'm',
    );
    expect(message.content).toEqual([
      { type: 'thinking', thinking: 'The user wants weather.', signature: '' },
      { type: 'text', text: 'Let me look.' },
      { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
      { type: 'tool_use', id: 'call_2', name: 'broken', input: {} },
    ]);
    expect(message.stop_reason).toBe('tool_use');
  });

  it('signed Claude reasoning comes back with its signature and redacted blocks', () => {
    const details = [
      { type: 'reasoning.text', text: 'Hmm.', signature: 'EqSIG', format: 'anthropic-claude-v1', index: 0 },
      { type: 'reasoning.encrypted', data: 'EmRED', format: 'anthropic-claude-v1', index: 1 },
    ];
    expect(toAnthropicMessage(completion({ content: 'Hi', reasoning_content: 'Hmm.', reasoning_details: details }), 'm').content).toEqual([
      { type: 'thinking', thinking: 'Hmm.', signature: 'EqSIG' },
      { type: 'redacted_thinking', data: 'EmRED' },
      { type: 'text', text: 'Hi' },
    ]);
  });

  it('maps finish reasons', () => {
    expect(stopReasonFor('stop', false)).toBe('end_turn');
    expect(stopReasonFor('length', false)).toBe('max_tokens');
    expect(stopReasonFor('tool_calls', true)).toBe('tool_use');
    expect(stopReasonFor('stop', true)).toBe('tool_use');
    expect(stopReasonFor('content_filter', false)).toBe('refusal');
    expect(stopReasonFor(null, false)).toBe('end_turn');
  });

  it('usage without details, or none at all', () => {
    expect(toAnthropicUsage({ prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 })).toEqual({
      input_tokens: 5,
      output_tokens: 2,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
    });
    expect(toAnthropicUsage(undefined)).toEqual({ input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
  });

  it('keeps an upstream msg_ id, and makes one when there is none', () => {
    expect(messageId('msg_01abc')).toBe('msg_01abc');
    expect(messageId(undefined)).toMatch(/^msg_[0-9a-f]{24}$/);
  });
});
