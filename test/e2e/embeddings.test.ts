// Black-box: the official `openai` client's embeddings.create against a running `switchyard serve`, with the
// OpenAI-compatible, Ollama and Gemini fakes behind it: string and array input, dimensions, usage, route
// fallback, and a clear 400 for a provider without embeddings.
import OpenAI from 'openai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeAnthropic, fakeAnthropicKey } from '../fakes/anthropic-fake.js';
import { GeminiFake } from '../fakes/gemini-fake.js';
import { OllamaFake } from '../fakes/ollama-fake.js';
import { FakeOpenAI, invalidRequest, serverError } from '../fakes/openai-fake.js';
import { startServe, type ServeProcess } from '../support/serve-process.js';

const openaiKey = 'sk-proj-EMBEDKEY0123456789abcdefABCDEF';
let openaiFake: FakeOpenAI;
let ollamaFake: OllamaFake;
let geminiFake: GeminiFake;
let anthropicFake: FakeAnthropic;
let serve: ServeProcess;
let client: OpenAI;

beforeAll(async () => {
  openaiFake = await FakeOpenAI.start({ apiKey: openaiKey });
  ollamaFake = await OllamaFake.start();
  geminiFake = await GeminiFake.start();
  anthropicFake = await FakeAnthropic.start();
  serve = await startServe({
    config: {
      providers: [
        { id: 'openai', base_url: openaiFake.baseUrl },
        { id: 'ollama', base_url: ollamaFake.baseUrl },
        { id: 'gemini', preset: 'gemini', base_url: geminiFake.baseUrl },
        { id: 'anthropic', preset: 'anthropic', base_url: anthropicFake.baseUrl },
      ],
      routes: { vectors: { targets: ['openai/text-embedding-3-small', 'ollama/nomic-embed-text:latest'] } },
      routing: { num_retries: 0, allowed_fails: 1_000, auto_offline: false },
    },
    env: { OPENAI_API_KEY: openaiKey, GEMINI_API_KEY: geminiFake.apiKey, ANTHROPIC_API_KEY: fakeAnthropicKey },
  });
  client = new OpenAI({ baseURL: serve.baseUrl, apiKey: serve.token, maxRetries: 0, timeout: 20_000 });
});

afterAll(async () => {
  await serve?.stop();
  await openaiFake?.close();
  await ollamaFake?.close();
  await geminiFake?.close();
  await anthropicFake?.close();
});

afterEach(() => {
  openaiFake.onEmbeddings = () => ({ kind: 'reply' });
});

const norm = (vector: readonly number[]): number => Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));

