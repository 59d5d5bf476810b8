// What happens to a Messages request before routing: errors in Anthropic's shape and types, the estimate for
// count_tokens, and keeping Anthropic-only content away from targets that would drop it.
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../providers/errors.js';
import type { ProviderRegistry } from '../../providers/registry.js';
import type { RoutedPlan } from '../../routing/service.js';
import { GatewayError } from '../../http/errors.js';
import { anthropicErrorFrame, anthropicErrorType } from './anthropic-errors.js';
import { estimateInputTokens } from './estimate-tokens.js';
import { nativeRequest, restrictToCapable, withoutImpossibleThinking } from './inbound.js';

describe('Anthropic error types', () => {
  it("follow the status as in Anthropic's table", () => {
    expect([400, 401, 402, 403, 404, 413, 429, 500, 502, 503, 504, 529].map(anthropicErrorType)).toEqual([
      'invalid_request_error',
      'authentication_error',
      'billing_error',
      'permission_error',
      'not_found_error',
      'request_too_large',
      'rate_limit_error',
      'api_error',
      'api_error',
      'overloaded_error',
      'timeout_error',
      'overloaded_error',
    ]);
  });

  it('an in-band error frame is masked and typed; a quota error is billing_error', () => {
    const overloaded = new ProviderError({
      kind: 'in-band',
      errorClass: 'overloaded',
      status: 529,
      message: 'Overloaded (key sk-ant-api03-SECRETSECRET)',
      providerId: 'a',
      retryable: true,
    });
    expect(anthropicErrorFrame(overloaded)).toBe(
      'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded (key sk-***)"}}\n\n',
    );
    const quota = new ProviderError({ kind: 'http', errorClass: 'quota', status: 429, message: 'out of credit', providerId: 'o', retryable: false });
    expect(anthropicErrorFrame(quota)).toContain('"type":"billing_error"');
  });
});

describe('estimateInputTokens', () => {
  it('counts about four characters a token, plus a flat amount per image', () => {
    expect(estimateInputTokens({ model: 'm', messages: [{ role: 'user', content: 'x'.repeat(400) }] })).toBe(100);
    const withImage = estimateInputTokens({
      model: 'm',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'abcd' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
          ],
        },
      ],
    });
    expect(withImage).toBe(1 + 1_600);
  });
});

describe('restrictToCapable', () => {
  const candidate = (providerId: string) => ({ providerId, model: 'm', locality: 'cloud' as const, origin: 'route' as const });
  const plan: RoutedPlan = {
    route: undefined,
    candidates: [candidate('openai'), candidate('anthropic')],
    skipped: [],
    contextFallbacks: [],
    offline: undefined,
  };
  const registry = {
    get: (id: string) => ({ forwards: new Set(id === 'anthropic' ? ['anthropic-messages'] : ['openai-chat']) }),
  } as unknown as ProviderRegistry;
  const unsupported = [{ param: 'tools[0]', what: "the 'web_search_20250305' tool, which only Anthropic provides" }];

  it('leaves a plan alone when everything translates', () => {
    expect(restrictToCapable(plan, [], registry)).toBe(plan);
  });

  it('keeps only Anthropic targets, saying why the others were skipped', () => {
    const restricted = restrictToCapable(plan, unsupported, registry);
    expect(restricted.candidates.map((entry) => entry.providerId)).toEqual(['anthropic']);
    expect(restricted.skipped[0]?.reason).toMatch(/^tools\[0\]: the 'web_search_20250305' tool/);
  });

  it('is a 400 naming the field when no Anthropic target is left', () => {
    expect(() => restrictToCapable({ ...plan, candidates: [candidate('openai')] }, unsupported, registry)).toThrow(GatewayError);
    expect(() => restrictToCapable({ ...plan, candidates: [candidate('openai')] }, unsupported, registry)).toThrow(
      /route this request to an Anthropic provider/,
    );
  });
});

describe('withoutImpossibleThinking', () => {
  const candidate = (model: string) => ({ providerId: 'ollama', model, locality: 'local' as const, origin: 'direct' as const });
  const plan = (...models: string[]): RoutedPlan => ({
    route: undefined,
    candidates: models.map(candidate),
    skipped: [],
    contextFallbacks: [],
    offline: undefined,
  });
  const capabilities: Record<string, string[]> = { 'llama3.2:3b': ['completion', 'tools'], 'qwen3:8b': ['completion', 'thinking'] };
  const details = (target: { model: string }) => (capabilities[target.model] ? { capabilities: capabilities[target.model] } : undefined);
  const request = { model: 'x', messages: [{ role: 'user' as const, content: 'hi' }], reasoning_effort: 'low' };

  it('drops reasoning_effort only when every target is known not to think', () => {
    expect(withoutImpossibleThinking(request, plan('llama3.2:3b'), details)).toEqual({ model: 'x', messages: request.messages });
    expect(withoutImpossibleThinking(request, plan('llama3.2:3b', 'qwen3:8b'), details)).toBe(request);
    expect(withoutImpossibleThinking(request, plan('llama3.2:3b', 'unknown'), details)).toBe(request);
  });
});

describe('nativeRequest', () => {
  it('forwards the client bytes and its dialect headers, never its credentials', () => {
    const body = { model: 'm', messages: [{ role: 'user', content: 'Hi' }] };
    const native = nativeRequest(body, JSON.stringify(body), { 'anthropic-beta': 'a,b', 'anthropic-version': '2023-06-01', 'x-api-key': 'sy-secret' });
    expect(native).toEqual({
      dialect: 'anthropic-messages',
      body,
      raw: JSON.stringify(body),
      headers: { 'anthropic-beta': 'a,b', 'anthropic-version': '2023-06-01' },
    });
  });

  it('moves system entries among the messages into `system`, after the system the client sent, for Anthropic to take', () => {
    const body = {
      model: 'm',
      system: 'Base.',
      messages: [
        { role: 'system', content: 'Extra.' },
        { role: 'user', content: 'Hi' },
        { role: 'system', content: [{ type: 'text', text: 'More.', cache_control: { type: 'ephemeral' } }] },
      ],
    };
    const native = nativeRequest(body, JSON.stringify(body), {});
    expect(native.raw).toBeUndefined();
    expect(native.body).toEqual({
      model: 'm',
      system: [
        { type: 'text', text: 'Base.' },
        { type: 'text', text: 'Extra.' },
        { type: 'text', text: 'More.', cache_control: { type: 'ephemeral' } },
      ],
      messages: [{ role: 'user', content: 'Hi' }],
    });
  });
});
