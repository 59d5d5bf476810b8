// GeminiAdapter against the fake Gemini over real loopback HTTP: non-streamed chat, the exact upstream request
// (URL, headers, body), tool turns, images, JSON output, thought signatures, usage, blocked prompts, every error
// class, the key's whereabouts, model listing, details, probing and embeddings. Streams are in adapter-stream.test.ts.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chatRequestSchema, embeddingsRequestSchema } from '../../../../shared/openai-schema.js';
import type { ChatCompletion } from '../../../../shared/openai-types.js';
import {
  GeminiFake,
  contextTooLong,
  dailyQuotaExhausted,
  deadlineExceeded,
  internalError,
  locationNotSupported,
  overloaded,
  permissionDenied,
  rateLimited,
  type GeminiScenario,
} from '../../../../test/fakes/gemini-fake.js';
import { ProviderError } from '../errors.js';
import type { ChatCall } from '../types.js';
import { GeminiAdapter } from './adapter.js';

const key = 'gm-test-key-4c3b2a1908f7';
const signal = (): AbortSignal => new AbortController().signal;
let fake: GeminiFake;
let adapter: GeminiAdapter;

beforeAll(async () => {
  fake = await GeminiFake.start({ apiKey: key });
  adapter = new GeminiAdapter({ id: 'gemini', baseUrl: fake.baseUrl, apiKey: () => key });
});
afterAll(async () => {
  await adapter.close();
  await fake.close();
});
beforeEach(() => {
  fake.onGenerate = undefined;
  fake.onEmbed = undefined;
  fake.listPageSize = 50;
});

function chatCall(request: Record<string, unknown>, upstreamModel = 'gemini-2.5-flash'): ChatCall {
  const parsed = chatRequestSchema.parse({ model: `gemini/${upstreamModel}`, messages: [{ role: 'user', content: 'Hi' }], ...request });
  return { request: parsed, rawBody: undefined, upstreamModel, forceStreamUsage: true, signal: signal() };
}

