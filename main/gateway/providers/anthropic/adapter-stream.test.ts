// AnthropicAdapter streams against the fake Anthropic over real loopback HTTP: chunks, usage, tool calls, the
// thinking round trip, in-band errors, truncated and reset streams, pings that must not count as content,
// timeouts, and that an abandoned stream really closes its upstream socket.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chatRequestSchema } from '../../../../shared/openai-schema.js';
import type { ChatCompletionChunk } from '../../../../shared/openai-types.js';
import { SseParser } from '../../../../shared/sse-parser.js';
import { FakeAnthropic, defaultScenario, fakeAnthropicKey } from '../../../../test/fakes/anthropic-fake.js';
import type { ProviderError } from '../errors.js';
import type { ChatCall, StreamPart } from '../types.js';
import { AnthropicAdapter } from './adapter.js';

let fake: FakeAnthropic;
let adapter: AnthropicAdapter;
const model = 'claude-sonnet-4-5-20250929';

beforeAll(async () => {
  fake = await FakeAnthropic.start();
  adapter = new AnthropicAdapter({ id: 'anthropic', baseUrl: fake.baseUrl, apiKey: () => fakeAnthropicKey });
});
afterAll(async () => {
  await adapter.close();
  await fake.close();
});
beforeEach(() => {
  fake.onMessages = defaultScenario;
});

function chatCall(request: Record<string, unknown>, signal = new AbortController().signal): ChatCall {
  const parsed = chatRequestSchema.parse({ model: `anthropic/${model}`, messages: [{ role: 'user', content: 'Hi' }], stream: true, ...request });
  return { request: parsed, rawBody: undefined, upstreamModel: model, forceStreamUsage: true, signal };
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

function lastError(parts: StreamPart[]): ProviderError {
  const last = parts.at(-1);
  if (last?.type !== 'error') throw new Error(`expected the stream to end with an error, got ${JSON.stringify(last)}`);
  return last.error;
}

describe('AnthropicAdapter.chat (stream)', () => {
  it('streams OpenAI chunks: role first, text, finish with the native reason, usage with cache counters, then done', async () => {
    fake.onMessages = () => ({ kind: 'reply', usage: { inputTokens: 40, outputTokens: 9, cacheCreationInputTokens: 1024, cacheReadInputTokens: 2048 } });
    const parts = await collect(await streamParts(chatCall({})));
    const request = fake.messageRequests().at(-1);
    expect(request?.headers['accept']).toBe('text/event-stream');
    expect(fake.lastMessagesBody()['stream']).toBe(true);
    expect(parts.at(-1)).toEqual({ type: 'done' });
    const chunks = chunksOf(parts);
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '' });
    expect(textOf(parts)).toBe(`Hello from ${model}!`);
    expect(chunks.at(-2)?.choices).toEqual([{ index: 0, delta: {}, finish_reason: 'stop', native_finish_reason: 'end_turn' }]);
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 3112, completion_tokens: 9, total_tokens: 3121, prompt_tokens_details: { cached_tokens: 2048, cache_write_tokens: 1024 } },
    });
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
  });

  it('streams a tool call: index, id, name, then argument fragments, and finish_reason tool_calls', async () => {
    const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
    const parts = await collect(await streamParts(chatCall({ tools })));
    const calls = chunksOf(parts).flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
    expect(calls[0]).toEqual({ index: 0, id: expect.stringMatching(/^toolu_01/), type: 'function', function: { name: 'get_weather', arguments: '' } });
    expect(calls.slice(1).every((call) => call.index === 0 && call.id === undefined)).toBe(true);
    expect(calls.map((call) => call.function?.arguments ?? '').join('')).toBe('{"city":"Paris"}');
    expect(chunksOf(parts).at(-2)?.choices[0]).toMatchObject({ finish_reason: 'tool_calls', native_finish_reason: 'tool_use' });
  });

  it('round-trips streamed thinking: accumulated reasoning_details bring the signed block back upstream', async () => {
    const parts = await collect(await streamParts(chatCall({ reasoning_effort: 'medium' })));
    const reasoning = textOf(parts, 'reasoning_content');
    expect(reasoning).toBe(`The user wants a reply from ${model}.`);
    const details = chunksOf(parts).flatMap((chunk) => (chunk.choices[0]?.delta['reasoning_details'] as unknown[] | undefined) ?? []);
    const signature = (details.at(-1) as { signature?: string }).signature;
    expect(signature).toMatch(/^Eq/);

    const assistant = { role: 'assistant', content: textOf(parts), reasoning_content: reasoning, reasoning_details: details };
    await collect(
      await streamParts(chatCall({ reasoning_effort: 'medium', messages: [{ role: 'user', content: 'Hi' }, assistant, { role: 'user', content: 'Go on' }] })),
    );
    expect((fake.lastMessagesBody()['messages'] as Array<{ content: unknown[] }>)[1]?.content[0]).toEqual({ type: 'thinking', thinking: reasoning, signature });
  });

  it('ends with an in-band error part of the right class when the first event is an error', async () => {
    fake.onMessages = () => ({ kind: 'in-band-error-first', error: { type: 'overloaded_error', message: 'Overloaded' } });
    const parts = await collect(await streamParts(chatCall({})));
    expect(parts).toHaveLength(1);
    expect(lastError(parts)).toMatchObject({ kind: 'in-band', errorClass: 'overloaded', status: 529, retryable: true, message: 'Overloaded' });
  });

  it('ends with an in-band error part after some text, and no done part', async () => {
    fake.onMessages = () => ({ kind: 'in-band-error-after', deltas: 2, error: { type: 'api_error', message: 'Internal server error' } });
    const parts = await collect(await streamParts(chatCall({})));
    expect(textOf(parts)).toBe('Hello from');
    expect(lastError(parts)).toMatchObject({ kind: 'in-band', errorClass: 'server', retryable: true });
    expect(parts.some((part) => part.type === 'done')).toBe(false);
  });

  it('ends with a retryable protocol error when the stream stops without message_stop', async () => {
    fake.onMessages = () => ({ kind: 'end-without-message-stop' });
    const parts = await collect(await streamParts(chatCall({})));
    expect(textOf(parts)).toBe(`Hello from ${model}!`);
    expect(chunksOf(parts).some((chunk) => chunk.choices[0]?.finish_reason)).toBe(false);
    expect(lastError(parts)).toMatchObject({ kind: 'protocol', errorClass: 'protocol', retryable: true, status: 502 });
  });

  it('ends with a network error part when the connection is reset mid-stream', async () => {
    fake.onMessages = () => ({ kind: 'reset-after', events: 4 });
    const parts = await collect(await streamParts(chatCall({})));
    expect(lastError(parts)).toMatchObject({ kind: 'connect', retryable: true });
  });

  it('rejects before any part when Anthropic answers the stream request with an HTTP error', async () => {
    fake.onMessages = () => ({ kind: 'error', status: 529, body: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } });
    await expect(adapter.chat(chatCall({}))).rejects.toMatchObject({ kind: 'http', status: 529, errorClass: 'overloaded', retryable: true });
  });
});

