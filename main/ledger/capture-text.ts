// What a capture stores of a request's bodies: a bounded head of each, cut at a character boundary so that both
// together fit the per-request limit, JSON escapes of key characters undone, every secret redacted, and a marker
// where text was cut. Pure functions: the gateway takes heads on the request path, the writer composes off it.
import { redactSecrets } from '../../shared/redact.js';

/** The head of one body as the gateway kept it (at most the limit in force when taken), and its full size. */
export interface CapturedBody {
  readonly head: Buffer;
  readonly totalBytes: number;
}

/** What a capture row holds: redacted text, and whether either side was cut. */
export interface CaptureText {
  readonly request: string;
  readonly response: string;
  readonly truncated: boolean;
}

/** The first `maxBytes` of a body. A large buffer is copied from, so the whole request is not kept alive for it. */
export function takeHead(body: Buffer | string, maxBytes: number): CapturedBody {
  if (typeof body === 'string') {
    const totalBytes = Buffer.byteLength(body);
    // maxBytes characters are at least maxBytes bytes: enough for composeCapture to cut from
    return { head: Buffer.from(totalBytes <= maxBytes ? body : body.slice(0, maxBytes)), totalBytes };
  }
  return { head: body.length <= maxBytes ? body : Buffer.from(body.subarray(0, maxBytes)), totalBytes: body.length };
}

/** Request and answer together within `maxBytes` (each cut side ends with the marker, counted in its share). */
export function composeCapture(request: CapturedBody, response: CapturedBody, maxBytes: number): CaptureText {
  const [requestBudget, responseBudget] = splitBudget(request.totalBytes, response.totalBytes, maxBytes);
  const requestText = renderBody(request, requestBudget);
  const responseText = renderBody(response, responseBudget);
  return { request: requestText.text, response: responseText.text, truncated: requestText.truncated || responseText.truncated };
}

/** Both whole when they fit; otherwise a side under half keeps all it has and the other takes the rest. */
export function splitBudget(requestBytes: number, responseBytes: number, maxBytes: number): readonly [number, number] {
  if (requestBytes + responseBytes <= maxBytes) return [requestBytes, responseBytes];
  const half = Math.floor(maxBytes / 2);
  if (requestBytes <= half) return [requestBytes, maxBytes - requestBytes];
  if (responseBytes <= half) return [maxBytes - responseBytes, responseBytes];
  return [half, maxBytes - half];
}

export function truncationMarker(totalBytes: number): string {
  return `\n… [cut by Switchyard: ${totalBytes} bytes in all]`;
}

function renderBody(body: CapturedBody, budget: number): { readonly text: string; readonly truncated: boolean } {
  if (body.totalBytes <= budget && body.head.length >= body.totalBytes) return { text: cleanText(body.head.toString('utf8')), truncated: false };
  const marker = truncationMarker(body.totalBytes);
  const keep = Math.max(0, budget - Buffer.byteLength(marker));
  // Cut before redacting (a cut secret is still caught by its pieces and patterns), then once more in case a
  // pattern's mask came out longer than what it replaced.
  const text = cleanText(cutUtf8(body.head, keep).toString('utf8'));
  return { text: (Buffer.byteLength(text) > keep ? cutUtf8(Buffer.from(text), keep).toString('utf8') : text) + marker, truncated: true };
}

/**
 * Undoes \u00XX escapes of the characters keys are made of, so a key a client spelled with JSON escapes is seen by
 * the redactor, then redacts with every piece of every registered secret (shared/redact.ts: `everyPiece`).
 */
export function cleanText(text: string): string {
  const unescaped = text.includes('\\u')
    ? text.replace(/(?<!\\)((?:\\\\)*)\\u00([2-7][0-9a-fA-F])/g, (match, backslashes: string, hex: string) => {
        const character = String.fromCharCode(Number.parseInt(hex, 16));
        return /^[A-Za-z0-9_-]$/.test(character) ? backslashes + character : match;
      })
    : text;
  return redactSecrets(unescaped, { everyPiece: true });
}

/** The longest prefix of at most `maxBytes` bytes that does not end inside a UTF-8 sequence. */
export function cutUtf8(bytes: Buffer, maxBytes: number): Buffer {
  if (bytes.length <= maxBytes) return bytes;
  let end = maxBytes;
  // step back over continuation bytes (10xxxxxx) to the start of the character the cut would split
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end -= 1;
  return bytes.subarray(0, end);
}
