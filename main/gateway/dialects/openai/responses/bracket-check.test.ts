// The bracket checker finds what a strict client would choke on; a good stream passes (see stream-events.test.ts).
import { describe, expect, it } from 'vitest';
import { assertBracketed, bracketProblems } from './bracket-check.js';

const message = (status: string, text: string) => ({
  id: 'msg_1',
  type: 'message',
  status,
  role: 'assistant',
  content: status === 'completed' ? [{ type: 'output_text', text, annotations: [] }] : [],
});
const at = { item_id: 'msg_1', output_index: 0 };
const part = (text: string) => ({ type: 'output_text', text, annotations: [] });

function textStream(): Record<string, unknown>[] {
  return [
    { type: 'response.created', response: { output: [] } },
    { type: 'response.output_item.added', output_index: 0, item: message('in_progress', '') },
    { type: 'response.content_part.added', ...at, content_index: 0, part: part('') },
    { type: 'response.output_text.delta', ...at, content_index: 0, delta: 'Hel' },
    { type: 'response.output_text.delta', ...at, content_index: 0, delta: 'lo' },
    { type: 'response.output_text.done', ...at, content_index: 0, text: 'Hello' },
    { type: 'response.content_part.done', ...at, content_index: 0, part: part('Hello') },
    { type: 'response.output_item.done', output_index: 0, item: message('completed', 'Hello') },
    { type: 'response.completed', response: { output: [message('completed', 'Hello')] } },
  ];
}

const numbered = (events: Record<string, unknown>[]) => events.map((event, index) => ({ ...event, sequence_number: index }));

describe('bracketProblems', () => {
  it('passes a well-bracketed stream', () => {
    expect(bracketProblems(numbered(textStream()))).toEqual([]);
    expect(() => assertBracketed(numbered(textStream()))).not.toThrow();
  });

  it('finds sequence numbers out of order', () => {
    const events = numbered(textStream());
    events[3] = { ...events[3], sequence_number: 7 };
    expect(bracketProblems(events)).toEqual([expect.stringContaining('sequence_number 7, expected 3')]);
  });

  it('finds deltas that do not add up to the done text', () => {
    const events = textStream();
    events[5] = { ...events[5], text: 'Help' };
    expect(bracketProblems(numbered(events)).join('\n')).toContain('differs from its deltas');
  });

  it('finds a delta for an item never added, and an item never done', () => {
    const events = textStream();
    events[4] = { ...events[4], item_id: 'msg_other' };
    expect(bracketProblems(numbered(events)).join('\n')).toContain('item msg_other is not open');
    const unclosed = textStream().filter((event) => event['type'] !== 'response.output_item.done');
    expect(bracketProblems(numbered(unclosed)).join('\n')).toContain('items still open: msg_1');
  });

  it('finds a part never done, events after the end, and an output that differs from the done items', () => {
    const noPartDone = textStream().filter((event) => event['type'] !== 'response.content_part.done');
    expect(bracketProblems(numbered(noPartDone)).join('\n')).toContain('still open');
    const after = [...textStream(), { type: 'response.output_text.delta', ...at, content_index: 0, delta: 'x' }];
    expect(bracketProblems(numbered(after)).join('\n')).toContain('comes after response.completed');
    const events = textStream();
    events[8] = { type: 'response.completed', response: { output: [] } };
    expect(bracketProblems(numbered(events)).join('\n')).toContain('response.output differs');
  });

  it('finds two items open at once and a missing end', () => {
    const events = textStream().slice(0, 3);
    events.push({ type: 'response.output_item.added', output_index: 1, item: { id: 'fc_1', type: 'function_call' } });
    const problems = bracketProblems(numbered(events)).join('\n');
    expect(problems).toContain('opened while msg_1 is open');
    expect(problems).toContain('has no response.completed');
    expect(() => assertBracketed(numbered(events))).toThrow('not well bracketed');
  });
});
