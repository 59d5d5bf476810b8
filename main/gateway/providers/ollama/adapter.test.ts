// OllamaAdapter against the fake Ollama over real loopback HTTP: non-streamed chat, what goes upstream, errors,
// model listing, details, probing and embeddings. Streams are in adapter-stream.test.ts.
import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chatRequestSchema, embeddingsRequestSchema } from '../../../../shared/openai-schema.js';
import { OllamaFake } from '../../../../test/fakes/ollama-fake.js';
import { ProviderError } from '../errors.js';
import type { ChatCall, ChatOutcome } from '../types.js';
import { OllamaAdapter } from './adapter.js';

const signal = (): AbortSignal => new AbortController().signal;
let fake: OllamaFake;
let adapter: OllamaAdapter;

beforeAll(async () => {
  fake = await OllamaFake.start();
  adapter = new OllamaAdapter({ id: 'ollama', baseUrl: fake.baseUrl, apiKey: () => undefined });
});
afterAll(async () => {
  await adapter.close();
  await fake.close();
});
beforeEach(() => {
  fake.onChat = undefined;
  fake.notFoundWording = 'current';
});

function chatCall(request: Record<string, unknown>, upstreamModel = 'llama3.2:3b', abortSignal = signal()): ChatCall {
  const parsed = chatRequestSchema.parse({ model: `ollama/${upstreamModel}`, messages: [{ role: 'user', content: 'Hi' }], ...request });
  return { request: parsed, rawBody: undefined, upstreamModel, forceStreamUsage: true, signal: abortSignal };
}

function complete(outcome: ChatOutcome) {
  if (outcome.kind !== 'complete') throw new Error('expected a complete response');
  return outcome;
}

async function rejection(promise: Promise<unknown>): Promise<ProviderError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof ProviderError)) throw new Error(`expected a ProviderError, got ${String(error)}`);
  return error;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

