// Local-first policies, capability checks, model-name resolution, cooldown visibility and live reload, through a
// running `switchyard serve` with a fake Ollama (local) and a fake OpenAI-compatible cloud.
import OpenAI from 'openai';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAI, serverError } from '../fakes/openai-fake.js';
import { OllamaFake } from '../fakes/ollama-fake.js';
import { readSse } from '../support/sse.js';
import { runCli, startServe, writeConfig, type ServeProcess } from '../support/serve-process.js';

let cloud: FakeOpenAI;
let router: FakeOpenAI;
let ollama: OllamaFake;
let serve: ServeProcess;
let client: OpenAI;
let configPath: string;

function config(extraRoutes: Record<string, unknown> = {}): unknown {
  return {
    providers: [
      { id: 'ollama', base_url: ollama.baseUrl },
      { id: 'cloud', type: 'openai-compatible', base_url: cloud.baseUrl, locality: 'cloud' },
      { id: 'router', type: 'openai-compatible', base_url: router.baseUrl, locality: 'cloud' },
    ],
    routes: {
      local: { targets: ['cloud/gpt-4o-mini', 'ollama/qwen3:8b'], prefer: 'local' },
      vision: { targets: ['ollama/qwen3:8b', 'ollama/llava:7b', 'cloud/gpt-4.1'] },
      tooly: { targets: ['ollama/llava:7b', 'ollama/llama3.2:3b'] },
      flaky: { targets: ['cloud/gpt-4o-mini', 'router/gpt-4o-mini'] },
      ...extraRoutes,
    },
    routing: { allowed_fails: 2, cooldown_time: 60, backoff_initial_ms: 10, num_retries: 0, auto_offline: true, recovery_check_ms: 300 },
  };
}

beforeAll(async () => {
  cloud = await FakeOpenAI.start({ models: ['gpt-4o-mini', 'gpt-4.1', 'shared-model'] });
  router = await FakeOpenAI.start({ models: ['anthropic/claude-sonnet-4.5', 'shared-model', 'gpt-4o-mini'] });
  ollama = await OllamaFake.start();
  configPath = writeConfig(config());
  serve = await startServe({ configPath });
  client = new OpenAI({ baseURL: serve.baseUrl, apiKey: serve.token, maxRetries: 0 });
});

afterAll(async () => {
  await serve?.stop();
  await cloud?.close();
  await router?.close();
  await ollama?.close();
});

afterEach(() => {
  cloud.onChat = () => ({ kind: 'reply' });
  router.onChat = () => ({ kind: 'reply' });
  ollama.onChat = undefined;
});

function adminToken(): string {
  return readFileSync(join(serve.dataDir, 'admin-token'), 'utf8').trim();
}

