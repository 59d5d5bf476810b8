// Black-box: the official `openai` client pointed at a running `switchyard serve`, with fake OpenAI-compatible
// and Ollama upstreams behind it.
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAI, invalidApiKey, rateLimited, insufficientQuota, contextLengthExceeded, serverError, type RecordedRequest } from '../fakes/openai-fake.js';
import { OllamaFake } from '../fakes/ollama-fake.js';
import { startServe, type ServeProcess } from '../support/serve-process.js';

const providerKey = 'sk-proj-UPSTREAMKEY0123456789abcdefABCDEF';
let openaiFake: FakeOpenAI;
let ollamaFake: OllamaFake;
let serve: ServeProcess;
let client: OpenAI;

beforeAll(async () => {
  openaiFake = await FakeOpenAI.start({ apiKey: providerKey });
  ollamaFake = await OllamaFake.start();
  serve = await startServe({
    config: {
      providers: [
        { id: 'openai', base_url: openaiFake.baseUrl },
        { id: 'ollama', base_url: ollamaFake.baseUrl },
      ],
    },
    env: { OPENAI_API_KEY: providerKey },
  });
  client = new OpenAI({ baseURL: serve.baseUrl, apiKey: serve.token, maxRetries: 0, timeout: 20_000 });
});

afterAll(async () => {
  await serve?.stop();
  await openaiFake?.close();
  await ollamaFake?.close();
});

afterEach(() => {
  openaiFake.onChat = () => ({ kind: 'reply' });
  ollamaFake.onChat = undefined;
});

function lastChat(): RecordedRequest {
  const last = openaiFake.chatRequests().at(-1);
  if (!last) throw new Error('no upstream chat request');
  return last;
}

