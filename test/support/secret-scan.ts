// The canary check of RELIABILITY.md: generate `sk-CANARY-…` keys, then look for any 6-character piece of them in
// text and in every file under a directory (SQLite files and their -wal/-shm included, read as raw bytes).
import { randomInt } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const canaryPieceLength = 6;

const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const mixers = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/**
 * `sk-CANARY-` and 30 random characters, every third one a digit or capital: no 6-character piece is an ordinary
 * lowercase word, which the redactor deliberately leaves alone (shared/redact.ts), so a leak is always a real one.
 */
export function canaryKey(): string {
  let body = '';
  for (let index = 0; index < 30; index += 1) {
    const alphabet = index % 3 === 2 ? mixers : letters;
    body += alphabet[randomInt(alphabet.length)];
  }
  return `sk-CANARY-${body}`;
}

export function secretPieces(secret: string, length = canaryPieceLength): string[] {
  const pieces = new Set<string>();
  for (let start = 0; start + length <= secret.length; start += 1) pieces.add(secret.slice(start, start + length));
  return [...pieces];
}

export interface Leak {
  /** what was scanned: a file path, "serve output", "response 3 body", … */
  readonly where: string;
  readonly piece: string;
  /** a little text around the hit, to find it */
  readonly context: string;
}

export interface Scanned {
  readonly where: string;
  readonly content: string | Buffer;
}

export function findLeaks(scanned: Iterable<Scanned>, secrets: readonly string[]): Leak[] {
  const pieces = [...new Set(secrets.flatMap((secret) => secretPieces(secret)))];
  const leaks: Leak[] = [];
  for (const { where, content } of scanned) {
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    for (const piece of pieces) {
      const at = bytes.indexOf(piece, 0, 'utf8');
      if (at < 0) continue;
      const context = bytes
        .subarray(Math.max(0, at - 40), at + piece.length + 40)
        .toString('utf8')
        .replace(/[^\x20-\x7e]/g, '.');
      leaks.push({ where, piece, context });
    }
  }
  return leaks;
}

/** Every regular file under `directory`, recursively, with its raw bytes. */
export function filesUnder(directory: string): Scanned[] {
  const files: Scanned[] = [];
  for (const name of readdirSync(directory)) {
    const path = join(directory, name);
    const stats = statSync(path);
    if (stats.isDirectory()) files.push(...filesUnder(path));
    else if (stats.isFile()) files.push({ where: path, content: readFileSync(path) });
  }
  return files;
}
