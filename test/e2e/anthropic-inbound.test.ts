// Black-box: the official @anthropic-ai/sdk pointed at a running `switchyard serve`. Passthrough to the Anthropic
// fake (bytes in and out checked against what the fake received and wrote), translation to the OpenAI and Ollama
// fakes (text, streams, tools, images, errors), count_tokens exact and estimated, and both ways to send the token.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeAnthropic, fakeAnthropicKey, rateLimited as anthropicRateLimited, type RecordedRequest as AnthropicRecorded } from '../fakes/anthropic-fake.js';
import { OllamaFake } from '../fakes/ollama-fake.js';
import { FakeOpenAI, rateLimited, type RecordedRequest } from '../fakes/openai-fake.js';
import { startServe, type ServeProcess } from '../support/serve-process.js';

const openaiKey = 'sk-proj-UPSTREAMKEY0123456789abcdefABCDEF';
const claude = 'claude-opus-4-6';
/** Claude Code's small model, routed by a route alias of the same name to the OpenAI fake */
const aliased = 'claude-3-5-haiku-20241022';
let anthropicFake: FakeAnthropic;
let openaiFake: FakeOpenAI;
let ollamaFake: OllamaFake;
let serve: ServeProcess;
let client: Anthropic;

beforeAll(async () => {
  anthropicFake = await FakeAnthropic.start();
  openaiFake = await FakeOpenAI.start({ apiKey: openaiKey });
  ollamaFake = await OllamaFake.start();
  serve = await startServe({
    config: {
      providers: [
        { id: 'anthropic', preset: 'anthropic', base_url: anthropicFake.baseUrl, headers: { 'anthropic-beta': 'configured-beta' } },
        { id: 'openai', base_url: openaiFake.baseUrl },
        { id: 'ollama', base_url: ollamaFake.baseUrl },
      ],
      routes: { [aliased]: { targets: ['openai/gpt-4o-mini'] } },
      routing: { num_retries: 0, allowed_fails: 1_000, auto_offline: false },
    },
    env: { OPENAI_API_KEY: openaiKey, ANTHROPIC_API_KEY: fakeAnthropicKey },
  });
  client = new Anthropic({ baseURL: serve.url, apiKey: serve.token, maxRetries: 0, timeout: 20_000 });
});

afterAll(async () => {
  await serve?.stop();
  await anthropicFake?.close();
  await openaiFake?.close();
  await ollamaFake?.close();
});

afterEach(() => {
  anthropicFake.onMessages = () => ({ kind: 'reply' });
  anthropicFake.onCountTokens = undefined;
  openaiFake.onChat = () => ({ kind: 'reply' });
  ollamaFake.onChat = undefined;
});

function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${serve.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': serve.token, 'anthropic-version': '2023-06-01', ...headers },
    body: JSON.stringify(body),
  });
}

const lastAnthropic = (): AnthropicRecorded => anthropicFake.messageRequests().at(-1) as AnthropicRecorded;
const lastOpenAI = (): Record<string, unknown> => (openaiFake.chatRequests().at(-1) as RecordedRequest).body as Record<string, unknown>;

/** A Claude Code-like body: cache_control everywhere, a signed thinking block in history, a server tool, a field from the future. */
const richBody = {
  model: `anthropic/${claude}`,
  max_tokens: 4096,
  system: [{ type: 'text', text: 'You are Claude Code.', cache_control: { type: 'ephemeral' } }],
  messages: [
    { role: 'user', content: [{ type: 'text', text: 'Fix the bug ✓', cache_control: { type: 'ephemeral', ttl: '1h' } }] },
    {
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'Look at the code first.', signature: 'EqQBCkgIARABGAIiQL-signature==' },
        { type: 'tool_use', id: 'toolu_01A', name: 'Read', input: { file_path: '/src/a.ts' } },
      ],
    },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01A', content: 'const a = 1;', cache_control: { type: 'ephemeral' } }] },
  ],
  tools: [
    { name: 'Read', description: 'Read a file', input_schema: { type: 'object', properties: { file_path: { type: 'string' } } } },
    { type: 'web_search_20250305', name: 'web_search', max_uses: 3 },
  ],
  thinking: { type: 'enabled', budget_tokens: 2048 },
  metadata: { user_id: 'user_abc_session_1' },
  context_management: { edits: [{ type: 'clear_tool_uses_20250919' }] },
};

