// jsonString is JSON.stringify for every string: the escaped characters, surrogates alone and in pairs, the rest.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonString } from './json-text.js';

describe('jsonString', () => {
  it.each(['', 'plain text', 'tok1 ', '"', '\\', '\n\t\r\b\f', '\u0000\u001f', '\u007f', '\u2028\u2029', 'é😀', '\ud800', 'a\udc00b', '</script>'])(
    '%j',
    (text) => {
      expect(jsonString(text)).toBe(JSON.stringify(text));
    },
  );

  it('equals JSON.stringify for any string', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)) })),
        (text) => {
          expect(jsonString(text)).toBe(JSON.stringify(text));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
