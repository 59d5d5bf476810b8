// Wildcard routes: which pattern catches a name (exact names first, then the most specific pattern), and how a
// target's `*` takes the part of the name the pattern matched — through the planner, as a request sees it.
import { describe, expect, it } from 'vitest';
import type { RouteSettings, WeightedTarget } from '../../config/routing.js';
import { planRequest } from './plan.js';
import { matchPattern, patternRoutes } from './wildcard-routes.js';
import type { Locality } from '../../config/types.js';

function route(name: string, targets: string[], fallbacks: string[] = []): RouteSettings {
  const split = (reference: string): { providerId: string; model: string } => ({
    providerId: reference.slice(0, reference.indexOf('/')),
    model: reference.slice(reference.indexOf('/') + 1),
  });
  return {
    name,
    pattern: name.includes('*'),
    description: undefined,
    tiers: targets.map((reference): WeightedTarget[] => [{ ...split(reference), weight: 1 }]),
    fallbacks: fallbacks.map(split),
    contextWindowFallbacks: [],
    prefer: 'order',
    numRetries: undefined,
    timeouts: {},
  };
}

const routes = [
  route('claude-*', ['anthropic/claude-sonnet-4-5']),
  route('claude-haiku-*', ['ollama/qwen3:8b']),
  route('claude-*-4-5*', ['openrouter/anthropic/claude-sonnet-4.5']),
  route('anthropic/*', ['openrouter/anthropic/*'], ['anthropic/*']),
  route('gpt-5*', ['openai/gpt-5-mini']),
  route('smart', ['openai/gpt-4.1']),
];
const patterns = patternRoutes(routes);
const providers = new Map<string, Locality>([
  ['anthropic', 'cloud'],
  ['openai', 'cloud'],
  ['openrouter', 'cloud'],
  ['ollama', 'local'],
]);

function plan(model: string): string[] {
  const planned = planRequest(model, undefined, {
    providers,
    routes: new Map(routes.filter((entry) => !entry.pattern).map((entry) => [entry.name, entry])),
    patterns,
    defaultFallbacks: [],
    ownersOf: () => [],
    random: () => 0.5,
  });
  if (!planned.ok) throw new Error(planned.message);
  return [planned.route?.name ?? '-', ...planned.candidates.map((candidate) => `${candidate.providerId}/${candidate.model}`)];
}

describe('wildcard routes', () => {
  it('the most specific pattern wins: more literal characters first, then fewer stars', () => {
    expect(plan('claude-haiku-4-5-20251001')).toEqual(['claude-haiku-*', 'ollama/qwen3:8b']);
    expect(plan('claude-sonnet-4-5-20250929')).toEqual(['claude-*-4-5*', 'openrouter/anthropic/claude-sonnet-4.5']);
    expect(plan('claude-opus-4-1')).toEqual(['claude-*', 'anthropic/claude-sonnet-4-5']);
    expect(plan('gpt-5.1-codex')).toEqual(['gpt-5*', 'openai/gpt-5-mini']);
  });

  it('an exact route name wins over every pattern, and a pattern over provider/model', () => {
    expect(plan('smart')).toEqual(['smart', 'openai/gpt-4.1']);
    expect(plan('anthropic/claude-opus-4-1')).toEqual(['anthropic/*', 'openrouter/anthropic/claude-opus-4-1', 'anthropic/claude-opus-4-1']);
    expect(plan('openai/gpt-4.1-mini')).toEqual(['-', 'openai/gpt-4.1-mini']);
  });

  it("a target's * takes what the route's * matched; a name that matches no pattern is left alone", () => {
    expect(matchPattern(patterns, 'anthropic/claude-3-haiku')?.tiers[0]?.[0]?.model).toBe('anthropic/claude-3-haiku');
    expect(matchPattern(patterns, 'mistral-large')).toBeUndefined();
    // the pattern is anchored and literal: '.' in a name is not "any character"
    expect(matchPattern(patternRoutes([route('gpt-4.1*', ['openai/x'])]), 'gpt-421')).toBeUndefined();
  });
});
