// Ordering and filtering a plan before any call: offline mode, capability checks, local/cloud preference and
// cooling-down targets — each dropped target with the reason the user will see.
import { describe, expect, it } from 'vitest';
import type { ModelDetails } from '../providers/types.js';
import { orderCandidates, unfitReason, type OrderInput, type Ordered } from './order.js';
import type { Candidate } from './plan.js';
import type { Requirements } from './requirements.js';

const plain: Requirements = { tools: false, vision: false, jsonSchema: false, contextTokens: 100 };

function candidate(name: string, locality: Candidate['locality'] = 'cloud'): Candidate {
  const [providerId = '', model = ''] = name.split('/');
  return { providerId, model, locality, origin: 'route' };
}

const keyOf = (entry: Candidate): string => `${entry.providerId}/${entry.model}`;

function order(candidates: readonly Candidate[], overrides: Partial<OrderInput> = {}): Ordered {
  return orderCandidates({
    candidates,
    prefer: 'order',
    offline: undefined,
    requirements: plain,
    details: () => undefined,
    admits: () => true,
    openUntil: () => 0,
    reachable: () => undefined,
    ...overrides,
  });
}

function summary(result: Ordered): { ordered: string[]; skipped: string[] } {
  return { ordered: result.ordered.map(keyOf), skipped: result.skipped.map((skip) => `${keyOf(skip.candidate)}: ${skip.reason}`) };
}

const local = candidate('ollama/qwen3', 'local');
const local2 = candidate('lmstudio/phi', 'local');
const cloud = candidate('openai/gpt-4.1');
const cloud2 = candidate('groq/llama');

describe('offline', () => {
  it('drops every cloud target, with the reason', () => {
    expect(summary(order([cloud, local, cloud2], { offline: 'offline mode is on' }))).toEqual({
      ordered: ['ollama/qwen3'],
      skipped: ['openai/gpt-4.1: offline (offline mode is on)', 'groq/llama: offline (offline mode is on)'],
    });
  });

  it('can leave nothing to try; the caller reports the reasons', () => {
    const result = order([cloud], { offline: 'no cloud provider is reachable' });
    expect(result.ordered).toEqual([]);
    expect(result.skipped).toEqual([{ candidate: cloud, reason: 'offline (no cloud provider is reachable)' }]);
  });
});

describe('capabilities', () => {
  const details = (table: Record<string, ModelDetails>) => (entry: Candidate) => table[keyOf(entry)];

  it('skips targets that cannot call tools, see images or are embedding-only, keeping the order of the rest', () => {
    const table: Record<string, ModelDetails> = {
      'ollama/qwen3': { capabilities: ['completion', 'tools'] },
      'lmstudio/phi': { capabilities: ['completion'] },
      'openai/gpt-4.1': {},
      'groq/llama': { capabilities: ['embedding'] },
    };
    expect(summary(order([local2, local, cloud2, cloud], { requirements: { ...plain, tools: true }, details: details(table) }))).toEqual({
      ordered: ['ollama/qwen3', 'openai/gpt-4.1'],
      skipped: ['lmstudio/phi: the model does not support tool calling', 'groq/llama: the model does not support tool calling'],
    });
    expect(summary(order([cloud2, cloud], { details: details(table) })).skipped).toEqual(['groq/llama: the model is an embedding model']);
  });

  it('unfitReason names each capability gap', () => {
    expect(unfitReason({ ...plain, tools: true }, { capabilities: ['completion'] })).toBe('the model does not support tool calling');
    expect(unfitReason({ ...plain, vision: true }, { capabilities: ['completion', 'tools'] })).toBe('the model does not accept images');
    expect(unfitReason({ ...plain, vision: true }, { capabilities: ['completion', 'vision'] })).toBeUndefined();
    expect(unfitReason(plain, { capabilities: ['embedding'] })).toBe('the model is an embedding model');
    expect(unfitReason(plain, { capabilities: ['embedding', 'completion'] })).toBeUndefined();
  });

  it('unknown details or an empty capability list mean "assume it can"', () => {
    const needsAll: Requirements = { tools: true, vision: true, jsonSchema: true, contextTokens: 1_000_000 };
    expect(unfitReason(needsAll, undefined)).toBeUndefined();
    expect(unfitReason({ ...needsAll, contextTokens: 10 }, { capabilities: [] })).toBeUndefined();
    expect(unfitReason({ ...needsAll, contextTokens: 10 }, {})).toBeUndefined();
  });

  it('skips a target whose known context window is smaller than the estimate', () => {
    expect(unfitReason({ ...plain, contextTokens: 9_000 }, { contextWindow: 8_192 })).toBe('context window 8192 tokens < about 9000 needed');
    expect(unfitReason({ ...plain, contextTokens: 8_192 }, { contextWindow: 8_192 })).toBeUndefined();
    const result = order([local, cloud], { requirements: { ...plain, contextTokens: 9_000 }, details: details({ 'ollama/qwen3': { contextWindow: 8_192 } }) });
    expect(summary(result)).toEqual({ ordered: ['openai/gpt-4.1'], skipped: ['ollama/qwen3: context window 8192 tokens < about 9000 needed'] });
  });
});

