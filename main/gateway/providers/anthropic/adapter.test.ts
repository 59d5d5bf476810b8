// AnthropicAdapter against the fake Anthropic over real loopback HTTP: non-streamed chat, the exact upstream body
// and headers, tools, images, JSON output, the thinking round trip, usage, every error class, model listing,
// probing and token counting. Streams are in adapter-stream.test.ts.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chatRequestSchema } from '../../../../shared/openai-schema.js';
import type { ChatCompletion } from '../../../../shared/openai-types.js';
import * as wire from '../../../../test/fakes/anthropic-fake.js';
import { FakeAnthropic, defaultFakeModels, defaultScenario, fakeAnthropicKey } from '../../../../test/fakes/anthropic-fake.js';
import { ProviderError } from '../errors.js';
import type { ChatCall } from '../types.js';
import { AnthropicAdapter } from './adapter.js';

let fake: FakeAnthropic;
let adapter: AnthropicAdapter;

beforeAll(async () => {
  fake = await FakeAnthropic.start();
  adapter = new AnthropicAdapter({ id: 'anthropic', baseUrl: fake.baseUrl, apiKey: () => fakeAnthropicKey });
});
afterAll(async () => {
  await adapter.close();
  await fake.close();
});
beforeEach(() => {
  fake.onMessages = defaultScenario;
  fake.onCountTokens = undefined;
  fake.models = [...defaultFakeModels];
  fake.maxPageSize = 1000;
});

const model = 'claude-sonnet-4-5-20250929';

function chatCall(request: Record<string, unknown>, upstreamModel = model): ChatCall {
  const parsed = chatRequestSchema.parse({ model: `anthropic/${upstreamModel}`, messages: [{ role: 'user', content: 'Hi' }], ...request });
  return { request: parsed, rawBody: undefined, upstreamModel, forceStreamUsage: true, signal: new AbortController().signal };
}

async function complete(request: Record<string, unknown>, upstreamModel = model, target = adapter): Promise<ChatCompletion> {
  const outcome = await target.chat(chatCall(request, upstreamModel));
  if (outcome.kind !== 'complete') throw new Error('expected a complete response');
  return outcome.response;
}

async function rejection(promise: Promise<unknown>): Promise<ProviderError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof ProviderError)) throw new Error(`expected a ProviderError, got ${String(error)}`);
  return error;
}

