// A bound on how deeply a request body's JSON nests, checked on its text before it is parsed: every later step
// that walks client data (schemas, requirement checks, translations) may then recurse without overflowing the
// stack. The common body is mostly string contents, so the scan jumps from one structural character to the next
// and over whole strings with indexOf; only a body that is too deep is scanned a second time, to name the field.

export const maxJsonDepth = 128;

/** The path to the first value nested deeper than `limit` (`tools[0].function.parameters.properties.a…`), if any. */
export function tooDeep(text: string, limit: number = maxJsonDepth): string | undefined {
  // nesting past the limit takes more than `limit` opening brackets and as many closing ones
  if (text.length <= 2 * limit) return undefined;
  const structural = /[{}[\]"]/g;
  let depth = 0;
  for (let match = structural.exec(text); match !== null; match = structural.exec(text)) {
    const at = match.index;
    const character = text.charCodeAt(at);
    if (character === 0x22 /* " */) {
      structural.lastIndex = stringEnd(text, at) + 1;
      continue;
    }
    if (character === 0x7b /* { */ || character === 0x5b /* [ */) {
      depth += 1;
      if (depth > limit) return pathAt(text, at);
    } else {
      depth -= 1;
    }
  }
  return undefined;
}

/** The index of the quote that closes the string opening at `start` (or the text's end when it never closes). */
function stringEnd(text: string, start: number): number {
  for (let end = text.indexOf('"', start + 1); end !== -1; end = text.indexOf('"', end + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(end - 1 - backslashes) === 0x5c) backslashes += 1;
    if (backslashes % 2 === 0) return end;
  }
  return text.length;
}

interface Frame {
  readonly array: boolean;
  index: number;
  key: string | undefined;
}

/** Walks the text up to `end` keeping the keys and indices, and names the path there (its first segments). */
function pathAt(text: string, end: number): string {
  const frames: Frame[] = [];
  let lastString: string | undefined;
  for (let at = 0; at < end; at += 1) {
    const character = text[at];
    if (character === '"') {
      const close = stringEnd(text, at);
      lastString = text.slice(at + 1, close);
      at = close;
    } else if (character === '{' || character === '[') {
      frames.push({ array: character === '[', index: 0, key: undefined });
    } else if (character === '}' || character === ']') {
      frames.pop();
    } else if (character === ',') {
      const frame = frames.at(-1);
      if (frame?.array) frame.index += 1;
    } else if (character === ':') {
      const frame = frames.at(-1);
      if (frame && !frame.array) frame.key = lastString;
    }
  }
  const shown = 8;
  let path = '';
  for (const frame of frames.slice(0, shown)) path += frame.array ? `[${frame.index}]` : path === '' ? (frame.key ?? '') : `.${frame.key ?? ''}`;
  return `${path}${frames.length > shown ? '…' : ''}`;
}