describe('passthrough to an Anthropic provider', () => {
  it('non-stream: the client body reaches Anthropic with only the model replaced, and the answer comes back byte for byte', async () => {
    const response = await post('/v1/messages', richBody, { 'anthropic-beta': 'context-management-2025-06-27,interleaved-thinking-2025-05-14' });
    expect(response.status).toBe(200);
    const text = await response.text();
    const upstream = lastAnthropic();
    expect(text).toBe(anthropicFake.responseText(upstream.index));
    expect(upstream.body).toEqual({ ...richBody, model: claude });
    expect(upstream.rawBody.toString()).toBe(JSON.stringify({ ...richBody, model: claude }));
    expect(upstream.headers['anthropic-beta']).toBe('configured-beta,context-management-2025-06-27,interleaved-thinking-2025-05-14');
    expect(upstream.headers['x-api-key']).toBe(fakeAnthropicKey);
    expect(JSON.stringify(upstream.headers)).not.toContain(serve.token);
    expect(response.headers.get('x-switchyard-provider')).toBe('anthropic');
    // Anthropic's own request id under its own name (the SDK's `_request_id`), and under ours
    expect(response.headers.get('request-id')).toMatch(/^req_011C\w{20}$/);
    expect(response.headers.get('x-switchyard-upstream-request-id')).toBe(response.headers.get('request-id'));
  });

  it('stream: every frame the upstream wrote, pings included, reaches the client unchanged', async () => {
    const response = await post('/v1/messages', { ...richBody, stream: true });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    expect(response.headers.get('request-id')).toMatch(/^req_011C\w{20}$/);
    const text = await response.text();
    expect(text).toBe(anthropicFake.responseText(lastAnthropic().index));
    expect(text).toContain('event: ping\n');
    expect(text).toContain('"type":"signature_delta"');
  });

  it("the SDK, with a bare Claude model name that resolves through the providers' model lists", async () => {
    const message = await client.messages.create({ model: claude, max_tokens: 64, messages: [{ role: 'user', content: 'Hi' }] });
    expect(message.content).toEqual([{ type: 'text', text: `Hello from ${claude}!` }]);
    expect(message.usage.input_tokens).toBe(11);
    const final = await client.messages
      .stream({ model: claude, max_tokens: 2048, thinking: { type: 'adaptive' }, messages: [{ role: 'user', content: 'Hi' }] })
      .finalMessage();
    expect(final.content[0]).toMatchObject({ type: 'thinking', signature: expect.stringMatching(/^Eq/) });
    expect(final.content[1]).toEqual({ type: 'text', text: `Hello from ${claude}!` });
  });

  it('an upstream 429 keeps its status, type and Retry-After; an in-band error mid-stream reaches the SDK as an error event', async () => {
    anthropicFake.onMessages = () => anthropicRateLimited(9);
    const error = await client.messages
      .create({ model: claude, max_tokens: 16, messages: [{ role: 'user', content: 'Hi' }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    const rateLimit = error as InstanceType<typeof Anthropic.RateLimitError>;
    expect(rateLimit.error).toMatchObject({ type: 'error', error: { type: 'rate_limit_error', message: expect.stringContaining('rate limit') } });
    expect(rateLimit.headers?.get('retry-after')).toBe('9');

    anthropicFake.onMessages = () => ({ kind: 'in-band-error-after', deltas: 2 });
    const streamed = await client.messages
      .stream({ model: claude, max_tokens: 64, messages: [{ role: 'user', content: 'Hi' }] })
      .finalMessage()
      .catch((caught: unknown) => caught);
    expect(streamed).toBeInstanceOf(Anthropic.APIError);
    expect((streamed as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
  });
});

describe('translation to an OpenAI-compatible provider', () => {
  it('text, via a route alias named like the Claude model', async () => {
    const { data: message, response } = await client.messages
      .create({ model: aliased, max_tokens: 100, system: 'Be brief.', stop_sequences: ['END'], messages: [{ role: 'user', content: 'Say hello' }] })
      .withResponse();
    expect(message).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: aliased,
      content: [{ type: 'text', text: 'Hello from gpt-4o-mini!' }],
      stop_reason: 'end_turn',
    });
    expect(message.id).toMatch(/^msg_/);
    expect(message.usage).toMatchObject({ input_tokens: 12, output_tokens: 3 });
    expect(response.headers.get('x-switchyard-provider')).toBe('openai');
    expect(lastOpenAI()).toMatchObject({
      model: 'gpt-4o-mini',
      max_tokens: 100,
      stop: ['END'],
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Say hello' },
      ],
    });
  });

  it('stream: the SDK stream helpers assemble the message; the stream is well formed', async () => {
    const stream = client.messages.stream({ model: aliased, max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });
    const types: string[] = [];
    stream.on('streamEvent', (event) => types.push(event.type));
    const final = await stream.finalMessage();
    expect(final.content).toEqual([{ type: 'text', text: 'Hello from gpt-4o-mini!' }]);
    expect(final.usage).toMatchObject({ input_tokens: 11, output_tokens: 3 });
    expect(types[0]).toBe('message_start');
    expect(types.slice(-2)).toEqual(['message_delta', 'message_stop']);
  });

  it('tools: tool_use out, tool_result back in, non-stream and streamed', async () => {
    const tools: Anthropic.Tool[] = [
      { name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] } },
    ];
    const first = await client.messages.create({
      model: aliased,
      max_tokens: 100,
      tools,
      tool_choice: { type: 'any' },
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
    });
    const toolUse = first.content.find((block): block is Anthropic.ToolUseBlock => block.type === 'tool_use');
    expect(first.stop_reason).toBe('tool_use');
    expect(toolUse).toMatchObject({ name: 'get_weather', input: { location: 'Paris' } });
    expect(lastOpenAI()).toMatchObject({
      tool_choice: 'required',
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: tools[0]?.input_schema } }],
    });

    const streamed = await client.messages
      .stream({ model: aliased, max_tokens: 100, tools, messages: [{ role: 'user', content: 'Weather in Paris?' }] })
      .finalMessage();
    expect(streamed.content.find((block) => block.type === 'tool_use')).toMatchObject({ name: 'get_weather', input: { location: 'Paris' } });

    await client.messages.create({
      model: aliased,
      max_tokens: 100,
      tools,
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse?.id ?? '', content: '18°C, sunny' }] },
      ],
    });
    const sent = lastOpenAI()['messages'] as unknown[];
    expect(sent[1]).toMatchObject({
      role: 'assistant',
      tool_calls: [{ id: toolUse?.id, type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } }],
    });
    expect(sent[2]).toEqual({ role: 'tool', tool_call_id: toolUse?.id, content: '18°C, sunny' });
  });

  it('image input becomes an image_url part', async () => {
    await client.messages.create({
      model: aliased,
      max_tokens: 50,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
            { type: 'text', text: 'What is this?' },
          ],
        },
      ],
    });
    expect((lastOpenAI()['messages'] as unknown[])[0]).toEqual({
      role: 'user',
      content: [
        { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
        { type: 'text', text: 'What is this?' },
      ],
    });
  });

  it("errors: a 429 keeps status and Retry-After in Anthropic's shape; a failure after the first byte is one error event, no message_stop", async () => {
    openaiFake.onChat = () => rateLimited({ retryAfterSeconds: 3 });
    const error = await client.messages
      .create({ model: aliased, max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    expect((error as InstanceType<typeof Anthropic.RateLimitError>).error).toMatchObject({
      type: 'error',
      error: { type: 'rate_limit_error', message: expect.stringContaining('Rate limit reached') },
    });
    expect((error as InstanceType<typeof Anthropic.RateLimitError>).headers?.get('retry-after')).toBe('3');

    openaiFake.onChat = () => ({ kind: 'in-band-error-after', contentChunks: 2 });
    const streamed = await client.messages
      .stream({ model: aliased, max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] })
      .finalMessage()
      .catch((caught: unknown) => caught);
    expect(streamed).toBeInstanceOf(Anthropic.APIError);
    expect((streamed as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({
      type: 'error',
      error: { type: expect.any(String), message: expect.any(String) },
    });

    const raw = await (await post('/v1/messages', { model: aliased, max_tokens: 16, stream: true, messages: [{ role: 'user', content: 'hi' }] })).text();
    expect(raw).toContain('event: content_block_delta');
    expect(raw.match(/event: error\n/g)).toHaveLength(1);
    expect(raw).not.toContain('message_stop');
  });

  it('a server tool cannot be translated: 400 naming it, before any upstream call', async () => {
    const before = openaiFake.requests.length;
    const response = await post('/v1/messages', {
      model: aliased,
      max_tokens: 16,
      tools: [{ type: 'web_search_20250305', name: 'web_search' }],
      messages: [{ role: 'user', content: 'news?' }],
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: expect.stringMatching(/^tools\[0\]: the 'web_search_20250305' tool/) },
    });
    expect(openaiFake.requests.length).toBe(before);
  });

  it("a malformed body is a 400 in Anthropic's shape naming the field", async () => {
    const response = await post('/v1/messages', {
      model: aliased,
      max_tokens: 16,
      messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64' } }] }],
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { type: string; error: { type: string; message: string } };
    expect(body.type).toBe('error');
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toMatch(/^messages\[0\]\.content\[0\]\.source\.media_type: /);
  });
});

describe('translation to Ollama', () => {
  it('text and stream', async () => {
    const message = await client.messages.create({ model: 'ollama/llama3.2:3b', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] });
    expect(message.content).toEqual([{ type: 'text', text: 'Hello from llama3.2:3b' }]);
    expect(message.usage.output_tokens).toBeGreaterThan(0);
    const final = await client.messages
      .stream({ model: 'ollama/qwen3:8b', max_tokens: 64, thinking: { type: 'enabled', budget_tokens: 1024 }, messages: [{ role: 'user', content: 'hi' }] })
      .finalMessage();
    expect(final.content[0]).toMatchObject({ type: 'thinking', thinking: 'The user wants a reply from qwen3:8b.' });
    expect(final.content[1]).toMatchObject({ type: 'text', text: 'Hello from qwen3:8b' });
    expect(ollamaFake.lastChatBody()['think']).toBe(true);
  });

  it('thinking asked of a model that cannot think is left out, instead of failing', async () => {
    const message = await client.messages.create({
      model: 'ollama/llama3.2:3b',
      max_tokens: 2048,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(message.content).toEqual([{ type: 'text', text: 'Hello from llama3.2:3b' }]);
    expect(ollamaFake.lastChatBody()['think']).toBeUndefined();
  });

  it('tools and images', async () => {
    ollamaFake.onChat = () => ({ kind: 'reply', toolCalls: [{ name: 'get_weather', arguments: { location: 'Rome' } }] });
    const tools: Anthropic.Tool[] = [{ name: 'get_weather', input_schema: { type: 'object', properties: { location: { type: 'string' } } } }];
    const message = await client.messages.create({
      model: 'ollama/llama3.2:3b',
      max_tokens: 64,
      tools,
      messages: [{ role: 'user', content: 'Weather in Rome?' }],
    });
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([expect.objectContaining({ type: 'tool_use', name: 'get_weather', input: { location: 'Rome' } })]);
    ollamaFake.onChat = undefined;

    await client.messages.create({
      model: 'ollama/llava:7b',
      max_tokens: 64,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
            { type: 'text', text: 'What is this?' },
          ],
        },
      ],
    });
    const sent = (ollamaFake.lastChatBody()['messages'] as Array<Record<string, unknown>>)[0];
    expect(sent).toMatchObject({ role: 'user', content: 'What is this?', images: ['iVBORw0KGgo='] });
  });
});