describe('AnthropicAdapter.chat (non-stream)', () => {
  it('returns a ChatCompletion with exact usage: prompt tokens include cache reads and writes', async () => {
    fake.onMessages = () => ({ kind: 'reply', usage: { inputTokens: 21, outputTokens: 6, cacheCreationInputTokens: 300, cacheReadInputTokens: 4000 } });
    const response = await complete({});
    expect(response).toMatchObject({
      object: 'chat.completion',
      model,
      choices: [{ index: 0, message: { role: 'assistant', content: `Hello from ${model}!` }, finish_reason: 'stop', native_finish_reason: 'end_turn' }],
      usage: { prompt_tokens: 4321, completion_tokens: 6, total_tokens: 4327, prompt_tokens_details: { cached_tokens: 4000, cache_write_tokens: 300 } },
    });
    expect(response.id).toMatch(/^msg_01/);
  });

  it('sends the key only in x-api-key, with anthropic-version, to POST /v1/messages', async () => {
    await complete({});
    const [request] = fake.messageRequests().slice(-1);
    expect(request?.path).toBe('/v1/messages');
    expect(request?.headers['x-api-key']).toBe(fakeAnthropicKey);
    expect(request?.headers['anthropic-version']).toBe('2023-06-01');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['authorization']).toBeUndefined();
    const elsewhere = Object.entries(request?.headers ?? {}).filter(([name, value]) => name !== 'x-api-key' && String(value).includes(fakeAnthropicKey));
    expect(elsewhere).toEqual([]);
    expect(request?.rawBody.toString('utf8')).not.toContain(fakeAnthropicKey);
  });

  it('sends the exact upstream body for a multi-turn conversation with tool results', async () => {
    await complete({
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'toolu_01A', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
        },
        { role: 'tool', tool_call_id: 'toolu_01A', content: '18 °C, sunny' },
        { role: 'user', content: 'And tomorrow?' },
      ],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
      tool_choice: 'none',
      max_tokens: 500,
      temperature: 0.2,
      user: 'user-7',
    });
    expect(fake.lastMessagesBody()).toEqual({
      model,
      max_tokens: 500,
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_01A', name: 'get_weather', input: { city: 'Paris' } }] },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_01A', content: '18 °C, sunny' },
            { type: 'text', text: 'And tomorrow?' },
          ],
        },
      ],
      system: 'You are terse.',
      temperature: 0.2,
      metadata: { user_id: 'user-7' },
      tools: [{ name: 'get_weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
      tool_choice: { type: 'none' },
    });
  });

  it('returns tool calls with JSON arguments and finish_reason tool_calls', async () => {
    const response = await complete({
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
    });
    expect(response.choices[0]).toMatchObject({
      message: {
        content: null,
        tool_calls: [{ id: expect.stringMatching(/^toolu_01/), type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
      },
      finish_reason: 'tool_calls',
      native_finish_reason: 'tool_use',
    });
  });

  it('sends images as base64 and url sources', async () => {
    await complete({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Compare' },
            { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/4AAQ' } },
            { type: 'image_url', image_url: { url: 'https://example.com/b.png' } },
          ],
        },
      ],
    });
    expect(fake.lastMessagesBody()['messages']).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Compare' },
          { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/4AAQ' } },
          { type: 'image', source: { type: 'url', url: 'https://example.com/b.png' } },
        ],
      },
    ]);
  });

  it('answers JSON through native structured outputs, and through the json tool on older models', async () => {
    const schema = {
      type: 'object',
      properties: { city: { type: 'string' }, days: { type: 'integer' } },
      required: ['city', 'days'],
      additionalProperties: false,
    };
    const native = await complete({ response_format: { type: 'json_schema', json_schema: { name: 'plan', schema } } });
    expect(fake.lastMessagesBody()['output_config']).toEqual({ format: { type: 'json_schema', schema } });
    expect(JSON.parse(native.choices[0]?.message.content ?? '')).toEqual({ city: 'Paris', days: 42 });

    const fallback = await complete({ response_format: { type: 'json_schema', json_schema: { name: 'plan', schema } } }, 'claude-3-5-haiku-20241022');
    expect(fake.lastMessagesBody()['tool_choice']).toEqual({ type: 'tool', name: 'json' });
    expect(fallback.choices[0]).toMatchObject({ message: { content: '{"city":"Paris","days":42}' }, finish_reason: 'stop', native_finish_reason: 'tool_use' });
    expect(fallback.choices[0]?.message.tool_calls).toBeUndefined();
  });

  it('round-trips thinking: the signed block comes back in reasoning_details and goes upstream again', async () => {
    const first = await complete({ reasoning_effort: 'low', max_tokens: 400 });
    expect(fake.lastMessagesBody()).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 2048 }, max_tokens: 2448 });
    const message = first.choices[0]?.message;
    expect(message?.reasoning_content).toBe(`The user wants a reply from ${model}.`);
    const details = message?.['reasoning_details'] as Array<{ signature?: string }>;
    expect(details).toEqual([
      {
        type: 'reasoning.text',
        text: `The user wants a reply from ${model}.`,
        signature: expect.stringMatching(/^Eq/),
        format: 'anthropic-claude-v1',
        index: 0,
      },
    ]);

    await complete({ reasoning_effort: 'low', messages: [{ role: 'user', content: 'Hi' }, message, { role: 'user', content: 'And?' }] });
    expect((fake.lastMessagesBody()['messages'] as unknown[])[1]).toEqual({
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: `The user wants a reply from ${model}.`, signature: details[0]?.signature },
        { type: 'text', text: `Hello from ${model}!` },
      ],
    });
  });

  it('sends what each model family accepts: one sampling setting on 4.5, adaptive thinking and none on Opus 4.7', async () => {
    await complete({ temperature: 0.4, top_p: 0.8 });
    expect(fake.lastMessagesBody()).toMatchObject({ temperature: 0.4 });
    expect(fake.lastMessagesBody()['top_p']).toBeUndefined();
    const opus = await complete({ temperature: 0.4, reasoning_effort: 'high' }, 'claude-opus-4-7');
    expect(fake.lastMessagesBody()).toMatchObject({ thinking: { type: 'adaptive' }, output_config: { effort: 'high' } });
    expect(fake.lastMessagesBody()['temperature']).toBeUndefined();
    expect(opus.choices[0]?.message.reasoning_content).toBe('The user wants a reply from claude-opus-4-7.');
  });

  it('accepts a base URL given with /v1', async () => {
    const withV1 = new AnthropicAdapter({ id: 'anthropic', baseUrl: `${fake.baseUrl}/v1/`, apiKey: () => fakeAnthropicKey });
    expect((await complete({}, model, withV1)).choices[0]?.message.content).toBe(`Hello from ${model}!`);
    expect(fake.messageRequests().at(-1)?.path).toBe('/v1/messages');
    await withV1.close();
  });
});

