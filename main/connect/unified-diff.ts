// A unified diff of two small texts (a tool's config before and after), for the user to read before anything is
// written. Line-based longest common subsequence; config files are small, and past a size bound the diff says
// "whole file replaced" rather than spending memory on it.

const maxCells = 4_000_000;
const context = 3;

type Line = { readonly kind: ' ' | '-' | '+'; readonly text: string; readonly oldNumber: number; readonly newNumber: number };

export function unifiedDiff(before: string | null, after: string, path: string): string {
  const oldLines = splitLines(before ?? '');
  const newLines = splitLines(after);
  const header = [`--- ${before === null ? '/dev/null' : path}`, `+++ ${path}`];
  if (before === after) return '';
  const lines = oldLines.length * newLines.length > maxCells ? replaceAll(oldLines, newLines) : compare(oldLines, newLines);
  return [...header, ...hunks(lines)].join('\n') + '\n';
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  return text.replace(/\r?\n$/, '').split(/\r?\n/);
}

function replaceAll(oldLines: readonly string[], newLines: readonly string[]): Line[] {
  return [
    ...oldLines.map((text, index): Line => ({ kind: '-', text, oldNumber: index + 1, newNumber: 0 })),
    ...newLines.map((text, index): Line => ({ kind: '+', text, oldNumber: oldLines.length, newNumber: index + 1 })),
  ];
}

function compare(oldLines: readonly string[], newLines: readonly string[]): Line[] {
  const rows = oldLines.length + 1;
  const columns = newLines.length + 1;
  // lengths[i][j]: LCS length of oldLines[i..] and newLines[j..]
  const lengths = new Uint32Array(rows * columns);
  for (let i = oldLines.length - 1; i >= 0; i -= 1) {
    for (let j = newLines.length - 1; j >= 0; j -= 1) {
      lengths[i * columns + j] =
        oldLines[i] === newLines[j]
          ? (lengths[(i + 1) * columns + j + 1] ?? 0) + 1
          : Math.max(lengths[(i + 1) * columns + j] ?? 0, lengths[i * columns + j + 1] ?? 0);
    }
  }
  const lines: Line[] = [];
  let i = 0;
  let j = 0;
  while (i < oldLines.length || j < newLines.length) {
    if (i < oldLines.length && j < newLines.length && oldLines[i] === newLines[j]) {
      lines.push({ kind: ' ', text: oldLines[i] ?? '', oldNumber: i + 1, newNumber: j + 1 });
      i += 1;
      j += 1;
    } else if (i < oldLines.length && (j === newLines.length || (lengths[(i + 1) * columns + j] ?? 0) >= (lengths[i * columns + j + 1] ?? 0))) {
      lines.push({ kind: '-', text: oldLines[i] ?? '', oldNumber: i + 1, newNumber: j }); // removals before additions, as diff(1) shows them
      i += 1;
    } else {
      lines.push({ kind: '+', text: newLines[j] ?? '', oldNumber: i, newNumber: j + 1 });
      j += 1;
    }
  }
  return lines;
}

/** Groups changes with `context` unchanged lines around them into @@ hunks. */
function hunks(lines: readonly Line[]): string[] {
  const out: string[] = [];
  let index = 0;
  while (index < lines.length) {
    const firstChange = lines.findIndex((line, at) => at >= index && line.kind !== ' ');
    if (firstChange === -1) break;
    const start = Math.max(index, firstChange - context);
    let end = firstChange;
    let quiet = 0;
    for (let at = firstChange; at < lines.length; at += 1) {
      if (lines[at]?.kind === ' ') quiet += 1;
      else {
        quiet = 0;
        end = at;
      }
      if (quiet > context * 2) break;
    }
    const stop = Math.min(lines.length, end + context + 1);
    const slice = lines.slice(start, stop);
    const oldCount = slice.filter((line) => line.kind !== '+').length;
    const newCount = slice.filter((line) => line.kind !== '-').length;
    const oldStart = oldCount === 0 ? (slice[0]?.oldNumber ?? 0) : (slice.find((line) => line.kind !== '+')?.oldNumber ?? 0);
    const newStart = newCount === 0 ? (slice[0]?.newNumber ?? 0) : (slice.find((line) => line.kind !== '-')?.newNumber ?? 0);
    out.push(`@@ -${oldStart},${oldCount} +${newStart},${newCount} @@`, ...slice.map((line) => `${line.kind}${line.text}`));
    index = stop;
  }
  return out;
}
