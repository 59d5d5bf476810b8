// Anthropic message → OpenAI completion, and Anthropic events → OpenAI chunks, as pure functions over the fake's
// exact wire shapes: text, tool calls, thinking with signatures, redacted thinking, usage with cache counters, stop
// reasons with the raw value kept, and the JSON-tool fallback turned back into text.
import { describe, expect, it } from 'vitest';
import type { ChatCompletionChunk } from '../../../../shared/openai-types.js';
import { messageBody, streamEvents, type MessageParts } from '../../../../test/fakes/anthropic-wire.js';
import { anthropicMessageSchema, anthropicStreamEventSchema } from './anthropic-api.js';
import { toChatCompletion, toUsage } from './convert-response.js';
import { AnthropicStreamConverter } from './convert-stream.js';
import { mapStopReason } from './map-stop-reason.js';

const base: MessageParts = {
  id: 'msg_01TestTestTestTestTestTe',
  model: 'claude-sonnet-4-5-20250929',
  content: [{ type: 'text', text: 'Hello there' }],
  stopReason: 'end_turn',
  stopSequence: null,
  usage: { inputTokens: 12, outputTokens: 30, cacheCreationInputTokens: 1500, cacheReadInputTokens: 9000 },
};

const complete = (parts: Partial<MessageParts>, jsonTool = false) =>
  toChatCompletion(anthropicMessageSchema.parse(messageBody({ ...base, ...parts })), jsonTool, 1_700_000_000_000);

function streamed(
  parts: Partial<MessageParts>,
  options: { jsonTool?: boolean; messageDeltaUsage?: 'output' | 'full'; pieces?: number } = {},
): ChatCompletionChunk[] {
  const converter = new AnthropicStreamConverter('requested-model', options.jsonTool ?? false, 1_700_000_000_000);
  const events = streamEvents(
    { ...base, ...parts },
    { ...(options.messageDeltaUsage ? { messageDeltaUsage: options.messageDeltaUsage } : {}), ...(options.pieces ? { pieces: options.pieces } : {}) },
  );
  return events.flatMap((event) => converter.convert(anthropicStreamEventSchema.parse(event.data)));
}

const deltas = (chunks: ChatCompletionChunk[]) => chunks.map((chunk) => chunk.choices[0]?.delta).filter((delta) => delta !== undefined);

describe('toChatCompletion', () => {
  it('builds the message, keeps the raw stop reason and sums the input counters into prompt_tokens', () => {
    expect(complete({})).toEqual({
      id: 'msg_01TestTestTestTestTestTe',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'claude-sonnet-4-5-20250929',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello there' }, finish_reason: 'stop', native_finish_reason: 'end_turn', logprobs: null }],
      usage: { prompt_tokens: 10512, completion_tokens: 30, total_tokens: 10542, prompt_tokens_details: { cached_tokens: 9000, cache_write_tokens: 1500 } },
    });
  });

  it('turns tool_use blocks into tool calls with JSON arguments (content null when there is no text)', () => {
    const response = complete({ content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } }], stopReason: 'tool_use' });
    expect(response.choices[0]).toMatchObject({
      message: { content: null, tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      finish_reason: 'tool_calls',
      native_finish_reason: 'tool_use',
    });
  });

  it('keeps thinking as reasoning_content plus signed reasoning_details, in block order', () => {
    const response = complete({
      content: [
        { type: 'thinking', thinking: 'First, ', signature: 'EqSigOne' },
        { type: 'redacted_thinking', data: 'EmRedacted' },
        { type: 'thinking', thinking: 'then.', signature: 'EqSigTwo' },
        { type: 'text', text: 'Answer' },
      ],
    });
    expect(response.choices[0]?.message).toEqual({
      role: 'assistant',
      content: 'Answer',
      reasoning_content: 'First, then.',
      reasoning_details: [
        { type: 'reasoning.text', text: 'First, ', signature: 'EqSigOne', format: 'anthropic-claude-v1', index: 0 },
        { type: 'reasoning.encrypted', data: 'EmRedacted', format: 'anthropic-claude-v1', index: 1 },
        { type: 'reasoning.text', text: 'then.', signature: 'EqSigTwo', format: 'anthropic-claude-v1', index: 2 },
      ],
    });
  });

  it('turns the JSON-tool fallback back into text with finish_reason stop', () => {
    const response = complete({ content: [{ type: 'tool_use', id: 'toolu_9', name: 'json', input: { city: 'Paris' } }], stopReason: 'tool_use' }, true);
    expect(response.choices[0]).toMatchObject({ message: { content: '{"city":"Paris"}' }, finish_reason: 'stop', native_finish_reason: 'tool_use' });
    expect(response.choices[0]?.message.tool_calls).toBeUndefined();
  });

  it('maps every stop reason', () => {
    expect(
      ['end_turn', 'stop_sequence', 'max_tokens', 'tool_use', 'refusal', 'pause_turn', 'model_context_window_exceeded', null].map(
        (reason) => mapStopReason(reason).unified,
      ),
    ).toEqual(['stop', 'stop', 'length', 'tool_calls', 'content_filter', 'stop', 'length', 'stop']);
  });

  it('reports thinking tokens as reasoning tokens when Anthropic says them', () => {
    expect(toUsage({ input_tokens: 5, output_tokens: 50, output_tokens_details: { thinking_tokens: 40 } })).toEqual({
      prompt_tokens: 5,
      completion_tokens: 50,
      total_tokens: 55,
      prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 40 },
    });
  });
});