describe('AnthropicAdapter errors', () => {
  const cases: Array<[string, () => wire.ErrorReply, { status: number; errorClass: string; retryable: boolean; retryAfterMs?: number }]> = [
    ['overloaded 529', () => wire.overloaded(2), { status: 529, errorClass: 'overloaded', retryable: true, retryAfterMs: 2000 }],
    ['rate limit 429', () => wire.rateLimited(17), { status: 429, errorClass: 'rate_limit', retryable: true, retryAfterMs: 17_000 }],
    ['api_error 500', wire.apiError, { status: 500, errorClass: 'server', retryable: true }],
    ['prompt too long', () => wire.promptTooLong(), { status: 400, errorClass: 'context_length', retryable: false }],
    ['credit balance too low', wire.creditBalanceTooLow, { status: 400, errorClass: 'quota', retryable: false }],
    [
      'invalid request',
      () => wire.invalidRequest('messages: text content blocks must be non-empty'),
      { status: 400, errorClass: 'bad_request', retryable: false },
    ],
    ['permission 403', wire.permissionDenied, { status: 403, errorClass: 'permission', retryable: false }],
    ['model not found 404', () => wire.modelNotFound(model), { status: 404, errorClass: 'not_found', retryable: false }],
    ['request too large 413', wire.requestTooLarge, { status: 413, errorClass: 'context_length', retryable: false }],
  ];

  it.each(cases)('%s', async (_name, reply, expected) => {
    fake.onMessages = () => reply();
    const error = await rejection(complete({}));
    expect(error).toMatchObject({ kind: 'http', ...expected });
    if (expected.retryAfterMs === undefined) expect(error.retryAfterMs).toBeUndefined();
  });

  it('classifies a wrong key as auth, without echoing the key', async () => {
    const wrong = new AnthropicAdapter({ id: 'anthropic', baseUrl: fake.baseUrl, apiKey: () => 'sk-ant-api03-WRONGwrongWRONG' });
    const error = await rejection(complete({}, model, wrong));
    expect(error).toMatchObject({ kind: 'http', status: 401, errorClass: 'auth', retryable: false, message: 'invalid x-api-key' });
    const missing = new AnthropicAdapter({ id: 'anthropic', baseUrl: fake.baseUrl, apiKey: () => undefined });
    expect(await rejection(complete({}, model, missing))).toMatchObject({ status: 401, errorClass: 'auth', message: 'x-api-key header is required' });
    await Promise.all([wrong.close(), missing.close()]);
  });

  it('turns an error where a message was expected into the error it reports', async () => {
    fake.onMessages = () => ({ kind: 'in-band-error-first', error: { type: 'overloaded_error', message: 'Overloaded' } });
    expect(await rejection(complete({}))).toMatchObject({ status: 529, errorClass: 'overloaded', retryable: true });
  });

  it('reports a truncated body as a protocol error', async () => {
    fake.onMessages = () => ({ kind: 'end-without-message-stop' });
    expect(await rejection(complete({}))).toMatchObject({ kind: 'protocol', status: 502 });
  });

  it('refuses n > 1 and unsupported parts before any upstream call', async () => {
    const before = fake.messageRequests().length;
    expect(await rejection(complete({ n: 3 }))).toMatchObject({ status: 400, param: 'n' });
    expect(fake.messageRequests()).toHaveLength(before);
  });
});