describe('POST /v1/embeddings', () => {
  it('OpenAI-compatible: string and array input, dimensions, usage, routing headers', async () => {
    const { data: single, response } = await client.embeddings.create({ model: 'openai/text-embedding-3-small', input: 'hello' }).withResponse();
    expect(single.data).toHaveLength(1);
    expect(single.data[0]?.embedding).toHaveLength(1536);
    expect(single.usage).toEqual({ prompt_tokens: 2, total_tokens: 2 });
    expect(response.headers.get('x-switchyard-provider')).toBe('openai');

    const batch = await client.embeddings.create({ model: 'openai/text-embedding-3-small', input: ['one', 'two', 'three'], dimensions: 64 });
    expect(batch.data.map((item) => item.index)).toEqual([0, 1, 2]);
    expect(batch.data.every((item) => item.embedding.length === 64)).toBe(true);
    const upstream = openaiFake.requests.filter((request) => request.path === '/v1/embeddings').at(-1);
    expect(upstream?.body).toMatchObject({ model: 'text-embedding-3-small', input: ['one', 'two', 'three'], dimensions: 64 });
  });

  it('Ollama (/api/embed): string and array input, dimensions, usage from prompt_eval_count', async () => {
    const single = await client.embeddings.create({ model: 'ollama/nomic-embed-text:latest', input: 'hello world' });
    expect(single.data[0]?.embedding).toHaveLength(16);
    expect(single.usage.prompt_tokens).toBeGreaterThan(0);
    const batch = await client.embeddings.create({ model: 'ollama/nomic-embed-text:latest', input: ['a', 'b'], dimensions: 8 });
    expect(batch.data.map((item) => item.embedding.length)).toEqual([8, 8]);
    expect(ollamaFake.requestsTo('/api/embed').at(-1)?.body).toMatchObject({ model: 'nomic-embed-text:latest', input: ['a', 'b'], dimensions: 8 });
  });

  it('Gemini (batchEmbedContents): string and array input, outputDimensionality, usage', async () => {
    const single = await client.embeddings.create({ model: 'gemini/gemini-embedding-001', input: 'hello' });
    expect(single.data[0]?.embedding).toHaveLength(3072);
    expect(norm(single.data[0]?.embedding ?? [])).toBeCloseTo(1, 3);
    expect(single.usage.prompt_tokens).toBeGreaterThan(0);
    const batch = await client.embeddings.create({ model: 'gemini/gemini-embedding-001', input: ['x', 'y', 'z'], dimensions: 256 });
    expect(batch.data.map((item) => item.embedding.length)).toEqual([256, 256, 256]);
    const upstream = geminiFake.requests.filter((request) => request.path.includes(':batchEmbedContents')).at(-1);
    expect((upstream?.body as { requests: unknown[] }).requests[0]).toMatchObject({ model: 'models/gemini-embedding-001', outputDimensionality: 256 });
  });

  it('a route falls back to its next target when the first fails', async () => {
    openaiFake.onEmbeddings = () => serverError();
    const { data, response } = await client.embeddings.create({ model: 'vectors', input: 'hello' }).withResponse();
    expect(data.data[0]?.embedding).toHaveLength(16);
    expect(response.headers.get('x-switchyard-provider')).toBe('ollama');
    // the same attempt loop as chat: with num_retries 0 a 500 moves straight to the next target, and the trail says why
    expect(response.headers.get('x-switchyard-attempts')).toMatch(
      /^openai\/text-embedding-3-small=server\(500\) retried 0 time\(s\), ollama\/nomic-embed-text:latest=ok$/,
    );
  });

  it('a 400 from one target moves on to the next, as for chat (it used to end every target)', async () => {
    openaiFake.onEmbeddings = () => invalidRequest('This model does not support the dimensions parameter', 'dimensions');
    const { data, response } = await client.embeddings.create({ model: 'vectors', input: 'hello' }).withResponse();
    expect(data.data[0]?.embedding).toHaveLength(16);
    expect(response.headers.get('x-switchyard-attempts')).toMatch(
      /^openai\/text-embedding-3-small=bad_request\(400\) bad_request is not retried on the same target, ollama\/nomic-embed-text:latest=ok$/,
    );
  });

  it('embeddings go through the circuit breaker: a failing target cools down and is skipped, with the reason', async () => {
    const strict = await startServe({
      config: {
        providers: [
          { id: 'openai', base_url: openaiFake.baseUrl },
          { id: 'ollama', base_url: ollamaFake.baseUrl },
        ],
        routes: { vectors: { targets: ['openai/text-embedding-3-small', 'ollama/nomic-embed-text:latest'] } },
        routing: { num_retries: 0, allowed_fails: 2, cooldown_time: 60, auto_offline: false },
      },
      env: { OPENAI_API_KEY: openaiKey },
    });
    try {
      const strictClient = new OpenAI({ baseURL: strict.baseUrl, apiKey: strict.token, maxRetries: 0, timeout: 20_000 });
      openaiFake.onEmbeddings = () => serverError();
      const embeddingCalls = (): number => openaiFake.requests.filter((request) => request.path === '/v1/embeddings').length;
      const trails: string[] = [];
      for (let request = 0; request < 4; request += 1) {
        const { response } = await strictClient.embeddings.create({ model: 'vectors', input: 'hello' }).withResponse();
        expect(response.headers.get('x-switchyard-provider')).toBe('ollama');
        trails.push(response.headers.get('x-switchyard-attempts') ?? '');
      }
      // allowed_fails: 2 → the second failure opens the circuit; from then on openai is not called at all
      expect(trails.slice(0, 2)).toEqual(Array(2).fill('openai/text-embedding-3-small=server(500) retried 0 time(s), ollama/nomic-embed-text:latest=ok'));
      for (const trail of trails.slice(2))
        expect(trail).toMatch(/^openai\/text-embedding-3-small=skipped cooling down until \S+Z, ollama\/nomic-embed-text:latest=ok$/);
      const callsWhileOpen = embeddingCalls();
      await strictClient.embeddings.create({ model: 'vectors', input: 'hello' });
      expect(embeddingCalls()).toBe(callsWhileOpen);
      // and chat sees the same circuit: the status lists the cooldown
      const status = await fetch(`${strict.url}/_switchyard/api/status.get`, {
        method: 'POST',
        headers: { authorization: `Bearer ${readFileSync(join(strict.dataDir, 'admin-token'), 'utf8').trim()}`, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(((await status.json()) as { cooldowns: Array<{ target: string; phase: string }> }).cooldowns).toEqual([
        expect.objectContaining({ target: 'openai/text-embedding-3-small', phase: 'open' }),
      ]);
    } finally {
      await strict.stop();
    }
  });

  it('a provider without embeddings is a clear 400; an unknown model a 404', async () => {
    const error = (await client.embeddings.create({ model: 'anthropic/claude-opus-4-6', input: 'hello' }).catch((caught: unknown) => caught)) as InstanceType<
      typeof OpenAI.APIError
    >;
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.message).toContain('anthropic provider has no embeddings endpoint');
    expect(error.param).toBe('model');
    await expect(client.embeddings.create({ model: 'nosuch/model', input: 'x' })).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(client.embeddings.create({ model: 'openai/text-embedding-3-small', input: [] as string[] })).rejects.toBeInstanceOf(OpenAI.BadRequestError);
  });
});
