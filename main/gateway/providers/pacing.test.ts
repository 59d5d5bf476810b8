import { describe, expect, it } from 'vitest';
import { ProviderPacing, type HeaderSource } from './pacing.js';

const head = (headers: Record<string, string>, status = 200): HeaderSource => ({ status, header: (name) => headers[name] });

describe('ProviderPacing', () => {
  it("learns OpenAI's remaining 0 and its reset duration, and forgets it when the reset has passed", () => {
    let now = 1_000_000;
    const pacing = new ProviderPacing(() => now);
    const observe = pacing.observer('openai', 'openai');
    observe?.(head({ 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '6m0s', 'x-ratelimit-remaining-tokens': '5000' }));
    const refusal = pacing.refusal('openai');
    expect(refusal?.reason).toContain('0 requests remaining');
    expect(refusal?.error.status).toBe(429);
    expect(refusal?.error.retryAfterMs).toBe(360_000);
    expect(pacing.refusal('other')).toBeUndefined();
    now += 360_000;
    expect(pacing.refusal('openai')).toBeUndefined();
  });

  it("reads Anthropic's RFC 3339 reset, and an answer with something left clears what an earlier one said", () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    const pacing = new ProviderPacing(() => now);
    const observe = pacing.observer('anthropic', 'anthropic');
    observe?.(head({ 'anthropic-ratelimit-input-tokens-remaining': '0', 'anthropic-ratelimit-input-tokens-reset': '2026-01-01T00:00:30Z' }));
    expect(pacing.refusal('anthropic')?.reason).toContain('input tokens');
    observe?.(head({ 'anthropic-ratelimit-input-tokens-remaining': '1200' }));
    expect(pacing.refusal('anthropic')).toBeUndefined();
  });

  it('ignores a remaining 0 whose reset is unreadable or already past', () => {
    const pacing = new ProviderPacing(() => 1_000);
    const observe = pacing.observer('openai', 'openai');
    observe?.(head({ 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': 'soon' }));
    expect(pacing.refusal('openai')).toBeUndefined();
    expect(pacing.observer('ollama', undefined)).toBeUndefined();
    // a 429 is left to the retry rules
    observe?.(head({ 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '20s' }, 429));
    expect(pacing.refusal('openai')).toBeUndefined();
  });
});
