// The response cache through a running `switchyard serve` (real `openai` and `@anthropic-ai/sdk` clients, raw
// fetch where the bytes are compared): identical requests make one upstream call and the second is a HIT with the
// same bytes, streamed or not; the hit is a ledger row at cost 0 whose saving is what the first one cost;
// `Cache-Control: no-cache` and the body's `cache` object force a call (and the object never goes upstream);
// requests that sample are not cached; failures and broken streams are not kept.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeAnthropic, fakeAnthropicKey } from '../fakes/anthropic-fake.js';
import { FakeOpenAI, serverError } from '../fakes/openai-fake.js';
import { LedgerReader, type LedgerRow } from '../support/ledger-reader.js';
import { startServe, type ServeProcess } from '../support/serve-process.js';

const providerKey = 'sk-proj-UPSTREAMKEY0123456789abcdefABCDEF';
let cloud: FakeOpenAI;
let claude: FakeAnthropic;
let serve: ServeProcess;
let openai: OpenAI;
let anthropic: Anthropic;
let ledger: LedgerReader;

beforeAll(async () => {
  cloud = await FakeOpenAI.start({ apiKey: providerKey });
  claude = await FakeAnthropic.start();
  serve = await startServe({
    config: {
      providers: [
        { id: 'cloud', type: 'openai-compatible', base_url: cloud.baseUrl, locality: 'cloud', api_key_env: 'CLOUD_KEY' },
        { id: 'claude', preset: 'anthropic', base_url: claude.baseUrl, locality: 'cloud' },
      ],
      routes: {
        cached: { targets: ['cloud/gpt-4o-mini'], cache: { enabled: true, ttl_seconds: 600 } },
        'cached-claude': { targets: ['claude/claude-sonnet-4-5'], cache: { enabled: true } },
        sampled: { targets: ['cloud/gpt-4o-mini'], cache: { enabled: true, sampled: true } },
        uncached: { targets: ['cloud/gpt-4o-mini'] },
      },
      routing: { num_retries: 0, allowed_fails: 1_000, auto_offline: false },
      ledger: { price_overrides: { 'cloud/gpt-4o-mini': { input: 1_000, output: 2_000 } } },
    },
    env: { CLOUD_KEY: providerKey, ANTHROPIC_API_KEY: fakeAnthropicKey },
  });
  openai = new OpenAI({ baseURL: serve.baseUrl, apiKey: serve.token, maxRetries: 0, timeout: 20_000 });
  anthropic = new Anthropic({ baseURL: serve.url, apiKey: serve.token, maxRetries: 0, timeout: 20_000 });
  ledger = LedgerReader.open(serve.dataDir);
});

afterAll(async () => {
  ledger?.close();
  await serve?.stop();
  await Promise.all([cloud?.close(), claude?.close()]);
});

function chatCalls(): number {
  return cloud.requests.filter((request) => request.method === 'POST' && request.path.startsWith('/v1/chat/completions')).length;
}

