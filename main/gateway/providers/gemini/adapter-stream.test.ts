// GeminiAdapter streams against the fake Gemini over real loopback HTTP: chunks, thoughts, tool calls, signatures,
// in-band error frames, streams without a finishReason, resets, timeouts, and that an abandoned stream really
// closes its upstream socket.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chatRequestSchema } from '../../../../shared/openai-schema.js';
import type { ChatCompletionChunk } from '../../../../shared/openai-types.js';
import { GeminiFake, googleStatus, rateLimited, type GeminiScenario } from '../../../../test/fakes/gemini-fake.js';
import type { ProviderError } from '../errors.js';
import type { ChatCall, StreamPart } from '../types.js';
import { GeminiAdapter } from './adapter.js';

const key = 'gm-stream-key-0a1b2c3d4e5f';
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
  fake.lineEnding = '\r\n';
});

function chatCall(request: Record<string, unknown>, upstreamModel = 'gemini-2.0-flash', signal = new AbortController().signal): ChatCall {
  const parsed = chatRequestSchema.parse({ model: `gemini/${upstreamModel}`, messages: [{ role: 'user', content: 'Hi' }], stream: true, ...request });
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

const run = async (request: Record<string, unknown>, model?: string): Promise<StreamPart[]> => collect(await streamParts(chatCall(request, model)));
const chunksOf = (parts: StreamPart[]): ChatCompletionChunk[] => parts.flatMap((part) => (part.type === 'chunk' ? [part.chunk] : []));
const textOf = (parts: StreamPart[], field: 'content' | 'reasoning_content' = 'content'): string =>
  chunksOf(parts)
    .map((chunk) => chunk.choices[0]?.delta[field] ?? '')
    .join('');
const script = (scenario: GeminiScenario): void => {
  fake.onGenerate = () => scenario;
};

function lastError(parts: StreamPart[]): ProviderError {
  const last = parts.at(-1);
  if (last?.type !== 'error') throw new Error(`expected the stream to end with an error, got ${JSON.stringify(last)}`);
  return last.error;
}

const weatherTool = { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } };

describe('GeminiAdapter.chat (stream)', () => {
  it('asks for SSE and streams role, text, finish, usage, then done', async () => {
    script({ kind: 'reply', text: 'Hello from the fake', usage: { promptTokenCount: 12, candidatesTokenCount: 4 } });
    const parts = await run({});
    const sent = fake.generateRequests().at(-1);
    expect(sent?.path).toBe('/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse');
    expect(sent?.headers['accept']).toBe('text/event-stream');
    expect(sent?.headers['x-goog-api-key']).toBe(key);
    expect(parts.at(-1)).toEqual({ type: 'done' });
    const chunks = chunksOf(parts);
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '' });
    expect(textOf(parts)).toBe('Hello from the fake');
    expect(chunks.at(-2)?.choices[0]).toEqual({ index: 0, delta: {}, finish_reason: 'stop', native_finish_reason: 'STOP' });
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 12, completion_tokens: 4, total_tokens: 16 } });
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
  });

  it("reads LF-framed streams as well as Google's CRLF ones", async () => {
    fake.lineEnding = '\n';
    const parts = await run({});
    expect(textOf(parts)).toBe('Hello from gemini-2.0-flash!');
    expect(parts.at(-1)).toEqual({ type: 'done' });
  });

  it('streams thoughts as reasoning_content and thinking tokens as output', async () => {
    const parts = await run({ reasoning_effort: 'low' }, 'gemini-2.5-flash');
    expect(fake.lastGenerateBody()['generationConfig']).toEqual({ thinkingConfig: { thinkingBudget: 1024, includeThoughts: true } });
    expect(textOf(parts, 'reasoning_content')).toBe('The user wants a reply from gemini-2.5-flash.');
    expect(textOf(parts)).toBe('Hello from gemini-2.5-flash!');
    // the fake counts 7 thought pieces + 24 hidden thinking tokens, and 3 visible pieces
    expect(chunksOf(parts).at(-1)?.usage).toMatchObject({ completion_tokens: 34, completion_tokens_details: { reasoning_tokens: 31 } });
  });

  it('streams a tool call whole, with its signature, and finishes with tool_calls', async () => {
    const parts = await run({ tools: [weatherTool] }, 'gemini-3-pro-preview');
    const calls = chunksOf(parts).flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
    expect(calls).toEqual([
      {
        index: 0,
        id: expect.stringMatching(/^call_/),
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
        extra_content: { google: { thought_signature: expect.any(String) } },
      },
    ]);
    expect(chunksOf(parts).at(-2)?.choices[0]?.finish_reason).toBe('tool_calls');
    expect(parts.at(-1)).toEqual({ type: 'done' });
  });

  it("streams several calls with running indices and Gemini's own ids where it sends them", async () => {
    script({
      kind: 'reply',
      functionCalls: [
        { name: 'a', args: {} },
        { name: 'b', args: { x: 1 }, id: 'fc-b' },
      ],
    });
    const calls = chunksOf(await run({ tools: [weatherTool] })).flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
    expect(calls.map((call) => [call.index, call.id?.startsWith('call_') ? 'call_…' : call.id, call.function?.arguments])).toEqual([
      [0, 'call_…', '{}'],
      [1, 'fc-b', '{"x":1}'],
    ]);
  });

  it('streams a blocked prompt as a content_filter finish, not an error', async () => {
    script({ kind: 'blocked', blockReason: 'PROHIBITED_CONTENT' });
    const parts = await run({});
    expect(chunksOf(parts).find((chunk) => chunk.choices[0]?.finish_reason)?.choices[0]).toEqual({
      index: 0,
      delta: {},
      finish_reason: 'content_filter',
      native_finish_reason: 'PROHIBITED_CONTENT',
    });
    expect(parts.at(-1)).toEqual({ type: 'done' });
  });

  it('ends with an in-band error part when Gemini sends an error frame mid-stream', async () => {
    script({
      kind: 'stream-error',
      afterFrames: 2,
      text: 'one two three',
      error: googleStatus(503, 'The model is overloaded. Please try again later.', 'UNAVAILABLE'),
    });
    const parts = await run({});
    expect(textOf(parts)).toBe('one two');
    expect(lastError(parts)).toMatchObject({
      kind: 'in-band',
      errorClass: 'overloaded',
      retryable: true,
      message: 'The model is overloaded. Please try again later.',
    });
    expect(parts.filter((part) => part.type === 'done')).toHaveLength(0);
  });

  it('classifies an error frame that carries RetryInfo', async () => {
    const body = rateLimited('3s').body as { error: ReturnType<typeof googleStatus> };
    script({ kind: 'stream-error', afterFrames: 0, error: body.error });
    expect(lastError(await run({}))).toMatchObject({ kind: 'in-band', errorClass: 'rate_limit', retryAfterMs: 3000 });
  });

  it('rejects before any chunk when Gemini fails before the stream starts', async () => {
    script(rateLimited('5s'));
    await expect(adapter.chat(chatCall({}))).rejects.toMatchObject({ kind: 'http', status: 429, errorClass: 'rate_limit', retryAfterMs: 5000 });
  });

  it('ends with a retryable protocol error when the stream stops without a finishReason', async () => {
    script({ kind: 'no-finish', text: 'cut short' });
    const parts = await run({});
    expect(textOf(parts)).toBe('cut short');
    expect(lastError(parts)).toMatchObject({ kind: 'protocol', errorClass: 'protocol', retryable: true, status: 502 });
  });

  it('ends with a network error part when the connection is reset mid-stream', async () => {
    script({ kind: 'reset-after', afterFrames: 1, text: 'one two three' });
    const parts = await run({});
    expect(lastError(parts)).toMatchObject({ kind: 'connect', retryable: true });
  });

  it('ends with a protocol error when a frame is not JSON', async () => {
    script({ kind: 'raw', writes: ['data: {"candidates":[{"content":{"parts":[{"text":"ok"}]},"index":0}]}\r\n\r\n', 'data: {not json\r\n\r\n'] });
    const parts = await run({});
    expect(textOf(parts)).toBe('ok');
    expect(lastError(parts)).toMatchObject({ kind: 'protocol', retryable: false });
  });

  it('delivers slow frames as they come', async () => {
    script({ kind: 'reply', text: 'a b c d', frameDelayMs: 60 });
    const started = performance.now();
    const arrivals: number[] = [];
    for await (const part of await streamParts(chatCall({})))
      if (part.type === 'chunk' && part.chunk.choices[0]?.delta.content) arrivals.push(performance.now() - started);
    expect(arrivals).toHaveLength(4);
    expect((arrivals[3] ?? 0) - (arrivals[0] ?? 0)).toBeGreaterThanOrEqual(150);
  });
});

