// Masks anything that looks like a credential before text leaves the process (error bodies echoed by
// providers, log lines). Known secrets registered at start-up are removed, and so is every 6-character piece
// of them (providers echo keys partially masked: "Zq81mN0p****QQ11"); key-shaped strings are masked by pattern,
// including the partially masked forms providers echo back ("sk-CANA****1234").

const keyPatterns: ReadonlyArray<readonly [RegExp, string]> = [
  [/\b(sk|pk|rk)-[A-Za-z0-9_*.-]{3,}/g, '$1-***'], // OpenAI, Anthropic (sk-ant-…), DeepSeek, OpenRouter (sk-or-…)
  [/\bAIza[0-9A-Za-z_*-]{6,}/g, 'AIza***'], // Google
  [/\b(gsk|xai|sya|sy)([-_])[A-Za-z0-9_*-]{6,}/g, '$1$2***'], // Groq, xAI, Switchyard client tokens
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=*-]{6,}/gi, '$1 ***'],
  [/\b(api[_-]?key|x-api-key|x-goog-api-key|authorization)(["']?\s*[:=]\s*["']?)[^\s"',}&]{4,}/gi, '$1$2***'],
  [/([?&](?:key|api_key|token)=)[^&\s"']+/gi, '$1***'],
];

const knownSecrets = new Set<string>();
/** No piece of a known secret this long may survive redaction (RELIABILITY.md: "not even a 6-character piece"). */
const secretPieceLength = 6;

/** Registers a secret (provider key, client token) so that it is removed wherever it appears. */
export function registerSecret(secret: string | undefined): void {
  if (secret && secret.length >= 6 && !knownSecrets.has(secret)) {
    knownSecrets.add(secret);
    pieceScan = undefined;
  }
}

// The common text holds nothing to redact, and proving that is one pass over it instead of one search per pattern
// and per piece of every secret: a regular expression that matches wherever any key pattern does (their union,
// case-insensitive), and a rolling hash of every 6-character window looked up in a bitmap of the pieces' hashes
// (a hit is checked exactly). Every registered secret contains its pieces, so a text without any piece holds none.
const anyKeyPattern = new RegExp(keyPatterns.map(([pattern]) => `(?:${pattern.source})`).join('|'), 'i');
const hashBase = 31;
const hashBaseToTheFifth = hashBase ** 5;
let pieceScan: { readonly pieces: ReadonlySet<string>; readonly bitmap: Uint8Array } | undefined;

function windowHash(text: string, start: number): number {
  let hash = 0;
  for (let index = start; index < start + secretPieceLength; index += 1) hash = (Math.imul(hash, hashBase) + text.charCodeAt(index)) | 0;
  return hash;
}

function holdsSecretPiece(text: string): boolean {
  if (knownSecrets.size === 0 || text.length < secretPieceLength) return false;
  if (pieceScan === undefined) {
    const pieces = new Set<string>();
    for (const secret of knownSecrets)
      for (let start = 0; start + secretPieceLength <= secret.length; start += 1) pieces.add(secret.slice(start, start + secretPieceLength));
    const bitmap = new Uint8Array(1 << 16);
    for (const piece of pieces) bitmap[windowHash(piece, 0) >>> 16] = 1;
    pieceScan = { pieces, bitmap };
  }
  const { pieces, bitmap } = pieceScan;
  let hash = windowHash(text, 0);
  if (bitmap[hash >>> 16] === 1 && pieces.has(text.slice(0, secretPieceLength))) return true;
  for (let end = secretPieceLength; end < text.length; end += 1) {
    const dropped = Math.imul(text.charCodeAt(end - secretPieceLength), hashBaseToTheFifth);
    hash = (Math.imul(hash - dropped, hashBase) + text.charCodeAt(end)) | 0;
    if (bitmap[hash >>> 16] === 1 && pieces.has(text.slice(end - secretPieceLength + 1, end + 1))) return true;
  }
  return false;
}

export interface RedactOptions {
  /**
   * Also remove the all-lowercase pieces of registered secrets. Off for messages (a piece like "client" would mask
   * ordinary words); on for stored prompt and answer captures, where a pasted fragment of a key must not leave any
   * 6-character piece behind and a masked word now and then is the lesser harm.
   */
  readonly everyPiece?: boolean;
}

export function redactSecrets(text: string, options: RedactOptions = {}): string {
  if (!anyKeyPattern.test(text) && !holdsSecretPiece(text)) return text;
  let out = text;
  for (const secret of knownSecrets) {
    if (out.includes(secret)) out = out.split(secret).join('***');
  }
  for (const [pattern, replacement] of keyPatterns) out = out.replace(pattern, replacement);
  // Pieces last, so that cutting one out of another key never hides that key from the patterns above.
  for (const secret of knownSecrets) {
    for (let start = 0; start + secretPieceLength <= secret.length; start += 1) {
      const piece = secret.slice(start, start + secretPieceLength);
      // A piece that is an ordinary lowercase word ("primar", "client") would mask normal text; random key
      // material almost always mixes in a digit, a capital or a symbol.
      if (options.everyPiece !== true && /^[a-z]+$/.test(piece)) continue;
      if (out.includes(piece)) out = out.split(piece).join('***');
    }
  }
  return out;
}

/** `sk-…abcd`: the most of a secret that may ever be shown. */
export function maskSecret(secret: string): string {
  return secret.length <= 8 ? '…' : `…${secret.slice(-4)}`;
}
