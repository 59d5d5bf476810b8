// The one SSE parser (the gateway's upstream reader and the renderer's playground stream) against the WHATWG
// event-stream rules, and the property that matters for both: however the bytes are cut into chunks (inside UTF-8
// sequences, between CR and LF, empty chunks), the events are the same.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SseLineTooLongError, SseParser, type SseEvent } from './sse-parser.js';

const encoder = new TextEncoder();

interface Parsed {
  events: SseEvent[];
  comments: number;
  reconnectionMs: number | undefined;
}

function parseWhole(text: string, maxLineLength?: number): Parsed {
  const parser = new SseParser(maxLineLength);
  const events = [...parser.push(encoder.encode(text)), ...parser.end()];
  return { events, comments: parser.comments, reconnectionMs: parser.reconnectionMs };
}

function parsePieces(pieces: readonly Uint8Array[]): Parsed {
  const parser = new SseParser();
  const events: SseEvent[] = [];
  for (const piece of pieces) events.push(...parser.push(piece));
  events.push(...parser.end());
  return { events, comments: parser.comments, reconnectionMs: parser.reconnectionMs };
}

function cutAt(bytes: Uint8Array, offsets: readonly number[]): Uint8Array[] {
  const sorted = [...offsets].sort((left, right) => left - right);
  const pieces: Uint8Array[] = [];
  let previous = 0;
  for (const offset of sorted) {
    pieces.push(bytes.subarray(previous, offset));
    previous = offset;
  }
  pieces.push(bytes.subarray(previous));
  return pieces;
}

/** An independent, whole-text reading of the spec: the oracle for the property tests. */
function referenceParse(text: string): Parsed {
  const lines = text.split(/\r\n|\r|\n/);
  lines.pop(); // the text after the last line end is an unterminated line: never part of an event
  const events: SseEvent[] = [];
  let comments = 0;
  let data: string[] = [];
  let eventName = '';
  let lastId: string | undefined;
  let reconnectionMs: number | undefined;
  for (const line of lines) {
    if (line === '') {
      if (data.length > 0) {
        const event = eventName || 'message';
        events.push(lastId === undefined ? { event, data: data.join('\n') } : { event, data: data.join('\n'), id: lastId });
      }
      data = [];
      eventName = '';
      continue;
    }
    if (line.startsWith(':')) {
      comments += 1;
      continue;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'data') data.push(value);
    else if (field === 'event') eventName = value;
    else if (field === 'id' && !value.includes('\0')) lastId = value;
    else if (field === 'retry' && value !== '' && [...value].every((character) => character >= '0' && character <= '9')) reconnectionMs = Number(value);
  }
  return { events, comments, reconnectionMs };
}