describe('count_tokens', () => {
  it('exact from Anthropic, on the client body as written', async () => {
    anthropicFake.onCountTokens = () => 4242;
    const { data, response } = await client.messages.countTokens({ model: claude, messages: [{ role: 'user', content: 'Hi' }] }).withResponse();
    expect(data).toEqual({ input_tokens: 4242 });
    expect(response.headers.get('x-switchyard-estimate')).toBeNull();
    const counted = anthropicFake.requests.filter((request) => request.path === '/v1/messages/count_tokens').at(-1);
    expect(counted?.body).toEqual({ model: claude, messages: [{ role: 'user', content: 'Hi' }] });
  });

  it('estimated, and marked so, for a provider that cannot count', async () => {
    const { data, response } = await client.messages.countTokens({ model: aliased, messages: [{ role: 'user', content: 'x'.repeat(400) }] }).withResponse();
    expect(data).toEqual({ input_tokens: 100 });
    expect(response.headers.get('x-switchyard-estimate')).toBe('true');
  });
});

describe('client token', () => {
  it('accepted as x-api-key (the default) and as Authorization: Bearer (ANTHROPIC_AUTH_TOKEN)', async () => {
    const bearer = new Anthropic({ baseURL: serve.url, apiKey: null, authToken: serve.token, maxRetries: 0 });
    const message = await bearer.messages.create({ model: aliased, max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] });
    expect(message.content[0]).toMatchObject({ type: 'text' });
  });

  it("a wrong token is an AuthenticationError in Anthropic's shape, with no upstream call", async () => {
    const before = openaiFake.requests.length + anthropicFake.requests.length;
    const stranger = new Anthropic({ baseURL: serve.url, apiKey: 'sy-wrong-token', maxRetries: 0 });
    const error = await stranger.messages
      .create({ model: aliased, max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((error as InstanceType<typeof Anthropic.AuthenticationError>).error).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
    expect(openaiFake.requests.length + anthropicFake.requests.length).toBe(before);
  });
});
