// Sets values at key paths in a JSON (or JSON-with-comments) file without touching the rest of its text: VS Code's
// jsonc-parser computes each change as an edit of the original characters, so the user's comments, key order,
// indentation and every other setting survive byte for byte.
import { applyEdits, modify, parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { ConnectFileError } from './errors.js';

export type JsonPath = readonly string[];

export interface JsonChange {
  readonly path: JsonPath;
  /** undefined removes the key */
  readonly value: unknown;
}

/** The file's value (comments allowed), or a ConnectFileError naming the first syntax problem. */
export function readJson(text: string, file: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  const [first] = errors;
  if (first) {
    const line = text.slice(0, first.offset).split('\n').length;
    throw new ConnectFileError(file, `it is not valid JSON (${printParseErrorCode(first.error)} on line ${line}); fix it by hand first`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ConnectFileError(file, 'its top level is not an object');
  return value as Record<string, unknown>;
}

export function editJson(text: string | null, changes: readonly JsonChange[], file: string): string {
  let current = text === null || text.trim() === '' ? '{}\n' : text;
  const original = readJson(current, file);
  for (const change of changes) checkParents(original, change.path, file);
  const formattingOptions = { ...indentation(current), eol: current.includes('\r\n') ? '\r\n' : '\n' };
  // A new key goes first in its object: jsonc-parser formats the whole lines an edit touches, and the line before
  // an appended key is the user's last one (a one-line object there would be spread over several lines).
  for (const change of changes) {
    current = applyEdits(current, modify(current, [...change.path], change.value, { formattingOptions, getInsertionIndex: () => 0 }));
  }
  return current.endsWith('\n') ? current : `${current}\n`;
}

/** A key on the way that holds something other than an object would be replaced wholesale: refuse instead. */
function checkParents(root: Record<string, unknown>, path: JsonPath, file: string): void {
  let node: unknown = root;
  for (const [index, key] of path.slice(0, -1).entries()) {
    node = (node as Record<string, unknown>)[key];
    if (node === undefined || node === null) return;
    if (typeof node !== 'object' || Array.isArray(node)) {
      throw new ConnectFileError(file, `"${path.slice(0, index + 1).join('.')}" is not an object; Switchyard will not replace it — fix it by hand first`);
    }
  }
}

/** The file's own indentation (tabs, or the first indented line's width), 2 spaces for a new file. */
function indentation(text: string): { insertSpaces: boolean; tabSize: number } {
  const match = /^[ \t]*[{}[\]]?\s*\n([ \t]+)\S/m.exec(text) ?? /\n([ \t]+)\S/.exec(text);
  const indent = match?.[1];
  if (indent === undefined) return { insertSpaces: true, tabSize: 2 };
  if (indent.startsWith('\t')) return { insertSpaces: false, tabSize: 1 };
  return { insertSpaces: true, tabSize: Math.min(indent.length, 8) };
}

/** The value at `path`, or undefined. */
export function jsonValueAt(root: unknown, path: JsonPath): unknown {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}
