// A careful editor of the few lines Switchyard owns in a TOML file (Codex's config.toml): some top-level keys and
// one table. It changes lines in place and appends what is missing, so comments and everything else stay as they
// were; then it parses the result (smol-toml) and refuses to write unless it equals the original with exactly our
// keys changed. No TOML library keeps comments when it writes, hence the line editing; the parser is the safety net.
import { parse, TomlError } from 'smol-toml';
import { ConnectFileError } from './errors.js';

export type TomlScalar = string | number | boolean;

export interface TomlChanges {
  /** top-level keys to set */
  readonly topLevel: Readonly<Record<string, TomlScalar>>;
  /** the table we own, e.g. ['model_providers', 'switchyard'] */
  readonly table: readonly string[];
  /** keys of that table to set */
  readonly tableKeys: Readonly<Record<string, TomlScalar>>;
  /** keys of that table to remove (superseded by ours) */
  readonly tableRemove?: readonly string[];
}

const headerLine = /^\s*\[(\[?)([^\]]*)\]\]?\s*(?:#.*)?$/;

export function editToml(text: string | null, changes: TomlChanges, file: string): string {
  const source = text ?? '';
  const original = parseToml(source, file);
  checkTableForm(source, original, changes.table, file);
  const eol = source.includes('\r\n') ? '\r\n' : '\n';
  const lines = source === '' ? [] : source.replace(/\r?\n$/, '').split(/\r?\n/);

  const firstHeader = lines.findIndex((line) => headerLine.test(line));
  const topEnd = firstHeader === -1 ? lines.length : firstHeader;
  const topInserts = setKeys(lines, 0, topEnd, changes.topLevel, []);
  insertTopLevel(lines, topEnd, topInserts);

  const tableStart = lines.findIndex((line) => samePath(headerPath(line), changes.table));
  if (tableStart === -1) {
    if (lines.length > 0 && lines[lines.length - 1]?.trim() !== '') lines.push('');
    lines.push(`[${changes.table.map(tomlKey).join('.')}]`, ...Object.entries(changes.tableKeys).map(([key, value]) => assignment(key, value)));
  } else {
    const next = lines.findIndex((line, index) => index > tableStart && headerLine.test(line));
    const tableEnd = next === -1 ? lines.length : next;
    const linesBefore = lines.length;
    const inserts = setKeys(lines, tableStart + 1, tableEnd, changes.tableKeys, changes.tableRemove ?? []);
    let at = tableEnd - (linesBefore - lines.length); // less the lines removed
    while (at > tableStart + 1 && isBlankOrComment(lines[at - 1])) at -= 1;
    lines.splice(at, 0, ...inserts);
  }

  const result = lines.join(eol) + eol;
  const expected = merged(original, changes);
  if (!sameValue(parseToml(result, file), expected)) {
    throw new ConnectFileError(file, 'Switchyard could not change it without touching other settings; add its lines by hand (see the snippet)');
  }
  return result;
}

function parseToml(text: string, file: string): Record<string, unknown> {
  try {
    return parse(text) as Record<string, unknown>;
  } catch (error) {
    const detail = error instanceof TomlError ? `line ${error.line}: ${error.message.split('\n')[0] ?? ''}` : String(error);
    throw new ConnectFileError(file, `it is not valid TOML (${detail}); fix it by hand first`);
  }
}

/** Our table must be a plain `[a.b]` section if it exists at all (not dotted keys or an inline table elsewhere). */
function checkTableForm(text: string, original: Record<string, unknown>, table: readonly string[], file: string): void {
  let node: unknown = original;
  for (const key of table) node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
  if (node === undefined) {
    if (table.length > 1 && original[table[0] ?? ''] !== undefined && typeof original[table[0] ?? ''] !== 'object') {
      throw new ConnectFileError(file, `${table[0]} is not a table; fix it by hand first`);
    }
    return;
  }
  const hasHeader = text.split(/\r?\n/).some((line) => samePath(headerPath(line), table));
  if (!hasHeader)
    throw new ConnectFileError(file, `${table.join('.')} is written as dotted keys or an inline table; make it a [${table.join('.')}] section by hand first`);
}

/** Replaces `key = …` lines within [from, to) (removing those in `remove`); returns the assignments still missing. */
function setKeys(lines: string[], from: number, to: number, values: Readonly<Record<string, TomlScalar>>, remove: readonly string[]): string[] {
  const missing = new Map(Object.entries(values));
  for (let index = to - 1; index >= from; index -= 1) {
    const key = keyOf(lines[index] ?? '');
    if (key === undefined) continue;
    if (remove.includes(key)) {
      lines.splice(index, 1);
      continue;
    }
    const value = missing.get(key);
    if (value === undefined) continue;
    lines[index] = assignment(key, value);
    missing.delete(key);
  }
  return [...missing].map(([key, value]) => assignment(key, value));
}

/** New top-level keys go after the last top-level assignment (or at the top, below a leading comment block). */
function insertTopLevel(lines: string[], topEnd: number, inserts: readonly string[]): void {
  if (inserts.length === 0) return;
  let at = -1;
  for (let index = 0; index < topEnd; index += 1) if (keyOf(lines[index] ?? '') !== undefined) at = index + 1;
  if (at === -1) {
    at = 0;
    while (at < topEnd && (lines[at] ?? '').trim().startsWith('#')) at += 1;
  }
  const trailer = at < lines.length && topEnd === at && (lines[at] ?? '').trim() !== '' ? [''] : [];
  lines.splice(at, 0, ...inserts, ...trailer);
}

/** The bare or quoted key of a `key = value` line (dotted keys are not ours to touch: undefined). */
function keyOf(line: string): string | undefined {
  const match = /^\s*(?:([A-Za-z0-9_-]+)|"([^"\\]*)")\s*=/.exec(line);
  return match ? (match[1] ?? match[2]) : undefined;
}

