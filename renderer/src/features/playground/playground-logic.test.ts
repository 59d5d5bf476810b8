// The playground's pure parts: the request each column sends (its own history, image part, only the parameters set),
// live metrics, fallback detection, and what "Use this" makes of a route.
import { describe, expect, it } from 'vitest';
import type { RouteDto } from '../../../../shared/control/contract';
import { chatRequestBody } from './chat-request';
import { newTiming, noteText, streamMetrics, usedFallback } from './metrics';
import { promotedRoute, servedTarget } from './promote';

describe('chatRequestBody', () => {
  const parameters = { temperature: 0.3, maxTokens: null, topP: 0.9 };

  it('streams with usage, the system prompt first, and only the parameters the user set', () => {
    const body = JSON.parse(chatRequestBody('alpha/x', 'Be brief.', parameters, [{ role: 'user', content: 'Hi' }]));
    expect(body).toEqual({
      model: 'alpha/x',
      stream: true,
      stream_options: { include_usage: true },
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
      temperature: 0.3,
      top_p: 0.9,
    });
  });

  it('sends an attached image as an image part, and leaves out turns that produced nothing', () => {
    const image = { name: 'a.png', bytes: 3, dataUrl: 'data:image/png;base64,AAAA' };
    const body = JSON.parse(
      chatRequestBody('alpha/x', '', { temperature: null, maxTokens: 64, topP: null }, [
        { role: 'user', content: 'What is this?', image },
        { role: 'assistant', content: 'A cat.' },
        { role: 'user', content: 'Failed turn' },
        { role: 'assistant', content: '' },
        { role: 'user', content: 'And now?' },
      ]),
    );
    expect(body.max_tokens).toBe(64);
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
        ],
      },
      { role: 'assistant', content: 'A cat.' },
      { role: 'user', content: 'And now?' },
    ]);
  });
});

describe('metrics', () => {
  it('measures time to first token and the speed after it; tokens and cost come from usage', () => {
    const timing = newTiming(1000);
    noteText(timing, 1250);
    for (let index = 1; index <= 10; index += 1) noteText(timing, 1250 + index * 100);
    expect(streamMetrics(timing, null)).toMatchObject({ ttftMs: 250, tokensPerSecond: 10, outputTokens: null, costUsd: null, costSource: null });
    expect(streamMetrics(timing, { inputTokens: 20, outputTokens: 21, costUsd: 0.002 })).toMatchObject({
      tokensPerSecond: 20,
      inputTokens: 20,
      outputTokens: 21,
      costUsd: 0.002,
      costSource: 'stream',
    });
  });

  it('has no speed before there is any, or for a single token', () => {
    expect(streamMetrics(newTiming(0), null)).toMatchObject({ ttftMs: null, tokensPerSecond: null });
    const one = newTiming(0);
    noteText(one, 5);
    expect(streamMetrics(one, null).tokensPerSecond).toBeNull();
    // a whole answer in one burst (10 ms): too short to time
    const burst = newTiming(0);
    for (let index = 0; index < 50; index += 1) noteText(burst, 100 + index / 5);
    expect(streamMetrics(burst, { inputTokens: 1, outputTokens: 50, costUsd: null }).tokensPerSecond).toBeNull();
  });

  it('sees a fallback in the attempts trail', () => {
    expect(usedFallback('alpha/x=ok')).toBe(false);
    expect(usedFallback('alpha/x=error(500), beta/y=ok')).toBe(true);
    expect(usedFallback(null)).toBe(false);
  });
});

describe('promotion to a route', () => {
  const existing: RouteDto = {
    name: 'smart',
    description: 'the good one',
    prefer: 'local',
    numRetries: 2,
    fallbacks: ['beta/y', 'ollama/q'],
    targets: [
      { model: 'alpha/a', weight: 1, tier: 0, locality: 'cloud', health: 'up', contextWindow: null, priceInputPerMillion: null, priceOutputPerMillion: null },
      { model: 'alpha/b', weight: 2, tier: 0, locality: 'cloud', health: 'up', contextWindow: null, priceInputPerMillion: null, priceOutputPerMillion: null },
      { model: 'beta/y', weight: 1, tier: 1, locality: 'cloud', health: 'up', contextWindow: null, priceInputPerMillion: null, priceOutputPerMillion: null },
    ],
  };

  it('makes a new alias with the winner as its only target', () => {
    expect(promotedRoute('best', 'beta/y', undefined)).toEqual({
      name: 'best',
      targets: [{ model: 'beta/y', weight: 1, tier: 0 }],
      fallbacks: [],
      prefer: 'order',
    });
  });

  it('puts the winner first in an existing route, keeping the rest behind it and the route’s settings', () => {
    expect(promotedRoute('smart', 'beta/y', existing)).toEqual({
      name: 'smart',
      description: 'the good one',
      prefer: 'local',
      numRetries: 2,
      fallbacks: ['ollama/q'],
      targets: [
        { model: 'beta/y', weight: 1, tier: 0 },
        { model: 'alpha/a', weight: 1, tier: 1 },
        { model: 'alpha/b', weight: 2, tier: 1 },
      ],
    });
  });

  it('promotes what actually answered: an alias resolves to the provider/model in the headers', () => {
    expect(servedTarget({ model: 'fast', routing: { providerId: 'beta', servedModel: 'gpt-4.1', attempts: null, requestId: null } })).toBe('beta/gpt-4.1');
    expect(servedTarget({ model: 'alpha/x', routing: null })).toBe('alpha/x');
    expect(servedTarget({ model: 'fast', routing: null })).toBeNull();
  });
});
