// OllamaAdapter streams against the fake Ollama over real loopback HTTP: chunks, thinking, tool calls, in-band
// errors, truncated and reset streams, timeouts, and that an abandoned stream really closes its upstream socket.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chatRequestSchema } from '../../../../shared/openai-schema.js';
import type { ChatCompletionChunk } from '../../../../shared/openai-types.js';
import { OllamaFake } from '../../../../test/fakes/ollama-fake.js';
import type { ProviderError } from '../errors.js';
import type { ChatCall, StreamPart } from '../types.js';
import { OllamaAdapter } from './adapter.js';

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
});

function chatCall(request: Record<string, unknown>, upstreamModel = 'llama3.2:3b', signal = new AbortController().signal): ChatCall {
  const parsed = chatRequestSchema.parse({ model: `ollama/${upstreamModel}`, messages: [{ role: 'user', content: 'Hi' }], stream: true, ...request });
  return { request: parsed, rawBody: undefined, upstreamModel, forceStreamUsage: true, signal };
}

async function streamParts(call: ChatCall, target = adapter): Promise<AsyncIterable<StreamPart>> {
  const outcome = await target.chat(call);
  if (outcome.kind !== 'stream') throw new Error('expected a stream');
  return outcome.parts;
}

async function collect(parts: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const collected: StreamPart[] = [];
  for await (const part of parts) collected.push(part);
  return collected;
}

const chunksOf = (parts: StreamPart[]): ChatCompletionChunk[] => parts.flatMap((part) => (part.type === 'chunk' ? [part.chunk] : []));
const textOf = (parts: StreamPart[], field: 'content' | 'reasoning_content' = 'content'): string =>
  chunksOf(parts)
    .map((chunk) => chunk.choices[0]?.delta[field] ?? '')
    .join('');

/** Fails with a message instead of hanging until the test timeout. */
async function within<T>(promise: Promise<T> | undefined, ms: number, what: string): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function lastError(parts: StreamPart[]): ProviderError {
  const last = parts.at(-1);
  if (last?.type !== 'error') throw new Error(`expected the stream to end with an error, got ${JSON.stringify(last)}`);
  return last.error;
}

describe('OllamaAdapter.chat (stream)', () => {
  it('streams OpenAI chunks: role first, text, finish, then usage, then done', async () => {
    fake.onChat = () => ({ kind: 'reply', content: 'Hello from the fake', promptEvalCount: 12, evalCount: 4 });
    const parts = await collect(await streamParts(chatCall({})));
    expect(fake.lastChatBody()['stream']).toBe(true);
    expect(fake.requestsTo('/api/chat').at(-1)?.headers['accept']).toBe('application/x-ndjson');
    expect(parts.at(-1)).toMatchObject({ type: 'done' });
    const chunks = chunksOf(parts);
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: 'Hello' });
    expect(textOf(parts)).toBe('Hello from the fake');
    expect(chunks.at(-2)?.choices[0]).toEqual({ index: 0, delta: {}, finish_reason: 'stop' });
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 12, completion_tokens: 4, total_tokens: 16 } });
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    for (const part of parts) if (part.type === 'chunk') expect(part.raw).toBeUndefined();
  });

  it('streams thinking as reasoning_content before the answer', async () => {
    const parts = await collect(await streamParts(chatCall({}, 'qwen3:8b')));
    expect(textOf(parts, 'reasoning_content')).toBe('The user wants a reply from qwen3:8b.');
    expect(textOf(parts)).toBe('Hello from qwen3:8b');
    expect(chunksOf(parts)[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '', reasoning_content: 'The' });
  });

  it('streams tool calls whole, with index, id and JSON arguments, then finish_reason tool_calls', async () => {
    fake.onChat = () => ({
      kind: 'reply',
      toolCalls: [
        { name: 'get_weather', arguments: { city: 'Paris' } },
        { name: 'get_weather', arguments: { city: 'Rome' } },
      ],
    });
    const parts = await collect(await streamParts(chatCall({ tools: [{ type: 'function', function: { name: 'get_weather' } }] })));
    const calls = chunksOf(parts).flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
    expect(calls).toEqual([
      { index: 0, id: expect.stringMatching(/^call_/), type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
      { index: 1, id: expect.stringMatching(/^call_/), type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
    ]);
    expect(chunksOf(parts).at(-2)?.choices[0]?.finish_reason).toBe('tool_calls');
    expect(parts.at(-1)).toMatchObject({ type: 'done' });
  });

  it("carries the timing counters of Ollama's done line on the done part, in milliseconds (for the ledger)", async () => {
    // the fake's durations: load 12,345,678 ns; prompt eval 1 ms a token; eval 25 ms a token; total adds 3,456,789 ns
    fake.onChat = () => ({ kind: 'reply', content: 'Hello from the fake', promptEvalCount: 12, evalCount: 4 });
    const parts = await collect(await streamParts(chatCall({})));
    expect(parts.at(-1)).toEqual({ type: 'done', metrics: { totalMs: 127.802467, loadMs: 12.345678, promptEvalMs: 12, evalMs: 100 } });
  });

  it('ends with an in-band error part when Ollama sends an {"error"} line mid-stream', async () => {
    fake.onChat = () => ({ kind: 'error-line', error: 'an error was encountered while running the model', afterLines: 2 });
    const parts = await collect(await streamParts(chatCall({})));
    expect(textOf(parts)).toBe('Hello from');
    expect(lastError(parts)).toMatchObject({
      kind: 'in-band',
      errorClass: 'server',
      retryable: true,
      message: 'an error was encountered while running the model',
    });
    expect(parts.filter((part) => part.type === 'done')).toHaveLength(0);
  });

  it('rejects before any chunk when Ollama fails before the stream starts (HTTP 500)', async () => {
    fake.onChat = () => ({ kind: 'error-line', error: 'model requires more system memory', afterLines: 0 });
    await expect(adapter.chat(chatCall({}))).rejects.toMatchObject({
      kind: 'http',
      status: 500,
      errorClass: 'server',
      message: 'model requires more system memory',
    });
  });

  it('ends with a retryable protocol error when the stream stops without its done line', async () => {
    fake.onChat = () => ({ kind: 'no-done' });
    const parts = await collect(await streamParts(chatCall({})));
    expect(textOf(parts)).toBe('Hello from llama3.2:3b');
    expect(lastError(parts)).toMatchObject({ kind: 'protocol', retryable: true, status: 502 });
  });

  it('ends with a network error part when the connection is reset mid-stream', async () => {
    fake.onChat = () => ({ kind: 'reset', afterLines: 1 });
    const parts = await collect(await streamParts(chatCall({})));
    expect(lastError(parts)).toMatchObject({ kind: 'connect', retryable: true });
  });

  it('drains a finished stream so the next request reuses the connection', async () => {
    // the response ends a little after its done line, so the body is still open when the stream is finished
    fake.onChat = () => ({ kind: 'reply', endDelayMs: 30 });
    await collect(await streamParts(chatCall({})));
    await new Promise((resolve) => setTimeout(resolve, 150)); // a destroyed body would have closed the socket by now
    await collect(await streamParts(chatCall({})));
    const [first, second] = fake.requestsTo('/api/chat').slice(-2);
    expect(second?.connection).toBe(first?.connection);
  });
});

