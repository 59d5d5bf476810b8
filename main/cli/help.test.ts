// `--help` after a verb: the verb's own help when the CLI knows it, the unknown-command error (exit 2, stderr)
// when it does not — the same as the verb alone, so probing with `--help` never reports a verb that is not there.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { helpAnswer, unknownCommand, verbHelp } from './help.js';
import { generalUsage } from './usage-text.js';

const usage = 'Usage:\n  switchyard serve …\n  switchyard tokens …';

describe('switchyard <verb> --help', () => {
  it('an unknown verb with --help is the unknown-command error, exit 2 on stderr, as the verb alone', () => {
    const expected = { text: unknownCommand('frobnicate', usage), stream: 'stderr', code: 2 };
    expect(helpAnswer(['frobnicate'], true, usage)).toEqual(expected);
    expect(helpAnswer(['help', 'frobnicate'], false, usage)).toEqual(expected);
    expect(expected.text).toBe(`switchyard: unknown command 'frobnicate'\n\n${usage}`);
    // alone it is not help at all: main.ts's switch reaches its default branch, which prints unknownCommand()
    expect(helpAnswer(['frobnicate'], false, usage)).toBeUndefined();
    // names an object inherits are not verbs either
    expect(helpAnswer(['constructor'], true, usage)).toMatchObject({ stream: 'stderr', code: 2 });
  });

  it("a known verb with --help prints that verb's help on stdout, exit 0", () => {
    const answer = helpAnswer(['tokens', 'create', 'editor'], true, usage);
    expect(answer).toMatchObject({ stream: 'stdout', code: 0 });
    expect(answer?.text).toContain('switchyard tokens create <name>');
    expect(answer?.text).not.toContain('switchyard serve');
    expect(helpAnswer(['help', 'keys'], false, usage)?.text).toContain('switchyard keys set <provider>');
    expect(helpAnswer(['serve'], false, usage)).toBeUndefined();
  });

  it('no verb: the general usage, exit 0 when asked for, 2 when a verb is missing', () => {
    expect(helpAnswer([], true, usage)).toEqual({ text: usage, stream: 'stdout', code: 0 });
    expect(helpAnswer(['help'], false, usage)).toEqual({ text: usage, stream: 'stdout', code: 0 });
    expect(helpAnswer([], false, usage)).toEqual({ text: usage, stream: 'stdout', code: 2 });
  });

  it("`help help` and `help --help` print help's own help, exit 0", () => {
    const answer = helpAnswer(['help', 'help'], false, usage);
    expect(answer).toMatchObject({ stream: 'stdout', code: 0 });
    expect(answer?.text).toMatch(/^Usage:\n {2}switchyard help \[<command>\]/);
    expect(answer?.text).not.toContain("unknown command 'help'");
    expect(helpAnswer(['help'], true, usage)).toEqual(answer);
    expect(helpAnswer(['help', 'help'], true, usage)).toEqual(answer);
    // the general usage names it
    expect(generalUsage).toContain('switchyard help [<command>]');
  });

  it("printing help loads no verb's module: help.ts and usage-text.ts import nothing else", () => {
    for (const file of ['./help.ts', './usage-text.ts']) {
      const source = readFileSync(new URL(file, import.meta.url), 'utf8');
      const imported = [...source.matchAll(/^import[^;]*?from '([^']+)'/gms)].map((match) => match[1]);
      expect(imported, file).toEqual(file === './help.ts' ? ['./usage-text.js'] : []);
    }
  });

  it('every verb main.ts dispatches has help, and every help entry is a verb main.ts dispatches', () => {
    const source = readFileSync(new URL('./main.ts', import.meta.url), 'utf8');
    const switchBody = source.slice(source.indexOf('switch (command) {'));
    const dispatched = [...switchBody.matchAll(/^ {4}case '([a-z-]+)':/gm)].map((match) => match[1]);
    expect(dispatched).toContain('serve');
    // a verb missing from verbHelp would make `switchyard <verb> --help` an unknown-command error
    expect(Object.keys(verbHelp).sort(), 'each verb in main.ts needs an entry in verbHelp (main/cli/help.ts)').toEqual([...new Set(dispatched)].sort());
  });
});
