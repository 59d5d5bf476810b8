// Planning: the client's `model` becomes an ordered, de-duplicated list of candidate targets, or a 400/404 that
// tells the user what they could have asked for.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RouteSettings, WeightedTarget } from '../../config/routing.js';
import { planRequest, weightedOrder, type PlanContext, type PlanResult } from './plan.js';
import type { Locality, Target } from '../../config/types.js';

/** mulberry32: a small seeded PRNG, so the statistics below are reproducible. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function route(name: string, tiers: ReadonlyArray<ReadonlyArray<WeightedTarget>>, extra: Partial<RouteSettings> = {}): RouteSettings {
  return {
    name,
    pattern: name.includes('*'),
    description: undefined,
    tiers,
    fallbacks: [],
    contextWindowFallbacks: [],
    prefer: 'order',
    numRetries: undefined,
    timeouts: {},
    ...extra,
  };
}

const weighted = (providerId: string, model: string, weight = 1): WeightedTarget => ({ providerId, model, weight });
const target = (providerId: string, model: string): Target => ({ providerId, model });

function context(overrides: Partial<PlanContext> = {}, owners: Record<string, string[]> = {}): PlanContext {
  const providers = new Map<string, Locality>([
    ['ollama', 'local'],
    ['openai', 'cloud'],
    ['groq', 'cloud'],
    ['openrouter', 'cloud'],
  ]);
  return { providers, routes: new Map(), defaultFallbacks: [], ownersOf: (model) => owners[model] ?? [], random: () => 0.5, ...overrides };
}

function names(result: PlanResult): string[] {
  if (!result.ok) throw new Error(`plan failed: ${result.message}`);
  return result.candidates.map((candidate) => `${candidate.providerId}/${candidate.model}`);
}

describe('route aliases', () => {
  const smart = route('smart', [[weighted('openai', 'gpt-4.1')], [weighted('groq', 'llama-70b'), weighted('ollama', 'qwen3')]], {
    fallbacks: [target('openrouter', 'anthropic/claude-sonnet-4')],
    contextWindowFallbacks: [target('openai', 'gpt-4.1-long'), target('openai', 'gpt-4.1-long')],
  });

  it('expand to their tiers in order, then the fallbacks, with origin and locality', () => {
    const result = planRequest('smart', undefined, context({ routes: new Map([['smart', smart]]) }));
    expect(result).toMatchObject({ ok: true, route: smart });
    if (!result.ok) return;
    expect(result.candidates.map((candidate) => [candidate.providerId, candidate.model, candidate.origin, candidate.locality])).toEqual([
      ['openai', 'gpt-4.1', 'route', 'cloud'],
      expect.arrayContaining(['route']),
      expect.arrayContaining(['route']),
      ['openrouter', 'anthropic/claude-sonnet-4', 'fallback', 'cloud'],
    ]);
    expect(new Set(names(result).slice(1, 3))).toEqual(new Set(['groq/llama-70b', 'ollama/qwen3']));
    expect(result.candidates.find((candidate) => candidate.providerId === 'ollama')?.locality).toBe('local');
  });

  it("carry the route's context-window fallbacks, de-duplicated and not mixed into the candidates", () => {
    const result = planRequest('smart', undefined, context({ routes: new Map([['smart', smart]]) }));
    if (!result.ok) throw new Error(result.message);
    expect(result.contextFallbacks).toEqual([{ providerId: 'openai', model: 'gpt-4.1-long', origin: 'fallback', locality: 'cloud' }]);
    expect(names(result)).not.toContain('openai/gpt-4.1-long');
  });

  it('shuffle inside a tier with the injected random source, never across tiers', () => {
    const twoTiers = route('r', [[weighted('openai', 'a'), weighted('openai', 'b')], [weighted('groq', 'c')]]);
    const orders = new Set<string>();
    const random = seeded(7);
    for (let index = 0; index < 200; index += 1) {
      const planned = names(planRequest('r', undefined, context({ routes: new Map([['r', twoTiers]]), random })));
      expect(planned[2]).toBe('groq/c');
      orders.add(planned.join(','));
    }
    expect(orders).toEqual(new Set(['openai/a,openai/b,groq/c', 'openai/b,openai/a,groq/c']));
  });

  it('win over a provider or model of the same name', () => {
    const named = route('gpt-4.1', [[weighted('groq', 'llama-70b')]]);
    expect(names(planRequest('gpt-4.1', undefined, context({ routes: new Map([['gpt-4.1', named]]) }, { 'gpt-4.1': ['openai'] })))).toEqual(['groq/llama-70b']);
  });
});

describe('direct and bare model names', () => {
  it('provider/model names one target directly; the model part may contain slashes', () => {
    const result = planRequest('openrouter/anthropic/claude-sonnet-4', undefined, context());
    expect(result).toEqual({
      ok: true,
      route: undefined,
      candidates: [{ providerId: 'openrouter', model: 'anthropic/claude-sonnet-4', origin: 'direct', locality: 'cloud' }],
      contextFallbacks: [],
    });
  });

  it('a bare model offered by one provider goes to it', () => {
    expect(names(planRequest('qwen3:8b', undefined, context({}, { 'qwen3:8b': ['ollama'] })))).toEqual(['ollama/qwen3:8b']);
  });

  it('an OpenRouter-style id whose prefix is not a configured provider is looked up as a whole', () => {
    const result = planRequest('anthropic/claude-x', undefined, context({}, { 'anthropic/claude-x': ['openrouter'] }));
    expect(result).toMatchObject({ ok: true, candidates: [{ providerId: 'openrouter', model: 'anthropic/claude-x', origin: 'direct' }] });
  });

  it('a bare model offered by several providers is a 400 listing the candidates', () => {
    const result = planRequest('llama3', undefined, context({}, { llama3: ['ollama', 'groq'] }));
    expect(result).toMatchObject({ ok: false, status: 400, code: 'ambiguous_model' });
    if (result.ok) return;
    expect(result.message).toContain('ollama/llama3, groq/llama3');
  });

  it('an unknown model is a 404 naming the routes and providers the user can use', () => {
    const result = planRequest('nope', undefined, context({ routes: new Map([['smart', route('smart', [[weighted('openai', 'x')]])]]) }));
    expect(result).toMatchObject({ ok: false, status: 404, code: 'model_not_found' });
    if (result.ok) return;
    expect(result.message).toContain("model 'nope'");
    expect(result.message).toContain('route (smart)');
    expect(result.message).toContain('providers: ollama, openai, groq, openrouter');
  });

  it('with nothing configured the 404 says so', () => {
    const result = planRequest('x/y', undefined, context({ providers: new Map() }));
    expect(result).toMatchObject({ ok: false, status: 404 });
    if (result.ok) return;
    expect(result.message).toContain('route (none configured)');
    expect(result.message).toContain('providers: none configured');
  });

  it('an unknown provider prefix is not treated as a provider (model ids never choose a host)', () => {
    expect(planRequest('evil.example.com/model', undefined, context())).toMatchObject({ ok: false, status: 404 });
  });
});

describe('fallbacks and de-duplication', () => {
  it('per-request `models` come after the primary, then the default fallbacks', () => {
    const result = planRequest(
      'openai/gpt-4.1',
      ['groq/llama-70b', 'qwen3'],
      context({ defaultFallbacks: [target('ollama', 'llama3')] }, { qwen3: ['ollama'] }),
    );
    if (!result.ok) throw new Error(result.message);
    expect(result.candidates.map((candidate) => `${candidate.providerId}/${candidate.model}:${candidate.origin}`)).toEqual([
      'openai/gpt-4.1:direct',
      'groq/llama-70b:request-fallback',
      'ollama/qwen3:request-fallback',
      'ollama/llama3:default-fallback',
    ]);
  });

  it('a route named in `models` expands, all of it marked as a request fallback', () => {
    const fast = route('fast', [[weighted('groq', 'a')]], { fallbacks: [target('openai', 'b')] });
    const result = planRequest('ollama/x', ['fast'], context({ routes: new Map([['fast', fast]]) }));
    if (!result.ok) throw new Error(result.message);
    expect(result.candidates.map((candidate) => candidate.origin)).toEqual(['direct', 'request-fallback', 'request-fallback']);
    expect(result.route).toBeUndefined();
  });

  it('a bad name in `models` fails the plan, prefixed with the field', () => {
    const result = planRequest('openai/gpt-4.1', ['nope'], context());
    expect(result).toMatchObject({ ok: false, status: 404, message: expect.stringMatching(/^models: model 'nope'/) });
  });

  it('keeps the first occurrence of a target named twice', () => {
    const smart = route('smart', [[weighted('openai', 'a')]], { fallbacks: [target('groq', 'b'), target('openai', 'a')] });
    const result = planRequest(
      'smart',
      ['groq/b', 'ollama/c'],
      context({ routes: new Map([['smart', smart]]), defaultFallbacks: [target('openai', 'a'), target('ollama', 'c')] }),
    );
    if (!result.ok) throw new Error(result.message);
    expect(result.candidates.map((candidate) => `${candidate.providerId}/${candidate.model}:${candidate.origin}`)).toEqual([
      'openai/a:route',
      'groq/b:fallback',
      'ollama/c:request-fallback',
    ]);
  });

  it('a default fallback naming a provider that a reload removed is treated as cloud', () => {
    const result = planRequest('openai/a', undefined, context({ defaultFallbacks: [target('gone', 'x')] }));
    if (!result.ok) throw new Error(result.message);
    expect(result.candidates[1]).toEqual({ providerId: 'gone', model: 'x', origin: 'default-fallback', locality: 'cloud' });
  });
});

describe('weightedOrder', () => {
  it('leaves tiers of zero or one target alone and never calls random for them', () => {
    const random = (): number => {
      throw new Error('random called');
    };
    expect(weightedOrder([], random)).toEqual([]);
    expect(weightedOrder([weighted('a', 'x')], random)).toEqual([weighted('a', 'x')]);
  });

  it('puts a 3:1 target first about 75% of the time (20 000 seeded draws)', () => {
    const random = seeded(12_345);
    const heavy = weighted('a', 'heavy', 3);
    const light = weighted('b', 'light', 1);
    let heavyFirst = 0;
    const draws = 20_000;
    for (let index = 0; index < draws; index += 1) if (weightedOrder([light, heavy], random)[0] === heavy) heavyFirst += 1;
    expect(heavyFirst / draws).toBeGreaterThan(0.73);
    expect(heavyFirst / draws).toBeLessThan(0.77);
  });

  it('first place is proportional to weight across three targets (2:1:1)', () => {
    const random = seeded(99);
    const tier = [weighted('a', 'x', 2), weighted('b', 'y', 1), weighted('c', 'z', 1)];
    const first = new Map<string, number>();
    const draws = 20_000;
    for (let index = 0; index < draws; index += 1) {
      const winner = weightedOrder(tier, random)[0]?.providerId ?? '';
      first.set(winner, (first.get(winner) ?? 0) + 1);
    }
    expect((first.get('a') ?? 0) / draws).toBeCloseTo(0.5, 1);
    expect(Math.abs((first.get('b') ?? 0) / draws - 0.25)).toBeLessThan(0.02);
    expect(Math.abs((first.get('c') ?? 0) / draws - 0.25)).toBeLessThan(0.02);
  });

  it('a random source returning 0 does not break the order', () => {
    const order = weightedOrder([weighted('a', 'x', 1), weighted('b', 'y', 5)], () => 0);
    expect(order).toHaveLength(2);
    expect(new Set(order.map((entry) => entry.providerId))).toEqual(new Set(['a', 'b']));
  });

  it('is always a permutation of the tier', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.001, max: 1_000, noNaN: true }), { maxLength: 8 }), fc.integer(), (weights, seed) => {
        const tier = weights.map((weight, index) => weighted(`p${index}`, 'm', weight));
        const order = weightedOrder(tier, seeded(seed));
        expect([...order].sort((left, right) => left.providerId.localeCompare(right.providerId))).toEqual(
          [...tier].sort((left, right) => left.providerId.localeCompare(right.providerId)),
        );
      }),
    );
  });
});
