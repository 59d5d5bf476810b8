// A Server-Sent Events parser by the WHATWG rules: bytes in, events out. A frame may be split anywhere — inside a
// UTF-8 sequence, between a \r and its \n — and parses the same; lines end in \n, \r\n or \r; comments (":") and
// unknown fields are skipped; a last event without its blank line is dropped, as EventSource does.

export interface ServerSentEvent {
  /** the `event:` field, 'message' when there was none */
  readonly event: string;
  /** every `data:` line of the event, joined with \n */
  readonly data: string;
}

export class SseParser {
  private readonly decoder = new TextDecoder('utf-8');
  /** the current line so far (no line break seen yet) */
  private line = '';
  /** the previous text ended in \r: a \n at the start of the next one belongs to that line break */
  private afterCarriageReturn = false;
  private dataLines: string[] = [];
  private eventType = '';

  /** Feeds the next bytes; returns the events they completed. */
  push(bytes: Uint8Array): ServerSentEvent[] {
    return this.feed(this.decoder.decode(bytes, { stream: true }));
  }

  /** The stream ended: flushes the decoder (an incomplete UTF-8 sequence becomes U+FFFD). */
  end(): ServerSentEvent[] {
    return this.feed(this.decoder.decode());
  }

  private feed(text: string): ServerSentEvent[] {
    const events: ServerSentEvent[] = [];
    if (text === '') return events;
    let start = 0;
    if (this.afterCarriageReturn && text.charCodeAt(0) === 10) start = 1;
    this.afterCarriageReturn = false;
    for (let index = start; index < text.length; index += 1) {
      const code = text.charCodeAt(index);
      if (code !== 10 && code !== 13) continue;
      this.takeLine(this.line + text.slice(start, index), events);
      this.line = '';
      if (code === 13) {
        if (index + 1 === text.length) this.afterCarriageReturn = true;
        else if (text.charCodeAt(index + 1) === 10) index += 1;
      }
      start = index + 1;
    }
    this.line += text.slice(start);
    return events;
  }

  private takeLine(line: string, events: ServerSentEvent[]): void {
    if (line === '') {
      if (this.dataLines.length > 0) events.push({ event: this.eventType || 'message', data: this.dataLines.join('\n') });
      this.dataLines = [];
      this.eventType = '';
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.dataLines.push(value);
    else if (field === 'event') this.eventType = value;
  }
}
