// Redaction is the last line between a provider key and a log file, an error body or the ledger: registered
// secrets and every 6-character piece of them go, and key-shaped strings are masked by pattern.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskSecret, redactSecrets, registerSecret } from './redact.js';

function sixCharacterPieces(secret: string): string[] {
  return Array.from({ length: secret.length - 5 }, (_unused, start) => secret.slice(start, start + 6));
}

function leakedPieces(secret: string, text: string): string[] {
  return sixCharacterPieces(secret).filter((piece) => text.includes(piece));
}

describe('registered secrets', () => {
  it('removes a registered secret wherever it appears, however it is shaped', () => {
    const secret = 'Vq9dL2mXa7TtPz0kRb3n'; // no recognisable prefix: only registration can catch it
    registerSecret(secret);
    const out = redactSecrets(`key=${secret} and again "${secret}"\n${secret}`);
    expect(out).not.toContain(secret);
    expect(leakedPieces(secret, out)).toEqual([]);
  });

  it('removes every 6-character piece of a registered secret, e.g. a partially masked echo', () => {
    const secret = 'Zq81mN0pLx77TTbbQQ11hh';
    registerSecret(secret);
    const echo = `Incorrect API key provided: ${secret.slice(0, 8)}${'*'.repeat(secret.length - 12)}${secret.slice(-4)}. You can find your API key at https://platform.openai.com/account/api-keys.`;
    const out = redactSecrets(echo);
    expect(leakedPieces(secret, out)).toEqual([]);
    expect(out).toContain('Incorrect API key provided');
  });

  it('leaves an all-lowercase piece alone in messages, and removes it with everyPiece (captures)', () => {
    const secret = 'Kq7Zx2quokkarW9pLm4T';
    registerSecret(secret);
    // The key wrapped over three lines: no whole secret, no key prefix, and the lowercase run stands on its own.
    const wrapped = `my key is\n${secret.slice(0, 6)}\n${secret.slice(6, 13)}\n${secret.slice(13)}`;
    expect(redactSecrets(wrapped)).toContain('quokka');
    const strict = redactSecrets(wrapped, { everyPiece: true });
    expect(leakedPieces(secret, strict)).toEqual([]);
    expect(strict).toMatch(/^my key is\n/);
  });

  it('ignores secrets shorter than 6 characters and undefined', () => {
    registerSecret('abc');
    registerSecret(undefined);
    expect(redactSecrets('abc abcabc')).toBe('abc abcabc');
  });

  it('still masks an unregistered key of the same kind after a registered piece was cut out', () => {
    registerSecret('sk-proj-RegisteredKey0000000000');
    const out = redactSecrets('other key: sk-proj-SomeOtherKey1111111111');
    expect(out).not.toContain('SomeOtherKey');
  });
});

describe('key-shaped strings', () => {
  it.each([
    ['OpenAI project key', 'sk-proj-4sJHrAbCdEfGhIjKlMnOpQrStUvWxYz0123456789w8ZP'],
    ['OpenAI legacy key', 'sk-4sJHrAbCdEfGhIjKlMnOpQrStUvWxYz0123456789w8ZP'],
    ['Anthropic key', 'sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-AA'],
    ['OpenRouter key', 'sk-or-v1-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'],
    ['Google key', 'AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW'],
    ['Groq key', 'gsk_0123456789ABCDEFGHIJabcdefghij0123456789ABCDEFGHIJ'],
    ['xAI key', 'xai-0123456789ABCDEFGHIJabcdefghij0123456789ABCDEFGHIJabcdefghijklmnop'],
    ['Switchyard client token', 'sy-Q2xpZW50VG9rZW5SYW5kb21CeXRlc0hlcmUwMTIzNDU2Nzg5'],
  ])('masks a %s', (_name, key) => {
    for (const text of [key, `error: ${key}.`, `{"api_key":"${key}"}`, `Authorization: Bearer ${key}`]) {
      const out = redactSecrets(text);
      expect(out).not.toContain(key);
      expect(out).not.toContain(key.slice(8, 20));
    }
  });

  it("masks OpenAI's partially masked echo so no 6-character piece of the canary survives", () => {
    const canary = 'sk-CANARY-1234abcdEFGH5678ijklMNOP';
    const echo = `Incorrect API key provided: ${canary.slice(0, 8)}${'*'.repeat(canary.length - 12)}${canary.slice(-4)}. You can find your API key at https://platform.openai.com/account/api-keys.`;
    expect(echo).toContain('sk-CANAR***');
    const out = redactSecrets(echo);
    expect(leakedPieces(canary, out)).toEqual([]);
    expect(out).toContain('You can find your API key');
  });

  it('masks Bearer and Basic credentials of any shape', () => {
    expect(redactSecrets('Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl')).not.toContain('eyJhbGciOiJIUzI1NiJ9');
    expect(redactSecrets('authorization: bearer abcdef123456')).not.toContain('abcdef123456');
    expect(redactSecrets('Authorization: Basic dXNlcjpwYXNzd29yZA==')).not.toContain('dXNlcjpwYXNzd29yZA');
  });

  it('masks api_key=… in query strings and key/token parameters', () => {
    const out = redactSecrets('GET https://example.test/v1/models?api_key=plainsecretvalue&key=anotherSecret99&token=tok123456&limit=5');
    expect(out).not.toMatch(/plainsecretvalue|anotherSecret99|tok123456/);
    expect(out).toContain('limit=5');
  });

  it('masks api keys in JSON and header-like text', () => {
    const out = redactSecrets('{"api_key": "plainsecretvalue", "x-api-key":"headersecret42", "apiKey":"camelsecret77", "model":"gpt-4o"}');
    expect(out).not.toMatch(/plainsecretvalue|headersecret42|camelsecret77/);
    expect(out).toContain('"model":"gpt-4o"');
    expect(redactSecrets('x-goog-api-key: googsecret123')).not.toContain('googsecret123');
  });

  it('leaves ordinary text alone', () => {
    const text = 'The model `gpt-4o` does not exist or you do not have access to it. Tokens: 1234, cost $0.02.';
    expect(redactSecrets(text)).toBe(text);
  });
});

describe('maskSecret', () => {
  it('shows at most the last 4 characters', () => {
    expect(maskSecret('sk-CANARY-1234abcdEFGH5678')).toBe('…5678');
    expect(maskSecret('short')).toBe('…');
    expect(maskSecret('12345678')).toBe('…');
  });
});

describe('the one-pass check before the full redaction', () => {
  // redactSecrets first proves in one pass that a text holds no key pattern and no piece of a registered secret,
  // and only then returns it untouched. Whatever text surrounds a piece, at whatever offset, it must still go.
  const secret = 'Tr4Ck9ZqW1xYv0Lm';
  registerSecret(secret);
  const mixedPieces = sixCharacterPieces(secret).filter((piece) => !/^[a-z]+$/.test(piece));

  it('finds a piece of a registered secret at any offset in any text', async () => {
    const { assert, property, string, integer, constantFrom } = await import('fast-check');
    assert(
      property(
        string({ maxLength: 200 }),
        string({ maxLength: 200 }),
        constantFrom(...mixedPieces),
        integer({ min: 0, max: 3 }),
        (before, after, piece, copies) => {
          const text = `${before}${piece.repeat(copies + 1)}${after}`;
          expect(leakedPieces(secret, redactSecrets(text))).toEqual([]);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('leaves text with no key shape and no piece of a secret exactly as it was', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        const clean = text.replace(/[A-Za-z0-9]/g, ' ');
        expect(redactSecrets(clean)).toBe(clean);
      }),
      { numRuns: 300 },
    );
  });
});
