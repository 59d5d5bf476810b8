// The fake OpenAI speaks the Responses API as the official SDK parses it: streamed and non-streamed answers, the
// responses.stream() helper's finalResponse(), tool calls, stored responses (GET, DELETE, previous_response_id),
// HTTP errors as OpenAI.APIError, and in-band failures. The last tests read the fake through readResponsesStream, the
// gateway's own reader, so the fake and the reader are checked against each other and against the SDK.
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeOpenAI, defaultResponsesScenario, rateLimited } from '../../../../test/fakes/openai-fake.js';
import { UpstreamClient, cloudTimeouts } from '../http.js';
import type { StreamPart } from '../types.js';
import { readResponsesStream } from './responses-stream.js';

const key = 'sk-fake-responses-key-1234567890';
let fake: FakeOpenAI;
let client: OpenAI;

beforeAll(async () => {
  fake = await FakeOpenAI.start({ apiKey: key });
  client = new OpenAI({ apiKey: key, baseURL: fake.baseUrl, maxRetries: 0 });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.onResponses = defaultResponsesScenario;
});

const weatherTool = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'Weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  strict: true,
};

describe('the fake OpenAI Responses API', () => {
  it('answers a non-streamed request with a completed Response the SDK reads (output_text, usage)', async () => {
    const response = await client.responses.create({ model: 'gpt-4.1', input: 'Say hello' });
    expect(response.id).toMatch(/^resp_[0-9a-f]{50}$/);
    expect([response.object, response.status, response.model, response.output_text]).toEqual(['response', 'completed', 'gpt-4.1', 'Hello from gpt-4.1!']);
    expect(response.output[0]).toMatchObject({ type: 'message', role: 'assistant', status: 'completed', id: expect.stringMatching(/^msg_/) });
    expect(response.usage).toEqual({
      input_tokens: 11,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 3,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 14,
    });
    expect(fake.responsesRequests()).toHaveLength(1);
  });

  it("streams the events in OpenAI's order with monotonic sequence numbers and `event:` lines", async () => {
    const stream = await client.responses.create({ model: 'gpt-4.1', input: 'Say hello', stream: true });
    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    expect(events.map((event) => event.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_event, index) => index));
    const raw = await fetch(`${fake.baseUrl}/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4.1', input: 'Hi', stream: true }),
    });
    expect(raw.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(
      (await raw.text())
        .split('\n\n')
        .filter(Boolean)
        .every((frame) => /^event: response\.[a-z_.]+\ndata: \{"type":"response\.[a-z_.]+","sequence_number":\d+,/.test(frame)),
    ).toBe(true);
  });

  it('serves the responses.stream() helper: text deltas as they come, and finalResponse()', async () => {
    const deltas: string[] = [];
    const stream = client.responses.stream({ model: 'gpt-4o-mini', input: 'Say hello' }).on('response.output_text.delta', (event) => deltas.push(event.delta));
    const final = await stream.finalResponse();
    expect(deltas).toEqual(['Hello', ' from', ' gpt-4o-mini!']);
    // finalResponse() is the accumulated snapshot, checked against response.completed (no output_text helper here)
    expect(final.status).toBe('completed');
    expect(final.output[0]).toMatchObject({ type: 'message', content: [{ type: 'output_text', text: 'Hello from gpt-4o-mini!', annotations: [] }] });
  });

  it("calls a function tool when the last input item is the user's, and answers in text after the tool output", async () => {
    const call = await client.responses.create({ model: 'gpt-4.1', input: [{ role: 'user', content: 'Weather in Paris?' }], tools: [weatherTool] });
    const item = call.output[0];
    expect(item).toMatchObject({
      type: 'function_call',
      status: 'completed',
      name: 'get_weather',
      arguments: '{"city":"Paris"}',
      call_id: expect.stringMatching(/^call_/),
      id: expect.stringMatching(/^fc_/),
    });
    const callId = item?.type === 'function_call' ? item.call_id : '';
    const after = await client.responses.create({
      model: 'gpt-4.1',
      input: [
        { role: 'user', content: 'Weather in Paris?' },
        { type: 'function_call_output', call_id: callId, output: '18°C' },
      ],
      tools: [weatherTool],
    });
    expect(after.output_text).toBe('Hello from gpt-4.1!');
    const streamed = await client.responses.stream({ model: 'gpt-4.1', input: 'Weather in Paris?', tools: [weatherTool] }).finalResponse();
    expect(streamed.output[0]).toMatchObject({ type: 'function_call', arguments: '{"city":"Paris"}' });
  });

  it('streams a reasoning summary before the message when told to', async () => {
    fake.onResponses = () => ({ kind: 'reply', reasoning: 'Thinking it over.', text: 'Done.' });
    const final = await client.responses.stream({ model: 'o4-mini', input: 'Think' }).finalResponse();
    expect(final.output.map((item) => item.type)).toEqual(['reasoning', 'message']);
    expect(final.output[0]).toMatchObject({ summary: [{ type: 'summary_text', text: 'Thinking it over.' }] });
    expect(final.usage?.output_tokens_details.reasoning_tokens).toBe(3);
  });

  it("surfaces an HTTP error as OpenAI.APIError with OpenAI's status, code and headers", async () => {
    fake.onResponses = () => rateLimited({ model: 'gpt-4.1' });
    const error: unknown = await client.responses.create({ model: 'gpt-4.1', input: 'Hi' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error).toMatchObject({ status: 429, code: 'rate_limit_exceeded', type: 'requests' });
    expect((error as InstanceType<typeof OpenAI.APIError>).headers?.get('retry-after')).toBe('20');
  });

  it('stores what it answers: GET returns it, DELETE removes it, previous_response_id must name one', async () => {
    const first = await client.responses.create({ model: 'gpt-4.1', input: 'Hi' });
    expect(await client.responses.retrieve(first.id)).toMatchObject({ id: first.id, status: 'completed', output_text: 'Hello from gpt-4.1!' });
    const next = await client.responses.create({ model: 'gpt-4.1', input: 'Again', previous_response_id: first.id });
    expect(next.previous_response_id).toBe(first.id);
    const deleted = await fetch(`${fake.baseUrl}/responses/${first.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${key}` } });
    expect(await deleted.json()).toEqual({ id: first.id, object: 'response.deleted', deleted: true });
    const missing: unknown = await client.responses.retrieve(first.id).catch((caught: unknown) => caught);
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    expect(missing).toMatchObject({ status: 404, message: `404 Response with id '${first.id}' not found.`, type: 'invalid_request_error' });
    const orphan: unknown = await client.responses.create({ model: 'gpt-4.1', input: 'Hi', previous_response_id: first.id }).catch((caught: unknown) => caught);
    expect(orphan).toBeInstanceOf(OpenAI.BadRequestError);
    expect(orphan).toMatchObject({
      status: 400,
      code: 'previous_response_not_found',
      param: 'previous_response_id',
      message: `400 Previous response with id '${first.id}' not found.`,
    });
    const unstored = await client.responses.create({ model: 'gpt-4.1', input: 'Hi', store: false });
    expect(await client.responses.retrieve(unstored.id).catch((caught: { status?: number }) => caught.status)).toBe(404);
  });

  it('fails in-band: response.failed after created/in_progress, or an `error` event the SDK throws as APIError', async () => {
    fake.onResponses = () => ({ kind: 'failed-first', error: { code: 'server_error', message: 'The model failed.' } });
    const types: string[] = [];
    let failed: OpenAI.Responses.ResponseFailedEvent | undefined;
    for await (const event of await client.responses.create({ model: 'gpt-4.1', input: 'Hi', stream: true })) {
      types.push(event.type);
      if (event.type === 'response.failed') failed = event;
    }
    expect(types).toEqual(['response.created', 'response.in_progress', 'response.failed']);
    expect(failed?.response).toMatchObject({ status: 'failed', error: { code: 'server_error', message: 'The model failed.' } });
    fake.onResponses = () => ({
      kind: 'failed-first',
      errorEvent: 'nested',
      error: { code: 'insufficient_quota', message: 'You exceeded your current quota.' },
    });
    const thrown: unknown = await (async () => {
      for await (const _event of await client.responses.create({ model: 'gpt-4.1', input: 'Hi', stream: true })) void _event;
    })().catch((caught: unknown) => caught);
    expect(thrown).toBeInstanceOf(OpenAI.APIError);
    expect(thrown).toMatchObject({ code: 'insufficient_quota', type: 'insufficient_quota' });
  });
});

describe('the fake OpenAI Responses API through readResponsesStream', () => {
  async function readFake(body: Record<string, unknown>): Promise<StreamPart[]> {
    const upstream = new UpstreamClient('openai', fake.baseUrl, cloudTimeouts);
    try {
      const signal = new AbortController().signal;
      const response = await upstream.request({
        method: 'POST',
        path: '/responses',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal,
      });
      const parts: StreamPart[] = [];
      for await (const part of readResponsesStream('openai', fake.baseUrl, response, signal)) parts.push(part);
      return parts;
    } finally {
      await upstream.close();
    }
  }

  it('reads a streamed answer into content chunks, usage and done, with every event frame passed through', async () => {
    const parts = await readFake({ model: 'gpt-4.1', input: 'Hi', stream: true });
    expect(parts.map((part) => part.type)).toEqual(['chunk', 'chunk', 'chunk', 'chunk', 'done']);
    const text = parts.flatMap((part) => (part.type === 'chunk' ? [part.chunk.choices[0]?.delta.content ?? ''] : [])).join('');
    expect(text).toBe('Hello from gpt-4.1!');
    const final = parts[3];
    expect(final?.type === 'chunk' ? final.chunk.usage : undefined).toMatchObject({ prompt_tokens: 11, completion_tokens: 3, total_tokens: 14 });
    const frames = parts.flatMap((part) => part.nativeFrames ?? []);
    expect(frames.map((frame) => /^event: (\S+)/.exec(frame)?.[1])).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
  });

  it('reads `failed-after` as content, then a retryable error; `end-without-completed` as a protocol error', async () => {
    fake.onResponses = () => ({ kind: 'failed-after', contentDeltas: 2 });
    const failed = await readFake({ model: 'gpt-4.1', input: 'Hi', stream: true });
    expect(failed.map((part) => part.type)).toEqual(['chunk', 'chunk', 'error']);
    expect(failed.at(-1)).toMatchObject({ type: 'error', error: { errorClass: 'server', retryable: true, code: 'server_error' } });
    fake.onResponses = () => ({ kind: 'end-without-completed' });
    const truncated = await readFake({ model: 'gpt-4.1', input: 'Hi', stream: true });
    expect(truncated.at(-1)).toMatchObject({ type: 'error', error: { kind: 'protocol' } });
  });
});