function post(body: unknown, headers: Record<string, string> = {}, token = serve.token): Promise<Response> {
  return fetch(`${serve.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
    body: JSON.stringify(body),
  });
}

function cacheColumn(row: LedgerRow): unknown {
  return (row as unknown as Record<string, unknown>)['cache_status'];
}

describe('response cache', () => {
  it('non-stream: one upstream call, the second answer is a HIT with the same bytes, and the ledger shows the saving', async () => {
    const body = { model: 'cached', temperature: 0, messages: [{ role: 'user', content: 'What is 2 + 2?' }] };
    const before = chatCalls();
    const first = await post(body);
    const firstBytes = Buffer.from(await first.arrayBuffer());
    expect(first.status).toBe(200);
    expect(first.headers.get('x-switchyard-cache')).toBe('MISS');
    const second = await post(body);
    const secondBytes = Buffer.from(await second.arrayBuffer());
    expect(second.headers.get('x-switchyard-cache')).toBe('HIT');
    expect(second.headers.get('x-switchyard-cost-usd')).toBe('0.00000000');
    expect(secondBytes.equals(firstBytes)).toBe(true);
    expect(chatCalls()).toBe(before + 1);

    const [miss, hit] = (await ledger.newFinalRows(2)) as [LedgerRow, LedgerRow];
    expect(cacheColumn(miss)).toBe('miss');
    expect(cacheColumn(hit)).toBe('hit');
    expect(miss.cost_usd).toBeGreaterThan(0);
    expect(hit).toMatchObject({ status: 'ok', cost_usd: 0, provider_id: 'cloud', model: 'gpt-4o-mini' });
    expect(hit.cost_reference_usd).toBeCloseTo(miss.cost_usd as number, 12);
  });

  it('the real openai client sees the HIT header and the same answer', async () => {
    const request = { model: 'cached', temperature: 0, messages: [{ role: 'user' as const, content: 'Name a colour.' }] };
    const first = await openai.chat.completions.create(request).withResponse();
    const second = await openai.chat.completions.create(request).withResponse();
    expect(first.response.headers.get('x-switchyard-cache')).toBe('MISS');
    expect(second.response.headers.get('x-switchyard-cache')).toBe('HIT');
    expect(second.data).toEqual(first.data);
    await ledger.newFinalRows(2);
  });

  it('stream: replayed as a stream with the same bytes, one upstream call', async () => {
    const body = {
      model: 'cached',
      temperature: 0,
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'Count to three.' }],
    };
    const before = chatCalls();
    const first = await post(body);
    const firstText = await first.text();
    const second = await post(body);
    expect(second.headers.get('content-type')).toContain('text/event-stream');
    expect(second.headers.get('x-switchyard-cache')).toBe('HIT');
    const secondText = await second.text();
    expect(secondText).toBe(firstText);
    expect(secondText.trimEnd().endsWith('data: [DONE]')).toBe(true);
    expect(chatCalls()).toBe(before + 1);
    const [, hit] = (await ledger.newFinalRows(2)) as [LedgerRow, LedgerRow];
    expect(hit).toMatchObject({ stream: 1, cost_usd: 0, status: 'ok' });
    expect(cacheColumn(hit)).toBe('hit');
  });

  it('the openai client reads a replayed stream like the first', async () => {
    const request = { model: 'cached', temperature: 0, stream: true as const, messages: [{ role: 'user' as const, content: 'Spell cat.' }] };
    const collect = async (): Promise<string> => {
      let text = '';
      for await (const chunk of await openai.chat.completions.create(request)) text += chunk.choices[0]?.delta.content ?? '';
      return text;
    };
    const first = await collect();
    expect(await collect()).toBe(first);
    await ledger.newFinalRows(2);
  });

  it('anthropic client: a Messages passthrough answer is cached too', async () => {
    const before = claude.requests.filter((request) => request.method === 'POST').length;
    const request = { model: 'cached-claude', max_tokens: 32, temperature: 0, messages: [{ role: 'user' as const, content: 'hello' }] };
    const first = await anthropic.messages.create(request).withResponse();
    const second = await anthropic.messages.create(request).withResponse();
    expect(second.response.headers.get('x-switchyard-cache')).toBe('HIT');
    expect(second.data).toEqual(first.data);
    expect(claude.requests.filter((entry) => entry.method === 'POST').length).toBe(before + 1);
    await ledger.newFinalRows(2);
  });

  it('Cache-Control: no-cache forces an upstream call (and the answer is kept again)', async () => {
    const body = { model: 'cached', temperature: 0, messages: [{ role: 'user', content: 'fresh, please' }] };
    await (await post(body)).arrayBuffer();
    const before = chatCalls();
    const forced = await post(body, { 'cache-control': 'no-cache' });
    await forced.arrayBuffer();
    expect(forced.headers.get('x-switchyard-cache')).toBe('MISS');
    expect(chatCalls()).toBe(before + 1);
    const after = await post(body);
    await after.arrayBuffer();
    expect(after.headers.get('x-switchyard-cache')).toBe('HIT');
    await ledger.newFinalRows(3);
  });

  it('the body `cache` object is honoured and never sent upstream', async () => {
    const body = { model: 'cached', temperature: 0, messages: [{ role: 'user', content: 'body directive' }] };
    await (await post(body)).arrayBuffer();
    const before = chatCalls();
    const forced = await post({ ...body, cache: { 'no-cache': true } });
    await forced.arrayBuffer();
    expect(forced.status).toBe(200);
    expect(chatCalls()).toBe(before + 1);
    const sent = cloud.requests.filter((request) => request.method === 'POST').at(-1);
    expect(sent?.rawBody.toString('utf8')).not.toContain('"cache"');
    // no-store: answered upstream and not kept, so the next one is a miss too
    const unstored = { model: 'cached', temperature: 0, messages: [{ role: 'user', content: 'do not keep this' }] };
    await (await post({ ...unstored, cache: { 'no-store': true } })).arrayBuffer();
    const next = await post(unstored);
    await next.arrayBuffer();
    expect(next.headers.get('x-switchyard-cache')).toBe('MISS');
    await ledger.newFinalRows(4);
  });

  it('requests that sample are not cached unless the route says so; routes without a cache never answer from it', async () => {
    const sampling = { model: 'cached', temperature: 0.7, messages: [{ role: 'user', content: 'a poem' }] };
    const before = chatCalls();
    await (await post(sampling)).arrayBuffer();
    const again = await post(sampling);
    await again.arrayBuffer();
    expect(again.headers.get('x-switchyard-cache')).toBeNull();
    expect(chatCalls()).toBe(before + 2);
    const allowed = { ...sampling, model: 'sampled' };
    await (await post(allowed)).arrayBuffer();
    const hit = await post(allowed);
    await hit.arrayBuffer();
    expect(hit.headers.get('x-switchyard-cache')).toBe('HIT');
    const plain = { model: 'uncached', temperature: 0, messages: [{ role: 'user', content: 'x' }] };
    await (await post(plain)).arrayBuffer();
    const plainAgain = await post(plain);
    await plainAgain.arrayBuffer();
    expect(plainAgain.headers.get('x-switchyard-cache')).toBeNull();
    await ledger.newFinalRows(6);
  });

  it('a failed answer is not kept', async () => {
    const body = { model: 'cached', temperature: 0, messages: [{ role: 'user', content: 'this one fails first' }] };
    cloud.onChat = () => serverError();
    const failed = await post(body);
    await failed.arrayBuffer();
    expect(failed.status).toBe(500);
    cloud.onChat = () => ({ kind: 'reply' });
    const before = chatCalls();
    const retried = await post(body);
    await retried.arrayBuffer();
    expect(retried.status).toBe(200);
    expect(retried.headers.get('x-switchyard-cache')).toBe('MISS');
    expect(chatCalls()).toBe(before + 1);
    await ledger.newFinalRows(2);
  });

  it('a stream that failed after its first byte (no terminator) is not kept', async () => {
    const body = { model: 'cached', temperature: 0, stream: true, messages: [{ role: 'user', content: 'this stream breaks' }] };
    cloud.onChat = () => ({ kind: 'in-band-error-after', contentChunks: 2 });
    const broken = await post(body);
    const brokenText = await broken.text();
    expect(brokenText).not.toContain('[DONE]');
    cloud.onChat = () => ({ kind: 'reply' });
    const before = chatCalls();
    const again = await post(body);
    const againText = await again.text();
    expect(again.headers.get('x-switchyard-cache')).toBe('MISS');
    expect(againText).toContain('[DONE]');
    expect(chatCalls()).toBe(before + 1);
    await ledger.newFinalRows(2);
  });
});