describe('AnthropicAdapter stream cancellation, pings and timeouts', () => {
  it('closes the upstream socket within 1 s of an abort, and ends with an aborted part', async () => {
    fake.onMessages = () => ({ kind: 'slow', chunks: 50, chunkDelayMs: 100 });
    const controller = new AbortController();
    const parts = await streamParts(chatCall({}, controller.signal));
    const iterator = parts[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ type: 'chunk' });
    const index = fake.messageRequests().at(-1)?.index ?? -1;
    const abortedAt = performance.now();
    controller.abort();
    const rest: StreamPart[] = [];
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) rest.push(next.value);
    expect(lastError(rest)).toMatchObject({ kind: 'aborted', errorClass: 'cancelled' });
    const closedAt = await fake.waitForRequestClose(index, 1000);
    expect(closedAt - abortedAt).toBeLessThan(1000);
    expect(fake.requestState(index).completed).toBe(false);
  });

  it('closes the upstream socket when the caller stops reading', async () => {
    fake.onMessages = () => ({ kind: 'slow', chunks: 50, chunkDelayMs: 100 });
    const parts = await streamParts(chatCall({}));
    for await (const part of parts) {
      expect(part.type).toBe('chunk');
      break;
    }
    const index = fake.messageRequests().at(-1)?.index ?? -1;
    await fake.waitForRequestClose(index, 1000);
    expect(fake.requestState(index).completed).toBe(false);
  });

  it('never turns pings into chunks: a ping-only stream yields nothing until it is aborted', async () => {
    fake.onMessages = () => ({ kind: 'stall-after-headers', pingEveryMs: 40, maxMs: 5000 });
    const controller = new AbortController();
    const iterator = (await streamParts(chatCall({}, controller.signal)))[Symbol.asyncIterator]();
    const first = iterator.next();
    const quiet = await Promise.race([first.then(() => 'part'), new Promise((resolve) => setTimeout(() => resolve('quiet'), 400))]);
    expect(quiet).toBe('quiet');
    expect(fake.requestState(fake.messageRequests().at(-1)?.index ?? -1).writes).toBeGreaterThan(3);
    controller.abort();
    expect((await first).value).toMatchObject({ type: 'error', error: { kind: 'aborted' } });
  });

  it('turns silence after the headers into a timeout part, and before the headers into a rejection', async () => {
    const impatient = new AnthropicAdapter({
      id: 'anthropic',
      baseUrl: fake.baseUrl,
      apiKey: () => fakeAnthropicKey,
      timeouts: { connectMs: 1000, headersMs: 300, bodyIdleMs: 300 },
    });
    fake.onMessages = () => ({ kind: 'stall-after-headers', maxMs: 5000 });
    expect(lastError(await collect(await streamParts(chatCall({}), impatient)))).toMatchObject({ kind: 'timeout', errorClass: 'timeout', retryable: true });
    fake.onMessages = () => ({ kind: 'stall-before-headers' });
    await expect(impatient.chat(chatCall({}))).rejects.toMatchObject({ kind: 'timeout', status: 504 });
    await impatient.close();
  });
});

describe("the fake streams Anthropic's event sequence", () => {
  it('sends message_start, block start, ping, deltas, block stop, message_delta and message_stop as named SSE events', async () => {
    const response = await fetch(`${fake.baseUrl}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': fakeAnthropicKey, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify({ model, max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'Hi' }] }),
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(new TextDecoder().decode(bytes)).toMatch(/^event: message_start\ndata: \{"type":"message_start",.*\}\n\nevent: content_block_start\n/s);
    const parser = new SseParser();
    const events = [...parser.push(bytes), ...parser.end()];
    expect(events.map((event) => event.event)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const data = events.map((event) => JSON.parse(event.data) as Record<string, unknown>);
    expect(data.map((entry) => entry['type'])).toEqual(events.map((event) => event.event));
    expect(data[0]).toMatchObject({
      type: 'message_start',
      message: { type: 'message', role: 'assistant', content: [], stop_reason: null, usage: { input_tokens: 11, output_tokens: 1 } },
    });
    expect(data[7]).toEqual({ type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 3 } });
  });
});