describe('chat completions through Switchyard', () => {
  it('non-stream: the answer, usage and routing headers', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('Hello from gpt-4o-mini!');
    expect(data.usage).toMatchObject({ prompt_tokens: 11, completion_tokens: 3, total_tokens: 14 });
    expect(response.headers.get('x-switchyard-provider')).toBe('openai');
    expect(response.headers.get('x-switchyard-model')).toBe('gpt-4o-mini');
    expect(response.headers.get('x-switchyard-attempts')).toBe('openai/gpt-4o-mini=ok');
    expect(Number(response.headers.get('x-switchyard-overhead-ms'))).toBeGreaterThanOrEqual(0);
    expect((lastChat().body as { model: string }).model).toBe('gpt-4o-mini');
    // the provider's own request id, where the SDK shows it (`_request_id`), for the provider's support
    const upstreamId = response.headers.get('x-switchyard-upstream-request-id');
    expect(upstreamId).toMatch(/^req_[0-9a-f]{32}$/);
    expect(response.headers.get('x-request-id')).toBe(upstreamId);
    expect((data as { _request_id?: string | null })._request_id).toBe(upstreamId);
  });

  it('the client token never goes upstream; the provider key does and never comes back', async () => {
    const { response } = await client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    const upstream = lastChat();
    expect(upstream.headers.authorization).toBe(`Bearer ${providerKey}`);
    expect(JSON.stringify(upstream.headers)).not.toContain(serve.token);
    for (const [name, value] of response.headers) {
      expect(value).not.toContain(providerKey.slice(8, 20));
      expect(name).not.toBe('set-cookie');
    }
  });

  it('forwards the client bytes with only the model replaced: unknown fields, sampling, JSON schema, images', async () => {
    const request = {
      model: 'openai/gpt-4.1',
      messages: [
        { role: 'system' as const, content: 'Be brief.' },
        {
          role: 'user' as const,
          content: [
            { type: 'text' as const, text: 'What is in this image? ✓ “quotes” \\"model\\"' },
            { type: 'image_url' as const, image_url: { url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'low' as const } },
          ],
        },
      ],
      temperature: 0.2,
      top_p: 0.9,
      max_tokens: 50,
      seed: 7,
      stop: ['\n\n'],
      response_format: {
        type: 'json_schema' as const,
        json_schema: { name: 'answer', schema: { type: 'object', properties: { answer: { type: 'string' } } }, strict: true },
      },
      vendor_extension: { keep: ['me', 1, null] },
    };
    const result = await client.chat.completions.create(request as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming);
    expect(JSON.parse(result.choices[0]?.message.content ?? '')).toEqual(expect.any(Object));
    const upstream = lastChat();
    expect(upstream.body).toEqual({ ...request, model: 'gpt-4.1' });
    expect(upstream.rawBody.toString()).toContain('"vendor_extension":{"keep":["me",1,null]}');
  });

  it('json_object mode', async () => {
    const result = await client.chat.completions.create({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'Reply in JSON' }],
      response_format: { type: 'json_object' },
    });
    expect(() => JSON.parse(result.choices[0]?.message.content ?? '')).not.toThrow();
    expect((lastChat().body as { response_format: unknown }).response_format).toEqual({ type: 'json_object' });
  });

  it('stream: text arrives in order and ends cleanly; usage only when asked for', async () => {
    const stream = await client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true });
    let text = '';
    let usageSeen = false;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usageSeen = true;
    }
    expect(text).toBe('Hello from gpt-4o-mini!');
    expect(usageSeen).toBe(false);
    // Switchyard asked upstream for usage on its own behalf.
    expect((lastChat().body as { stream_options?: unknown }).stream_options).toEqual({ include_usage: true });

    const withUsage = await client.chat.completions.create({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of withUsage) chunks.push(chunk);
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage).toMatchObject({ prompt_tokens: 11, completion_tokens: 3 });
  });

  it('tools: a tool call, non-stream and streamed as deltas', async () => {
    const tools: OpenAI.Chat.ChatCompletionTool[] = [
      {
        type: 'function',
        function: { name: 'get_weather', parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] } },
      },
    ];
    const result = await client.chat.completions.create({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools,
      tool_choice: 'auto',
    });
    const call = result.choices[0]?.message.tool_calls?.[0];
    expect(result.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call?.type === 'function' && call.function.name).toBe('get_weather');
    expect(call?.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ location: 'Paris' });

    const runner = client.chat.completions.stream({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Weather in Paris?' }], tools });
    let deltas = 0;
    runner.on('chunk', (chunk) => {
      if (chunk.choices[0]?.delta.tool_calls) deltas += 1;
    });
    const final = await runner.finalChatCompletion();
    const streamed = final.choices[0]?.message.tool_calls?.[0];
    expect(deltas).toBeGreaterThan(1);
    expect(streamed?.type === 'function' && JSON.parse(streamed.function.arguments)).toEqual({ location: 'Paris' });
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');

    // The tool result goes back upstream untouched.
    await client.chat.completions.create({
      model: 'openai/gpt-4o-mini',
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } }],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '18°C, sunny' },
      ],
      tools,
    });
    expect((lastChat().body as { messages: unknown[] }).messages[2]).toEqual({ role: 'tool', tool_call_id: 'call_1', content: '18°C, sunny' });
  });

  it('GET /v1/models lists every provider as provider/model', async () => {
    const models = [];
    for await (const model of client.models.list()) models.push(model.id);
    expect(models).toEqual(expect.arrayContaining(['openai/gpt-4o-mini', 'openai/gpt-4.1', 'ollama/qwen3:8b', 'ollama/llama3.2:3b']));
  });
});

