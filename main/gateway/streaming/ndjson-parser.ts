// Incremental newline-delimited JSON parser (Ollama's streaming format). Blank lines are skipped; a line that is
// not JSON or is longer than the cap is reported to the caller rather than thrown past it.

export type NdjsonItem = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly line: string };

export class NdjsonLineTooLongError extends Error {
  constructor(limit: number) {
    super(`upstream stream line exceeds ${limit} bytes`);
    this.name = 'NdjsonLineTooLongError';
  }
}

export class NdjsonParser {
  private readonly decoder = new TextDecoder('utf-8');
  private buffer = '';

  constructor(private readonly maxLineLength = 4 * 1024 * 1024) {}

  push(bytes: Uint8Array): NdjsonItem[] {
    return this.consume(this.decoder.decode(bytes, { stream: true }), false);
  }

  end(): NdjsonItem[] {
    return this.consume(this.decoder.decode(), true);
  }

  private consume(text: string, final: boolean): NdjsonItem[] {
    const items: NdjsonItem[] = [];
    let data = this.buffer + text;
    let newline = data.indexOf('\n');
    while (newline !== -1) {
      this.parseLine(data.slice(0, newline), items);
      data = data.slice(newline + 1);
      newline = data.indexOf('\n');
    }
    if (data.length > this.maxLineLength) throw new NdjsonLineTooLongError(this.maxLineLength);
    this.buffer = final ? '' : data;
    if (final) this.parseLine(data, items);
    return items;
  }

  private parseLine(rawLine: string, items: NdjsonItem[]): void {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line.length > this.maxLineLength) throw new NdjsonLineTooLongError(this.maxLineLength);
    if (line.trim() === '') return;
    try {
      items.push({ ok: true, value: JSON.parse(line) as unknown });
    } catch {
      items.push({ ok: false, line });
    }
  }
}