async function complete(request: Record<string, unknown>, upstreamModel?: string, target = adapter): Promise<ChatCompletion> {
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

const script = (scenario: GeminiScenario): void => {
  fake.onGenerate = () => scenario;
};

const weatherTool = {
  type: 'function',
  function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
};

describe('GeminiAdapter.chat (non-stream)', () => {
  it("answers with a ChatCompletion and sends Google's request: the path, the key in the header only, the body", async () => {
    const completion = await complete({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
      temperature: 0.3,
      max_tokens: 64,
    });
    expect(completion).toMatchObject({
      object: 'chat.completion',
      model: 'gemini-2.5-flash',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello from gemini-2.5-flash!' }, finish_reason: 'stop', native_finish_reason: 'STOP' }],
    });
    const sent = fake.generateRequests().at(-1);
    expect(sent?.method).toBe('POST');
    expect(sent?.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(sent?.headers['x-goog-api-key']).toBe(key);
    expect(sent?.headers['content-type']).toBe('application/json');
    expect(sent?.headers['authorization']).toBeUndefined();
    expect(sent?.body).toEqual({
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      contents: [{ role: 'user', parts: [{ text: 'Hi' }] }],
      generationConfig: { temperature: 0.3, maxOutputTokens: 64 },
    });
  });

  it('never puts the key in a URL, on any endpoint', async () => {
    await complete({});
    await adapter.listModels(signal());
    await adapter.modelDetails('gemini-2.5-flash', signal());
    await adapter.embeddings(embeddingsRequestSchema.parse({ model: 'x', input: 'a' }), 'text-embedding-004', signal());
    for (const request of fake.requests) {
      expect(request.path).not.toContain(key);
      expect(request.path).not.toMatch(/[?&]key=/);
    }
  });

  it('returns a tool call with a stable call_ id, JSON arguments, and finish_reason tool_calls', async () => {
    const completion = await complete({ tools: [weatherTool], tool_choice: 'required' });
    expect(fake.lastGenerateBody()['toolConfig']).toEqual({ functionCallingConfig: { mode: 'ANY' } });
    expect(completion.choices[0]).toMatchObject({
      message: {
        content: null,
        tool_calls: [{ id: expect.stringMatching(/^call_/), type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
      },
      finish_reason: 'tool_calls',
    });
  });

  it('sends a multi-turn tool conversation as Gemini wants it: model functionCalls, then user functionResponses named from the ids', async () => {
    const first = await complete({ tools: [weatherTool] });
    const call = first.choices[0]?.message.tool_calls?.[0];
    if (!call) throw new Error('expected a tool call');
    const second = await complete({
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: null, tool_calls: [call] },
        { role: 'tool', tool_call_id: call.id, content: '{"temperature":21,"sky":"clear"}' },
      ],
    });
    expect(second.choices[0]?.message.content).toBe('Hello from gemini-2.5-flash!');
    expect(fake.lastGenerateBody()['contents']).toEqual([
      { role: 'user', parts: [{ text: 'Weather in Paris?' }] },
      // gemini-2.5-flash thinks, so the fake signed the call: the signature came back on the same part
      { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: expect.any(String) }] },
      { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { temperature: 21, sky: 'clear' } } }] },
    ]);
  });

  it('sends images inline or by URL', async () => {
    await complete({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Compare' },
            { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/4AAQSkZJRg==' } },
            { type: 'image_url', image_url: { url: 'https://example.com/b.png' } },
          ],
        },
      ],
    });
    expect(fake.lastGenerateBody()['contents']).toEqual([
      {
        role: 'user',
        parts: [
          { text: 'Compare' },
          { inlineData: { mimeType: 'image/jpeg', data: '/9j/4AAQSkZJRg==' } },
          { fileData: { mimeType: 'image/png', fileUri: 'https://example.com/b.png' } },
        ],
      },
    ]);
  });

  it('asks for schema-shaped JSON and returns it as content', async () => {
    const schema = {
      type: 'object',
      properties: { city: { type: 'string' }, days: { type: 'integer' } },
      required: ['city', 'days'],
      additionalProperties: false,
    };
    const completion = await complete({ response_format: { type: 'json_schema', json_schema: { name: 'trip', schema, strict: true } } });
    expect(fake.lastGenerateBody()['generationConfig']).toEqual({ responseMimeType: 'application/json', responseJsonSchema: schema });
    expect(JSON.parse(completion.choices[0]?.message.content ?? '')).toEqual({ city: 'Paris', days: 42 });
  });

  it('round-trips Gemini 3 thought signatures, which the fake checks as strictly as Google', async () => {
    const model = 'gemini-3-pro-preview';
    const first = await complete({ tools: [weatherTool], reasoning_effort: 'high' }, model);
    const message = first.choices[0]?.message;
    const call = message?.tool_calls?.[0] as (Record<string, unknown> & { id: string }) | undefined;
    if (!message || !call) throw new Error('expected a tool call');
    expect(call['extra_content']).toEqual({ google: { thought_signature: expect.any(String) } });
    expect(message.reasoning_content).toBe('The user wants a reply from gemini-3-pro-preview.');
    const history = [{ role: 'user', content: 'Weather in Paris?' }, message, { role: 'tool', tool_call_id: call.id, content: 'sunny' }];
    const second = await complete({ tools: [weatherTool], messages: history }, model);
    const sentParts = (fake.lastGenerateBody()['contents'] as Array<{ parts: Array<Record<string, unknown>> }>)[1]?.parts ?? [];
    expect(sentParts[0]?.['thoughtSignature']).toBe((call['extra_content'] as { google: { thought_signature: string } }).google.thought_signature);
    // the text answer is signed too, and that signature comes back on the text part next turn
    const details = second.choices[0]?.message['reasoning_details'] as Array<{ data: string }>;
    expect(details).toHaveLength(1);
    await complete({ messages: [...history, second.choices[0]?.message, { role: 'user', content: 'And tomorrow?' }], tools: [weatherTool] }, model);
    const turns = fake.lastGenerateBody()['contents'] as Array<{ role: string; parts: Array<Record<string, unknown>> }>;
    expect(turns[3]).toEqual({ role: 'model', parts: [{ text: 'Hello from gemini-3-pro-preview!', thoughtSignature: details[0]?.data }] });

    // a signature that was changed on the way is refused, the way Google refuses it
    const tampered = { ...message, tool_calls: [{ ...call, extra_content: { google: { thought_signature: 'forged' } } }] };
    const error = await rejection(adapter.chat(chatCall({ tools: [weatherTool], messages: [history[0], tampered, history[2]] }, model)));
    expect(error).toMatchObject({ status: 400, errorClass: 'bad_request' });
  });

  it('reports exact usage: cached tokens inside the prompt, thinking billed as output', async () => {
    script({
      kind: 'reply',
      text: 'Done.',
      usage: { promptTokenCount: 1200, cachedContentTokenCount: 1024, candidatesTokenCount: 7, thoughtsTokenCount: 320 },
    });
    const completion = await complete({});
    expect(completion.usage).toEqual({
      prompt_tokens: 1200,
      completion_tokens: 327,
      total_tokens: 1527,
      prompt_tokens_details: { cached_tokens: 1024 },
      completion_tokens_details: { reasoning_tokens: 320 },
    });
  });

  it('answers a prompt blocked for safety with an empty content_filter completion', async () => {
    script({ kind: 'blocked', blockReason: 'SAFETY' });
    const completion = await complete({});
    expect(completion.choices).toEqual([
      { index: 0, message: { role: 'assistant', content: '' }, finish_reason: 'content_filter', logprobs: null, native_finish_reason: 'SAFETY' },
    ]);
  });

  it('maps a candidate stopped for safety to content_filter', async () => {
    script({ kind: 'reply', text: null, finishReason: 'SAFETY' });
    const completion = await complete({});
    expect(completion.choices[0]).toMatchObject({ message: { content: '' }, finish_reason: 'content_filter', native_finish_reason: 'SAFETY' });
  });

  it('refuses a model name that could change the URL path, before sending anything', async () => {
    const before = fake.requests.length;
    const error = await rejection(adapter.chat(chatCall({}, '../../v1beta/files')));
    expect(error).toMatchObject({ status: 400, param: 'model' });
    expect(fake.requests.length).toBe(before);
  });
});