async function admin(method: 'GET' | 'POST', call: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${serve.url}/_switchyard/api/${call}`, {
    method,
    headers: { authorization: `Bearer ${adminToken()}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

describe('model names', () => {
  it('a bare model name that one provider offers resolves to it', async () => {
    const { response } = await client.chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect(response.headers.get('x-switchyard-provider')).toBe('cloud');
    const viaRouter = await client.chat.completions
      .create({ model: 'anthropic/claude-sonnet-4.5', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    expect(viaRouter.response.headers.get('x-switchyard-provider')).toBe('router');
    expect(viaRouter.response.headers.get('x-switchyard-model')).toBe('anthropic/claude-sonnet-4.5');
  });

  it('an ambiguous bare name is a 400 listing the candidates', async () => {
    const error = (await client.chat.completions
      .create({ model: 'shared-model', messages: [{ role: 'user', content: 'hi' }] })
      .catch((caught: unknown) => caught)) as InstanceType<typeof OpenAI.BadRequestError>;
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.message).toContain('cloud/shared-model');
    expect(error.message).toContain('router/shared-model');
    expect(error.code).toBe('ambiguous_model');
  });

  it('a per-request `models` list is a fallback chain and is not forwarded', async () => {
    cloud.onChat = () => serverError();
    const before = router.chatRequests().length;
    const { data, response } = await client.chat.completions
      .create({
        model: 'cloud/gpt-4o-mini',
        messages: [{ role: 'user', content: 'hi' }],
        models: ['router/gpt-4o-mini'],
      } as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming)
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('Hello from gpt-4o-mini!');
    expect(response.headers.get('x-switchyard-provider')).toBe('router');
    const forwarded = router.chatRequests().slice(before).at(-1)?.body as Record<string, unknown>;
    expect(forwarded['models']).toBeUndefined();
    expect(forwarded['model']).toBe('gpt-4o-mini');
  });

  it('GET /v1/models includes every provider', async () => {
    const ids = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(expect.arrayContaining(['ollama/qwen3:8b', 'cloud/gpt-4.1', 'router/anthropic/claude-sonnet-4.5']));
  });
});

describe('capability checks (Ollama /api/show)', () => {
  it('an image request skips the local model without vision', async () => {
    const { response } = await client.chat.completions
      .create({
        model: 'vision',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'what is this' },
              { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            ],
          },
        ],
      })
      .withResponse();
    expect(response.headers.get('x-switchyard-model')).toBe('llava:7b');
    expect(response.headers.get('x-switchyard-attempts')).toMatch(/^ollama\/qwen3:8b=skipped the model does not accept images, ollama\/llava:7b=ok$/);
  });

  it('when every target is skipped, the error says why for each', async () => {
    const error = (await client.chat.completions
      .create({
        model: 'tooly',
        messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }] }],
        tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
      })
      .catch((caught: unknown) => caught)) as InstanceType<typeof OpenAI.APIError>;
    expect(error.status).toBe(400);
    expect(error.message).toContain('ollama/llava:7b: the model does not support tool calling');
    expect(error.message).toContain('ollama/llama3.2:3b: the model does not accept images');
  });
});

