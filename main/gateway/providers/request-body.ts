// Builds the upstream request body from the client's own body: the `model` value is replaced in place and, when
// the ledger needs usage, `stream_options` is inserted, so a 64 KB prompt is never re-serialised. When the body
// cannot be edited safely (several `"model"` keys, unusual escaping) it falls back to JSON.
//
// The body comes as text (the string JSON.parse read) or as bytes, and is edited as it came. Handlers pass small
// bodies as text: string searches and slices stay inside V8, where the Buffer calls they replace (indexOf, equals,
// from, concat) each crossed into C++ — ~20 µs per request in the gateway's profile on a cold core, for 2 µs of work
// measured warm. Large bodies go as bytes: a spliced string would be flattened, measured and encoded again on its
// way out (three passes over a 64 KB prompt), where the bytes are copied once. Text is the client's bytes decoded
// as UTF-8, so the upstream gets the same bytes unless the client sent invalid UTF-8 (then it gets U+FFFD).
import type { RequestBody } from './types.js';

/** Bodies up to this many bytes are forwarded as text, larger ones as bytes (see above). */
export const textBodyLimit = 16 * 1024;

const modelKey = '"model"';
const modelLetters = new Set([0x6d, 0x6f, 0x64, 0x65, 0x6c]); // m o d e l
const usageOption = '"stream_options":{"include_usage":true},';

/** The body to forward: `text` when it is small, else the bytes it was decoded from. */
export function forwardedBody(bytes: Buffer, text: string): RequestBody {
  return bytes.length <= textBodyLimit ? text : bytes;
}

export function buildUpstreamBody(options: {
  readonly raw: RequestBody | undefined;
  readonly request: Record<string, unknown> & { model: string };
  readonly upstreamModel: string;
  readonly addStreamUsage: boolean;
}): RequestBody {
  const { raw, request, upstreamModel, addStreamUsage } = options;
  const streamOptions = request['stream_options'];
  // Only an absent stream_options can be inserted as text; an explicit one without include_usage is rewritten.
  const canInsertUsage = streamOptions === undefined;
  if (raw !== undefined && (!addStreamUsage || canInsertUsage)) {
    const at = modelValueAt(raw, request.model);
    if (at !== undefined) {
      const model = request.model === upstreamModel ? undefined : JSON.stringify(upstreamModel);
      const edits: Edit[] = [];
      if (addStreamUsage) {
        const brace = skipSpace(raw, 0) + 1;
        edits.push({ start: brace, end: brace, insert: usageOption });
      }
      if (model !== undefined) edits.push({ start: at.start, end: at.end, insert: model });
      return edited(raw, edits);
    }
  }
  const body: Record<string, unknown> = { ...request, model: upstreamModel };
  if (addStreamUsage) {
    const existing = typeof streamOptions === 'object' && streamOptions !== null ? streamOptions : {};
    body['stream_options'] = { ...existing, include_usage: true };
  }
  return JSON.stringify(body);
}

/** `raw` with the value of its only `"model"` key replaced; undefined when that is not certain. */
export function spliceModel<Body extends RequestBody>(raw: Body, currentModel: string, newModel: string): Body | undefined {
  if (currentModel === newModel) return raw;
  const at = modelValueAt(raw, currentModel);
  return at === undefined ? undefined : edited(raw, [{ start: at.start, end: at.end, insert: JSON.stringify(newModel) }]);
}

interface Edit {
  readonly start: number;
  readonly end: number;
  readonly insert: string;
}

/** `raw` with each edit's range replaced by its text (edits in order, not overlapping), in one concatenation. */
function edited<Body extends RequestBody>(raw: Body, edits: readonly Edit[]): Body {
  if (edits.length === 0) return raw;
  if (typeof raw === 'string') {
    let text = '';
    let from = 0;
    for (const edit of edits) {
      text += raw.slice(from, edit.start) + edit.insert;
      from = edit.end;
    }
    return (text + raw.slice(from)) as Body;
  }
  const pieces: Buffer[] = [];
  let from = 0;
  for (const edit of edits) {
    pieces.push(raw.subarray(from, edit.start), Buffer.from(edit.insert));
    from = edit.end;
  }
  pieces.push(raw.subarray(from));
  return Buffer.concat(pieces) as Body;
}