describe('GeminiAdapter stream cancellation and timeouts', () => {
  it('closes the upstream socket within 1 s of the caller aborting mid-stream, and ends with an aborted part', async () => {
    script({ kind: 'reply', text: Array.from({ length: 50 }, (_, index) => `word${index}`).join(' '), frameDelayMs: 100 });
    const controller = new AbortController();
    const parts = await streamParts(chatCall({}, 'gemini-2.0-flash', controller.signal));
    const iterator = parts[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ type: 'chunk' });
    const index = fake.generateRequests().at(-1)?.index ?? -1;
    const abortedAt = performance.now();
    controller.abort();
    const rest: StreamPart[] = [];
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) rest.push(next.value);
    expect(lastError(rest)).toMatchObject({ kind: 'aborted', errorClass: 'cancelled' });
    const closedAt = await fake.waitForRequestClose(index, 2000);
    expect(closedAt - abortedAt).toBeLessThan(1000);
    expect(fake.requestState(index).completed).toBe(false);
  });

  it('closes the upstream socket when the caller stops reading', async () => {
    script({ kind: 'reply', text: Array.from({ length: 50 }, (_, index) => `word${index}`).join(' '), frameDelayMs: 100 });
    for await (const part of await streamParts(chatCall({}))) {
      expect(part.type).toBe('chunk');
      break;
    }
    const index = fake.generateRequests().at(-1)?.index ?? -1;
    const stoppedAt = performance.now();
    expect((await fake.waitForRequestClose(index, 2000)) - stoppedAt).toBeLessThan(1000);
  });

  it('turns silence before the headers into a timeout rejection', async () => {
    const impatient = new GeminiAdapter({
      id: 'gemini',
      baseUrl: fake.baseUrl,
      apiKey: () => key,
      timeouts: { connectMs: 1000, headersMs: 300, bodyIdleMs: 300 },
    });
    script({ kind: 'stall-before-headers' });
    await expect(impatient.chat(chatCall({}))).rejects.toMatchObject({ kind: 'timeout', status: 504, retryable: true });
    script({ kind: 'raw', writes: ['data: {"candidates":[{"content":{"parts":[{"text":"ok"}]},"index":0}]}\r\n\r\n'], end: 'hold' });
    expect(lastError(await collect(await streamParts(chatCall({}), impatient)))).toMatchObject({ kind: 'timeout', retryable: true });
    await impatient.close();
  });

  it('reuses the connection after a finished stream', async () => {
    await run({});
    const sockets = fake.openSockets();
    await run({});
    await run({});
    expect(fake.openSockets()).toBe(sockets);
  });
});
