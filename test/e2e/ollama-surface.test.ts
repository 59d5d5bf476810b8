// Black-box: the Ollama-compatible surface of a running `switchyard serve`, driven by the real `ollama` npm client
// (pinned in test/clients) and by GitHub Copilot's discovery sequence as its source does it
// (src/extension/byok/vscode-node/ollamaProvider.ts in microsoft/vscode-copilot-chat: GET /api/version, GET
// /api/tags, POST /api/show per model with no credential, then chat through `<url>/v1/chat/completions` with
// `Authorization: Bearer ` — an empty key). Requests are routed to an OpenAI-compatible fake and an Anthropic fake.
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as OllamaModule from '../clients/node_modules/ollama/dist/index.mjs';
import { FakeAnthropic, fakeAnthropicKey } from '../fakes/anthropic-fake.js';
import { FakeOpenAI } from '../fakes/openai-fake.js';
import { OllamaFake } from '../fakes/ollama-fake.js';
import { LedgerReader } from '../support/ledger-reader.js';
import { startServe, type ServeProcess } from '../support/serve-process.js';

const providerKey = 'sk-proj-UPSTREAMKEY0123456789abcdefABCDEF';
const requireClient = createRequire(new URL('../clients/package.json', import.meta.url));

let Ollama: typeof OllamaModule.Ollama;
let openaiFake: FakeOpenAI;
let anthropicFake: FakeAnthropic;
let serve: ServeProcess;
let ollamaPort: number;

const providers = () => [
  { id: 'openai', base_url: openaiFake.baseUrl },
  { id: 'anthropic', preset: 'anthropic', base_url: anthropicFake.baseUrl },
];
const routes = {
  smart: { targets: ['openai/gpt-4o-mini'] },
  claude: { targets: ['anthropic/claude-haiku-4-5-20251001'] },
  'gpt-*': { targets: ['openai/gpt-4o-mini'] },
};
const routing = { num_retries: 0, allowed_fails: 1_000, auto_offline: false };
const env = () => ({ OPENAI_API_KEY: providerKey, ANTHROPIC_API_KEY: fakeAnthropicKey });

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function json(response: Response): Promise<Record<string, unknown>> {
  return (await response.json()) as Record<string, unknown>;
}

beforeAll(async () => {
  Ollama = ((await import(pathToFileURL(requireClient.resolve('ollama')).href)) as typeof OllamaModule).Ollama;
  openaiFake = await FakeOpenAI.start({ apiKey: providerKey });
  anthropicFake = await FakeAnthropic.start();
  ollamaPort = await freePort();
  serve = await startServe({ config: { providers: providers(), routes, routing, ollama_api: { enabled: true, port: ollamaPort } }, env: env() });
});

afterAll(async () => {
  await serve?.stop();
  await openaiFake?.close();
  await anthropicFake?.close();
});

