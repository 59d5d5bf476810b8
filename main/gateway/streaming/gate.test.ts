// The first-chunk gate: what counts as content, and that the gate reads exactly up to the first content event.
import { describe, expect, it } from 'vitest';
import type { ChatCompletionChunk, ChunkDelta, Usage } from '../../../shared/openai-types.js';
import { ProviderError } from '../providers/errors.js';
import type { StreamPart } from '../providers/types.js';
import { isContentChunk, openGate } from './gate.js';

function chunk(
  delta: ChunkDelta,
  extra: Partial<ChatCompletionChunk> = {},
  finishReason: ChatCompletionChunk['choices'][number]['finish_reason'] = null,
): ChatCompletionChunk {
  return { id: 'c', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [{ index: 0, delta, finish_reason: finishReason }], ...extra };
}

const part = (value: ChatCompletionChunk): StreamPart => ({ type: 'chunk', chunk: value });
const usage: Usage = { prompt_tokens: 3, completion_tokens: 0, total_tokens: 3 };
const overloaded = new ProviderError({ kind: 'in-band', errorClass: 'overloaded', status: 529, message: 'overloaded', providerId: 'p', retryable: true });

/** A stream that records how far it has been read and whether it was closed. */
function recorded(parts: readonly StreamPart[]): { stream: AsyncIterable<StreamPart>; pulled: () => number; closed: () => boolean } {
  let pulled = 0;
  let closed = false;
  async function* generate(): AsyncGenerator<StreamPart> {
    try {
      for (const value of parts) {
        pulled += 1;
        yield value;
      }
    } finally {
      closed = true;
    }
  }
  return { stream: generate(), pulled: () => pulled, closed: () => closed };
}

describe('isContentChunk', () => {
  it('a bare role delta, an empty delta or empty strings are not content', () => {
    expect(isContentChunk(chunk({ role: 'assistant' }))).toBe(false);
    expect(isContentChunk(chunk({ role: 'assistant', content: '' }))).toBe(false);
    expect(isContentChunk(chunk({}))).toBe(false);
    expect(isContentChunk(chunk({ content: null, refusal: null, tool_calls: [] }))).toBe(false);
    expect(isContentChunk(chunk({ reasoning_content: '' }))).toBe(false);
    expect(isContentChunk(chunk({ role: 'assistant' }, { usage: null }))).toBe(false);
    expect(isContentChunk({ id: 'c', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [] })).toBe(false);
  });

  it('text, reasoning (both spellings), tool calls, refusals and legacy function calls are content', () => {
    expect(isContentChunk(chunk({ content: 'H' }))).toBe(true);
    expect(isContentChunk(chunk({ reasoning_content: 'thinking' }))).toBe(true);
    expect(isContentChunk(chunk({ reasoning: 'thinking' }))).toBe(true);
    expect(isContentChunk(chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '' } }] }))).toBe(true);
    expect(isContentChunk(chunk({ refusal: 'no' }))).toBe(true);
    expect(isContentChunk(chunk({ function_call: { name: 'f' } }))).toBe(true);
  });

  it('a finish reason or a usage report is content (an empty answer is still an answer)', () => {
    expect(isContentChunk(chunk({}, {}, 'stop'))).toBe(true);
    expect(isContentChunk({ id: 'c', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [], usage })).toBe(true);
  });

  it('usage riding on a role-only chunk (vLLM continuous usage stats) is not content', () => {
    expect(isContentChunk(chunk({ role: 'assistant', content: '' }, { usage }))).toBe(false);
  });

  it('looks at every choice', () => {
    const twoChoices: ChatCompletionChunk = {
      id: 'c',
      object: 'chat.completion.chunk',
      created: 0,
      model: 'm',
      choices: [
        { index: 0, delta: { role: 'assistant' }, finish_reason: null },
        { index: 1, delta: { content: 'x' }, finish_reason: null },
      ],
    };
    expect(isContentChunk(twoChoices)).toBe(true);
  });
});

describe('openGate', () => {
  it('returns everything up to and including the first content chunk, and leaves the rest unread', async () => {
    const role = part(chunk({ role: 'assistant' }));
    const first = part(chunk({ content: 'Hel' }));
    const second = part(chunk({ content: 'lo' }));
    const source = recorded([role, first, second, { type: 'done' }]);
    const gate = await openGate(source.stream);
    expect(gate.kind).toBe('open');
    if (gate.kind !== 'open') return;
    expect(gate.head).toEqual([role, first]);
    expect(source.pulled()).toBe(2);
    expect(await gate.rest.next()).toEqual({ done: false, value: second });
    expect(await gate.rest.next()).toEqual({ done: false, value: { type: 'done' } });
    expect(await gate.rest.next()).toEqual({ done: true, value: undefined });
  });

  it('an error before any content means the stream never opened, and the source is closed', async () => {
    const source = recorded([part(chunk({ role: 'assistant' })), { type: 'error', error: overloaded }, part(chunk({ content: 'never read' }))]);
    const gate = await openGate(source.stream);
    expect(gate).toEqual({ kind: 'failed', error: overloaded });
    expect(source.pulled()).toBe(2);
    expect(source.closed()).toBe(true);
  });

  it('an error after the first content is left for the rest iterator', async () => {
    const first = part(chunk({ content: 'Hi' }));
    const gate = await openGate(recorded([first, { type: 'error', error: overloaded }]).stream);
    expect(gate.kind).toBe('open');
    if (gate.kind !== 'open') return;
    expect(gate.head).toEqual([first]);
    expect(await gate.rest.next()).toEqual({ done: false, value: { type: 'error', error: overloaded } });
  });

  it('a done marker before any content opens the gate with what there was (an empty answer)', async () => {
    const role = part(chunk({ role: 'assistant' }));
    const gate = await openGate(recorded([role, { type: 'done' }, part(chunk({ content: 'after done' }))]).stream);
    expect(gate).toMatchObject({ kind: 'open', head: [role, { type: 'done' }] });
  });

  it('a stream that just ends opens with its head; the caller sees it end', async () => {
    const role = part(chunk({ role: 'assistant' }));
    const gate = await openGate(recorded([role]).stream);
    expect(gate.kind).toBe('open');
    if (gate.kind !== 'open') return;
    expect(gate.head).toEqual([role]);
    expect((await gate.rest.next()).done).toBe(true);
  });

  it('a usage-only chunk opens the gate', async () => {
    const usageOnly = part({ id: 'c', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [], usage });
    const gate = await openGate(recorded([usageOnly, part(chunk({ content: 'x' }))]).stream);
    expect(gate).toMatchObject({ kind: 'open', head: [usageOnly] });
  });
});
