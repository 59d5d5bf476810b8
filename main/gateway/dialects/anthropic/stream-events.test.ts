// OpenAI chunks → Anthropic stream events, checked event by event and then fed to the Anthropic SDK's own
// MessageStream accumulator: what a real client would assemble from them is the message we meant.
import { MessageStream } from '@anthropic-ai/sdk/lib/MessageStream';
import { describe, expect, it } from 'vitest';
import type { ChatCompletionChunk, ChunkDelta, FinishReason, Usage } from '../../../../shared/openai-types.js';
import { AnthropicEventTranslator, eventFrame, type AnthropicEvent } from './stream-events.js';

const base = { id: 'chatcmpl-1', object: 'chat.completion.chunk' as const, created: 1, model: 'gpt-4o-mini' };
const chunk = (delta: ChunkDelta, finishReason: FinishReason = null): ChatCompletionChunk => ({
  ...base,
  choices: [{ index: 0, delta, finish_reason: finishReason }],
});
const usageChunk = (usage: Usage): ChatCompletionChunk => ({ ...base, choices: [], usage });

function translate(chunks: readonly ChatCompletionChunk[]): AnthropicEvent[] {
  const translator = new AnthropicEventTranslator('msg_test', 'claude-sonnet-4-5');
  return [...translator.start(), ...chunks.flatMap((item) => translator.chunk(item)), ...translator.finish()];
}

async function accumulate(events: readonly AnthropicEvent[]): Promise<Awaited<ReturnType<MessageStream['finalMessage']>>> {
  const lines = events.map((event) => JSON.stringify(event)).join('\n');
  return MessageStream.fromReadableStream(new Response(lines).body as ReadableStream).finalMessage();
}

describe('AnthropicEventTranslator', () => {
  it('text: message_start, one text block, message_delta with the real usage, message_stop', async () => {
    const events = translate([
      chunk({ role: 'assistant', content: '' }),
      chunk({ content: 'Hello' }),
      chunk({ content: ' there' }),
      chunk({}, 'stop'),
      usageChunk({ prompt_tokens: 30, completion_tokens: 2, total_tokens: 32, prompt_tokens_details: { cached_tokens: 20 } }),
    ]);
    expect(events.map((event) => event.type)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events[5]).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { input_tokens: 10, output_tokens: 2, cache_creation_input_tokens: 0, cache_read_input_tokens: 20 },
    });
    const message = await accumulate(events);
    expect(message).toMatchObject({ id: 'msg_test', model: 'claude-sonnet-4-5', content: [{ type: 'text', text: 'Hello there' }], stop_reason: 'end_turn' });
    expect(message.usage).toMatchObject({ input_tokens: 10, output_tokens: 2, cache_read_input_tokens: 20 });
  });

  it('thinking then text then two tool calls, each its own block; the SDK parses the streamed tool input', async () => {
    const events = translate([
      chunk({ role: 'assistant', reasoning_content: 'Let me ' }),
      chunk({ reasoning_content: 'check.' }),
      chunk({ content: 'Checking both.' }),
      chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }),
      chunk({ tool_calls: [{ index: 1, id: 'call_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } }] }),
      chunk({}, 'tool_calls'),
    ]);
    const message = await accumulate(events);
    expect(message.content).toEqual([
      { type: 'thinking', thinking: 'Let me check.', signature: '' },
      { type: 'text', text: 'Checking both.' },
      { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
      { type: 'tool_use', id: 'call_2', name: 'get_weather', input: { city: 'Rome' } },
    ]);
    expect(message.stop_reason).toBe('tool_use');
  });

  it("Claude's own reasoning details come back as signature deltas and redacted blocks, with no text twice", async () => {
    const detail = (fields: Record<string, unknown>): Record<string, unknown> => ({ format: 'anthropic-claude-v1', index: 0, ...fields });
    const events = translate([
      chunk({ reasoning_content: 'Hmm.', reasoning_details: [detail({ type: 'reasoning.text', text: 'Hmm.' })] }),
      chunk({ reasoning_details: [detail({ type: 'reasoning.text', signature: 'EqSIG' })] }),
      chunk({ reasoning_details: [detail({ type: 'reasoning.encrypted', data: 'EmRED', index: 1 })] }),
      chunk({ content: 'Done.' }, 'stop'),
    ]);
    const message = await accumulate(events);
    expect(message.content).toEqual([
      { type: 'thinking', thinking: 'Hmm.', signature: 'EqSIG' },
      { type: 'redacted_thinking', data: 'EmRED' },
      { type: 'text', text: 'Done.' },
    ]);
  });

  it('length maps to max_tokens; a tool call under finish_reason "stop" is still tool_use', async () => {
    expect((await accumulate(translate([chunk({ content: 'cut' }, 'length')]))).stop_reason).toBe('max_tokens');
    const lenient = translate([chunk({ tool_calls: [{ index: 0, id: 'c', function: { name: 'f', arguments: '{}' } }] }, 'stop')]);
    expect((await accumulate(lenient)).stop_reason).toBe('tool_use');
  });

  it('frames each event as Anthropic does: the event name, then its JSON', () => {
    expect(eventFrame({ type: 'ping' })).toBe('event: ping\ndata: {"type":"ping"}\n\n');
  });
});
