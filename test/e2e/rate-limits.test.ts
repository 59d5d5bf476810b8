// Rate limits through a running `switchyard serve` (limits per client token and per route): the N+1th request of a
// window gets a 429 in each inbound dialect with Retry-After and OpenAI's x-ratelimit-* headers, a concurrent burst
// cannot overshoot a tokens-per-minute reservation, a route with a queue makes requests wait and then succeed (and
// a waiter whose client leaves never reaches upstream), and provider pacing skips a target whose own headers say it
// has nothing left.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../fakes/openai-fake.js';
import { startServe, type ServeProcess } from '../support/serve-process.js';

let openaiFake: FakeOpenAI;
let spareFake: FakeOpenAI;
const started: ServeProcess[] = [];

beforeAll(async () => {
  openaiFake = await FakeOpenAI.start();
  spareFake = await FakeOpenAI.start();
});

afterAll(async () => {
  for (const serve of started) await serve.stop();
  await openaiFake?.close();
  await spareFake?.close();
});

async function serveWith(extra: Record<string, unknown>): Promise<ServeProcess> {
  const serve = await startServe({
    config: {
      providers: [
        { id: 'openai', type: 'openai-compatible', base_url: openaiFake.baseUrl, locality: 'cloud' },
        { id: 'spare', type: 'openai-compatible', base_url: spareFake.baseUrl, locality: 'cloud' },
      ],
      routing: { num_retries: 0, allowed_fails: 1_000, auto_offline: false },
      ledger: { price_refresh: false },
      ollama_api: { enabled: true },
      ...extra,
    },
  });
  started.push(serve);
  return serve;
}

