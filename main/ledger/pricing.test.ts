// Cost arithmetic with exact expected figures for OpenAI-, Anthropic- and Gemini-style usage, the long-context
// tier, separate reasoning rates, and the mapping of OpenAI-style usage (the form every adapter reports) into normalized usage.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { costOf, fromOpenAIUsage, type NormalizedUsage } from './pricing.js';
import { referenceCost, savedUsd } from './savings.js';
import type { ModelPrice } from '../config/types.js';

const gpt41Mini: ModelPrice = { input: 4e-7, output: 1.6e-6, cacheRead: 1e-7 };
const o4Mini: ModelPrice = { input: 1.1e-6, output: 4.4e-6, cacheRead: 2.75e-7 };
const claudeSonnet45: ModelPrice = { input: 3e-6, output: 1.5e-5, cacheRead: 3e-7, cacheWrite: 3.75e-6, inputAbove200k: 6e-6, outputAbove200k: 2.25e-5 };
const gemini25Flash: ModelPrice = { input: 3e-7, output: 2.5e-6, cacheRead: 3e-8 };
const gemini25Pro: ModelPrice = { input: 1.25e-6, output: 1e-5, cacheRead: 1.25e-7, inputAbove200k: 2.5e-6, outputAbove200k: 1.5e-5 };

describe('OpenAI-style usage (prompt_tokens includes cached tokens)', () => {
  it('prices cached tokens at the cache rate and the rest of the prompt at the input rate', () => {
    const usage = fromOpenAIUsage({ prompt_tokens: 12_000, completion_tokens: 1_500, prompt_tokens_details: { cached_tokens: 8_000 } });
    expect(usage).toEqual({ input: 4_000, cacheRead: 8_000, cacheWrite: 0, output: 1_500, reasoning: 0 });
    // 4,000 × $0.40/M + 8,000 × $0.10/M + 1,500 × $1.60/M
    expect(costOf(usage, gpt41Mini)).toBe(0.0048);
  });

  it('bills reasoning tokens, already inside completion_tokens, as output', () => {
    const usage = fromOpenAIUsage({ prompt_tokens: 1_000, completion_tokens: 3_000, completion_tokens_details: { reasoning_tokens: 2_500 } });
    expect(usage).toEqual({ input: 1_000, cacheRead: 0, cacheWrite: 0, output: 3_000, reasoning: 2_500 });
    expect(costOf(usage, o4Mini)).toBe(0.0143);
  });

  it('reads DeepSeek cache hits and OpenRouter cache writes', () => {
    expect(fromOpenAIUsage({ prompt_tokens: 900, completion_tokens: 10, prompt_cache_hit_tokens: 600 })).toMatchObject({ input: 300, cacheRead: 600 });
    expect(
      fromOpenAIUsage({ prompt_tokens: 900, completion_tokens: 10, prompt_tokens_details: { cached_tokens: 100, cache_write_tokens: 500 } }),
    ).toMatchObject({ input: 300, cacheRead: 100, cacheWrite: 500 });
  });

  it('never makes negative counts out of inconsistent numbers', () => {
    expect(
      fromOpenAIUsage({
        prompt_tokens: 10,
        completion_tokens: 5,
        prompt_tokens_details: { cached_tokens: 50 },
        completion_tokens_details: { reasoning_tokens: 9 },
      }),
    ).toEqual({
      input: 0,
      cacheRead: 10,
      cacheWrite: 0,
      output: 5,
      reasoning: 5,
    });
  });
});

