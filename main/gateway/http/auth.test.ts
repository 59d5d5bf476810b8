// Tokens held in memory: the constant-time comparison must agree with string equality on every input, and the
// chain of known tokens must find the first that matches.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InMemoryTokens, sameInConstantTime, StaticTokenVerifier } from '../../secrets/token-verifier.js';

describe('sameInConstantTime', () => {
  it.each([
    ['sy-abc', 'sy-abc', true],
    ['sy-ab', 'sy-abc', false],
    ['sy-abcd', 'sy-abc', false],
    ['', 'sy-abc', false],
    ['', '', true],
    ['sy-abc', '', false],
    ['sy-abd', 'sy-abc', false],
    ['\u0000\u0000', '', false],
    ['tökén-😀', 'tökén-😀', true],
    ['tökén-😁', 'tökén-😀', false],
  ])('%j against %j is %s', (presented, known, expected) => {
    expect(sameInConstantTime(presented, known)).toBe(expected);
  });

  it('agrees with === on arbitrary strings, near misses included', () => {
    const token = fc.string({ unit: 'binary', maxLength: 48 });
    fc.assert(
      fc.property(token, token, fc.nat(), (known, other, cut) => {
        expect(sameInConstantTime(other, known)).toBe(other === known);
        const prefix = known.slice(0, cut % (known.length + 1));
        expect(sameInConstantTime(prefix, known)).toBe(prefix === known);
        expect(sameInConstantTime(`${known}x`, known)).toBe(false);
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('InMemoryTokens', () => {
  it('finds the identity of the first matching token and nothing for any other string', () => {
    const tokens = new InMemoryTokens([
      { token: 'sy-first', identity: 'first' },
      { token: 'sy-second', identity: 'second' },
      { token: 'sy-first', identity: 'duplicate' },
    ]);
    expect(tokens.find('sy-first')).toBe('first');
    expect(tokens.find('sy-second')).toBe('second');
    expect(tokens.find('sy-firs')).toBeUndefined();
    expect(tokens.find('sy-second ')).toBeUndefined();
    expect(tokens.find('')).toBeUndefined();
  });

  it('is what StaticTokenVerifier answers with', () => {
    const verifier = new StaticTokenVerifier([{ name: 'env', token: 'sy-0123456789abcdef' }]);
    expect(verifier.verify('sy-0123456789abcdef')).toEqual({ name: 'env' });
    expect(verifier.verify('sy-0123456789abcdeF')).toBeUndefined();
  });
});
