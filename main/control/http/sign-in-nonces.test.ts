// The sign-in nonces behind `switchyard ui`: random, single-use (also when the use fails), expired after a minute,
// and bounded in number; with an injected clock, so expiry needs no waiting.
import { describe, expect, it } from 'vitest';
import { SignInNonceStore, signInNonceLifetimeMs } from './sign-in-nonces.js';

function clockAt(start: number): { now: () => number; advance: (ms: number) => void } {
  let time = start;
  return { now: () => time, advance: (ms) => (time += ms) };
}

describe('SignInNonceStore', () => {
  it('mints 256-bit nonces that last a minute', () => {
    const store = new SignInNonceStore();
    const first = store.mint();
    expect(first.nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first.expiresInSeconds).toBe(60);
    expect(signInNonceLifetimeMs).toBe(60_000);
    expect(store.mint().nonce).not.toBe(first.nonce);
  });

  it('a nonce is good once; a second use is refused', () => {
    const store = new SignInNonceStore();
    const { nonce } = store.mint();
    expect(store.redeem(nonce)).toBe(true);
    expect(store.redeem(nonce)).toBe(false);
    expect(store.size).toBe(0);
  });

  it('an expired nonce is refused, and gone afterwards', () => {
    const clock = clockAt(1_000_000);
    const store = new SignInNonceStore(signInNonceLifetimeMs, clock.now);
    const late = store.mint().nonce;
    const inTime = store.mint().nonce;
    clock.advance(signInNonceLifetimeMs - 1);
    expect(store.redeem(inTime)).toBe(true);
    clock.advance(1);
    expect(store.redeem(late)).toBe(false);
    expect(store.size).toBe(0);
    // and stays refused if the clock goes back
    clock.advance(-10_000);
    expect(store.redeem(late)).toBe(false);
  });

  it('refuses what it never minted, without using up the real ones', () => {
    const store = new SignInNonceStore();
    const { nonce } = store.mint();
    for (const guess of ['', 'x', nonce.slice(0, -1), `${nonce}x`, nonce.toUpperCase()]) expect(store.redeem(guess)).toBe(false);
    expect(store.redeem(nonce)).toBe(true);
  });

  it('keeps at most 32 outstanding: the oldest go first, expired ones are pruned', () => {
    const clock = clockAt(0);
    const store = new SignInNonceStore(signInNonceLifetimeMs, clock.now);
    const minted = Array.from({ length: 40 }, () => store.mint().nonce);
    expect(store.size).toBe(32);
    expect(store.redeem(minted[0] as string)).toBe(false);
    expect(store.redeem(minted[7] as string)).toBe(false);
    expect(store.redeem(minted[8] as string)).toBe(true);
    expect(store.redeem(minted[39] as string)).toBe(true);
    clock.advance(signInNonceLifetimeMs);
    store.mint();
    expect(store.size).toBe(1);
  });
});