describe('Anthropic prices: cache reads and writes, the long-context tier', () => {
  it('prices cache reads at 0.1× and 5-minute cache writes at 1.25× the input rate', () => {
    const usage: NormalizedUsage = { input: 2_000, cacheRead: 50_000, cacheWrite: 10_000, output: 800, reasoning: 0 };
    // 2,000 × $3/M + 50,000 × $0.30/M + 10,000 × $3.75/M + 800 × $15/M
    expect(costOf(usage, claudeSonnet45)).toBe(0.0705);
  });

  it('switches the whole request to the long-context tier past 200,000 prompt tokens, cache rates included', () => {
    const usage: NormalizedUsage = { input: 150_000, cacheRead: 60_000, cacheWrite: 0, output: 1_000, reasoning: 0 };
    // 150,000 × $6/M + 60,000 × $0.60/M + 1,000 × $22.50/M
    expect(costOf(usage, claudeSonnet45)).toBe(0.9585);
    const atTheLine: NormalizedUsage = { input: 140_000, cacheRead: 60_000, cacheWrite: 0, output: 1_000, reasoning: 0 };
    // exactly 200,000 is not above it: 140,000 × $3/M + 60,000 × $0.30/M + 1,000 × $15/M
    expect(costOf(atTheLine, claudeSonnet45)).toBe(0.453);
  });
});

describe('Gemini prices: reasoning inside output, the long-context tier', () => {
  it('adds thoughts to output and takes cached content out of the prompt', () => {
    const usage: NormalizedUsage = { input: 6_000, cacheRead: 4_000, cacheWrite: 0, output: 2_000, reasoning: 1_500 };
    // 6,000 × $0.30/M + 4,000 × $0.03/M + 2,000 × $2.50/M
    expect(costOf(usage, gemini25Flash)).toBe(0.00692);
  });

  it('uses the above-200k tier for a long prompt', () => {
    expect(costOf({ input: 300_000, cacheRead: 0, cacheWrite: 0, output: 2_000, reasoning: 0 }, gemini25Pro)).toBe(0.78);
  });
});

describe('costOf', () => {
  it('uses a separate reasoning rate and a per-request fee when the price has them', () => {
    const price: ModelPrice = { input: 1e-6, output: 4e-6, reasoning: 2e-6, request: 0.002 };
    expect(costOf({ input: 1_000, output: 3_000, reasoning: 1_000, cacheRead: 0, cacheWrite: 0 }, price)).toBe(0.013);
  });

  it('bills cache tokens at the input rate when the price lists no cache rate', () => {
    expect(costOf({ input: 0, output: 0, reasoning: 0, cacheRead: 1_000, cacheWrite: 1_000 }, { input: 1e-6, output: 2e-6 })).toBe(0.002);
  });

  it('never decreases when any token count grows', () => {
    const count = fc.nat({ max: 400_000 });
    fc.assert(
      fc.property(
        count,
        count,
        count,
        count,
        count,
        fc.constantFrom('input', 'output', 'cacheRead', 'cacheWrite'),
        (input, output, cacheRead, cacheWrite, extra, field) => {
          const usage = { input, output, cacheRead, cacheWrite, reasoning: 0 };
          const more = { ...usage, [field]: usage[field] + extra };
          // the tier switch makes cost jump up, never down
          expect(costOf(more, claudeSonnet45)).toBeGreaterThanOrEqual(costOf(usage, claudeSonnet45));
        },
      ),
    );
  });
});

describe('local models and savings', () => {
  it('prices local rows against the reference model', () => {
    const usage: NormalizedUsage = { input: 20_000, output: 2_000, cacheRead: 0, cacheWrite: 0, reasoning: 0 };
    // what the same tokens would have cost on gpt-4.1-mini: 20,000 × $0.40/M + 2,000 × $1.60/M
    expect(referenceCost(usage, gpt41Mini)).toBe(0.0112);
    expect(referenceCost(usage, undefined)).toBeNull();
    expect(savedUsd({ costUsd: 0, costReferenceUsd: 0.0112 })).toBe(0.0112);
    expect(savedUsd({ costUsd: 0.02, costReferenceUsd: 0.0112 })).toBe(0);
    expect(savedUsd({ costUsd: 0.01, costReferenceUsd: null })).toBe(0);
  });
});