describe('AnthropicAdapter models, probe and token counting', () => {
  it('lists models across pages, with created times and context windows', async () => {
    fake.maxPageSize = 2;
    const models = await adapter.listModels(new AbortController().signal);
    expect(models.map((entry) => entry.id)).toEqual(defaultFakeModels.map((entry) => entry.id));
    expect(models[0]).toEqual({ id: 'claude-opus-4-6', created: Date.parse('2026-02-05T00:00:00Z') / 1000, contextWindow: 1_000_000 });
    expect(models.find((entry) => entry.id === 'claude-3-5-haiku-20241022')?.contextWindow).toBe(200_000);
    const pages = fake.requests
      .filter((request) => request.path.startsWith('/v1/models'))
      .slice(-3)
      .map((request) => request.path);
    expect(pages).toEqual([
      '/v1/models?limit=1000',
      '/v1/models?limit=1000&after_id=claude-haiku-4-5-20251001',
      '/v1/models?limit=1000&after_id=claude-opus-4-1-20250805',
    ]);
  });

  it('probes through the model list, and calls a 401 reachable with the reason', async () => {
    expect(await adapter.probe(new AbortController().signal)).toMatchObject({ reachable: true, detail: `${defaultFakeModels.length} models` });
    const wrong = new AnthropicAdapter({ id: 'anthropic', baseUrl: fake.baseUrl, apiKey: () => 'sk-ant-wrong-key-000000' });
    expect(await wrong.probe(new AbortController().signal)).toMatchObject({ reachable: true, detail: 'invalid x-api-key' });
    await wrong.close();
  });

  it('counts tokens through POST /v1/messages/count_tokens with the converted request', async () => {
    fake.onCountTokens = () => 1234;
    const request = chatRequestSchema.parse({
      model: `anthropic/${model}`,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
      max_tokens: 99,
    });
    expect(await adapter.countTokens(request, model, new AbortController().signal)).toBe(1234);
    const [counted] = fake.requests.filter((entry) => entry.path === '/v1/messages/count_tokens').slice(-1);
    expect(counted?.body).toEqual({ model, messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }], system: 'Be brief.' });
    expect(counted?.headers['x-api-key']).toBe(fakeAnthropicKey);
    fake.onCountTokens = () => wire.invalidRequest('model: Field required');
    expect(await rejection(adapter.countTokens(request, model, new AbortController().signal))).toMatchObject({ status: 400, errorClass: 'bad_request' });
  });

  it('describes models from the built-in table', async () => {
    expect(await adapter.modelDetails('claude-haiku-4-5-20251001')).toEqual({
      contextWindow: 200_000,
      capabilities: ['completion', 'tools', 'vision', 'thinking'],
    });
    expect(await adapter.modelDetails('claude-sonnet-4-6')).toMatchObject({ contextWindow: 1_000_000 });
    expect((await adapter.modelDetails('claude-3-5-haiku-20241022')).capabilities).not.toContain('thinking');
  });
});

describe("the fake speaks Anthropic's wire format", () => {
  const headers = { 'x-api-key': fakeAnthropicKey, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' };

  it('answers a message with the exact body shape and rate-limit headers', async () => {
    const response = await fetch(`${fake.baseUrl}/v1/messages`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ model, max_tokens: 50, messages: [{ role: 'user', content: 'Hi' }] }),
    });
    const body = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['model', 'id', 'type', 'role', 'content', 'stop_reason', 'stop_sequence', 'usage']);
    expect(body['usage']).toEqual({
      input_tokens: 11,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
      output_tokens: 3,
      service_tier: 'standard',
    });
    expect(response.headers.get('request-id')).toMatch(/^req_011C/);
    expect(response.headers.get('anthropic-ratelimit-requests-limit')).toBe('4000');
  });

  it("checks anthropic-version, max_tokens and roles with Anthropic's wording", async () => {
    const post = async (body: unknown, extra: Record<string, string> = headers) => {
      const response = await fetch(`${fake.baseUrl}/v1/messages`, { method: 'POST', headers: extra, body: JSON.stringify(body) });
      return [response.status, ((await response.json()) as { error: { message: string } }).error.message];
    };
    const { 'anthropic-version': _version, ...noVersion } = headers;
    expect(await post({ model, max_tokens: 5, messages: [] }, noVersion)).toEqual([400, 'anthropic-version: header is required']);
    expect(await post({ model, messages: [{ role: 'user', content: 'Hi' }] })).toEqual([400, 'max_tokens: Field required']);
    expect((await post({ model, max_tokens: 5, messages: [{ role: 'system', content: 'x' }] }))[1]).toMatch(/top-level `system` parameter/);
  });
});
