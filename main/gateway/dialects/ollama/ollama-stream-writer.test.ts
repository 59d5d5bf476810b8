import { describe, expect, it } from 'vitest';
import type { ChatCompletion, ChatCompletionChunk, ChunkDelta } from '../../../../shared/openai-types.js';
import { MemorySink } from '../../pipeline/memory-sink.js';
import { ProviderError } from '../../providers/errors.js';
import type { StreamPart } from '../../providers/types.js';
import { writeOllamaStream } from './ollama-stream-writer.js';
import { completeAnswer } from './to-ollama-response.js';

function chunk(delta: ChunkDelta, finish: ChatCompletionChunk['choices'][number]['finish_reason'] = null, usage?: ChatCompletionChunk['usage']): StreamPart {
  return {
    type: 'chunk',
    chunk: {
      id: 'c',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'm',
      choices: [{ index: 0, delta, finish_reason: finish }],
      ...(usage ? { usage } : {}),
    },
  };
}

async function* parts(list: readonly StreamPart[]): AsyncGenerator<StreamPart> {
  for (const part of list) yield part;
}

async function run(list: readonly StreamPart[], kind: 'chat' | 'generate' = 'chat'): Promise<Array<Record<string, unknown>>> {
  const sink = new MemorySink();
  await writeOllamaStream(sink, [], parts(list), { kind, model: 'smart', startedAt: performance.now() - 5, signal: new AbortController().signal });
  const text = sink.writes.join('');
  expect(text.endsWith('\n')).toBe(true);
  return text
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('Ollama NDJSON stream', () => {
  it('sends content lines, then one final line with done_reason, counts and durations in ns', async () => {
    const lines = await run([
      chunk({ role: 'assistant', content: '' }),
      chunk({ content: 'Hel' }),
      chunk({ reasoning_content: 'hmm' }),
      chunk({ content: 'lo' }, 'stop'),
      chunk({}, null, { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 }),
      { type: 'done' },
    ]);
    expect(lines.map((line) => (line['message'] as Record<string, unknown>)['content'])).toEqual(['Hel', '', 'lo', '']);
    expect(lines[1]?.['message']).toEqual({ role: 'assistant', content: '', thinking: 'hmm' });
    for (const line of lines.slice(0, -1)) expect(line).toMatchObject({ model: 'smart', done: false });
    const last = lines.at(-1) as Record<string, unknown>;
    expect(last).toMatchObject({ model: 'smart', done: true, done_reason: 'stop', prompt_eval_count: 12, eval_count: 3 });
    for (const key of ['total_duration', 'load_duration', 'prompt_eval_duration', 'eval_duration']) expect(Number.isInteger(last[key])).toBe(true);
    expect(last['total_duration'] as number).toBeGreaterThan(1_000_000);
    expect(typeof last['created_at']).toBe('string');
  });

  it('gathers a tool call streamed in pieces and sends it whole, arguments as an object', async () => {
    const lines = await run([
      chunk({ role: 'assistant', tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }),
      chunk({}, 'tool_calls'),
      { type: 'done' },
    ]);
    expect(lines).toHaveLength(2);
    expect(lines[0]?.['message']).toEqual({
      role: 'assistant',
      content: '',
      tool_calls: [{ id: 'call_1', function: { index: 0, name: 'get_weather', arguments: { city: 'Paris' } } }],
    });
    expect(lines[1]).toMatchObject({ done: true, done_reason: 'stop' });
  });

  it('writes generate lines with `response`', async () => {
    const lines = await run([chunk({ content: 'Blue' }, 'length'), { type: 'done' }], 'generate');
    expect(lines[0]).toMatchObject({ model: 'smart', response: 'Blue', done: false });
    expect(lines[1]).toMatchObject({ response: '', done: true, done_reason: 'length' });
  });

  it('ends a failure after the first line with one error line and nothing after it', async () => {
    const error = new ProviderError({ kind: 'http', errorClass: 'server', status: 500, message: 'upstream fell over', providerId: 'openai', retryable: true });
    const lines = await run([chunk({ content: 'Hel' }), { type: 'error', error }]);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toEqual({ error: 'upstream fell over' });
  });
});

describe('Ollama whole answers', () => {
  it('a chat completion becomes one object with message, done and counters', () => {
    const completion: ChatCompletion = {
      id: 'x',
      object: 'chat.completion',
      created: 1,
      model: 'gpt',
      choices: [
        {
          index: 0,
          finish_reason: 'tool_calls',
          message: { role: 'assistant', content: null, tool_calls: [{ id: 'call_9', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }] },
        },
      ],
      usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
    };
    const answer = completeAnswer('chat', 'smart', completion, {
      startedAt: performance.now(),
      metrics: { totalMs: 2, loadMs: 1, promptEvalMs: 0.5, evalMs: 0.5 },
    });
    expect(answer).toMatchObject({
      model: 'smart',
      message: { role: 'assistant', content: '', tool_calls: [{ id: 'call_9', function: { index: 0, name: 'f', arguments: { a: 1 } } }] },
      done: true,
      done_reason: 'stop',
      total_duration: 2_000_000,
      load_duration: 1_000_000,
      prompt_eval_count: 5,
      prompt_eval_duration: 500_000,
      eval_count: 2,
      eval_duration: 500_000,
    });
    // Go's struct order, as Ollama writes it
    expect(Object.keys(answer)).toEqual([
      'model',
      'created_at',
      'message',
      'done',
      'done_reason',
      'total_duration',
      'load_duration',
      'prompt_eval_count',
      'prompt_eval_duration',
      'eval_count',
      'eval_duration',
    ]);
  });
});