describe('OllamaAdapter.chat (non-stream)', () => {
  it('returns a ChatCompletion with exact usage and metrics in milliseconds', async () => {
    fake.onChat = () => ({ kind: 'reply', content: 'Hello there', promptEvalCount: 26, evalCount: 282 });
    const { response, metrics } = complete(await adapter.chat(chatCall({})));
    expect(response).toMatchObject({
      object: 'chat.completion',
      model: 'llama3.2:3b',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello there' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 26, completion_tokens: 282, total_tokens: 308 },
    });
    expect(response.id).toMatch(/^chatcmpl-/);
    expect(Math.abs(response.created - Date.now() / 1000)).toBeLessThan(5);
    // the fake's durations: load 12.345678 ms, 1 ms per prompt token, 25 ms per generated token, 3.456789 ms overhead
    expect(metrics).toEqual({ totalMs: 7091.802467, loadMs: 12.345678, promptEvalMs: 26, evalMs: 7050 });
  });

  it("sends Ollama's native body, and the key only when there is one", async () => {
    complete(await adapter.chat(chatCall({ temperature: 0.1, max_tokens: 5 })));
    const sent = fake.requestsTo('/api/chat').at(-1);
    expect(sent?.headers['content-type']).toBe('application/json');
    expect(sent?.headers['authorization']).toBeUndefined();
    expect(sent?.body).toEqual({
      model: 'llama3.2:3b',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: false,
      options: { temperature: 0.1, num_predict: 5 },
    });

    const keyed = new OllamaAdapter({ id: 'ollama', baseUrl: fake.baseUrl, headers: { 'x-team': 'a' }, apiKey: () => 'secret-key' });
    complete(await keyed.chat(chatCall({})));
    await keyed.close();
    const keyedRequest = fake.requestsTo('/api/chat').at(-1);
    expect(keyedRequest?.headers['authorization']).toBe('Bearer secret-key');
    expect(keyedRequest?.headers['x-team']).toBe('a');
  });

  it('returns a tool call with an id, string arguments and finish_reason tool_calls', async () => {
    fake.onChat = () => ({ kind: 'reply', toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] });
    const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }];
    const { response } = complete(await adapter.chat(chatCall({ tools })));
    const choice = response.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.message.content).toBe('');
    expect(choice?.message.tool_calls).toEqual([
      { id: expect.stringMatching(/^call_/), type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
    ]);
    expect(fake.lastChatBody()['tools']).toEqual(tools);
  });

  it('sends a multi-turn conversation with tool results named after their calls', async () => {
    const messages = [
      { role: 'system', content: 'You check the weather.' },
      { role: 'user', content: 'Paris?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: '{"celsius":21}' },
    ];
    fake.onChat = () => ({ kind: 'reply', content: 'It is 21°C in Paris.' });
    const { response } = complete(await adapter.chat(chatCall({ messages }, 'qwen3:8b')));
    expect(response.choices[0]?.message.content).toBe('It is 21°C in Paris.');
    expect(fake.lastChatBody()['messages']).toEqual([
      { role: 'system', content: 'You check the weather.' },
      { role: 'user', content: 'Paris?' },
      {
        role: 'assistant',
        content: '',
        tool_calls: [{ id: 'call_1', type: 'function', function: { index: 0, name: 'get_weather', arguments: { city: 'Paris' } } }],
      },
      { role: 'tool', content: '{"celsius":21}', tool_name: 'get_weather', tool_call_id: 'call_1' },
    ]);
  });

  it('sends images as bare base64 in images[]', async () => {
    const png = Buffer.from('\x89PNG\r\n\x1a\nfake').toString('base64');
    const content = [
      { type: 'text', text: 'What is in this picture?' },
      { type: 'image_url', image_url: { url: `data:image/png;base64,${png}` } },
    ];
    complete(await adapter.chat(chatCall({ messages: [{ role: 'user', content }] }, 'llava:7b')));
    expect(fake.lastChatBody()['messages']).toEqual([{ role: 'user', content: 'What is in this picture?', images: [png] }]);
  });

  it('sends JSON mode as format "json" and a JSON schema as the schema object', async () => {
    fake.onChat = () => ({ kind: 'reply', content: '{"age":22}' });
    const { response } = complete(await adapter.chat(chatCall({ response_format: { type: 'json_object' } })));
    expect(response.choices[0]?.message.content).toBe('{"age":22}');
    expect(fake.lastChatBody()['format']).toBe('json');
    const schema = { type: 'object', properties: { age: { type: 'integer' } }, required: ['age'] };
    complete(await adapter.chat(chatCall({ response_format: { type: 'json_schema', json_schema: { name: 'person', schema } } })));
    expect(fake.lastChatBody()['format']).toEqual(schema);
  });

  it('returns thinking as reasoning_content', async () => {
    const { response } = complete(await adapter.chat(chatCall({}, 'qwen3:8b')));
    expect(response.choices[0]?.message).toEqual({
      role: 'assistant',
      content: 'Hello from qwen3:8b',
      reasoning_content: 'The user wants a reply from qwen3:8b.',
    });
  });
});