function headerPath(line: string): string[] | undefined {
  const match = headerLine.exec(line);
  if (!match || match[1] === '[') return undefined;
  return (match[2] ?? '').split('.').map((part) =>
    part
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .replace(/^'(.*)'$/, '$1'),
  );
}

function samePath(path: readonly string[] | undefined, table: readonly string[]): boolean {
  return path !== undefined && path.length === table.length && path.every((part, index) => part === table[index]);
}

function isBlankOrComment(line: string | undefined): boolean {
  const trimmed = (line ?? '').trim();
  return trimmed === '' || trimmed.startsWith('#');
}

function assignment(key: string, value: TomlScalar): string {
  return `${tomlKey(key)} = ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`;
}

function tomlKey(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key);
}

function merged(original: Record<string, unknown>, changes: TomlChanges): Record<string, unknown> {
  const copy = structuredClone(original);
  Object.assign(copy, changes.topLevel);
  let node = copy;
  for (const key of changes.table) {
    const child = node[key];
    node = (node[key] = child !== null && typeof child === 'object' ? child : {}) as Record<string, unknown>;
  }
  for (const key of changes.tableRemove ?? []) delete node[key];
  Object.assign(node, changes.tableKeys);
  return copy;
}

/** Deep equality of parsed TOML (dates compared by their text). */
function sameValue(left: unknown, right: unknown): boolean {
  if (left instanceof Date || right instanceof Date) return String(left) === String(right);
  if (left === null || right === null || typeof left !== 'object' || typeof right !== 'object') return Object.is(left, right);
  if (Array.isArray(left) !== Array.isArray(right)) return false;
  const leftKeys = Object.keys(left);
  const rightKeys = Object.keys(right);
  if (leftKeys.length !== rightKeys.length) return false;
  return leftKeys.every((key) => Object.hasOwn(right, key) && sameValue((left as Record<string, unknown>)[key], (right as Record<string, unknown>)[key]));
}

/** The value at a table path of a TOML text (for reading back what a tool is set to); undefined when unreadable. */
export function tomlValueAt(text: string, path: readonly string[]): unknown {
  let node: unknown;
  try {
    node = parse(text);
  } catch {
    return undefined;
  }
  for (const key of path) node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
  return node;
}