describe('GeminiAdapter errors', () => {
  it.each([
    ['429 with RetryInfo', rateLimited('12.5s'), { errorClass: 'rate_limit', status: 429, retryable: true, retryAfterMs: 12_500 }],
    ['429 for the day', dailyQuotaExhausted(), { errorClass: 'quota', status: 429, retryable: false }],
    ['503 overloaded', overloaded(), { errorClass: 'overloaded', status: 503, retryable: true }],
    ['500 internal', internalError(), { errorClass: 'server', status: 500, retryable: true }],
    ['504 deadline', deadlineExceeded(), { errorClass: 'timeout', status: 504, retryable: true }],
    ['400 too many tokens', contextTooLong(), { errorClass: 'context_length', status: 400, retryable: false }],
    ['400 failed precondition', locationNotSupported(), { errorClass: 'bad_request', status: 400, retryable: false }],
    ['403 permission', permissionDenied(), { errorClass: 'permission', status: 403, retryable: false }],
  ])('classifies %s', async (_what, reply, expected) => {
    script(reply);
    expect(await rejection(adapter.chat(chatCall({})))).toMatchObject({ kind: 'http', providerId: 'gemini', ...expected });
  });

  it('classifies an unknown model as not_found', async () => {
    expect(await rejection(adapter.chat(chatCall({}, 'gemini-9-ultra')))).toMatchObject({ errorClass: 'not_found', status: 404, retryable: false });
  });

  it('turns a wrong key into a 401 whose texts do not contain the key, though Google echoes it', async () => {
    const wrongKey = 'wrong-key-71d0c3b2a9e8';
    const wrong = new GeminiAdapter({ id: 'gemini', baseUrl: fake.baseUrl, apiKey: () => wrongKey });
    const error = await rejection(wrong.chat(chatCall({})));
    await wrong.close();
    expect(fake.requests.at(-1)?.rawBody.toString('utf8')).not.toContain(wrongKey);
    expect(error).toMatchObject({
      status: 401,
      errorClass: 'auth',
      code: 'API_KEY_INVALID',
      retryable: false,
      message: 'API key not valid. Please pass a valid API key.',
    });
    expect(error.upstreamBody).toContain('Invalid API key');
    expect(`${error.message} ${error.upstreamBody ?? ''} ${error.stack ?? ''}`).not.toContain(wrongKey);
  });

  it('turns a missing key into a 401 as well', async () => {
    const keyless = new GeminiAdapter({ id: 'gemini', baseUrl: fake.baseUrl, apiKey: () => undefined });
    const error = await rejection(keyless.chat(chatCall({})));
    await keyless.close();
    expect(fake.requests.at(-1)?.headers['x-goog-api-key']).toBeUndefined();
    expect(error).toMatchObject({ status: 401, errorClass: 'auth', code: 'PERMISSION_DENIED' });
  });

  it('reports a connection refused as a retryable connect error', async () => {
    const server = await GeminiFake.start();
    const baseUrl = server.baseUrl;
    await server.close();
    const gone = new GeminiAdapter({ id: 'gemini', baseUrl, apiKey: () => key });
    expect(await rejection(gone.chat(chatCall({})))).toMatchObject({ kind: 'connect', retryable: true });
    expect(await gone.probe(signal())).toMatchObject({ reachable: false });
    await gone.close();
  });
});

