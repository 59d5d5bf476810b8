// What a request cost: one normalized usage shape every provider's counts map into, and exact USD arithmetic over
// per-token prices (integer pico-dollars inside, so 1,000 tokens at $0.40/M is exactly $0.0004, not 0.00039999…).
import type { ModelPrice } from '../config/types.js';
import type { TokenCounts } from './types.js';

/**
 * Token counts with no double counting:
 * - `input`: prompt tokens billed at the plain input rate (neither read from nor written to a cache)
 * - `cacheRead`, `cacheWrite`: prompt tokens read from / written to the provider's prompt cache
 * - `output`: every generated token, reasoning included
 * - `reasoning`: the part of `output` spent thinking (billed as output unless the price has its own rate)
 *
 * How each dialect maps (helpers below):
 * - OpenAI, OpenRouter, DeepSeek, Groq, Mistral, xAI (chat completions): `prompt_tokens` INCLUDES cached tokens →
 *   input = prompt − cached − cache_write; cacheRead = `prompt_tokens_details.cached_tokens` (DeepSeek:
 *   `prompt_cache_hit_tokens`); cacheWrite = `prompt_tokens_details.cache_write_tokens` (OpenRouter, Anthropic
 *   models); output = `completion_tokens`, which already includes `completion_tokens_details.reasoning_tokens`.
 * - Anthropic Messages: `input_tokens` EXCLUDES cache tokens → input = input_tokens; cacheRead =
 *   `cache_read_input_tokens`; cacheWrite = `cache_creation_input_tokens`; output = `output_tokens` (thinking
 *   included, not broken out, so reasoning = 0).
 * - Gemini: `promptTokenCount` INCLUDES `cachedContentTokenCount`; `candidatesTokenCount` EXCLUDES
 *   `thoughtsTokenCount` → input = prompt − cached + toolUsePrompt; output = candidates + thoughts; reasoning = thoughts.
 * - Ollama: input = `prompt_eval_count`, output = `eval_count` (local: priced 0, kept for the savings figure).
 */
export type NormalizedUsage = TokenCounts;

export const longContextThreshold = 200_000;

const picoPerUsd = 1e12;

function pico(usdPerToken: number | undefined): bigint | undefined {
  if (usdPerToken === undefined || !Number.isFinite(usdPerToken) || usdPerToken < 0) return undefined;
  return BigInt(Math.round(usdPerToken * picoPerUsd));
}

function tokens(count: number): bigint {
  return BigInt(Number.isFinite(count) && count > 0 ? Math.round(count) : 0);
}

/** Exact cost in USD of `usage` at `price`. */
export function costOf(usage: NormalizedUsage, price: ModelPrice): number {
  const prompt = usage.input + usage.cacheRead + usage.cacheWrite;
  const longContext = prompt > longContextThreshold && price.inputAbove200k !== undefined;
  const baseInput = pico(price.input) ?? 0n;
  const inputRate = longContext ? (pico(price.inputAbove200k) ?? baseInput) : baseInput;
  // Cache prices are fixed fractions of the input price (Anthropic ×0.1 / ×1.25, Gemini ×0.1), and the long-context
  // tier raises the input price, so the cache prices rise by the same factor.
  const scaled = (rate: bigint | undefined): bigint => {
    if (rate === undefined) return inputRate;
    return longContext && baseInput > 0n ? (rate * inputRate) / baseInput : rate;
  };
  const outputRate = longContext ? (pico(price.outputAbove200k) ?? pico(price.output) ?? 0n) : (pico(price.output) ?? 0n);
  const reasoningRate = pico(price.reasoning) ?? outputRate;
  const reasoning = tokens(Math.min(usage.reasoning, usage.output));
  const total =
    tokens(usage.input) * inputRate +
    tokens(usage.cacheRead) * scaled(pico(price.cacheRead)) +
    tokens(usage.cacheWrite) * scaled(pico(price.cacheWrite)) +
    (tokens(usage.output) - reasoning) * outputRate +
    reasoning * reasoningRate +
    (pico(price.request) ?? 0n);
  return Number(total) / picoPerUsd;
}

export const zeroUsage: NormalizedUsage = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0 };

const whole = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.round(value) : 0);

export interface OpenAIStyleUsage {
  readonly prompt_tokens?: number;
  readonly completion_tokens?: number;
  readonly prompt_tokens_details?: { readonly cached_tokens?: number; readonly cache_write_tokens?: number } | null;
  readonly completion_tokens_details?: { readonly reasoning_tokens?: number } | null;
  /** DeepSeek */
  readonly prompt_cache_hit_tokens?: number;
}

export function fromOpenAIUsage(usage: OpenAIStyleUsage): NormalizedUsage {
  const prompt = whole(usage.prompt_tokens);
  const cacheRead = Math.min(prompt, whole(usage.prompt_tokens_details?.cached_tokens ?? usage.prompt_cache_hit_tokens));
  const cacheWrite = Math.min(prompt - cacheRead, whole(usage.prompt_tokens_details?.cache_write_tokens));
  const output = whole(usage.completion_tokens);
  return {
    input: prompt - cacheRead - cacheWrite,
    cacheRead,
    cacheWrite,
    output,
    reasoning: Math.min(output, whole(usage.completion_tokens_details?.reasoning_tokens)),
  };
}