describe('SseParser: the event-stream rules', () => {
  it('joins several data lines with LF and names the default event "message"', () => {
    expect(parseWhole('data: first\ndata: second\ndata:\n\n').events).toEqual([{ event: 'message', data: 'first\nsecond\n' }]);
  });

  it('reports event names and resets them after each event', () => {
    const { events } = parseWhole('event: ping\ndata: 1\n\ndata: 2\n\n');
    expect(events).toEqual([
      { event: 'ping', data: '1' },
      { event: 'message', data: '2' },
    ]);
  });

  it('keeps the last event id for later events and ignores an id containing NUL', () => {
    const { events } = parseWhole('id: 7\ndata: a\n\ndata: b\n\nid: x\0y\ndata: c\n\nid\ndata: d\n\n');
    expect(events).toEqual([
      { event: 'message', data: 'a', id: '7' },
      { event: 'message', data: 'b', id: '7' },
      { event: 'message', data: 'c', id: '7' },
      { event: 'message', data: 'd', id: '' },
    ]);
  });

  it('counts comment lines without emitting them, so keep-alives are not events', () => {
    const { events, comments } = parseWhole(': keep-alive\n\n: OPENROUTER PROCESSING\n\ndata: x\n: between\n\n');
    expect(events).toEqual([{ event: 'message', data: 'x' }]);
    expect(comments).toBe(3);
  });

  it('removes exactly one space after the colon, and treats a field without a colon as an empty value', () => {
    expect(parseWhole('data:x\n\ndata:  two\n\ndata\n\ndata: a:b: c\n\n').events.map((event) => event.data)).toEqual(['x', ' two', '', 'a:b: c']);
  });

  it('ignores unknown fields, and an event name without data dispatches nothing', () => {
    expect(parseWhole('foo: bar\nevent: lonely\n\ndata: y\n\n').events).toEqual([{ event: 'message', data: 'y' }]);
  });

  it('takes retry as the reconnection time when it is all ASCII digits, and ignores it otherwise', () => {
    expect(parseWhole('retry: 100\ndata: y\n\n')).toEqual({ events: [{ event: 'message', data: 'y' }], comments: 0, reconnectionMs: 100 });
    expect(parseWhole('retry: 2500\nretry: 1.5\nretry: -1\nretry:\nretry: 10s\n\n').reconnectionMs).toBe(2500);
    expect(parseWhole('retry: ٣\n\n').reconnectionMs).toBeUndefined();
  });

  it('reports the last event id seen', () => {
    const parser = new SseParser();
    expect(parser.lastEventId).toBeUndefined();
    parser.push(encoder.encode('id: 9\n'));
    expect(parser.lastEventId).toBe('9');
  });

  it.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
    ['CR', '\r'],
  ])('accepts %s line ends', (_name, end) => {
    const text = ['event: delta', 'data: {"a":1}', 'data: {"b":2}', '', ': comment', 'data: [DONE]', '', ''].join(end);
    const { events, comments } = parseWhole(text);
    expect(events).toEqual([
      { event: 'delta', data: '{"a":1}\n{"b":2}' },
      { event: 'message', data: '[DONE]' },
    ]);
    expect(comments).toBe(1);
  });

  it('drops an event that the stream ends before its blank line', () => {
    const parser = new SseParser();
    expect(parser.push(encoder.encode('data: complete\n\ndata: cut off'))).toEqual([{ event: 'message', data: 'complete' }]);
    expect(parser.end()).toEqual([]);
    expect(parseWhole('data: no blank line\n').events).toEqual([]);
  });

  it('keeps an event whose only data line is empty', () => {
    expect(parseWhole('data\n\ndata:\n\n').events).toEqual([
      { event: 'message', data: '' },
      { event: 'message', data: '' },
    ]);
  });

  it('turns an incomplete UTF-8 sequence at the end into U+FFFD', () => {
    const parser = new SseParser();
    const bytes = encoder.encode('data: é\n\n');
    expect(parser.push(bytes.subarray(0, 7))).toEqual([]);
    expect(parser.end()).toEqual([]);
    const whole = new SseParser();
    expect([...whole.push(Uint8Array.of(...encoder.encode('data: '), 0xc3)), ...whole.push(encoder.encode('\n\n'))]).toEqual([
      { event: 'message', data: '\uFFFD' },
    ]);
  });

  it('strips a leading byte-order mark', () => {
    expect(parseWhole('\uFEFFdata: x\n\n').events).toEqual([{ event: 'message', data: 'x' }]);
  });

  it('treats CR then LF in the next chunk as one line end, even with an empty chunk between', () => {
    const parser = new SseParser();
    const events = [
      ...parser.push(encoder.encode('data: a\r')),
      ...parser.push(new Uint8Array(0)),
      ...parser.push(encoder.encode('\ndata: b\r')),
      ...parser.push(encoder.encode('\n\r\n')),
    ];
    expect(events).toEqual([{ event: 'message', data: 'a\nb' }]);
  });

  it('decodes a multi-byte character split across chunks', () => {
    const bytes = encoder.encode('data: é😀中\n\n');
    const parser = new SseParser();
    const events: SseEvent[] = [];
    for (const byte of bytes) events.push(...parser.push(Uint8Array.of(byte)));
    expect(events).toEqual([{ event: 'message', data: 'é😀中' }]);
  });
});

