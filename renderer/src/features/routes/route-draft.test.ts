// The route editor's pure operations: reordering keeps tiers sensible, and drafts round-trip to the contract.
import { describe, expect, it } from 'vitest';
import type { RouteDto } from '../../../../shared/control/contract';
import { addTarget, draftFromRoute, isModelReference, moveTarget, noRouteLimits, removeTarget, routeInputFromDraft, type DraftTarget } from './route-draft';

const target = (model: string, withPrevious = false): DraftTarget => ({ model, weight: 1, withPrevious });

describe('route drafts', () => {
  it('moves a target up, down and to either end, clamping out-of-range positions', () => {
    const list = [target('a/1'), target('b/2'), target('c/3')];
    expect(moveTarget(list, 2, 0).map((item) => item.model)).toEqual(['c/3', 'a/1', 'b/2']);
    expect(moveTarget(list, 0, 1).map((item) => item.model)).toEqual(['b/2', 'a/1', 'c/3']);
    expect(moveTarget(list, 0, 99).map((item) => item.model)).toEqual(['b/2', 'c/3', 'a/1']);
    expect(moveTarget(list, 5, 0)).toEqual(list);
  });

  it('never lets the first target share a tier with nothing', () => {
    const list = [target('a/1'), target('b/2', true)];
    expect(moveTarget(list, 1, 0)[0]).toEqual(target('b/2'));
    expect(removeTarget(list, 0)).toEqual([target('b/2')]);
  });

  it('adds a target once, ignoring blanks', () => {
    expect(addTarget([target('a/1')], ' a/1 ')).toHaveLength(1);
    expect(addTarget([], '  ')).toHaveLength(0);
    expect(addTarget([], 'ollama/qwen3:8b')).toEqual([target('ollama/qwen3:8b')]);
  });

  it('numbers tiers from order and shared load', () => {
    const input = routeInputFromDraft({
      name: ' smart ',
      description: '',
      prefer: 'order',
      numRetries: null,
      fallbacks: 'ollama/x, ',
      targets: [target('a/1'), target('b/2', true), target('c/3')],
      limits: noRouteLimits,
    });
    expect(input).toEqual({
      name: 'smart',
      targets: [
        { model: 'a/1', weight: 1, tier: 0 },
        { model: 'b/2', weight: 1, tier: 0 },
        { model: 'c/3', weight: 1, tier: 1 },
      ],
      fallbacks: ['ollama/x'],
      prefer: 'order',
      limits: noRouteLimits,
    });
  });

  it('round-trips a route from the core', () => {
    const route: RouteDto = {
      name: 'smart',
      description: 'best',
      prefer: 'local',
      numRetries: 2,
      fallbacks: ['ollama/q'],
      limits: { requestsPerMinute: 60, tokensPerMinute: null, concurrent: 2, queue: { maxWaitMs: 5_000, maxLength: 64 } },
      targets: [
        { model: 'a/1', weight: 1, tier: 0, locality: 'cloud', health: 'up', contextWindow: null, priceInputPerMillion: null, priceOutputPerMillion: null },
        { model: 'b/2', weight: 2, tier: 0, locality: 'cloud', health: 'up', contextWindow: null, priceInputPerMillion: null, priceOutputPerMillion: null },
        { model: 'c/3', weight: 1, tier: 1, locality: 'local', health: 'down', contextWindow: null, priceInputPerMillion: null, priceOutputPerMillion: null },
      ],
    };
    const input = routeInputFromDraft(draftFromRoute(route));
    expect(input.targets.map((item) => [item.model, item.weight, item.tier])).toEqual([
      ['a/1', 1, 0],
      ['b/2', 2, 0],
      ['c/3', 1, 1],
    ]);
    expect(input).toMatchObject({ description: 'best', prefer: 'local', numRetries: 2, fallbacks: ['ollama/q'], limits: route.limits });
  });

  it('recognises provider/model references', () => {
    expect(isModelReference('openai/gpt-4.1')).toBe(true);
    expect(isModelReference('smart')).toBe(false);
  });
});
