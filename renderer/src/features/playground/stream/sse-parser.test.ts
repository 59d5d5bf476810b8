// The SSE parser: every byte offset of a real stream (multi-byte UTF-8, \r\n and lone \r line ends, comments,
// multi-line data) splits into two pushes and parses exactly like the whole.
import { describe, expect, it } from 'vitest';
import { SseParser, type ServerSentEvent } from './sse-parser';

const stream = [
  ': keep-alive comment\r\n',
  'data: {"choices":[{"delta":{"content":"Grüße 👋 — naïve"}}]}\r\n\r\n',
  'event: note\rdata: first line\rdata:second line\r\r',
  'data: {"choices":[{"delta":{"content":"日本語"}}]}\n\n',
  'id: 7\nretry: 100\nunknown: field\ndata\n\n',
  'data: [DONE]\n\n',
].join('');

const expected: ServerSentEvent[] = [
  { event: 'message', data: '{"choices":[{"delta":{"content":"Grüße 👋 — naïve"}}]}' },
  { event: 'note', data: 'first line\nsecond line' },
  { event: 'message', data: '{"choices":[{"delta":{"content":"日本語"}}]}' },
  { event: 'message', data: '' },
  { event: 'message', data: '[DONE]' },
];

function parse(pieces: readonly Uint8Array[]): ServerSentEvent[] {
  const parser = new SseParser();
  return [...pieces.flatMap((piece) => parser.push(piece)), ...parser.end()];
}

describe('SseParser', () => {
  const bytes = new TextEncoder().encode(stream);

  it('parses a whole stream', () => {
    expect(parse([bytes])).toEqual(expected);
  });

  it('parses the same when split at every byte offset (inside UTF-8 sequences, between \\r and \\n)', () => {
    for (let offset = 0; offset <= bytes.length; offset += 1) {
      expect(parse([bytes.subarray(0, offset), bytes.subarray(offset)]), `split at ${offset}`).toEqual(expected);
    }
  });

  it('parses the same fed one byte at a time', () => {
    expect(parse([...bytes].map((byte) => Uint8Array.of(byte)))).toEqual(expected);
  });

  it('drops a last event that never got its blank line', () => {
    expect(parse([new TextEncoder().encode('data: one\n\ndata: cut off')])).toEqual([{ event: 'message', data: 'one' }]);
  });

  it('does not treat a lone \\r at a chunk end followed by text as two line breaks', () => {
    const parser = new SseParser();
    expect(parser.push(new TextEncoder().encode('data: a\r'))).toEqual([]);
    expect(parser.push(new TextEncoder().encode('\r'))).toEqual([{ event: 'message', data: 'a' }]);
  });
});