describe('SseParser: line-length cap', () => {
  it('accepts a line exactly at the cap', () => {
    expect(parseWhole(`data: ${'x'.repeat(10)}\n\n`, 16).events).toEqual([{ event: 'message', data: 'x'.repeat(10) }]);
  });

  it('throws SseLineTooLongError for a complete line over the cap', () => {
    expect(() => parseWhole(`data: ${'x'.repeat(11)}\n\n`, 16)).toThrow(SseLineTooLongError);
  });

  it('throws while an unterminated line grows past the cap, before its end arrives', () => {
    const parser = new SseParser(64);
    expect(parser.push(encoder.encode('data: '))).toEqual([]);
    expect(() => {
      for (let round = 0; round < 100; round += 1) parser.push(encoder.encode('y'.repeat(8)));
    }).toThrow(SseLineTooLongError);
  });

  it('throws on an over-long comment line too (a keep-alive cannot be used to exhaust memory)', () => {
    expect(() => parseWhole(`: ${'z'.repeat(100)}\n\n`, 32)).toThrow(/exceeds 32/);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Properties

const valueCharacter = fc.constantFrom('a', 'Z', '0', ' ', ':', '{', '"', '\\', 'é', '中', '😀', '\u0000', '\uFEFF');
const value = fc.array(valueCharacter, { maxLength: 12 }).map((characters) => characters.join(''));
const line = fc.oneof(
  value.map((text) => `data: ${text}`),
  value.map((text) => `data:${text}`),
  fc.constant('data'),
  value.map((text) => `event: ${text}`),
  value.map((text) => `id: ${text}`),
  value.map((text) => `: ${text}`),
  value.map((text) => `retry: ${text}`),
  value.map((text) => `x-unknown:${text}`),
  fc.constant(''),
);
const lineEnd = fc.constantFrom('\n', '\r', '\r\n');
const eventStream = fc.array(fc.tuple(line, lineEnd), { maxLength: 30 }).map((pairs) => pairs.map(([text, end]) => text + end).join(''));

describe('SseParser: chunking never changes the result', () => {
  it('matches an independent whole-text reading of the spec', () => {
    fc.assert(
      fc.property(eventStream, (text) => {
        expect(parseWhole(text)).toEqual(referenceParse(text.replace(/^\uFEFF/, '')));
      }),
      { numRuns: 500 },
    );
  });

  it('gives the same events for any cut of the bytes, including empty pieces and cuts inside UTF-8 sequences', () => {
    fc.assert(
      fc.property(
        eventStream.chain((text) => {
          const bytes = encoder.encode(text);
          return fc.tuple(fc.constant(bytes), fc.array(fc.integer({ min: 0, max: bytes.length }), { maxLength: 12 }));
        }),
        ([bytes, offsets]) => {
          const whole = parsePieces([bytes]);
          expect(parsePieces(cutAt(bytes, offsets))).toEqual(whole);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('gives the same events when a realistic stream is cut at every single byte offset, and fed byte by byte', () => {
    const text = [
      ': OPENROUTER PROCESSING\r\n\r\n',
      'data: {"choices":[{"delta":{"content":"Grüße 😀"}}]}\r\n\r\n',
      'event: message\rdata: {"choices":[{"delta":{"content":"中文"}}]}\r\r',
      'id: 42\ndata: line one\ndata: line two\n\n',
      'data: [DONE]\n\n',
    ].join('');
    const bytes = encoder.encode(text);
    const whole = parsePieces([bytes]);
    expect(whole.events).toHaveLength(4);
    expect(whole.comments).toBe(1);
    for (let offset = 0; offset <= bytes.length; offset += 1) {
      expect(parsePieces(cutAt(bytes, [offset]))).toEqual(whole);
      expect(parsePieces(cutAt(bytes, [offset, offset]))).toEqual(whole);
    }
    expect(parsePieces(Array.from(bytes, (byte) => Uint8Array.of(byte)))).toEqual(whole);
  });
});
