// The diff shown before a tool's config is written: the usual unified format (three lines of context, @@ counts),
// checked on a small case by hand and on many random edits by the system's own `patch`, which must turn the old
// text into the new one with it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { unifiedDiff } from './unified-diff.js';

describe('unifiedDiff', () => {
  it('shows a changed line with three lines of context', () => {
    const before = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].join('\n') + '\n';
    const after = ['a', 'b', 'c', 'd', 'E', 'f', 'g', 'h', 'i'].join('\n') + '\n';
    expect(unifiedDiff(before, after, '/home/u/x.txt')).toBe(
      ['--- /home/u/x.txt', '+++ /home/u/x.txt', '@@ -2,7 +2,8 @@', ' b', ' c', ' d', '-e', '+E', ' f', ' g', ' h', '+i', ''].join('\n'),
    );
  });

  it('is empty for no change, and all additions for a new file', () => {
    expect(unifiedDiff('x\n', 'x\n', 'f')).toBe('');
    expect(unifiedDiff(null, 'one\ntwo\n', 'f')).toBe('--- /dev/null\n+++ f\n@@ -0,0 +1,2 @@\n+one\n+two\n');
  });

  const hasPatch = spawnSync('patch', ['--version']).status === 0;
  it.runIf(hasPatch)('is a patch that `patch` applies to get the new text (random edits)', () => {
    const directory = mkdtempSync(join(tmpdir(), 'sy-diff-'));
    try {
      const lines = fc.array(fc.constantFrom('alpha', 'beta', 'gamma', '', '  "key": 1,', '}'), { maxLength: 30 });
      fc.assert(
        fc.property(lines, lines, (oldLines, newLines) => {
          const before = oldLines.length === 0 ? '' : `${oldLines.join('\n')}\n`;
          const after = newLines.length === 0 ? '' : `${newLines.join('\n')}\n`;
          const diff = unifiedDiff(before, after, 'file');
          if (before === after) return diff === '';
          writeFileSync(join(directory, 'file'), before);
          writeFileSync(join(directory, 'change.diff'), diff);
          const applied = spawnSync('patch', ['-s', '--posix', join(directory, 'file'), join(directory, 'change.diff')], { encoding: 'utf8' });
          expect(applied.status, `${diff}\n${applied.stderr}${applied.stdout}`).toBe(0);
          expect(readFileSync(join(directory, 'file'), 'utf8')).toBe(after);
          return true;
        }),
        { numRuns: 150 },
      );
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