describe('OllamaAdapter errors', () => {
  it('turns "model not found" into a 404 that says how to pull it, in both wordings', async () => {
    for (const wording of ['current', 'legacy'] as const) {
      fake.notFoundWording = wording;
      const error = await rejection(adapter.chat(chatCall({}, 'mistral:7b')));
      expect(error).toMatchObject({ status: 404, errorClass: 'not_found', kind: 'http', retryable: false });
      expect(error.message).toBe("model 'mistral:7b' is not pulled in Ollama: run `ollama pull mistral:7b`");
    }
  });

  it("passes Ollama's own 400s through as bad requests", async () => {
    const tools = [{ type: 'function', function: { name: 'f' } }];
    const error = await rejection(adapter.chat(chatCall({ tools }, 'llava:7b')));
    expect(error).toMatchObject({
      status: 400,
      errorClass: 'bad_request',
      retryable: false,
      message: 'registry.ollama.ai/library/llava:7b does not support tools',
    });
  });

  it('reports a refused connection as 503 naming the address and `ollama serve`', async () => {
    const baseUrl = `http://127.0.0.1:${await closedPort()}`;
    const offline = new OllamaAdapter({ id: 'ollama', baseUrl, apiKey: () => undefined });
    const error = await rejection(offline.chat(chatCall({})));
    expect(error).toMatchObject({ status: 503, errorClass: 'unavailable', kind: 'connect', retryable: true });
    expect(error.message).toBe(`Ollama is not running at ${baseUrl} (connection refused): start it with \`ollama serve\``);
    expect(await offline.probe(signal())).toMatchObject({ reachable: false, detail: error.message });
    await offline.close();
  });

  it('reports a 200 body holding {"error"} as an error, not a completion', async () => {
    fake.onChat = () => ({ kind: 'error-line', error: 'an error was encountered while running the model' });
    const error = await rejection(adapter.chat(chatCall({})));
    expect(error).toMatchObject({ status: 500, errorClass: 'server', retryable: true, message: 'an error was encountered while running the model' });
  });
});

describe('OllamaAdapter models, probe and embeddings', () => {
  it('lists pulled models by name', async () => {
    const models = await adapter.listModels(signal());
    expect(models.map((model) => model.id)).toEqual(['llama3.2:3b', 'qwen3:8b', 'llava:7b', 'nomic-embed-text:latest']);
    expect(models[0]?.created).toBe(Math.floor(Date.parse('2025-10-03T23:34:03.409-07:00') / 1000));
  });

  it('shows capabilities and context length, and a 404 for a model that is not pulled', async () => {
    expect(await adapter.modelDetails('qwen3:8b', signal())).toEqual({ contextWindow: 40960, capabilities: ['completion', 'tools', 'thinking'] });
    expect(fake.requestsTo('/api/show').at(-1)?.body).toEqual({ model: 'qwen3:8b' });
    const error = await rejection(adapter.modelDetails('gemma3:1b', signal()));
    expect(error.message).toBe("model 'gemma3:1b' is not pulled in Ollama: run `ollama pull gemma3:1b`");
  });

  it('probes GET /', async () => {
    expect(await adapter.probe(signal())).toMatchObject({ reachable: true, detail: 'Ollama is running' });
  });

  it('embeds text and reports prompt_eval_count as usage', async () => {
    const request = embeddingsRequestSchema.parse({ model: 'ollama/nomic-embed-text', input: ['Why is the sky blue?', 'Hi'] });
    const response = await adapter.embeddings(request, 'nomic-embed-text', signal());
    expect(fake.requestsTo('/api/embed').at(-1)?.body).toEqual({ model: 'nomic-embed-text', input: ['Why is the sky blue?', 'Hi'] });
    expect(response).toMatchObject({ object: 'list', model: 'nomic-embed-text', usage: { prompt_tokens: 6, total_tokens: 6 } });
    expect(response.data.map((item) => [item.object, item.index])).toEqual([
      ['embedding', 0],
      ['embedding', 1],
    ]);
    const vector = response.data[0]?.embedding as number[];
    expect(vector).toHaveLength(16);

    const base64 = await adapter.embeddings({ ...request, encoding_format: 'base64' }, 'nomic-embed-text', signal());
    const bytes = Buffer.from(base64.data[0]?.embedding as string, 'base64');
    expect(Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4))).toEqual(vector);
  });

  it('refuses token-id input and unknown models', async () => {
    const tokens = embeddingsRequestSchema.parse({ model: 'x', input: [1, 2, 3] });
    expect(await rejection(adapter.embeddings(tokens, 'nomic-embed-text', signal()))).toMatchObject({ status: 400, param: 'input' });
    const text = embeddingsRequestSchema.parse({ model: 'x', input: 'hi' });
    expect((await rejection(adapter.embeddings(text, 'all-minilm', signal()))).message).toBe(
      "model 'all-minilm' is not pulled in Ollama: run `ollama pull all-minilm`",
    );
  });
});
