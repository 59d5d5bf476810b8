// AnthropicAdapter in passthrough (a Messages-dialect client's own request): the body reaches the fake with only
// `model` changed, betas merge with the configured ones, and the fake's exact bytes come back beside the OpenAI
// chunks — the whole body for a message, every SSE frame (pings and stops included) spread over the stream parts.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chatRequestSchema } from '../../../../shared/openai-schema.js';
import { FakeAnthropic, defaultScenario, fakeAnthropicKey } from '../../../../test/fakes/anthropic-fake.js';
import type { ChatCall, NativeRequest, StreamPart } from '../types.js';
import { AnthropicAdapter } from './adapter.js';
import { mergeNativeHeaders, nativeBody } from './native-request.js';

let fake: FakeAnthropic;
let adapter: AnthropicAdapter;

beforeAll(async () => {
  fake = await FakeAnthropic.start();
  adapter = new AnthropicAdapter({ id: 'anthropic', baseUrl: fake.baseUrl, apiKey: () => fakeAnthropicKey, headers: { 'anthropic-beta': 'configured-beta' } });
});
afterAll(async () => {
  await adapter.close();
  await fake.close();
});
beforeEach(() => {
  fake.onMessages = defaultScenario;
});

const clientBody = {
  model: 'claude-sonnet-4-5-20250929',
  max_tokens: 2048,
  system: [{ type: 'text', text: 'You are terse.', cache_control: { type: 'ephemeral' } }],
  messages: [
    { role: 'user', content: [{ type: 'text', text: 'Hi “there”', cache_control: { type: 'ephemeral', ttl: '1h' } }] },
    {
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'Greet.', signature: 'EqSIG==' },
        { type: 'text', text: 'Hello.' },
      ],
    },
    { role: 'user', content: 'Again' },
  ],
  thinking: { type: 'enabled', budget_tokens: 1024 },
  future_field: { keep: [1, 2.5, null] },
};

function nativeCall(body: Record<string, unknown>, upstreamModel = 'claude-sonnet-4-5'): ChatCall {
  const raw = JSON.stringify(body, null, 1);
  const native: NativeRequest = {
    dialect: 'anthropic-messages',
    body,
    raw,
    headers: { 'anthropic-beta': 'interleaved-thinking-2025-05-14', 'anthropic-version': '2023-06-01' },
  };
  const request = chatRequestSchema.parse({ model: String(body['model']), messages: [{ role: 'user', content: 'translated, never sent' }] });
  return { request, rawBody: undefined, upstreamModel, forceStreamUsage: true, signal: new AbortController().signal, native };
}

async function collect(parts: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const collected: StreamPart[] = [];
  for await (const part of parts) collected.push(part);
  return collected;
}

describe('AnthropicAdapter.chat with a native request', () => {
  it('forwards the client bytes with only the model replaced, merges betas, and returns the exact body', async () => {
    const call = nativeCall(clientBody);
    const outcome = await adapter.chat(call);
    if (outcome.kind !== 'complete') throw new Error('expected a complete answer');
    const upstream = fake.messageRequests().at(-1);
    expect(upstream?.rawBody.toString()).toBe(call.native?.raw?.toString().replace('"claude-sonnet-4-5-20250929"', '"claude-sonnet-4-5"'));
    expect(upstream?.headers['anthropic-beta']).toBe('configured-beta,interleaved-thinking-2025-05-14');
    expect(upstream?.headers['x-api-key']).toBe(fakeAnthropicKey);
    expect(outcome.nativeRaw?.toString()).toBe(fake.responseText(upstream?.index ?? -1));
    expect(outcome.response.choices[0]?.message.content).toBe('Hello from claude-sonnet-4-5!');
  });

  it('streams: every frame the fake wrote comes back, in order, spread over the parts', async () => {
    const outcome = await adapter.chat(nativeCall({ ...clientBody, stream: true }));
    if (outcome.kind !== 'stream') throw new Error('expected a stream');
    const parts = await collect(outcome.parts);
    const upstream = fake.messageRequests().at(-1);
    expect(parts.every((part) => part.nativeFrames !== undefined)).toBe(true);
    expect(parts.flatMap((part) => part.nativeFrames ?? []).join('')).toBe(fake.responseText(upstream?.index ?? -1));
    expect(parts.at(-1)?.type).toBe('done');
    const text = parts.map((part) => (part.type === 'chunk' ? (part.chunk.choices[0]?.delta.content ?? '') : '')).join('');
    expect(text).toBe('Hello from claude-sonnet-4-5!');
  });

  it('an in-band error after the first delta ends with the upstream error frame', async () => {
    fake.onMessages = () => ({ kind: 'in-band-error-after', deltas: 1 });
    const outcome = await adapter.chat(nativeCall({ ...clientBody, stream: true }));
    if (outcome.kind !== 'stream') throw new Error('expected a stream');
    const parts = await collect(outcome.parts);
    const last = parts.at(-1);
    expect(last?.type).toBe('error');
    expect(last?.nativeFrames?.at(-1)).toMatch(/^event: error\ndata: \{"type": "error"/);
    expect(parts.flatMap((part) => part.nativeFrames ?? []).join('')).toBe(fake.responseText(fake.messageRequests().at(-1)?.index ?? -1));
  });

  it('counts tokens on the client body as written', async () => {
    fake.onCountTokens = (request) => (JSON.stringify(request.body).includes('future_field') ? 321 : 1);
    const { request, native } = nativeCall({ model: 'claude-sonnet-4-5-20250929', messages: [{ role: 'user', content: 'Hi' }], future_field: true });
    await expect(adapter.countTokens(request, 'claude-sonnet-4-5', new AbortController().signal, native)).resolves.toBe(321);
    fake.onCountTokens = undefined;
  });
});

describe('native request helpers', () => {
  const native = (body: Record<string, unknown>, raw?: string): NativeRequest => ({
    dialect: 'anthropic-messages',
    body,
    ...(raw ? { raw } : {}),
    headers: {},
  });

  it('splices the model into the exact bytes, or re-serialises when that is not certain', () => {
    expect(nativeBody(native({ model: 'a' }, '{ "model" : "a", "x": 1.50 }'), 'b').toString()).toBe('{ "model" : "b", "x": 1.50 }');
    // a second "model" key (inside a tool schema) makes the splice uncertain
    const body = { model: 'a', tools: [{ input_schema: { properties: { model: {} } } }] };
    expect(JSON.parse(nativeBody(native(body, '{"model":"a","tools":[{"input_schema":{"properties":{"model":{}}}}]}'), 'b').toString())).toEqual({
      ...body,
      model: 'b',
    });
    expect(JSON.parse(nativeBody(native({ model: 'a', y: [] }), 'b').toString())).toEqual({ model: 'b', y: [] });
  });

  it('merges anthropic-beta lists without duplicates, lets the client pick the version, and passes nothing else', () => {
    const merged = mergeNativeHeaders(
      { 'anthropic-version': '2023-06-01', 'anthropic-beta': 'a, b' },
      { dialect: 'anthropic-messages', body: {}, headers: { 'anthropic-beta': 'b,c', 'anthropic-version': '2024-01-01', 'x-api-key': 'client-token' } },
    );
    expect(merged).toEqual({ 'anthropic-version': '2024-01-01', 'anthropic-beta': 'a,b,c' });
  });
});