describe('OllamaAdapter stream cancellation and timeouts', () => {
  // 50 lines at 100 ms: the fake would still be writing long after the 2 s the tests allow for the socket to close
  const longText = Array.from({ length: 50 }, (_, index) => `word${index}`).join(' ');

  it('closes the upstream socket when the caller aborts mid-stream, and ends with an aborted part', async () => {
    fake.onChat = () => ({ kind: 'reply', content: longText, lineDelayMs: 100 });
    const controller = new AbortController();
    const parts = await streamParts(chatCall({}, 'llama3.2:3b', controller.signal));
    const iterator = parts[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ type: 'chunk' });
    const [upstream] = (await fake.waitForRequests('/api/chat')).slice(-1);
    controller.abort();
    const rest: StreamPart[] = [];
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) rest.push(next.value);
    expect(lastError(rest)).toMatchObject({ kind: 'aborted', errorClass: 'cancelled' });
    await within(upstream?.socketClosed, 2000, 'closing the upstream socket');
  });

  it('closes the upstream socket when the caller stops reading', async () => {
    fake.onChat = () => ({ kind: 'reply', content: longText, lineDelayMs: 100 });
    const parts = await streamParts(chatCall({}));
    for await (const part of parts) {
      expect(part.type).toBe('chunk');
      break;
    }
    const [upstream] = fake.requestsTo('/api/chat').slice(-1);
    await within(upstream?.socketClosed, 2000, 'closing the upstream socket');
  });

  it('turns silence before the first line into a timeout part, and before the headers into a rejection', async () => {
    const impatient = new OllamaAdapter({
      id: 'ollama',
      baseUrl: fake.baseUrl,
      apiKey: () => undefined,
      timeouts: { connectMs: 1000, headersMs: 300, bodyIdleMs: 300 },
    });
    fake.onChat = () => ({ kind: 'stall-before-first-line' });
    expect(lastError(await collect(await streamParts(chatCall({}), impatient)))).toMatchObject({ kind: 'timeout', errorClass: 'timeout', retryable: true });
    fake.onChat = () => ({ kind: 'stall-before-headers' });
    await expect(impatient.chat(chatCall({}))).rejects.toMatchObject({ kind: 'timeout', status: 504 });
    await impatient.close();
  });
});

describe("the fake speaks Ollama's wire format", () => {
  it("streams NDJSON lines with Go's field set and a done line with nanosecond durations", async () => {
    const response = await fetch(`${fake.baseUrl}/api/chat`, {
      method: 'POST',
      body: JSON.stringify({ model: 'llama3.2:3b', messages: [{ role: 'user', content: 'Hi' }] }),
    });
    expect(response.headers.get('content-type')).toBe('application/x-ndjson');
    const lines = (await response.text())
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(Object.keys(lines[0] ?? {})).toEqual(['model', 'created_at', 'message', 'done']);
    expect(lines[0]).toMatchObject({ model: 'llama3.2:3b', message: { role: 'assistant', content: 'Hello' }, done: false });
    expect(Object.keys(lines.at(-1) ?? {})).toEqual([
      'model',
      'created_at',
      'message',
      'done_reason',
      'done',
      'total_duration',
      'load_duration',
      'prompt_eval_count',
      'prompt_eval_duration',
      'eval_count',
      'eval_duration',
    ]);
  });

  it('answers GET / like Ollama and unknown models with its 404 body', async () => {
    const root = await fetch(`${fake.baseUrl}/`);
    expect([root.status, root.headers.get('content-type'), await root.text()]).toEqual([200, 'text/plain; charset=utf-8', 'Ollama is running']);
    const missing = await fetch(`${fake.baseUrl}/api/chat`, { method: 'POST', body: JSON.stringify({ model: 'nope', messages: [], stream: false }) });
    expect([missing.status, missing.headers.get('content-type'), await missing.json()]).toEqual([
      404,
      'application/json; charset=utf-8',
      { error: "model 'nope' not found" },
    ]);
  });
});
