// What a capture keeps of a body: heads taken on the request path, request and answer sharing the per-request
// limit, cuts at character boundaries with a marker, and every secret redacted whatever form it came in.
import { describe, expect, it } from 'vitest';
import { registerSecret } from '../../shared/redact.js';
import { cleanText, composeCapture, cutUtf8, splitBudget, takeHead, truncationMarker } from './capture-text.js';

const secret = 'Zk4QwErTy9uIoPaS7dFgHjKl';
registerSecret(secret);

function pieces(text: string): string[] {
  return Array.from({ length: text.length - 5 }, (_unused, start) => text.slice(start, start + 6));
}

const leaked = (text: string): string[] => pieces(secret).filter((piece) => text.includes(piece));

describe('takeHead', () => {
  it('keeps a small body whole and copies only the head of a large one', () => {
    const small = Buffer.from('{"model":"m"}');
    expect(takeHead(small, 100)).toEqual({ head: small, totalBytes: small.length });
    const large = Buffer.alloc(10_000, 'a');
    const taken = takeHead(large, 1_000);
    expect(taken.totalBytes).toBe(10_000);
    expect(taken.head.length).toBe(1_000);
    expect(taken.head.buffer).not.toBe(large.buffer); // the 10 kB buffer is not kept alive for its head
  });

  it('measures text in UTF-8 bytes', () => {
    expect(takeHead('héllo', 100)).toEqual({ head: Buffer.from('héllo'), totalBytes: 6 });
    expect(takeHead('x'.repeat(50), 10).head.toString()).toBe('x'.repeat(10));
  });
});

describe('composeCapture', () => {
  const body = (text: string) => takeHead(text, 1 << 20);

  it('keeps both sides whole when they fit', () => {
    expect(composeCapture(body('{"a":1}'), body('answer'), 1_024)).toEqual({ request: '{"a":1}', response: 'answer', truncated: false });
  });

  it('shares the limit: a small side keeps all it has, the large one takes the rest, and a cut is marked', () => {
    expect(splitBudget(100, 5_000, 2_048)).toEqual([100, 1_948]);
    expect(splitBudget(5_000, 100, 2_048)).toEqual([1_948, 100]);
    expect(splitBudget(5_000, 5_000, 2_048)).toEqual([1_024, 1_024]);
    const captured = composeCapture(body('q'.repeat(100)), body('a'.repeat(5_000)), 2_048);
    expect(captured.truncated).toBe(true);
    expect(captured.request).toBe('q'.repeat(100));
    expect(captured.response.endsWith(truncationMarker(5_000))).toBe(true);
    expect(Buffer.byteLength(captured.request) + Buffer.byteLength(captured.response)).toBeLessThanOrEqual(2_048);
  });

  it('never cuts inside a character', () => {
    const emoji = '😀'.repeat(2_000); // 4 bytes each
    const captured = composeCapture(body('{}'), body(emoji), 1_025);
    const kept = captured.response.slice(0, captured.response.indexOf('\n…'));
    expect(kept).toMatch(/^(😀)+$/u);
    expect(kept).not.toContain('\uFFFD');
    expect(cutUtf8(Buffer.from('aé'), 2).toString()).toBe('a');
  });

  it('marks a body the gateway took only the head of, even when the limit has grown since', () => {
    const captured = composeCapture(takeHead('z'.repeat(3_000), 1_000), body('ok'), 1 << 20);
    expect(captured).toMatchObject({ truncated: true, response: 'ok' });
    expect(captured.request).toContain(truncationMarker(3_000));
  });
});

describe('redaction of captured text', () => {
  it('removes a registered secret, its pieces and key-shaped strings from both sides', () => {
    const request = JSON.stringify({
      messages: [{ role: 'user', content: `my key is ${secret}, the middle is ${secret.slice(5, 17)}, and sk-proj-Abc123Def456Ghi789` }],
    });
    const captured = composeCapture(takeHead(request, 1 << 20), takeHead(`echo: ${secret}`, 1 << 20), 1 << 20);
    expect(leaked(captured.request + captured.response)).toEqual([]);
    expect(captured.request).not.toContain('Abc123Def456');
    expect(captured.request).toContain('my key is');
  });

  it('sees through JSON escapes of key characters, and leaves other escapes alone', () => {
    const escaped = [...secret].map((character) => `\\u00${character.charCodeAt(0).toString(16)}`).join('');
    const text = cleanText(`{"content":"${escaped}","quote":"\\u0022","path":"C:\\\\u0041"}`);
    expect(leaked(text)).toEqual([]);
    expect(text).toContain('\\u0022');
    expect(text).toContain('C:\\\\u0041'); // an escaped backslash, then the letters u0041: not an escape
  });

  it('removes all-lowercase pieces too: a key wrapped over lines leaves nothing behind', () => {
    const lowercaseKey = 'Q7x9Lm2walrusfishT5vB8n';
    registerSecret(lowercaseKey);
    const wrapped = `${lowercaseKey.slice(0, 8)}\n${lowercaseKey.slice(8, 18)}\n${lowercaseKey.slice(18)}`;
    expect(pieces(lowercaseKey).filter((piece) => cleanText(wrapped).includes(piece))).toEqual([]);
  });

  it('a secret cut by the size limit is still masked in what is kept', () => {
    const request = `${'x'.repeat(1_500)} ${secret} ${'y'.repeat(200)}`;
    // the request's share ends 12 characters into the secret
    const limit = 1_501 + 12 + Buffer.byteLength(truncationMarker(Buffer.byteLength(request))) + 2;
    const captured = composeCapture(takeHead(request, 1 << 20), takeHead('ok', 1 << 20), limit);
    expect(captured.truncated).toBe(true);
    expect(captured.request.startsWith(`${'x'.repeat(1_500)} `)).toBe(true);
    expect(leaked(captured.request)).toEqual([]);
  });
});
