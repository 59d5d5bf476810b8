// The one incremental parser for text/event-stream (WHATWG HTML, "Server-sent events": parsing an event stream),
// used by the gateway for every streamed upstream response and by the renderer for the playground's streams.
// Bytes in, events out: lines end in CRLF, LF or CR (a CR at the end of one chunk and the LF at the start of the
// next are one line end), UTF-8 may be split anywhere and a leading BOM is dropped, `data:` lines join with LF,
// `event:` names the event ('message' when none did), `id:` is kept for later events (ignored if it holds NUL),
// `retry:` sets the reconnection time when it is all digits, other fields are ignored, comment lines are counted
// (so keep-alives never count as events), and an event the stream ends before its blank line is dropped, as the
// spec says. A line longer than the cap is an error, so a peer cannot make the buffer grow without bound.
// Pure: nothing but the language and TextDecoder, which Node, Electron and browsers all have.

export interface SseEvent {
  /** the `event:` field, 'message' when the stream did not name one */
  readonly event: string;
  /** every `data:` line of the event, joined with LF */
  readonly data: string;
  /** the last `id:` seen up to this event, once there was one */
  readonly id?: string;
}

export class SseLineTooLongError extends Error {
  constructor(limit: number) {
    super(`stream line exceeds ${limit} characters`);
    this.name = 'SseLineTooLongError';
  }
}

/** Longest line (in UTF-16 code units) kept by default. */
export const defaultMaxSseLineLength = 4 * 1024 * 1024;

export class SseParser {
  private readonly decoder = new TextDecoder('utf-8');
  private buffer = '';
  private lastWasCR = false;
  private eventName = '';
  private dataLines: string[] = [];
  private lastId: string | undefined;
  /** comment lines (": keep-alive") seen since the start */
  comments = 0;
  /** the last valid `retry:` value in milliseconds, undefined until one came */
  reconnectionMs: number | undefined;

  constructor(private readonly maxLineLength = defaultMaxSseLineLength) {}

  /** The last event id (`id:` field) seen, undefined until one came. */
  get lastEventId(): string | undefined {
    return this.lastId;
  }

  /** Feeds bytes; returns the events completed by them. */
  push(bytes: Uint8Array): SseEvent[] {
    return this.consume(this.decoder.decode(bytes, { stream: true }));
  }

  /** Flushes at end of input (an incomplete UTF-8 sequence becomes U+FFFD). An event without its blank line is dropped. */
  end(): SseEvent[] {
    return this.consume(this.decoder.decode());
  }

  private consume(text: string): SseEvent[] {
    // An empty push (or one that only holds part of a UTF-8 sequence) must not forget a trailing CR.
    if (text.length === 0) return [];
    const events: SseEvent[] = [];
    let start = 0;
    if (this.lastWasCR && text.charCodeAt(0) === 10) start = 1;
    this.lastWasCR = false;
    let cursor = start;
    const length = text.length;
    // The next CR at or after the cursor, -1 when there is none: searched again only once the cursor has passed it,
    // so an LF-only stream (nearly all of them) is not rescanned to its end for every line.
    let cr = -2;
    while (cursor < length) {
      const lf = text.indexOf('\n', cursor);
      if (cr !== -1 && cr < cursor) cr = text.indexOf('\r', cursor);
      let end: number;
      if (lf === -1 && cr === -1) break;
      if (cr === -1 || (lf !== -1 && lf < cr)) end = lf;
      else end = cr;
      const line = this.buffer ? this.buffer + text.slice(cursor, end) : text.slice(cursor, end);
      this.buffer = '';
      this.line(line, events);
      if (text.charCodeAt(end) === 13) {
        if (end + 1 === length) this.lastWasCR = true;
        else if (text.charCodeAt(end + 1) === 10) end += 1;
      }
      cursor = end + 1;
    }
    if (cursor < length) {
      this.buffer += text.slice(cursor);
      if (this.buffer.length > this.maxLineLength) throw new SseLineTooLongError(this.maxLineLength);
    }
    return events;
  }

  private line(line: string, events: SseEvent[]): void {
    if (line.length > this.maxLineLength) throw new SseLineTooLongError(this.maxLineLength);
    if (line === '') {
      if (this.dataLines.length > 0) {
        const data = this.dataLines.length === 1 ? (this.dataLines[0] as string) : this.dataLines.join('\n');
        events.push(this.lastId === undefined ? { event: this.eventName || 'message', data } : { event: this.eventName || 'message', data, id: this.lastId });
      }
      this.dataLines = [];
      this.eventName = '';
      return;
    }
    if (line.charCodeAt(0) === 58 /* ':' */) {
      this.comments += 1;
      return;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    switch (field) {
      case 'data':
        this.dataLines.push(value);
        break;
      case 'event':
        this.eventName = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.lastId = value;
        break;
      case 'retry':
        if (/^[0-9]+$/.test(value)) this.reconnectionMs = Number(value);
        break;
      default:
        break; // unknown fields are ignored
    }
  }
}