describe('local first', () => {
  it('prefer: local uses the local target while it is up', async () => {
    const { response } = await client.chat.completions.create({ model: 'local', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect(response.headers.get('x-switchyard-provider')).toBe('ollama');
  });

  it('prefer: local falls back to cloud when local is down, and returns when it is back', async () => {
    const stopped = ollama;
    const port = Number(new URL(stopped.baseUrl).port);
    await stopped.close();
    const down = await client.chat.completions.create({ model: 'local', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect(down.response.headers.get('x-switchyard-provider')).toBe('cloud');
    // Local is now known down: the next request goes to cloud first without trying local.
    const next = await client.chat.completions.create({ model: 'local', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect(next.response.headers.get('x-switchyard-attempts')).toMatch(/^cloud\/gpt-4o-mini=ok/);
    ollama = await OllamaFake.start({ port });
    await expect
      .poll(
        async () =>
          (await client.chat.completions.create({ model: 'local', messages: [{ role: 'user', content: 'hi' }] }).withResponse()).response.headers.get(
            'x-switchyard-provider',
          ),
        { timeout: 5_000, interval: 200 },
      )
      .toBe('ollama');
  });

  it('offline mode (manual) uses local targets only and says so in a header', async () => {
    await admin('POST', 'settings.set', { offline: true });
    try {
      const { response } = await client.chat.completions
        .create({
          model: 'flaky',
          messages: [{ role: 'user', content: 'hi' }],
          models: ['ollama/qwen3:8b'],
        } as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming)
        .withResponse();
      expect(response.headers.get('x-switchyard-offline')).toBe('offline mode is on');
      expect(response.headers.get('x-switchyard-provider')).toBe('ollama');
      expect(response.headers.get('x-switchyard-attempts')).toContain('cloud/gpt-4o-mini=skipped offline (offline mode is on)');
    } finally {
      await admin('POST', 'settings.set', { offline: null });
    }
  });
});

describe('cooldown', () => {
  it('repeated failures cool a target down (visible in status and `switchyard status`); it is skipped meanwhile', async () => {
    cloud.onChat = () => serverError();
    for (let index = 0; index < 2; index += 1) await client.chat.completions.create({ model: 'flaky', messages: [{ role: 'user', content: 'hi' }] });
    const before = cloud.chatRequests().length;
    const { response } = await client.chat.completions.create({ model: 'flaky', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect(cloud.chatRequests().length).toBe(before);
    expect(response.headers.get('x-switchyard-attempts')).toMatch(/^cloud\/gpt-4o-mini=skipped cooling down until .*, router\/gpt-4o-mini=ok$/);
    const status = await admin('GET', 'status.get');
    expect(status['cooldowns']).toEqual([expect.objectContaining({ target: 'cloud/gpt-4o-mini', phase: 'open' })]);
    const printed = await runCli(['status', '--url', serve.url, '--data-dir', serve.dataDir]);
    expect(printed.code).toBe(0);
    expect(printed.stdout).toMatch(/cloud\/gpt-4o-mini\s+open, \d+ s left/);
    expect(printed.stdout).toMatch(/flaky\s+→ cloud\/gpt-4o-mini → router\/gpt-4o-mini/);
  });
});

describe('reload without restart', () => {
  it('a config file change adds a route; an in-flight stream is not dropped', async () => {
    cloud.onChat = () => ({ kind: 'slow', chunks: 10, chunkDelayMs: 100 });
    const inFlight = fetch(`${serve.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${serve.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'cloud/gpt-4.1', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });
    await cloud.waitForRequests(cloud.requests.length + 1, 2_000);
    writeFileSync(configPath, JSON.stringify(config({ brand_new: { targets: ['router/gpt-4o-mini'] } })));
    await expect.poll(() => serve.output(), { timeout: 5_000 }).toContain('config reloaded');
    const { response } = await client.chat.completions.create({ model: 'brand_new', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect(response.headers.get('x-switchyard-provider')).toBe('router');
    const streamed = await readSse(await inFlight);
    expect(streamed.done).toBe(true);
    expect(streamed.errors).toEqual([]);
  });

  it('a bad edit keeps the running config and says why', async () => {
    writeFileSync(configPath, '{"providers": [{"id": "x", "base_url": "ftp://nope"}]}');
    await expect.poll(() => serve.output(), { timeout: 5_000 }).toMatch(/config reload failed, keeping the running config: [\s\S]*providers\[0\]\.base_url/);
    const { response } = await client.chat.completions.create({ model: 'local', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect(response.status).toBe(200);
    writeFileSync(configPath, JSON.stringify(config()));
  });

  it('`switchyard reload` and SIGHUP reload too', async () => {
    writeFileSync(configPath, JSON.stringify(config({ via_cli: { targets: ['cloud/gpt-4o-mini'] } })));
    const reloaded = await runCli(['reload', '--url', serve.url, '--data-dir', serve.dataDir]);
    expect(reloaded.stdout.trim()).toBe('config reloaded');
    expect((await client.chat.completions.create({ model: 'via_cli', messages: [{ role: 'user', content: 'hi' }] })).choices).toHaveLength(1);
    serve.child.kill('SIGHUP');
    await expect.poll(() => serve.output(), { timeout: 5_000 }).toContain('SIGHUP: config reloaded');
  });

  it('management calls refuse client tokens', async () => {
    const response = await fetch(`${serve.url}/_switchyard/api/status.get`, { headers: { authorization: `Bearer ${serve.token}` } });
    expect(response.status).toBe(401);
  });
});

describe('auto offline', () => {
  it('when no cloud provider is reachable, only local targets are used and the header says why', async () => {
    const offlineCloud = await FakeOpenAI.start();
    const port = Number(new URL(offlineCloud.baseUrl).port);
    await offlineCloud.close();
    const isolated = await startServe({
      config: {
        providers: [
          { id: 'ollama', base_url: ollama.baseUrl },
          { id: 'far', type: 'openai-compatible', base_url: `http://127.0.0.1:${port}/v1`, locality: 'cloud' },
        ],
        routes: { smart: { targets: ['far/gpt-4o', 'ollama/qwen3:8b'] } },
      },
    });
    try {
      await expect.poll(() => isolated.output(), { timeout: 5_000 }).toMatch(/far\s+unreachable/);
      const response = await fetch(`${isolated.baseUrl}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${isolated.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'smart', messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-switchyard-offline')).toBe('no cloud provider is reachable');
      expect(response.headers.get('x-switchyard-attempts')).toMatch(/^far\/gpt-4o=skipped offline \(no cloud provider is reachable\), ollama\/qwen3:8b=ok$/);
    } finally {
      await isolated.stop();
    }
  });
});