describe('the real ollama client, tokenless on loopback', () => {
  it('lists route aliases and provider models, and shows a model', async () => {
    const ollama = new Ollama({ host: serve.url });
    const { models } = await ollama.list();
    const names = models.map((model) => model.name);
    expect(names).toEqual(expect.arrayContaining(['smart', 'claude', 'openai/gpt-4o-mini', 'anthropic/claude-haiku-4-5-20251001']));
    expect(names).not.toContain('gpt-*');
    expect(models[0]).toMatchObject({ model: models[0]?.name, size: 0, details: { family: 'switchyard' } });

    const shown = await ollama.show({ model: 'smart:latest' });
    expect(shown.capabilities).toEqual(expect.arrayContaining(['completion', 'tools']));
    const info = shown.model_info as unknown as Record<string, unknown>;
    expect(typeof info[`${String(info['general.architecture'])}.context_length`]).toBe('number');
    await expect(ollama.show({ model: 'nowhere/nothing' })).rejects.toMatchObject({ status_code: 404, error: "model 'nowhere/nothing' not found" });
  });

  it('chats (whole and streamed) through an OpenAI-compatible and an Anthropic provider', async () => {
    const ollama = new Ollama({ host: serve.url });
    const whole = await ollama.chat({
      model: 'smart',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: false,
      options: { temperature: 0.3, num_predict: 50 },
    });
    expect(whole.message.role).toBe('assistant');
    expect(whole.message.content).toContain('gpt-4o-mini');
    expect(whole).toMatchObject({ model: 'smart', done: true, done_reason: 'stop' });
    expect(whole.eval_count).toBeGreaterThan(0);
    expect(whole.prompt_eval_count).toBeGreaterThan(0);
    expect(whole.total_duration).toBeGreaterThan(0);
    const upstream = openaiFake.requests.filter((request) => request.path === '/v1/chat/completions').at(-1)?.body as Record<string, unknown>;
    expect(upstream).toMatchObject({ model: 'gpt-4o-mini', temperature: 0.3, max_tokens: 50 });

    const stream = await ollama.chat({ model: 'claude:latest', messages: [{ role: 'user', content: 'Hi' }], stream: true });
    let text = '';
    let last: Record<string, unknown> | undefined;
    for await (const part of stream) {
      text += part.message.content;
      last = part as unknown as Record<string, unknown>;
    }
    expect(text).toContain('claude-haiku-4-5-20251001');
    expect(last).toMatchObject({ done: true, done_reason: 'stop', model: 'claude:latest' });
    expect(last?.['eval_count']).toBeGreaterThan(0);
  });

  it('makes a tool call, generates, and embeds', async () => {
    const ollama = new Ollama({ host: serve.url });
    const tools = [
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'Weather for a city',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
      },
    ];
    const called = await ollama.chat({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Weather in Paris?' }], tools, stream: false });
    const call = called.message.tool_calls?.[0];
    expect(call?.function.name).toBe('get_weather');
    expect(typeof call?.function.arguments).toBe('object');

    const streamedCall = await ollama.chat({ model: 'claude', messages: [{ role: 'user', content: 'Weather in Paris?' }], tools, stream: true });
    const calls = [];
    for await (const part of streamedCall) calls.push(...(part.message.tool_calls ?? []));
    expect(calls).toHaveLength(1);
    expect(calls[0]?.function.name).toBe('get_weather');

    const generated = await ollama.generate({ model: 'smart', prompt: 'Why is the sky blue?', system: 'Be brief.', stream: false });
    expect(generated.response).toContain('gpt-4o-mini');
    expect(generated.done).toBe(true);

    const embedded = await ollama.embed({ model: 'openai/text-embedding-3-small', input: ['one', 'two'] });
    expect(embedded.embeddings).toHaveLength(2);
    expect(embedded.embeddings[0]?.length).toBeGreaterThan(0);
    const legacy = await ollama.embeddings({ model: 'openai/text-embedding-3-small', prompt: 'one' });
    expect(legacy.embedding).toEqual(embedded.embeddings[0]);
  });

  it('files tokenless requests under the client `ollama-api` in the ledger (chat and embeddings endpoints)', async () => {
    const ledger = LedgerReader.open(serve.dataDir);
    const answered = () => ledger.rows().filter((row) => row.client_token_name === 'ollama-api' && row.status === 'ok');
    for (let waited = 0; answered().length < 7 && waited < 5_000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
    const ollamaRows = answered();
    // chat ×4 (two with tools), generate, embed, embeddings: the ledger's 'chat' and 'embeddings'
    expect(ollamaRows.length).toBe(7);
    expect(new Set(ollamaRows.map((row) => row.endpoint))).toEqual(new Set(['chat', 'embeddings']));
    expect(ollamaRows.find((row) => row.requested_model === 'claude:latest')).toMatchObject({ route: 'claude', provider_id: 'anthropic', status: 'ok' });
  });

  it('answers errors as {"error": "..."}: unknown /api/ paths, the model store, bad bodies', async () => {
    const unknown = await fetch(`${serve.url}/api/nope`);
    expect(unknown.status).toBe(404);
    expect(Object.keys(await json(unknown))).toEqual(['error']);
    const pull = await fetch(`${serve.url}/api/pull`, { method: 'POST', body: JSON.stringify({ model: 'llama3' }) });
    expect(pull.status).toBe(501);
    expect(String((await json(pull))['error'])).toContain('Switchyard is a router');
    const remove = await fetch(`${serve.url}/api/delete`, { method: 'DELETE', body: JSON.stringify({ model: 'llama3' }) });
    expect(remove.status).toBe(501);
    const bad = await fetch(`${serve.url}/api/chat`, { method: 'POST', body: JSON.stringify({ messages: [{ role: 'user', content: 'x' }] }) });
    expect(bad.status).toBe(400);
    expect(await json(bad)).toEqual({ error: expect.stringContaining('model') as unknown });
    const root = await fetch(`${serve.url}/`);
    expect(await root.text()).toBe('Ollama is running');
    expect((await json(await fetch(`${serve.url}/api/ps`)))['models']).toEqual([]);
    // a token that is not Switchyard's is still refused, in Ollama's shape
    const wrong = await fetch(`${serve.url}/api/tags`, { headers: { authorization: 'Bearer not-a-switchyard-token' } });
    expect(wrong.status).toBe(401);
    expect(Object.keys(await json(wrong))).toEqual(['error']);
  });
});

describe("GitHub Copilot's Ollama provider", () => {
  it('discovers models (version → tags → show) and chats with an empty Bearer on the Ollama address', async () => {
    const base = `http://127.0.0.1:${ollamaPort}`;
    const version = (await json(await fetch(`${base}/api/version`)))['version'] as string;
    // Copilot's _isVersionSupported: 0.6.4 or later
    const [major = 0, minor = 0, patch = 0] = version.split('.').map((part) => Number.parseInt(part, 10));
    expect(major * 1e6 + minor * 1e3 + patch).toBeGreaterThanOrEqual(6_004);
    const { models } = (await json(await fetch(`${base}/api/tags`))) as { models: Array<{ model: string }> };
    expect(models.length).toBeGreaterThan(0);
    for (const { model } of models) {
      const info = await json(
        await fetch(`${base}/api/show`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ model }) }),
      );
      // what Copilot reads: capabilities.includes('tools' | 'vision'), model_info[`${general.architecture}.context_length`]
      expect(Array.isArray(info['capabilities'])).toBe(true);
      const modelInfo = info['model_info'] as Record<string, unknown>;
      expect(typeof modelInfo[`${String(modelInfo['general.architecture'])}.context_length`]).toBe('number');
      expect(typeof modelInfo['general.basename']).toBe('string');
    }
    const chosen = models.find((entry) => entry.model === 'smart');
    expect((await json(await fetch(`${base}/api/show`, { method: 'POST', body: JSON.stringify({ model: chosen?.model }) })))['capabilities']).toContain(
      'tools',
    );
    // createOpenAIEndPoint: `${url}/v1/chat/completions`, headers Authorization: `Bearer ${apiKey ?? ''}`
    const chat = await fetch(`${base}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' },
      body: JSON.stringify({ model: chosen?.model, messages: [{ role: 'user', content: 'Hi' }], stream: true, stream_options: { include_usage: true } }),
    });
    expect(chat.status).toBe(200);
    const text = await chat.text();
    expect(text).toContain('gpt-4o-mini');
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    // the same empty Bearer on the main port is not accepted for OpenAI's paths: tokenless there is /api/* only
    const mainPort = await fetch(`${serve.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { Authorization: 'Bearer ' },
      body: JSON.stringify({ model: 'smart', messages: [{ role: 'user', content: 'Hi' }] }),
    });
    expect(mainPort.status).toBe(401);
  });

  it('the Ollama address serves only Ollama paths, with its own Host', async () => {
    const base = `http://127.0.0.1:${ollamaPort}`;
    const messages = await fetch(`${base}/v1/messages`, { method: 'POST', body: '{}' });
    expect(messages.status).toBe(404);
    expect(Object.keys(await json(messages))).toEqual(['error']);
    expect((await fetch(`${base}/health`)).status).toBe(200);
    const ollama = new Ollama({ host: base });
    expect((await ollama.list()).models.length).toBeGreaterThan(0);
  });
});