/** Where the value of the only `"model"` key is, when it is written as JSON.stringify(currentModel) would. */
function modelValueAt(raw: RequestBody, currentModel: string): { readonly start: number; readonly end: number } | undefined {
  if (hasEscapedModelLetter(raw)) return undefined;
  const expected = JSON.stringify(currentModel);
  const expectedLength = typeof raw === 'string' ? expected.length : Buffer.byteLength(expected);
  let valueStart = -1;
  let from = 0;
  for (;;) {
    const at = raw.indexOf(modelKey, from);
    if (at === -1) break;
    from = at + modelKey.length;
    if (isEscaped(raw, at)) continue;
    let cursor = skipSpace(raw, at + modelKey.length);
    if (codeAt(raw, cursor) !== 0x3a /* : */) continue; // a string value "model", not a key
    if (valueStart !== -1) return undefined; // a second "model" key somewhere (tool schema, metadata)
    cursor = skipSpace(raw, cursor + 1);
    const written = typeof raw === 'string' ? raw.startsWith(expected, cursor) : raw.toString('utf8', cursor, cursor + expectedLength) === expected;
    if (!written) return undefined;
    valueStart = cursor;
  }
  return valueStart === -1 ? undefined : { start: valueStart, end: valueStart + expectedLength };
}

/** JSON's structure is ASCII: the same codes whether read as a byte (Buffer) or as a UTF-16 unit (string). */
function codeAt(raw: RequestBody, at: number): number | undefined {
  return typeof raw === 'string' ? raw.charCodeAt(at) : raw[at];
}

function skipSpace(raw: RequestBody, from: number): number {
  let cursor = from;
  while (cursor < raw.length) {
    const code = codeAt(raw, cursor);
    if (code !== 0x20 && code !== 0x0a && code !== 0x0d && code !== 0x09) break;
    cursor += 1;
  }
  return cursor;
}

/** `"mod\u0065l"` is a `model` key the search cannot see, and JSON.parse keeps the last duplicate. */
function hasEscapedModelLetter(raw: RequestBody): boolean {
  for (let at = raw.indexOf('\\u00'); at !== -1; at = raw.indexOf('\\u00', at + 1)) {
    const digits = typeof raw === 'string' ? raw.slice(at + 4, at + 6) : raw.toString('latin1', at + 4, at + 6);
    if (modelLetters.has(Number.parseInt(digits, 16))) return true;
  }
  return false;
}

/** A quote preceded by an odd number of backslashes is inside a string. */
function isEscaped(raw: RequestBody, quoteAt: number): boolean {
  let backslashes = 0;
  for (let cursor = quoteAt - 1; cursor >= 0 && codeAt(raw, cursor) === 0x5c; cursor -= 1) backslashes += 1;
  return backslashes % 2 === 1;
}

const usageKey = Buffer.from('"usage"');

/**
 * Adds `"cost":<usd>` to the only top-level-looking `"usage":{…}` object of a response body without re-serialising
 * it; undefined when that is not certain (no usage object, several, or escaping the scan cannot see through).
 */
export function insertUsageCost(raw: Buffer, costUsd: number): Buffer | undefined {
  let objectStart = -1;
  let from = 0;
  for (;;) {
    const at = raw.indexOf(usageKey, from);
    if (at === -1) break;
    from = at + usageKey.length;
    if (isEscaped(raw, at)) continue;
    let cursor = skipSpace(raw, at + usageKey.length);
    if (raw[cursor] !== 0x3a /* : */) continue;
    cursor = skipSpace(raw, cursor + 1);
    if (raw[cursor] !== 0x7b /* { */) continue;
    if (objectStart !== -1) return undefined;
    objectStart = cursor;
  }
  if (objectStart === -1) return undefined;
  const empty = raw[skipSpace(raw, objectStart + 1)] === 0x7d; /* } */
  return edited(raw, [{ start: objectStart + 1, end: objectStart + 1, insert: `"cost":${JSON.stringify(costUsd)}${empty ? '' : ','}` }]);
}