describe('AnthropicStreamConverter', () => {
  it('sends the role first, then text, then the finish chunk and a usage chunk built from message_start and message_delta', () => {
    const chunks = streamed({});
    expect(chunks[0]).toEqual({
      id: base.id,
      object: 'chat.completion.chunk',
      created: 1_700_000_000,
      model: base.model,
      choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
    });
    expect(
      deltas(chunks)
        .map((delta) => delta.content ?? '')
        .join(''),
    ).toBe('Hello there');
    expect(chunks.at(-2)?.choices).toEqual([{ index: 0, delta: {}, finish_reason: 'stop', native_finish_reason: 'end_turn' }]);
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 10512, completion_tokens: 30, total_tokens: 10542, prompt_tokens_details: { cached_tokens: 9000, cache_write_tokens: 1500 } },
    });
    expect(new Set(chunks.map((chunk) => chunk.id))).toEqual(new Set([base.id]));
  });

  it('takes cumulative input counters from message_delta when newer API versions repeat them there', () => {
    const chunks = streamed({}, { messageDeltaUsage: 'full' });
    expect(chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: 10512, completion_tokens: 30 });
  });

  it('streams tool calls with an index among tool calls, id and name first, then argument fragments', () => {
    const chunks = streamed({
      content: [
        { type: 'text', text: 'Checking' },
        { type: 'tool_use', id: 'toolu_a', name: 'get_weather', input: { city: 'Paris' } },
        { type: 'tool_use', id: 'toolu_b', name: 'ping', input: {} },
      ],
      stopReason: 'tool_use',
    });
    const calls = deltas(chunks).flatMap((delta) => delta.tool_calls ?? []);
    expect(calls[0]).toEqual({ index: 0, id: 'toolu_a', type: 'function', function: { name: 'get_weather', arguments: '' } });
    expect(
      calls
        .filter((call) => call.index === 0)
        .map((call) => call.function?.arguments ?? '')
        .join(''),
    ).toBe('{"city":"Paris"}');
    expect(
      calls
        .filter((call) => call.index === 1)
        .map((call) => call.function?.arguments ?? '')
        .join(''),
    ).toBe('{}');
    expect(chunks.at(-2)?.choices[0]).toMatchObject({ finish_reason: 'tool_calls', native_finish_reason: 'tool_use' });
  });

  it('streams thinking as reasoning_content and reasoning_details, the signature as its own detail', () => {
    const chunks = streamed({
      content: [
        { type: 'thinking', thinking: 'Hmm, yes.', signature: 'EqSig' },
        { type: 'redacted_thinking', data: 'EmData' },
        { type: 'text', text: 'Yes' },
      ],
    });
    const all = deltas(chunks);
    expect(all.map((delta) => delta.reasoning_content ?? '').join('')).toBe('Hmm, yes.');
    const details = all.flatMap((delta) => (delta['reasoning_details'] as unknown[] | undefined) ?? []);
    expect(details).toEqual([
      { type: 'reasoning.text', text: 'Hmm,', format: 'anthropic-claude-v1', index: 0 },
      { type: 'reasoning.text', text: ' yes.', format: 'anthropic-claude-v1', index: 0 },
      { type: 'reasoning.text', signature: 'EqSig', format: 'anthropic-claude-v1', index: 0 },
      { type: 'reasoning.encrypted', data: 'EmData', format: 'anthropic-claude-v1', index: 1 },
    ]);
  });

  it('streams the JSON-tool fallback as content', () => {
    const chunks = streamed({ content: [{ type: 'tool_use', id: 'toolu_j', name: 'json', input: { a: 1 } }], stopReason: 'tool_use' }, { jsonTool: true });
    expect(
      deltas(chunks)
        .map((delta) => delta.content ?? '')
        .join(''),
    ).toBe('{"a":1}');
    expect(deltas(chunks).some((delta) => delta.tool_calls !== undefined)).toBe(false);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
  });
});
