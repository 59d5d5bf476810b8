// Reading keys for `keys set`: the hidden terminal prompt echoes nothing and restores the terminal; piped input
// gives one key per line.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readKeys, type KeyInput } from './key-input.js';

class FakeTerminal extends PassThrough implements KeyInput {
  readonly isTTY = true;
  readonly rawModes: boolean[] = [];
  setRawMode(mode: boolean): this {
    this.rawModes.push(mode);
    return this;
  }
}

function capture(): { write(text: string): void; text(): string } {
  let written = '';
  return { write: (text: string) => void (written += text), text: () => written };
}

describe('readKeys on a terminal', () => {
  it('prompts, reads in raw mode without echoing a character, and restores the terminal', async () => {
    const terminal = new FakeTerminal();
    const prompt = capture();
    const reading = readKeys(terminal, prompt, 'OpenAI API key');
    terminal.write('sk-Hidden');
    terminal.write('Key12345\u007f6\r'); // a backspace, then Enter
    const result = await reading;
    expect(result).toEqual({ ok: true, keys: ['sk-HiddenKey12346'] });
    expect(prompt.text()).toBe('Paste the OpenAI API key (input is hidden), then press Enter: \n');
    expect(prompt.text()).not.toContain('Hidden');
    expect(terminal.rawModes).toEqual([true, false]);
  });

  it('ignores arrow keys and treats Ctrl-C as cancel', async () => {
    const arrows = new FakeTerminal();
    const reading = readKeys(arrows, capture(), 'key');
    arrows.write('sk-abc\u001b[D\u001b[C123456\n');
    expect(await reading).toEqual({ ok: true, keys: ['sk-abc123456'] });

    const cancelled = new FakeTerminal();
    const cancelling = readKeys(cancelled, capture(), 'key');
    cancelled.write('sk-abc\u0003');
    expect(await cancelling).toEqual({ ok: false, problem: 'cancelled', cancelled: true });
    expect(cancelled.rawModes).toEqual([true, false]);
  });

  it('refuses an empty answer', async () => {
    const terminal = new FakeTerminal();
    const reading = readKeys(terminal, capture(), 'key');
    terminal.write('\r');
    expect(await reading).toEqual({ ok: false, problem: 'no key was entered' });
  });
});

describe('readKeys from a pipe', () => {
  it('takes one key per line, skipping blank lines and duplicates', async () => {
    const pipe = new PassThrough();
    pipe.end('sk-first-key-0001\r\n\nsk-second-key-0002\nsk-first-key-0001\n');
    expect(await readKeys(pipe, capture(), 'key')).toEqual({ ok: true, keys: ['sk-first-key-0001', 'sk-second-key-0002'] });
  });

  it('says which line is wrong without quoting it', async () => {
    const pipe = new PassThrough();
    pipe.end('sk-first-key-0001\nsk-has a-space-0002\n');
    const result = await readKeys(pipe, capture(), 'key');
    expect(result).toEqual({ ok: false, problem: 'line 2: the key contains spaces or line breaks (one key per line)' });
  });

  it('refuses empty input', async () => {
    const pipe = new PassThrough();
    pipe.end('');
    expect(await readKeys(pipe, capture(), 'key')).toEqual({ ok: false, problem: 'no key on standard input (pipe one key per line)' });
  });
});