describe('Ollama through Switchyard', () => {
  it('chat and stream via the native API', async () => {
    const result = await client.chat.completions.create({ model: 'ollama/qwen3:8b', messages: [{ role: 'user', content: 'hi' }], max_tokens: 64 });
    expect(result.choices[0]?.message.content).toContain('Hello from qwen3:8b');
    expect(result.usage?.completion_tokens).toBeGreaterThan(0);
    const body = ollamaFake.lastChatBody();
    expect(body['model']).toBe('qwen3:8b');
    expect(body['options']).toMatchObject({ num_predict: 64 });

    const stream = await client.chat.completions.create({
      model: 'ollama/llama3.2:3b',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toContain('Hello from llama3.2:3b');
    expect(usage?.completion_tokens).toBeGreaterThan(0);
  });

  it('a model that is not pulled is a clear 404', async () => {
    const error = await client.chat.completions
      .create({ model: 'ollama/mistral:7b', messages: [{ role: 'user', content: 'hi' }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as InstanceType<typeof OpenAI.NotFoundError>).message).toContain("model 'mistral:7b' is not pulled in Ollama: run `ollama pull mistral:7b`");
  });
});

describe('errors in the OpenAI dialect', () => {
  it('an upstream 429 keeps its status and Retry-After', async () => {
    openaiFake.onChat = () => rateLimited({ retryAfterSeconds: 7 });
    const error = await client.chat.completions
      .create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const rateLimit = error as InstanceType<typeof OpenAI.RateLimitError>;
    expect(rateLimit.headers?.get('retry-after')).toBe('7');
    expect(rateLimit.code).toBe('rate_limit_exceeded');
  });

  it('quota, context length and server errors pass through with their status and code', async () => {
    for (const [scenario, status, code] of [
      [insufficientQuota(), 429, 'insufficient_quota'],
      [contextLengthExceeded(), 400, 'context_length_exceeded'],
      [serverError(), 500, null],
    ] as const) {
      openaiFake.onChat = () => scenario;
      const error = (await client.chat.completions
        .create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })
        .catch((caught: unknown) => caught)) as InstanceType<typeof OpenAI.APIError>;
      expect(error.status).toBe(status);
      expect(error.code ?? null).toBe(code);
    }
  });

  it('an upstream 401 that echoes the key comes back masked', async () => {
    openaiFake.onChat = (request) => invalidApiKey(String(request.headers.authorization).slice('Bearer '.length));
    const error = (await client.chat.completions
      .create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })
      .catch((caught: unknown) => caught)) as InstanceType<typeof OpenAI.APIError>;
    expect(error.status).toBe(401);
    const text = JSON.stringify(error.error) + error.message;
    for (let start = 0; start + 6 <= providerKey.length; start += 1) expect(text).not.toContain(providerKey.slice(start, start + 6));
  });

  it('a streaming request whose upstream fails before streaming gets that status, not a 200', async () => {
    openaiFake.onChat = () => rateLimited({ retryAfterSeconds: 1 });
    const error = await client.chat.completions
      .create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
  });

  it('bad token, unknown model, bad request', async () => {
    const stranger = new OpenAI({ baseURL: serve.baseUrl, apiKey: 'sy-wrong', maxRetries: 0 });
    await expect(stranger.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })).rejects.toBeInstanceOf(
      OpenAI.AuthenticationError,
    );
    const before = openaiFake.requests.length;
    const unknown = (await client.chat.completions
      .create({ model: 'nosuch/model', messages: [{ role: 'user', content: 'hi' }] })
      .catch((caught: unknown) => caught)) as InstanceType<typeof OpenAI.APIError>;
    expect(unknown).toBeInstanceOf(OpenAI.NotFoundError);
    expect(unknown.message).toMatch(/GET \/v1\/models/);
    const bad = (await client.chat.completions
      .create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], temperature: 7 })
      .catch((caught: unknown) => caught)) as InstanceType<typeof OpenAI.APIError>;
    expect(bad).toBeInstanceOf(OpenAI.BadRequestError);
    expect(bad.param).toBe('temperature');
    expect(openaiFake.requests.length).toBe(before);
  });
});

describe('client disconnect', () => {
  it('aborting a stream mid-way closes the upstream request within 1 s', async () => {
    openaiFake.onChat = () => ({ kind: 'slow', chunks: 200, chunkDelayMs: 50 });
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'long' }], stream: true },
      { signal: controller.signal },
    );
    const index = openaiFake.requests.length - 1;
    let received = 0;
    let abortedAt = 0;
    try {
      for await (const chunk of stream) {
        if (chunk.choices[0]?.delta.content) received += 1;
        if (received === 3) {
          abortedAt = performance.now();
          controller.abort();
        }
      }
    } catch {
      // the client's own abort error
    }
    const closedAt = await openaiFake.waitForRequestClose(index, 2_000);
    expect(closedAt - abortedAt).toBeLessThan(1_000);
    expect(openaiFake.requestState(index).completed).toBe(false);
  });
});
