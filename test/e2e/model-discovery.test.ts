// Model discovery as editors do it against `switchyard serve`: route aliases in GET /v1/models and /v1/models/{id}
// with the context window of their smallest target, wildcard routes left out, HEAD on the liveness and model paths,
// and an unknown path under /v1/messages answered in Anthropic's shape.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeAnthropic, fakeAnthropicKey } from '../fakes/anthropic-fake.js';
import { startServe, type ServeProcess } from '../support/serve-process.js';

let anthropic: FakeAnthropic;
let serve: ServeProcess;
let client: OpenAI;

beforeAll(async () => {
  anthropic = await FakeAnthropic.start();
  serve = await startServe({
    config: {
      providers: [{ id: 'anthropic', base_url: anthropic.baseUrl }],
      routes: {
        smart: { description: 'the best we have', targets: ['anthropic/claude-opus-4-6'], fallbacks: ['anthropic/claude-sonnet-4-5-20250929'] },
        'claude-haiku-*': { targets: ['anthropic/claude-haiku-4-5-20251001'] },
      },
      routing: { auto_offline: false },
      ledger: { price_refresh: false },
    },
    env: { ANTHROPIC_API_KEY: fakeAnthropicKey },
  });
  client = new OpenAI({ baseURL: serve.baseUrl, apiKey: serve.token, maxRetries: 0 });
});

afterAll(async () => {
  await serve?.stop();
  await anthropic?.close();
});

describe('model discovery', () => {
  it('lists route aliases first, with their targets and the smallest context window among them; wildcard routes are not models', async () => {
    const page = await client.models.list();
    const ids = page.data.map((model) => model.id);
    expect(ids[0]).toBe('smart');
    expect(ids).toContain('anthropic/claude-opus-4-6');
    expect(ids).not.toContain('claude-haiku-*');
    const smart = page.data[0] as unknown as Record<string, unknown>;
    // Opus 4.6 has a 1M window, Sonnet 4.5 200k: a request to the alias may land on either
    expect(smart).toMatchObject({
      id: 'smart',
      object: 'model',
      owned_by: 'switchyard',
      description: 'the best we have',
      targets: ['anthropic/claude-opus-4-6', 'anthropic/claude-sonnet-4-5-20250929'],
      context_window: 200_000,
    });
  });

  it('retrieves an alias and a provider model by id; an unknown id is a 404 naming the list', async () => {
    expect(await client.models.retrieve('smart')).toMatchObject({ id: 'smart', owned_by: 'switchyard' });
    expect(await client.models.retrieve('anthropic/claude-opus-4-6')).toMatchObject({ id: 'anthropic/claude-opus-4-6', context_window: 1_000_000 });
    await expect(client.models.retrieve('nosuch')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('answers HEAD on /, /health and /v1/models', async () => {
    for (const [path, headers] of [
      ['/', {}],
      ['/health', {}],
      ['/v1/models', { authorization: `Bearer ${serve.token}` }],
      ['/v1/models/smart', { authorization: `Bearer ${serve.token}` }],
    ] as const) {
      const response = await fetch(`${serve.url}${path}`, { method: 'HEAD', headers });
      expect(response.status, path).toBe(200);
    }
  });

  it('answers an unknown path under /v1/messages in Anthropic’s shape', async () => {
    const response = await fetch(`${serve.url}/v1/messages/batches`, {
      method: 'POST',
      headers: { 'x-api-key': serve.token, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
  });
});
