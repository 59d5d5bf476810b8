// Reading provider keys for `switchyard keys set`: a hidden prompt on a terminal (raw mode, nothing echoed), or
// one key per line from a pipe. Never from argv, where shell history and the process list would keep them.
import { registerSecret } from '../../shared/redact.js';
import { normaliseKey } from './secret-store.js';

/** process.stdin, or a stand-in for tests */
export interface KeyInput extends NodeJS.ReadableStream {
  readonly isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

export interface TextOutput {
  write(text: string): unknown;
}

export type ReadKeysResult = { readonly ok: true; readonly keys: string[] } | { readonly ok: false; readonly problem: string; readonly cancelled?: boolean };

const maxPipedBytes = 256 * 1024;

/** One key from a terminal prompt, or every non-empty line of piped input. Keys are registered for redaction at once. */
export async function readKeys(input: KeyInput, prompt: TextOutput, label: string): Promise<ReadKeysResult> {
  const lines =
    input.isTTY && input.setRawMode ? await readHidden(input, prompt, `Paste the ${label} (input is hidden), then press Enter: `) : await readPiped(input);
  if (!lines.ok) return lines;
  const keys: string[] = [];
  for (const [index, line] of lines.keys.entries()) {
    if (line.trim() === '') continue;
    const checked = normaliseKey(line);
    if (!checked.ok) return { ok: false, problem: lines.keys.length > 1 ? `line ${index + 1}: ${checked.problem}` : checked.problem };
    registerSecret(checked.key);
    if (!keys.includes(checked.key)) keys.push(checked.key);
  }
  if (keys.length === 0) return { ok: false, problem: input.isTTY ? 'no key was entered' : 'no key on standard input (pipe one key per line)' };
  return { ok: true, keys };
}

async function readPiped(input: KeyInput): Promise<ReadKeysResult> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of input) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buffer.length;
    if (size > maxPipedBytes) return { ok: false, problem: 'standard input is larger than 256 KiB; pipe only the keys, one per line' };
    chunks.push(buffer);
  }
  return { ok: true, keys: Buffer.concat(chunks).toString('utf8').split(/\r?\n/) };
}

/** A prompt that echoes nothing: raw mode, so the terminal does not print what is typed or pasted. */
function readHidden(input: KeyInput, prompt: TextOutput, question: string): Promise<ReadKeysResult> {
  return new Promise((resolve) => {
    let typed = '';
    let inEscape = false; // arrow keys and the like arrive as ESC [ … letter; they are not part of a key
    const finish = (result: ReadKeysResult): void => {
      input.removeListener('data', onData);
      input.removeListener('end', onEnd);
      input.setRawMode?.(false);
      input.pause();
      prompt.write('\n');
      resolve(result);
    };
    const onEnd = (): void => finish({ ok: true, keys: [typed] });
    const onData = (chunk: Buffer | string): void => {
      for (const character of typeof chunk === 'string' ? chunk : chunk.toString('utf8')) {
        if (inEscape) {
          if (/[A-Za-z~]/.test(character)) inEscape = false;
          continue;
        }
        if (character === '\u001b') {
          inEscape = true;
          continue;
        }
        if (character === '\r' || character === '\n' || character === '\u0004') return finish({ ok: true, keys: [typed] });
        if (character === '\u0003') return finish({ ok: false, problem: 'cancelled', cancelled: true });
        if (character === '\u007f' || character === '\b') typed = typed.slice(0, -1);
        else if (character === '\u0015')
          typed = ''; // Ctrl-U: start over
        else if (character >= ' ') typed += character;
      }
    };
    prompt.write(question);
    input.setRawMode?.(true);
    input.on('data', onData);
    input.on('end', onEnd);
    input.resume();
  });
}