describe('prefer', () => {
  it('order keeps the configured order', () => {
    expect(summary(order([cloud, local, cloud2])).ordered).toEqual(['openai/gpt-4.1', 'ollama/qwen3', 'groq/llama']);
  });

  it('local puts reachable local targets first, keeping relative order', () => {
    expect(summary(order([cloud, local, cloud2, local2], { prefer: 'local' })).ordered).toEqual([
      'ollama/qwen3',
      'lmstudio/phi',
      'openai/gpt-4.1',
      'groq/llama',
    ]);
    expect(summary(order([cloud, local], { prefer: 'local', reachable: () => true })).ordered).toEqual(['ollama/qwen3', 'openai/gpt-4.1']);
  });

  it('local with every local provider known to be down puts local last — not removed', () => {
    const result = order([local, cloud, cloud2], { prefer: 'local', reachable: (entry) => (entry.locality === 'local' ? false : true) });
    expect(summary(result)).toEqual({ ordered: ['openai/gpt-4.1', 'groq/llama', 'ollama/qwen3'], skipped: [] });
  });

  it('local with one local provider down and another up: the reachable one first, the down one last', () => {
    const result = order([local, cloud, local2], { prefer: 'local', reachable: (entry) => entry.providerId !== 'ollama' });
    expect(summary(result).ordered).toEqual(['lmstudio/phi', 'openai/gpt-4.1', 'ollama/qwen3']);
  });

  it('cloud puts cloud first, and a known-down cloud side last', () => {
    expect(summary(order([local, cloud, local2, cloud2], { prefer: 'cloud' })).ordered).toEqual([
      'openai/gpt-4.1',
      'groq/llama',
      'ollama/qwen3',
      'lmstudio/phi',
    ]);
    expect(summary(order([cloud, local], { prefer: 'cloud', reachable: (entry) => entry.locality === 'local' })).ordered).toEqual([
      'ollama/qwen3',
      'openai/gpt-4.1',
    ]);
  });

  it('unknown reachability counts as up', () => {
    expect(summary(order([cloud, local], { prefer: 'local', reachable: () => undefined })).ordered).toEqual(['ollama/qwen3', 'openai/gpt-4.1']);
  });
});

describe('cooling down', () => {
  const until = Date.UTC(2030, 0, 1, 12, 0, 0);

  it('moves targets whose circuit is open to skipped, with when they come back', () => {
    const result = order([cloud, local, cloud2], { admits: (entry) => entry !== cloud, openUntil: (entry) => (entry === cloud ? until : 0) });
    expect(summary(result)).toEqual({ ordered: ['ollama/qwen3', 'groq/llama'], skipped: ['openai/gpt-4.1: cooling down until 2030-01-01T12:00:00.000Z'] });
  });

  it('when everything is cooling down, tries them all, soonest recovery first', () => {
    const untilOf = new Map([
      [cloud, until + 3_000],
      [local, until + 1_000],
      [cloud2, until + 2_000],
    ]);
    const result = order([cloud, local, cloud2], { admits: () => false, openUntil: (entry) => untilOf.get(entry) ?? 0 });
    expect(summary(result)).toEqual({ ordered: ['ollama/qwen3', 'groq/llama', 'openai/gpt-4.1'], skipped: [] });
  });

  it('capability skips are reported alongside cooling ones; cooling applies after preference', () => {
    const result = order([cloud, local, cloud2], {
      prefer: 'local',
      requirements: { ...plain, vision: true },
      details: (entry) => (entry === cloud2 ? { capabilities: ['completion'] } : undefined),
      admits: (entry) => entry !== local,
      openUntil: () => until,
    });
    expect(summary(result)).toEqual({
      ordered: ['openai/gpt-4.1'],
      skipped: ['groq/llama: the model does not accept images', 'ollama/qwen3: cooling down until 2030-01-01T12:00:00.000Z'],
    });
  });
});