describe('GeminiAdapter models', () => {
  it('lists generate and embed models without the models/ prefix, following page tokens', async () => {
    fake.listPageSize = 2;
    const before = fake.requests.length;
    const models = await adapter.listModels(signal());
    expect(models).toEqual([
      { id: 'gemini-2.0-flash', contextWindow: 1_048_576, capabilities: ['completion', 'tools', 'vision'] },
      { id: 'gemini-2.5-flash', contextWindow: 1_048_576, capabilities: ['completion', 'tools', 'vision', 'thinking'] },
      { id: 'gemini-2.5-pro', contextWindow: 1_048_576, capabilities: ['completion', 'tools', 'vision', 'thinking'] },
      { id: 'gemini-3-pro-preview', contextWindow: 1_048_576, capabilities: ['completion', 'tools', 'vision', 'thinking'] },
      { id: 'gemma-3-27b-it', contextWindow: 131_072, capabilities: ['completion', 'vision'] },
      { id: 'gemini-embedding-001', contextWindow: 2_048, capabilities: ['embedding'] },
      { id: 'text-embedding-004', contextWindow: 2_048, capabilities: ['embedding'] },
    ]);
    const pages = fake.requests.slice(before);
    expect(pages).toHaveLength(5);
    expect(pages[0]?.path).toBe('/v1beta/models?pageSize=1000');
    expect(pages[1]?.path).toMatch(/^\/v1beta\/models\?pageSize=1000&pageToken=/);
  });

  it('describes one model: input limit and capabilities', async () => {
    expect(await adapter.modelDetails('gemini-2.5-flash', signal())).toEqual({
      contextWindow: 1_048_576,
      capabilities: ['completion', 'tools', 'vision', 'thinking'],
    });
    expect(await adapter.modelDetails('gemini-embedding-001', signal())).toEqual({ contextWindow: 2_048, capabilities: ['embedding'] });
    expect(await rejection(adapter.modelDetails('nope', signal()))).toMatchObject({ status: 404, errorClass: 'not_found' });
  });

  it('probes by listing models', async () => {
    expect(await adapter.probe(signal())).toMatchObject({ reachable: true, detail: '7 models' });
    const keyless = new GeminiAdapter({ id: 'gemini', baseUrl: fake.baseUrl, apiKey: () => undefined });
    expect(await keyless.probe(signal())).toMatchObject({ reachable: true, detail: expect.stringContaining('unregistered callers') });
    await keyless.close();
  });
});

describe('GeminiAdapter.embeddings', () => {
  it('embeds through batchEmbedContents with the dimensions asked for', async () => {
    const result = await adapter.embeddings(
      embeddingsRequestSchema.parse({ model: 'x', input: ['hello', 'world'], dimensions: 8 }),
      'gemini-embedding-001',
      signal(),
    );
    const sent = fake.requests.at(-1);
    expect(sent?.path).toBe('/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expect(sent?.body).toEqual({
      requests: [
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'hello' }] }, outputDimensionality: 8 },
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'world' }] }, outputDimensionality: 8 },
      ],
    });
    expect(result).toMatchObject({ object: 'list', model: 'gemini-embedding-001', usage: { prompt_tokens: 4, total_tokens: 4 } });
    expect(result.data.map((item) => [item.index, (item.embedding as number[]).length])).toEqual([
      [0, 8],
      [1, 8],
    ]);
  });

  it('splits more than 100 inputs into batches of 100 and keeps their order', async () => {
    const before = fake.requests.length;
    const texts = Array.from({ length: 230 }, (_, index) => `text ${index}`);
    const result = await adapter.embeddings(embeddingsRequestSchema.parse({ model: 'x', input: texts, dimensions: 4 }), 'text-embedding-004', signal());
    const batches = fake.requests.slice(before).map((request) => ((request.body as { requests: unknown[] }).requests ?? []).length);
    expect(batches).toEqual([100, 100, 30]);
    expect(result.data).toHaveLength(230);
    const single = await adapter.embeddings(embeddingsRequestSchema.parse({ model: 'x', input: 'text 229', dimensions: 4 }), 'text-embedding-004', signal());
    expect(result.data[229]?.embedding).toEqual(single.data[0]?.embedding);
  });

  it('encodes base64 as OpenAI does, refuses token ids, and classifies errors', async () => {
    const result = await adapter.embeddings(
      embeddingsRequestSchema.parse({ model: 'x', input: 'a', dimensions: 3, encoding_format: 'base64' }),
      'text-embedding-004',
      signal(),
    );
    expect(Buffer.from(result.data[0]?.embedding as string, 'base64')).toHaveLength(12);
    expect(await rejection(adapter.embeddings(embeddingsRequestSchema.parse({ model: 'x', input: [1, 2, 3] }), 'text-embedding-004', signal()))).toMatchObject({
      status: 400,
      param: 'input',
    });
    fake.onEmbed = () => rateLimited('2s');
    expect(await rejection(adapter.embeddings(embeddingsRequestSchema.parse({ model: 'x', input: 'a' }), 'text-embedding-004', signal()))).toMatchObject({
      errorClass: 'rate_limit',
      retryAfterMs: 2000,
    });
    expect(await rejection(adapter.embeddings(embeddingsRequestSchema.parse({ model: 'x', input: 'a' }), 'gemini-2.5-flash', signal()))).toMatchObject({
      errorClass: 'not_found',
    });
  });
});