describe('off by default, budgets, and the own address', () => {
  it("answers 404 in Ollama's shape when the surface is off, with or without a token", async () => {
    const off = await startServe({ config: { providers: providers(), routes, routing }, env: env() });
    try {
      for (const headers of [{}, { authorization: `Bearer ${off.token}` }] as Array<Record<string, string>>) {
        const response = await fetch(`${off.url}/api/tags`, { headers });
        expect(response.status).toBe(404);
        expect(String((await json(response))['error'])).toContain('Ollama-compatible API is off');
      }
      const unknown = await fetch(`${off.url}/api/whatever`);
      expect(unknown.status).toBe(404);
      expect(Object.keys(await json(unknown))).toEqual(['error']);
      // `/` stays a liveness answer (no token), only not Ollama's "Ollama is running"
      for (const method of ['GET', 'HEAD']) {
        const root = await fetch(`${off.url}/`, { method });
        expect(root.status).toBe(200);
        if (method === 'GET') expect(await root.text()).not.toContain('Ollama is running');
      }
    } finally {
      await off.stop();
    }
  });

  it("a budget for the client `ollama-api` blocks with 429 in Ollama's shape", async () => {
    const capped = await startServe({
      config: {
        providers: providers(),
        routes,
        routing,
        ollama_api: { enabled: true },
        budgets: { clients: { 'ollama-api': { daily_usd: 0, action: 'block' } } },
      },
      env: env(),
    });
    try {
      const response = await fetch(`${capped.url}/api/chat`, {
        method: 'POST',
        body: JSON.stringify({ model: 'smart', messages: [{ role: 'user', content: 'Hi' }], stream: false }),
      });
      expect(response.status).toBe(429);
      const body = await json(response);
      expect(Object.keys(body)).toEqual(['error']);
      expect(String(body['error'])).toContain("client 'ollama-api'");
      // other clients are not held by it
      const withToken = await fetch(`${capped.url}/api/chat`, {
        method: 'POST',
        headers: { authorization: `Bearer ${capped.token}` },
        body: JSON.stringify({ model: 'smart', messages: [{ role: 'user', content: 'Hi' }], stream: false }),
      });
      expect(withToken.status).toBe(200);
    } finally {
      await capped.stop();
    }
  });

  it('refuses to start its own listener where an Ollama answers', async () => {
    const realOllama = await OllamaFake.start();
    try {
      const port = Number(new URL(realOllama.baseUrl).port);
      await expect(startServe({ config: { providers: providers(), routes, routing, ollama_api: { enabled: true, port } }, env: env() })).rejects.toThrow(
        /an Ollama server \(version 0\.12\.6\) already answers on 127\.0\.0\.1:\d+/,
      );
      // and a config whose ollama provider points at Switchyard's own Ollama address does not load
      const own = await freePort();
      await expect(
        startServe({
          config: {
            providers: [...providers(), { id: 'ollama', type: 'ollama', base_url: `http://localhost:${own}` }],
            routes,
            routing,
            ollama_api: { enabled: true, port: own },
          },
          env: env(),
        }),
      ).rejects.toThrow(/providers\.ollama\.base_url/);
    } finally {
      await realOllama.close();
    }
  });
});
