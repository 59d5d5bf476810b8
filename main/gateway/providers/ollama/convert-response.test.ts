import { describe, expect, it } from 'vitest';
import { toChatCompletion, toMetrics } from './convert-response.js';
import { OllamaStreamConverter } from './convert-stream.js';
import { mapFinishReason } from './map-finish-reason.js';
import { ollamaChatResponseSchema, type OllamaChatResponse } from './ollama-api.js';

const line = (value: Record<string, unknown>): OllamaChatResponse =>
  ollamaChatResponseSchema.parse({ model: 'qwen3:8b', created_at: '2025-10-17T23:14:07.414671Z', done: false, ...value });

const finalLine = line({
  message: { role: 'assistant', content: '' },
  done: true,
  done_reason: 'stop',
  total_duration: 174_560_334,
  load_duration: 101_397_084,
  prompt_eval_count: 11,
  prompt_eval_duration: 13_074_791,
  eval_count: 18,
  eval_duration: 52_479_709,
});

describe('mapFinishReason', () => {
  it('keeps the raw reason and lets tool calls win over "stop"', () => {
    expect(mapFinishReason('stop', false)).toEqual({ unified: 'stop', raw: 'stop' });
    expect(mapFinishReason('length', false)).toEqual({ unified: 'length', raw: 'length' });
    expect(mapFinishReason('stop', true)).toEqual({ unified: 'tool_calls', raw: 'stop' });
    expect(mapFinishReason('load', false)).toEqual({ unified: 'stop', raw: 'load' });
    expect(mapFinishReason(undefined, false)).toEqual({ unified: 'stop', raw: null });
  });
});

describe('toChatCompletion', () => {
  it('builds a completion with usage, thinking and the created time from created_at', () => {
    const completion = toChatCompletion({ ...finalLine, message: { role: 'assistant', content: 'Hello!', thinking: 'Greet back.' } }, 'qwen3:8b');
    expect(completion.id).toMatch(/^chatcmpl-/);
    expect(completion).toMatchObject({
      object: 'chat.completion',
      created: Math.floor(Date.parse('2025-10-17T23:14:07.414Z') / 1000),
      model: 'qwen3:8b',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello!', reasoning_content: 'Greet back.' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 11, completion_tokens: 18, total_tokens: 29 },
    });
    expect(completion.choices[0]?.message.tool_calls).toBeUndefined();
  });

  it('gives tool calls ids and string arguments, and finish_reason tool_calls', () => {
    const completion = toChatCompletion(
      {
        ...finalLine,
        message: {
          role: 'assistant',
          content: '',
          tool_calls: [
            { function: { index: 0, name: 'get_weather', arguments: { city: 'Paris', units: 'c' } } },
            { id: 'call_upstream', function: { index: 1, name: 'noop', arguments: {} } },
          ],
        },
      },
      'qwen3:8b',
    );
    const choice = completion.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.message.tool_calls?.[0]).toMatchObject({ type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris","units":"c"}' } });
    expect(choice?.message.tool_calls?.[0]?.id).toMatch(/^call_/);
    expect(choice?.message.tool_calls?.[1]).toEqual({ id: 'call_upstream', type: 'function', function: { name: 'noop', arguments: '{}' } });
  });

  it('reads a cut-short reply as finish_reason length and counts missing counters as zero', () => {
    const completion = toChatCompletion(line({ message: { role: 'assistant', content: 'Hel' }, done: true, done_reason: 'length' }), 'm');
    expect(completion.choices[0]?.finish_reason).toBe('length');
    expect(completion.usage).toEqual({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });
  });
});

describe('toMetrics', () => {
  it('turns nanoseconds into milliseconds', () => {
    expect(toMetrics(finalLine)).toEqual({ totalMs: 174.560334, loadMs: 101.397084, promptEvalMs: 13.074791, evalMs: 52.479709 });
    expect(toMetrics(line({}))).toEqual({});
  });
});

describe('OllamaStreamConverter', () => {
  it('sends the role first, then content and thinking deltas, then finish and usage chunks', () => {
    const converter = new OllamaStreamConverter('qwen3:8b', 'chatcmpl-test');
    const chunks = [
      line({ message: { role: 'assistant', content: '', thinking: 'Hmm' } }),
      line({ message: { role: 'assistant', content: 'Hello' } }),
      line({ message: { role: 'assistant', content: '' } }),
      line({ message: { role: 'assistant', content: ' world' } }),
      finalLine,
    ].flatMap((item) => converter.convert(item));
    expect(chunks.map((chunk) => chunk.choices[0]?.delta ?? null)).toEqual([
      { role: 'assistant', content: '', reasoning_content: 'Hmm' },
      { content: 'Hello' },
      { content: ' world' },
      {},
      null,
    ]);
    expect(chunks.map((chunk) => chunk.choices[0]?.finish_reason ?? null)).toEqual([null, null, null, 'stop', null]);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 11, completion_tokens: 18, total_tokens: 29 } });
    for (const chunk of chunks) expect(chunk).toMatchObject({ id: 'chatcmpl-test', object: 'chat.completion.chunk', model: 'qwen3:8b' });
  });

  it('sends each tool call whole with a running index, and finishes with tool_calls', () => {
    const converter = new OllamaStreamConverter('qwen3:8b');
    const calls = (name: string, city: string) => ({
      role: 'assistant',
      content: '',
      tool_calls: [{ id: `call_${city}`, function: { index: 0, name, arguments: { city } } }],
    });
    const chunks = [line({ message: calls('get_weather', 'Paris') }), line({ message: calls('get_weather', 'Rome') }), finalLine].flatMap((item) =>
      converter.convert(item),
    );
    expect(chunks[0]?.choices[0]?.delta).toEqual({
      role: 'assistant',
      content: '',
      tool_calls: [{ index: 0, id: 'call_Paris', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
    });
    expect(chunks[1]?.choices[0]?.delta.tool_calls?.[0]).toMatchObject({ index: 1, id: 'call_Rome' });
    expect(chunks[2]?.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('still sends a role chunk for an empty reply, and keeps content that arrives on the done line', () => {
    const empty = new OllamaStreamConverter('m').convert(finalLine);
    expect(empty.map((chunk) => chunk.choices[0]?.delta ?? null)).toEqual([{ role: 'assistant', content: '' }, {}, null]);
    const last = new OllamaStreamConverter('m').convert({ ...finalLine, message: { role: 'assistant', content: '!' } });
    expect(last[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '!' });
    expect(last).toHaveLength(3);
  });
});
