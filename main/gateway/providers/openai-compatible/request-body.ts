// Builds the upstream request body from the client's exact bytes: the `model` value is replaced in place and,
// when the ledger needs usage, `stream_options` is inserted, so a 64 KB prompt is never re-serialised.
// When the bytes cannot be edited safely (several `"model"` keys, unusual escaping) it falls back to JSON.

const modelKey = Buffer.from('"model"');
const unicodeEscape = Buffer.from('\\u00');
const modelLetters = new Set([0x6d, 0x6f, 0x64, 0x65, 0x6c]); // m o d e l
const usageOption = Buffer.from('"stream_options":{"include_usage":true},');

export function buildUpstreamBody(options: {
  readonly raw: Buffer | undefined;
  readonly request: Record<string, unknown> & { model: string };
  readonly upstreamModel: string;
  readonly addStreamUsage: boolean;
}): Buffer | string {
  const { raw, request, upstreamModel, addStreamUsage } = options;
  const streamOptions = request['stream_options'];
  // Only an absent stream_options can be inserted as bytes; an explicit one without include_usage is rewritten.
  const canInsertUsage = streamOptions === undefined;
  if (raw && (!addStreamUsage || canInsertUsage)) {
    const spliced = spliceModel(raw, request.model, upstreamModel);
    if (spliced) return addStreamUsage ? insertAfterOpeningBrace(spliced, usageOption) : spliced;
  }
  const body: Record<string, unknown> = { ...request, model: upstreamModel };
  if (addStreamUsage) {
    const existing = typeof streamOptions === 'object' && streamOptions !== null ? streamOptions : {};
    body['stream_options'] = { ...existing, include_usage: true };
  }
  return JSON.stringify(body);
}

/** Replaces the value of the only `"model"` key in `raw`; undefined when that is not certain. */
export function spliceModel(raw: Buffer, currentModel: string, newModel: string): Buffer | undefined {
  if (currentModel === newModel) return raw;
  if (hasEscapedModelLetter(raw)) return undefined;
  const expected = Buffer.from(JSON.stringify(currentModel));
  let valueStart = -1;
  let from = 0;
  for (;;) {
    const at = raw.indexOf(modelKey, from);
    if (at === -1) break;
    from = at + modelKey.length;
    if (isEscaped(raw, at)) continue;
    let cursor = skipSpace(raw, at + modelKey.length);
    if (raw[cursor] !== 0x3a /* : */) continue; // a string value "model", not a key
    if (valueStart !== -1) return undefined; // a second "model" key somewhere (tool schema, metadata)
    cursor = skipSpace(raw, cursor + 1);
    if (!raw.subarray(cursor, cursor + expected.length).equals(expected)) return undefined;
    valueStart = cursor;
  }
  if (valueStart === -1) return undefined;
  return Buffer.concat([raw.subarray(0, valueStart), Buffer.from(JSON.stringify(newModel)), raw.subarray(valueStart + expected.length)]);
}

function insertAfterOpeningBrace(raw: Buffer, insert: Buffer): Buffer | string {
  const brace = skipSpace(raw, 0);
  return Buffer.concat([raw.subarray(0, brace + 1), insert, raw.subarray(brace + 1)]);
}

function skipSpace(raw: Buffer, from: number): number {
  let cursor = from;
  while (cursor < raw.length) {
    const byte = raw[cursor];
    if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) break;
    cursor += 1;
  }
  return cursor;
}

/** `"mod\u0065l"` is a `model` key the byte search cannot see, and JSON.parse keeps the last duplicate. */
function hasEscapedModelLetter(raw: Buffer): boolean {
  for (let at = raw.indexOf(unicodeEscape); at !== -1; at = raw.indexOf(unicodeEscape, at + 1)) {
    if (modelLetters.has(Number.parseInt(raw.toString('latin1', at + 4, at + 6), 16))) return true;
  }
  return false;
}

/** A quote preceded by an odd number of backslashes is inside a string. */
function isEscaped(raw: Buffer, quoteAt: number): boolean {
  let backslashes = 0;
  for (let cursor = quoteAt - 1; cursor >= 0 && raw[cursor] === 0x5c; cursor -= 1) backslashes += 1;
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
  const insert = Buffer.from(`"cost":${JSON.stringify(costUsd)}${empty ? '' : ','}`);
  return Buffer.concat([raw.subarray(0, objectStart + 1), insert, raw.subarray(objectStart + 1)]);
}