function post(serve: ServeProcess, path: string, body: unknown, signal?: AbortSignal): Promise<Response> {
  return fetch(`${serve.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${serve.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
}

const chatBody = (model: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  model,
  messages: [{ role: 'user', content: 'hi' }],
  ...extra,
});

describe('requests per minute per client token', () => {
  let serve: ServeProcess;

  beforeAll(async () => {
    serve = await serveWith({ limits: { every_client: { requests_per_minute: 2 } } });
  });

  it('passes N requests with x-ratelimit-* headers, then answers 429 in every dialect with Retry-After', async () => {
    const first = await post(serve, '/v1/chat/completions', chatBody('openai/gpt-4o-mini'));
    expect(first.status).toBe(200);
    expect(first.headers.get('x-ratelimit-limit-requests')).toBe('2');
    expect(first.headers.get('x-ratelimit-remaining-requests')).toBe('1');
    expect(first.headers.get('x-ratelimit-reset-requests')).toMatch(/^\d+(\.\d+)?s$/);
    const second = await post(serve, '/v1/chat/completions', chatBody('openai/gpt-4o-mini'));
    expect(second.status).toBe(200);
    expect(second.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    const calls = openaiFake.chatRequests().length;

    const cases: Array<{ name: string; path: string; body: unknown; check: (body: Record<string, unknown>) => void }> = [
      {
        name: 'OpenAI chat',
        path: '/v1/chat/completions',
        body: chatBody('openai/gpt-4o-mini'),
        check: (body) =>
          expect(body).toMatchObject({ error: { type: 'requests', code: 'rate_limit_exceeded', message: expect.stringContaining('Rate limit reached') } }),
      },
      {
        name: 'OpenAI Responses',
        path: '/v1/responses',
        body: { model: 'openai/gpt-4o-mini', input: 'hi' },
        check: (body) => expect(body).toMatchObject({ error: { code: 'rate_limit_exceeded' } }),
      },
      {
        name: 'OpenAI embeddings',
        path: '/v1/embeddings',
        body: { model: 'openai/text-embedding-3-small', input: 'hi' },
        check: (body) => expect(body).toMatchObject({ error: { code: 'rate_limit_exceeded' } }),
      },
      {
        name: 'Anthropic Messages',
        path: '/v1/messages',
        body: { model: 'openai/gpt-4o-mini', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] },
        check: (body) => expect(body).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } }),
      },
      {
        name: 'Gemini',
        path: '/v1beta/models/openai%2Fgpt-4o-mini:generateContent',
        body: { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] },
        check: (body) => expect(body).toMatchObject({ error: { code: 429, status: 'RESOURCE_EXHAUSTED' } }),
      },
      {
        name: 'Ollama',
        path: '/api/chat',
        body: { model: 'openai/gpt-4o-mini', stream: false, messages: [{ role: 'user', content: 'hi' }] },
        check: (body) => expect(body).toEqual({ error: expect.stringContaining('Rate limit reached') }),
      },
    ];
    for (const { name, path, body, check } of cases) {
      const response = await post(serve, path, body);
      const text = await response.text();
      expect(response.status, `${name}: ${text}`).toBe(429);
      expect(Number(response.headers.get('retry-after')), name).toBeGreaterThanOrEqual(1);
      expect(response.headers.get('x-ratelimit-limit-requests'), name).toBe('2');
      expect(response.headers.get('x-ratelimit-remaining-requests'), name).toBe('0');
      expect(response.headers.get('x-ratelimit-reset-requests'), name).toMatch(/^\d+(\.\d+)?s$/);
      check(JSON.parse(text) as Record<string, unknown>);
    }
    // none of the refused requests reached upstream
    expect(openaiFake.chatRequests().length).toBe(calls);
  });
});

describe('tokens per minute per route', () => {
  it('a concurrent burst cannot overshoot the reservation: only what fits is admitted', async () => {
    const serve = await serveWith({ routes: { metered: { targets: ['spare/gpt-4o-mini'], limits: { tokens_per_minute: 1_000 } } } });
    // every answer takes a while, so no reservation is settled while the burst is judged
    spareFake.onChat = () => ({ kind: 'reply', headersDelayMs: 400, usage: { promptTokens: 11, completionTokens: 5 } });
    const before = spareFake.chatRequests().length;
    // each reserves ~301 tokens: 1 of input (2 characters) + max_tokens 300; three fit in 1,000, the fourth does not
    const responses = await Promise.all(Array.from({ length: 10 }, () => post(serve, '/v1/chat/completions', chatBody('metered', { max_tokens: 300 }))));
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([200, 200, 200, 429, 429, 429, 429, 429, 429, 429]);
    const refused = responses.find((response) => response.status === 429);
    expect(refused?.headers.get('x-ratelimit-limit-tokens')).toBe('1000');
    expect(Number(refused?.headers.get('x-ratelimit-remaining-tokens'))).toBeLessThan(301);
    expect((await refused?.json()) as unknown).toMatchObject({ error: { type: 'tokens', code: 'rate_limit_exceeded' } });
    expect(spareFake.chatRequests().length - before).toBe(3);
    // settled with the real usage (16 tokens each): most of the reservation is back, so another request fits
    const after = await post(serve, '/v1/chat/completions', chatBody('metered', { max_tokens: 300 }));
    expect(after.status).toBe(200);
    spareFake.onChat = () => ({ kind: 'reply' });
  });
});

describe('a route with a queue', () => {
  let serve: ServeProcess;

  beforeAll(async () => {
    serve = await serveWith({
      routes: {
        queued: { targets: ['spare/gpt-4o-mini'], limits: { concurrent: 1, queue: { max_wait_ms: 10_000, max_length: 8 } } },
        unqueued: { targets: ['spare/gpt-4o-mini'], limits: { concurrent: 1 } },
      },
    });
  });

  it('makes requests over the limit wait, then answers them all', async () => {
    spareFake.onChat = () => ({ kind: 'reply', headersDelayMs: 300 });
    const started = performance.now();
    const responses = await Promise.all(Array.from({ length: 3 }, () => post(serve, '/v1/chat/completions', chatBody('queued'))));
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200]);
    // one at a time: three answers of 300 ms each
    expect(performance.now() - started).toBeGreaterThanOrEqual(850);
    // the same burst on the route without a queue: one answered, the rest refused at once
    const unqueued = await Promise.all(Array.from({ length: 3 }, () => post(serve, '/v1/chat/completions', chatBody('unqueued'))));
    expect(unqueued.map((response) => response.status).sort()).toEqual([200, 429, 429]);
    spareFake.onChat = () => ({ kind: 'reply' });
  });

  it('a waiter whose client leaves is taken out of the queue and never reaches upstream', async () => {
    spareFake.onChat = (request) => ({
      kind: 'reply',
      headersDelayMs: 600,
      content: String((request.body as { messages: Array<{ content: string }> }).messages[0]?.content),
    });
    const before = spareFake.chatRequests().length;
    const holder = post(serve, '/v1/chat/completions', { model: 'queued', messages: [{ role: 'user', content: 'holder' }] });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const leaving = new AbortController();
    const left = post(serve, '/v1/chat/completions', { model: 'queued', messages: [{ role: 'user', content: 'leaver' }] }, leaving.signal).catch(
      (error: unknown) => error,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const stayer = post(serve, '/v1/chat/completions', { model: 'queued', messages: [{ role: 'user', content: 'stayer' }] });
    await new Promise((resolve) => setTimeout(resolve, 50));
    leaving.abort();
    expect(await left).toBeInstanceOf(Error);
    expect((await holder).status).toBe(200);
    expect((await stayer).status).toBe(200);
    const sent = spareFake
      .chatRequests()
      .slice(before)
      .map((request) => (request.body as { messages: Array<{ content: string }> }).messages[0]?.content);
    expect(sent).toEqual(['holder', 'stayer']);
    spareFake.onChat = () => ({ kind: 'reply' });
  });
});

describe('provider pacing', () => {
  it('skips a target whose own headers said 0 requests remain until a reset still ahead, and says why in the trail', async () => {
    const serve = await serveWith({ routes: { paced: { targets: ['openai/gpt-4o-mini', 'spare/gpt-4o-mini'] } } });
    openaiFake.onChat = () => ({ kind: 'reply', headers: { 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '30s' } });
    const beforeOpenAI = openaiFake.chatRequests().length;
    const beforeSpare = spareFake.chatRequests().length;
    const first = await post(serve, '/v1/chat/completions', chatBody('paced'));
    expect(first.status).toBe(200);
    expect(first.headers.get('x-switchyard-provider')).toBe('openai');
    const second = await post(serve, '/v1/chat/completions', chatBody('paced'));
    expect(second.status).toBe(200);
    expect(second.headers.get('x-switchyard-provider')).toBe('spare');
    expect(second.headers.get('x-switchyard-attempts')).toMatch(
      /^openai\/gpt-4o-mini=skipped provider rate limit: 0 requests remaining until .+, spare\/gpt-4o-mini=ok$/,
    );
    expect(openaiFake.chatRequests().length - beforeOpenAI).toBe(1);
    expect(spareFake.chatRequests().length - beforeSpare).toBe(1);
    openaiFake.onChat = () => ({ kind: 'reply' });
  });
});
