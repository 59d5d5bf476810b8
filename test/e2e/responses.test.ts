// POST /v1/responses end to end: a running `switchyard serve` with fake upstreams, driven over loopback with plain
// fetch (the answer's bytes and headers as a client gets them). Covers the passthrough to a provider that serves the
// Responses API itself (byte for byte), the translation to a chat-only provider (bracketed events, usage, cost), the
// failures before and after the first byte, truncation, client abort, the ledger, custom and hosted tools, stored
// responses, Claude's signed reasoning across a tool loop, and bad input.
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBracketed } from '../../main/gateway/dialects/openai/responses/bracket-check.js';
import { FakeAnthropic, fakeAnthropicKey } from '../fakes/anthropic-fake.js';
import { FakeOpenAI, defaultResponsesScenario, invalidApiKey, invalidRequest, serverError, type RecordedRequest, type Scenario } from '../fakes/openai-fake.js';
import { LedgerReader, type LedgerRow } from '../support/ledger-reader.js';
import { runCli, startServe, type ServeProcess } from '../support/serve-process.js';

const providerKey = 'sk-proj-RESPONSESKEY0123456789abcdefABCDEF';
const patch = '*** Begin Patch\n*** Add File: hello.txt\n+Hello, world!\n*** End Patch';
const grammar = 'start: begin_patch hunk+ end_patch\nbegin_patch: "*** Begin Patch" LF\nend_patch: "*** End Patch" LF?';

type Json = Record<string, unknown>;

let openaiFake: FakeOpenAI;
let backupFake: FakeOpenAI;
let anthropicFake: FakeAnthropic;
let serve: ServeProcess;
let ledger: LedgerReader;

beforeAll(async () => {
  openaiFake = await FakeOpenAI.start({ apiKey: providerKey });
  backupFake = await FakeOpenAI.start();
  anthropicFake = await FakeAnthropic.start();
  serve = await startServe({
    config: {
      providers: [
        // the openai preset: serves the Responses API itself, so requests are forwarded as written
        { id: 'openai', base_url: openaiFake.baseUrl },
        // the same upstream through chat completions only; priced as OpenAI's (preset openai)
        { id: 'chatonly', preset: 'openai', base_url: openaiFake.baseUrl, responses_api: false, locality: 'cloud' },
        { id: 'backup', type: 'openai-compatible', base_url: backupFake.baseUrl },
        { id: 'backupnative', type: 'openai-compatible', base_url: backupFake.baseUrl, responses_api: true },
        { id: 'anthropic', preset: 'anthropic', base_url: anthropicFake.baseUrl },
      ],
      routes: {
        'native-pair': { targets: ['openai/gpt-4.1', 'backupnative/gpt-4.1'] },
        'chat-pair': { targets: ['chatonly/gpt-4o-mini', 'backup/gpt-4o-mini'] },
        mixed: { targets: ['chatonly/gpt-4o-mini', 'openai/gpt-4o-mini'] },
      },
      routing: { num_retries: 0, allowed_fails: 1_000, auto_offline: false },
      ledger: { price_refresh: false },
    },
    env: { OPENAI_API_KEY: providerKey, ANTHROPIC_API_KEY: fakeAnthropicKey },
  });
  ledger = LedgerReader.open(serve.dataDir);
});

afterAll(async () => {
  ledger?.close();
  await serve?.stop();
  await openaiFake?.close();
  await backupFake?.close();
  await anthropicFake?.close();
});

afterEach(() => {
  for (const fake of [openaiFake, backupFake]) {
    fake.onChat = () => ({ kind: 'reply' });
    fake.onResponses = defaultResponsesScenario;
  }
  anthropicFake.onMessages = () => ({ kind: 'reply' });
});

// ---------------------------------------------------------------------------------------------------------
// Helpers

function post(body: unknown, options: { token?: string; signal?: AbortSignal } = {}): Promise<Response> {
  return fetch(`${serve.baseUrl}/responses`, {
    method: 'POST',
    headers: { authorization: `Bearer ${options.token ?? serve.token}`, 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

function get(path: string, token = serve.token, method = 'GET'): Promise<Response> {
  return fetch(`${serve.baseUrl}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
}

async function json(response: Response): Promise<Json> {
  const text = await response.text();
  try {
    return JSON.parse(text) as Json;
  } catch {
    throw new Error(`not JSON (${response.status}): ${text.slice(0, 500)}`);
  }
}

/** The data of every SSE frame, parsed. */
function events(body: string): Json[] {
  return body
    .split('\n\n')
    .map((frame) =>
      frame
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(line.startsWith('data: ') ? 6 : 5))
        .join('\n'),
    )
    .filter((data) => data !== '')
    .map((data) => JSON.parse(data) as Json);
}

const types = (list: readonly Json[]): string[] => list.map((event) => String(event['type']));
const deltaText = (list: readonly Json[]): string =>
  list
    .filter((event) => event['type'] === 'response.output_text.delta')
    .map((event) => String(event['delta']))
    .join('');
const terminal = (list: readonly Json[]): Json => list.at(-1) as Json;
const responseOf = (event: Json | undefined): Json => (event?.['response'] ?? {}) as Json;

function outputText(response: Json): string {
  const output = (response['output'] ?? []) as Json[];
  return output
    .filter((item) => item['type'] === 'message')
    .flatMap((item) => item['content'] as Json[])
    .filter((part) => part['type'] === 'output_text')
    .map((part) => String(part['text']))
    .join('');
}

function expectOpenAIError(body: Json, param?: string | null): Json {
  const error = body['error'] as Json;
  expect(error, JSON.stringify(body)).toBeDefined();
  expect(Object.keys(error).sort()).toEqual(['code', 'message', 'param', 'type']);
  expect(typeof error['message']).toBe('string');
  expect(typeof error['type']).toBe('string');
  if (param !== undefined) expect(error['param'], JSON.stringify(error)).toBe(param);
  return error;
}

const lastChat = (fake: FakeOpenAI): RecordedRequest => fake.chatRequests().at(-1) as RecordedRequest;
const lastResponses = (fake: FakeOpenAI): RecordedRequest => fake.responsesRequests().at(-1) as RecordedRequest;
const chatBody = (request: RecordedRequest | undefined): Json => (request?.body ?? {}) as Json;
const chatMessages = (request: RecordedRequest | undefined): Json[] => (chatBody(request)['messages'] ?? []) as Json[];

/** The ledger row of the request whose x-switchyard-request-id is `id`, once it is final. */
async function finalRow(id: string | null): Promise<LedgerRow> {
  expect(id).toBeTruthy();
  const deadline = performance.now() + 5_000;
  for (;;) {
    const row = ledger.rows().find((candidate) => candidate.id === id);
    if (row && row.status !== 'in_flight') return row;
    if (performance.now() > deadline) throw new Error(`ledger: row ${String(id)} not final: ${JSON.stringify(row)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Reads a streamed body until `predicate` holds for the text so far. */
async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, predicate: (text: string) => boolean): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  while (!predicate(text)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the stream ended before the condition held:\n${text}`);
    text += decoder.decode(value, { stream: true });
  }
  return text;
}

const toolThenAnswer =
  (name: string, args: unknown, answer: string) =>
  (request: RecordedRequest): Scenario =>
    chatMessages(request).some((message) => message['role'] === 'tool')
      ? { kind: 'reply', content: answer }
      : { kind: 'reply', toolCalls: [{ name, arguments: JSON.stringify(args) }] };

// ---------------------------------------------------------------------------------------------------------

describe('passthrough to a provider that serves the Responses API', () => {
  it('non-stream: the upstream gets the client bytes with only model replaced; the client gets the upstream bytes', async () => {
    openaiFake.onResponses = () => ({ kind: 'reply', text: 'A native answer, passed through.' });
    // odd spacing and key order, an unknown field, unicode: all must arrive exactly as sent
    const sent = '{ "input" : "Say hi — ünïcode",\n  "model":"openai/gpt-4.1", "metadata": {"k": "v"}, "x_unknown_field": [1, 2.50, true],"temperature":0.5 }';
    const response = await post(sent);
    const text = await response.text();
    expect(response.status, text).toBe(200);
    const upstream = lastResponses(openaiFake);
    expect(upstream.rawBody.toString('utf8')).toBe(sent.replace('"openai/gpt-4.1"', '"gpt-4.1"'));
    expect(text).toBe(openaiFake.responses.responseText(upstream.index));
    expect(outputText(JSON.parse(text) as Json)).toBe('A native answer, passed through.');
    expect(response.headers.get('x-switchyard-provider')).toBe('openai');
    expect(response.headers.get('x-switchyard-model')).toBe('gpt-4.1');
    expect(upstream.headers.authorization).toBe(`Bearer ${providerKey}`);
  });

  it('stream: the upstream gets the client bytes with only model replaced; the SSE bytes are the upstream frames', async () => {
    openaiFake.onResponses = () => ({ kind: 'reply', text: 'A streamed native answer, passed through.', reasoning: 'Thinking it over.' });
    const sent =
      '{"model":"openai/gpt-4.1","stream":true,"input":[{"role":"user","content":[{"type":"input_text","text":"Hi"}]}],"reasoning":{"effort":"low","summary":"auto"}}';
    const response = await post(sent);
    const body = await response.text();
    expect(response.status, body).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const upstream = lastResponses(openaiFake);
    expect(upstream.rawBody.toString('utf8')).toBe(sent.replace('"openai/gpt-4.1"', '"gpt-4.1"'));
    const written = openaiFake.responses.responseText(upstream.index);
    expect(written).toContain('response.completed');
    expect(body).toBe(written);
    expect(deltaText(events(body))).toBe('A streamed native answer, passed through.');
  });

  it('a turn continued from our store: the upstream gets the conversation spelt out, the client its previous_response_id', async () => {
    openaiFake.onResponses = () => ({ kind: 'reply', text: 'First native answer.' });
    const first = await json(await post({ model: 'openai/gpt-4.1', input: 'Remember: plum.' }));
    openaiFake.onResponses = () => ({ kind: 'reply', text: 'Plum.' });
    const second = await json(await post({ model: 'openai/gpt-4.1', input: 'Which fruit?', previous_response_id: first['id'] }));
    const upstream = JSON.parse(lastResponses(openaiFake).rawBody.toString('utf8')) as Json;
    expect(upstream['previous_response_id']).toBeUndefined();
    expect(JSON.stringify(upstream['input'])).toContain('Remember: plum.');
    expect(second['previous_response_id']).toBe(first['id']);
    expect((await json(await get(`/responses/${String(second['id'])}`)))['previous_response_id']).toBe(first['id']);

    const streamed = await post({ model: 'openai/gpt-4.1', input: 'And again?', previous_response_id: second['id'], stream: true });
    const list = events(await streamed.text());
    const carrying = list.filter((event) => typeof event['response'] === 'object');
    expect(carrying.map((event) => event['type'])).toEqual(expect.arrayContaining(['response.created', 'response.completed']));
    for (const event of carrying) expect(responseOf(event)['previous_response_id'], String(event['type'])).toBe(second['id']);
  });
});

describe('translated to a chat-only provider', () => {
  const usage = { promptTokens: 1234, completionTokens: 567, cachedTokens: 200, reasoningTokens: 50 };

  it('stream: well-bracketed events, the fake text, usage with its details and cost; the ledger row agrees', async () => {
    openaiFake.onChat = () => ({ kind: 'reply', content: 'Translated answer, word by word.', usage });
    const response = await post({ model: 'chatonly/gpt-4o-mini', input: 'Say something', stream: true });
    const body = await response.text();
    expect(response.status, body).toBe(200);
    const list = events(body);
    assertBracketed(list);
    expect(types(list)[0]).toBe('response.created');
    expect(deltaText(list)).toBe('Translated answer, word by word.');
    const completed = terminal(list);
    expect(completed['type']).toBe('response.completed');
    const reported = responseOf(completed)['usage'] as Json;
    expect(reported).toMatchObject({
      input_tokens: 1234,
      input_tokens_details: { cached_tokens: 200 },
      output_tokens: 567,
      output_tokens_details: { reasoning_tokens: 50 },
      total_tokens: 1234 + 567,
    });
    const upstream = chatBody(lastChat(openaiFake));
    expect(upstream['stream_options']).toEqual({ include_usage: true });
    const row = await finalRow(response.headers.get('x-switchyard-request-id'));
    expect(row.cost_usd).toBeGreaterThan(0);
    expect(reported['cost'], 'response.completed carries usage.cost of a priced model').toBe(row.cost_usd);
  });

  it('non-stream: usage.cost equals the x-switchyard-cost-usd header and the ledger', async () => {
    openaiFake.onChat = () => ({ kind: 'reply', content: 'Translated, whole.', usage });
    const response = await post({ model: 'chatonly/gpt-4o-mini', input: 'Say something' });
    const body = await json(response);
    expect(response.status, JSON.stringify(body)).toBe(200);
    expect(outputText(body)).toBe('Translated, whole.');
    const reported = body['usage'] as Json;
    expect(reported).toMatchObject({
      input_tokens: 1234,
      input_tokens_details: { cached_tokens: 200 },
      output_tokens: 567,
      output_tokens_details: { reasoning_tokens: 50 },
    });
    const row = await finalRow(response.headers.get('x-switchyard-request-id'));
    expect(row.cost_usd).toBeGreaterThan(0);
    expect(reported['cost']).toBe(row.cost_usd);
    expect(response.headers.get('x-switchyard-cost-usd')).toBe((row.cost_usd as number).toFixed(8));
  });
});

describe('failures before the first byte', () => {
  it('a 500 from the first native target falls back to the second, invisibly', async () => {
    openaiFake.onResponses = () => serverError();
    backupFake.onResponses = () => ({ kind: 'reply', text: 'The backup answered.' });
    const response = await post({ model: 'native-pair', input: 'Hello', stream: true });
    const body = await response.text();
    expect(response.status, body).toBe(200);
    expect(response.headers.get('x-switchyard-provider')).toBe('backupnative');
    const attempts = response.headers.get('x-switchyard-attempts') ?? '';
    expect(attempts).toContain('openai/gpt-4.1=server(500)');
    expect(attempts).toContain('backupnative/gpt-4.1=ok');
    expect(body).toBe(backupFake.responses.responseText(lastResponses(backupFake).index));
    expect(types(events(body))).not.toContain('response.failed');
  });

  it('every target 401 → the client gets 401 in OpenAI shape', async () => {
    openaiFake.onResponses = () => invalidApiKey('sk-wrong-key-000000000000000000');
    backupFake.onResponses = () => invalidApiKey('sk-wrong-key-000000000000000000');
    const response = await post({ model: 'native-pair', input: 'Hello', stream: true });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toContain('application/json');
    expectOpenAIError(await json(response));
  });

  it('every target 400 → the client gets 400 with the upstream message, in OpenAI shape', async () => {
    openaiFake.onChat = () => invalidRequest('Invalid value for temperature: upstream says no.', 'temperature');
    backupFake.onChat = () => invalidRequest('Invalid value for temperature: upstream says no.', 'temperature');
    const response = await post({ model: 'chat-pair', input: 'Hello', stream: true });
    expect(response.status).toBe(400);
    const error = expectOpenAIError(await json(response));
    expect(error['message']).toContain('upstream says no');
  });

  it("native response.failed as the first event ('failed-first') → falls back", async () => {
    openaiFake.onResponses = () => ({ kind: 'failed-first' });
    backupFake.onResponses = () => ({ kind: 'reply', text: 'Backup after an in-band failure.' });
    const response = await post({ model: 'native-pair', input: 'Hello', stream: true });
    const body = await response.text();
    expect(response.status, body).toBe(200);
    expect(response.headers.get('x-switchyard-provider')).toBe('backupnative');
    expect(deltaText(events(body))).toBe('Backup after an in-band failure.');
    expect(types(events(body))).not.toContain('response.failed');
  });

  it("chat in-band error as the first event ('in-band-error-first') → falls back", async () => {
    openaiFake.onChat = () => ({ kind: 'in-band-error-first' });
    backupFake.onChat = () => ({ kind: 'reply', content: 'Chat backup answered.' });
    const response = await post({ model: 'chat-pair', input: 'Hello', stream: true });
    const body = await response.text();
    expect(response.status, body).toBe(200);
    expect(response.headers.get('x-switchyard-provider')).toBe('backup');
    expect(response.headers.get('x-switchyard-attempts')).toContain('chatonly/gpt-4o-mini=');
    const list = events(body);
    assertBracketed(list);
    expect(deltaText(list)).toBe('Chat backup answered.');
  });
});

describe('failures after the first byte', () => {
  it("native 'failed-after': the upstream's response.failed reaches the client, no response.completed; ledger error", async () => {
    openaiFake.onResponses = () => ({ kind: 'failed-after', contentDeltas: 2, text: 'one two three four five' });
    const response = await post({ model: 'openai/gpt-4.1', input: 'Hello', stream: true });
    const body = await response.text();
    expect(response.status).toBe(200);
    const list = events(body);
    expect(types(list)).not.toContain('response.completed');
    expect(terminal(list)['type']).toBe('response.failed');
    expect(body).toBe(openaiFake.responses.responseText(lastResponses(openaiFake).index));
    expect((await finalRow(response.headers.get('x-switchyard-request-id'))).status).toBe('error');
  });

  it("native 'failed-after' with an `error` event first: the client's stream ends in that failure with its code, never completed", async () => {
    openaiFake.onResponses = () => ({
      kind: 'failed-after',
      contentDeltas: 2,
      text: 'one two three four',
      errorEvent: 'nested',
      error: { code: 'context_length_exceeded', message: 'Your input exceeds the context window of this model.' },
    });
    const response = await post({ model: 'openai/gpt-4.1', input: 'Hello', stream: true });
    const list = events(await response.text());
    expect(types(list)).not.toContain('response.completed');
    const last = terminal(list);
    expect(['error', 'response.failed']).toContain(last['type']);
    const error = (last['type'] === 'error' ? last['error'] : responseOf(last)['error']) as Json;
    expect(error['code']).toBe('context_length_exceeded');
    expect((await finalRow(response.headers.get('x-switchyard-request-id'))).status).toBe('error');
  });

  const inBand: ReadonlyArray<readonly [string, string | undefined, string]> = [
    ['server_error (default)', undefined, 'server_error'],
    [
      'insufficient_quota',
      JSON.stringify({ error: { message: 'You exceeded your current quota.', type: 'insufficient_quota', code: 'insufficient_quota' } }),
      'insufficient_quota',
    ],
    ['rate limit', JSON.stringify({ error: { message: 'Rate limit reached.', type: 'rate_limit_error', code: 'rate_limit_exceeded' } }), 'rate_limit_exceeded'],
    [
      'context length',
      JSON.stringify({
        error: { message: "This model's maximum context length is 128000 tokens.", type: 'invalid_request_error', code: 'context_length_exceeded' },
      }),
      'context_length_exceeded',
    ],
  ];
  for (const [name, errorData, code] of inBand) {
    it(`chat 'in-band-error-after' (${name}) → response.failed with code ${code}; ledger error`, async () => {
      openaiFake.onChat = () => ({ kind: 'in-band-error-after', contentChunks: 2, content: 'alpha beta gamma delta', ...(errorData ? { errorData } : {}) });
      const response = await post({ model: 'chatonly/gpt-4o-mini', input: 'Hello', stream: true });
      const body = await response.text();
      expect(response.status).toBe(200);
      const list = events(body);
      assertBracketed(list);
      expect(deltaText(list)).toBe('alpha beta');
      expect(types(list)).not.toContain('response.completed');
      const failed = terminal(list);
      expect(failed['type']).toBe('response.failed');
      expect((responseOf(failed)['error'] as Json)['code']).toBe(code);
      expect((await finalRow(response.headers.get('x-switchyard-request-id'))).status).toBe('error');
    });
  }

  it("chat 'reset-after' → response.failed (server_error), not a bare close; ledger error", async () => {
    // the pause lets the chunks reach the gateway before the reset (a reset can discard unread data)
    openaiFake.onChat = () => ({ kind: 'reset-after', contentChunks: 2, content: 'alpha beta gamma delta', chunkDelayMs: 50 });
    const response = await post({ model: 'chatonly/gpt-4o-mini', input: 'Hello', stream: true });
    const body = await response.text();
    const list = events(body);
    assertBracketed(list);
    const failed = terminal(list);
    expect(failed['type']).toBe('response.failed');
    expect((responseOf(failed)['error'] as Json)['code']).toBe('server_error');
    expect((await finalRow(response.headers.get('x-switchyard-request-id'))).status).toBe('error');
  });

  it("native 'end-without-completed' → response.failed after the upstream's frames; ledger error", async () => {
    openaiFake.onResponses = () => ({ kind: 'end-without-completed', text: 'cut short here' });
    const response = await post({ model: 'openai/gpt-4.1', input: 'Hello', stream: true });
    const body = await response.text();
    const list = events(body);
    expect(types(list)).not.toContain('response.completed');
    const failed = terminal(list);
    expect(failed['type']).toBe('response.failed');
    expect(failed['sequence_number']).toBe(((list.at(-2) as Json)['sequence_number'] as number) + 1);
    expect(body.startsWith(openaiFake.responses.responseText(lastResponses(openaiFake).index))).toBe(true);
    expect((await finalRow(response.headers.get('x-switchyard-request-id'))).status).toBe('error');
  });
});

describe('max_output_tokens', () => {
  it('stream: a chat answer cut by length → response.incomplete, reason max_output_tokens', async () => {
    const response = await post({ model: 'chatonly/gpt-4o-mini', input: 'Hello', stream: true, max_output_tokens: 2 });
    const list = events(await response.text());
    assertBracketed(list);
    expect(chatBody(lastChat(openaiFake))['max_completion_tokens']).toBe(2);
    const last = terminal(list);
    expect(last['type']).toBe('response.incomplete');
    expect(responseOf(last)).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
  });

  it('non-stream: status incomplete, reason max_output_tokens', async () => {
    const body = await json(await post({ model: 'chatonly/gpt-4o-mini', input: 'Hello', max_output_tokens: 2 }));
    expect(body).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
    expect(outputText(body)).toBe('Hello from');
  });
});

describe('client abort mid-stream', () => {
  const cases: ReadonlyArray<readonly [string, string, () => void]> = [
    ['translated', 'chatonly/gpt-4o-mini', () => (openaiFake.onChat = () => ({ kind: 'slow', chunks: 200, chunkDelayMs: 30 }))],
    ['passthrough', 'openai/gpt-4.1', () => (openaiFake.onResponses = () => ({ kind: 'reply', text: 'word '.repeat(200), chunkDelayMs: 30 }))],
  ];
  for (const [name, model, arrange] of cases) {
    it(`${name}: the upstream socket closes within 1 s, the ledger row says cancelled`, async () => {
      arrange();
      const controller = new AbortController();
      const before = openaiFake.requests.length;
      const response = await post({ model, input: 'Talk for a while', stream: true }, { signal: controller.signal });
      expect(response.status).toBe(200);
      const id = response.headers.get('x-switchyard-request-id');
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      await readUntil(reader, (text) => text.includes('response.output_text.delta'));
      const [upstream] = await openaiFake.waitForRequests(before + 1, 2_000).then((all) => all.slice(before));
      controller.abort();
      const abortedAt = performance.now();
      await reader.cancel().catch(() => undefined);
      const closedAt = await openaiFake.waitForRequestClose((upstream as RecordedRequest).index, 3_000);
      expect(closedAt - abortedAt).toBeLessThan(1_000);
      expect(openaiFake.requestState((upstream as RecordedRequest).index).completed).toBe(false);
      expect((await finalRow(id)).status).toBe('cancelled');
    });
  }
});

describe('client abort before the first byte', () => {
  it('passthrough: the upstream socket closes within 1 s, the ledger row says cancelled', async () => {
    openaiFake.onResponses = () => ({ kind: 'stall-before-headers' });
    ledger.skipAll();
    const controller = new AbortController();
    const before = openaiFake.requests.length;
    const pending = post({ model: 'openai/gpt-4.1', input: 'Wait', stream: true }, { signal: controller.signal }).catch((error: unknown) => error);
    const [upstream] = await openaiFake.waitForRequests(before + 1, 2_000).then((all) => all.slice(before));
    controller.abort();
    const abortedAt = performance.now();
    expect(await pending).toBeInstanceOf(Error);
    const closedAt = await openaiFake.waitForRequestClose((upstream as RecordedRequest).index, 3_000);
    expect(closedAt - abortedAt).toBeLessThan(1_000);
    expect((await ledger.newRow()).status).toBe('cancelled');
  });
});

describe('ledger and headers', () => {
  it('one row per request: endpoint responses, provider, model, tokens; the x-switchyard-* headers', async () => {
    ledger.skipAll();
    openaiFake.onChat = () => ({ kind: 'reply', content: 'Counted.', usage: { promptTokens: 40, completionTokens: 7 } });
    const response = await post({ model: 'chatonly/gpt-4o-mini', input: 'Count me' });
    expect(response.status).toBe(200);
    await response.text();
    expect(response.headers.get('x-switchyard-provider')).toBe('chatonly');
    expect(response.headers.get('x-switchyard-model')).toBe('gpt-4o-mini');
    expect(response.headers.get('x-switchyard-attempts')).toBe('chatonly/gpt-4o-mini=ok');
    expect(Number(response.headers.get('x-switchyard-overhead-ms'))).toBeGreaterThanOrEqual(0);
    const id = response.headers.get('x-switchyard-request-id');
    const row = await ledger.newRow();
    expect(row.id).toBe(id);
    expect(row).toMatchObject({
      endpoint: 'responses',
      status: 'ok',
      requested_model: 'chatonly/gpt-4o-mini',
      provider_id: 'chatonly',
      model: 'gpt-4o-mini',
      input_tokens: 40,
      output_tokens: 7,
      stream: 0,
    });
  });

  it('a passthrough stream leaves one row with the native usage', async () => {
    ledger.skipAll();
    openaiFake.onResponses = () => ({ kind: 'reply', text: 'Native tokens.', usage: { promptTokens: 21, completionTokens: 3 } });
    const response = await post({ model: 'openai/gpt-4.1', input: 'Count me', stream: true });
    await response.text();
    const row = await ledger.newRow();
    expect(row.id).toBe(response.headers.get('x-switchyard-request-id'));
    expect(row).toMatchObject({ endpoint: 'responses', status: 'ok', provider_id: 'openai', model: 'gpt-4.1', input_tokens: 21, output_tokens: 3, stream: 1 });
  });
});

describe('custom tools (Codex apply_patch) on a chat-only target', () => {
  const applyPatch = {
    type: 'custom',
    name: 'apply_patch',
    description: 'Edit files with a patch.',
    format: { type: 'grammar', syntax: 'lark', definition: grammar },
  };

  it('the chat request has apply_patch(input: string); the call comes back as custom_tool_call; its output goes back as a tool message', async () => {
    openaiFake.onChat = toolThenAnswer('apply_patch', { input: patch }, 'Patched.');
    const first = await json(await post({ model: 'chatonly/gpt-4o-mini', input: 'Create hello.txt', tools: [applyPatch] }));
    const tool = ((chatBody(lastChat(openaiFake))['tools'] ?? []) as Json[]).map((entry) => entry['function'] as Json);
    expect(tool).toHaveLength(1);
    expect(tool[0]?.['name']).toBe('apply_patch');
    const parameters = tool[0]?.['parameters'] as Json;
    expect(Object.keys(parameters['properties'] as Json)).toEqual(['input']);
    expect((parameters['properties'] as Record<string, Json>)['input']?.['type']).toBe('string');
    expect(parameters['required']).toEqual(['input']);

    const call = ((first['output'] ?? []) as Json[]).find((item) => item['type'] === 'custom_tool_call');
    expect(call, JSON.stringify(first)).toMatchObject({ type: 'custom_tool_call', name: 'apply_patch', input: patch });
    const callId = String(call?.['call_id']);

    const second = await json(
      await post({
        model: 'chatonly/gpt-4o-mini',
        store: false,
        tools: [applyPatch],
        input: [{ role: 'user', content: 'Create hello.txt' }, call, { type: 'custom_tool_call_output', call_id: callId, output: 'Done! hello.txt created.' }],
      }),
    );
    expect(outputText(second)).toBe('Patched.');
    const messages = chatMessages(lastChat(openaiFake));
    const assistant = messages.find((message) => message['role'] === 'assistant') as Json;
    const calls = assistant['tool_calls'] as Json[];
    expect(calls[0]).toMatchObject({ id: callId, function: { name: 'apply_patch' } });
    expect(JSON.parse(String((calls[0]?.['function'] as Json)['arguments']))).toEqual({ input: patch });
    expect(messages.find((message) => message['role'] === 'tool')).toMatchObject({ role: 'tool', tool_call_id: callId, content: 'Done! hello.txt created.' });
  });

  it('stream: response.custom_tool_call_input.delta / .done carry the raw patch', async () => {
    openaiFake.onChat = () => ({ kind: 'reply', toolCalls: [{ name: 'apply_patch', arguments: JSON.stringify({ input: patch }) }] });
    const list = events(await (await post({ model: 'chatonly/gpt-4o-mini', input: 'Create hello.txt', tools: [applyPatch], stream: true })).text());
    assertBracketed(list);
    const deltas = list.filter((event) => event['type'] === 'response.custom_tool_call_input.delta').map((event) => String(event['delta']));
    expect(deltas.join('')).toBe(patch);
    expect(list.find((event) => event['type'] === 'response.custom_tool_call_input.done')?.['input']).toBe(patch);
    const output = responseOf(terminal(list))['output'] as Json[];
    expect(output.find((item) => item['type'] === 'custom_tool_call')).toMatchObject({ name: 'apply_patch', input: patch });
  });
});

describe('hosted tools', () => {
  it('web_search merely offered to a chat-only target: served, and left out of the chat request', async () => {
    const response = await post({
      model: 'chatonly/gpt-4o-mini',
      input: 'Hello',
      tools: [{ type: 'web_search' }, { type: 'function', name: 'lookup', parameters: { type: 'object', properties: {} } }],
      tool_choice: 'none',
    });
    expect(response.status).toBe(200);
    const tools = (chatBody(lastChat(openaiFake))['tools'] ?? []) as Json[];
    expect(tools.map((tool) => (tool['function'] as Json | undefined)?.['name'] ?? tool['type'])).toEqual(['lookup']);
  });

  const needsNative: ReadonlyArray<readonly [string, Json, string]> = [
    ['tool_choice web_search', { tools: [{ type: 'web_search' }], tool_choice: { type: 'web_search' }, input: 'Search for news' }, 'tool_choice'],
    [
      'a web_search_call input item',
      {
        input: [
          { role: 'user', content: 'Search' },
          { type: 'web_search_call', id: 'ws_0123', status: 'completed', action: { type: 'search', query: 'news' } },
          { role: 'user', content: 'Summarise' },
        ],
      },
      'input[1]',
    ],
  ];
  for (const [name, fields, param] of needsNative) {
    it(`${name}: chat-only targets skipped (reason in x-switchyard-attempts) when a native one exists`, async () => {
      openaiFake.onResponses = () => ({ kind: 'reply', text: 'Searched natively.' });
      const response = await post({ model: 'mixed', ...fields });
      const body = await json(response);
      expect(response.status, JSON.stringify(body)).toBe(200);
      expect(response.headers.get('x-switchyard-provider')).toBe('openai');
      const attempts = response.headers.get('x-switchyard-attempts') ?? '';
      expect(attempts).toMatch(/chatonly\/gpt-4o-mini=skipped/);
      expect(attempts).toContain(param);
      expect(outputText(body)).toBe('Searched natively.');
    });

    it(`${name}: 400 naming ${param} when no target can serve it`, async () => {
      const chatBefore = openaiFake.chatRequests().length;
      const response = await post({ model: 'chat-pair', ...fields });
      expect(response.status).toBe(400);
      expectOpenAIError(await json(response), param);
      expect(openaiFake.chatRequests().length).toBe(chatBefore);
    });
  }
});

describe('stored responses', () => {
  let secondToken: string;

  beforeAll(async () => {
    const created = await runCli(['tokens', 'create', 'second-client', '--data-dir', serve.dataDir]);
    expect(created.code, created.stderr).toBe(0);
    secondToken = created.stdout.trim();
  });

  it('GET returns the stored object; another client gets 404; DELETE then GET → 404', async () => {
    openaiFake.onChat = () => ({ kind: 'reply', content: 'Stored answer.' });
    const createdText = await (await post({ model: 'chatonly/gpt-4o-mini', input: 'Remember this' })).text();
    const created = JSON.parse(createdText) as Json;
    const id = String(created['id']);
    const retrieved = await get(`/responses/${id}`);
    expect(retrieved.status).toBe(200);
    // the stored text is the answer's own: byte for byte what the client got
    expect(await retrieved.text()).toBe(createdText);

    const foreign = await get(`/responses/${id}`, secondToken);
    expect(foreign.status).toBe(404);
    expectOpenAIError(await json(foreign));
    expect((await get(`/responses/${id}/input_items`, secondToken)).status).toBe(404);
    expect((await get(`/responses/${id}`, secondToken, 'DELETE')).status).toBe(404);
    const foreignContinue = await post({ model: 'chatonly/gpt-4o-mini', input: 'Go on', previous_response_id: id }, { token: secondToken });
    expect(foreignContinue.status).toBe(400);
    expect(expectOpenAIError(await json(foreignContinue))['code']).toBe('previous_response_not_found');

    const deleted = await get(`/responses/${id}`, serve.token, 'DELETE');
    expect(await json(deleted)).toEqual({ id, object: 'response.deleted', deleted: true });
    expect((await get(`/responses/${id}`)).status).toBe(404);
  });

  it('a stream is stored too: GET returns what response.completed carried', async () => {
    const list = events(await (await post({ model: 'chatonly/gpt-4o-mini', input: 'Remember this', stream: true })).text());
    const completed = responseOf(terminal(list));
    const retrieved = await json(await get(`/responses/${String(completed['id'])}`));
    expect(retrieved).toEqual(completed);
  });

  it('a passthrough stream is stored: GET returns the upstream response, and a chat-only target can continue it', async () => {
    openaiFake.onResponses = () => ({ kind: 'reply', text: 'Native and stored.' });
    const list = events(await (await post({ model: 'openai/gpt-4.1', input: 'Remember natively', stream: true })).text());
    const completed = responseOf(terminal(list));
    expect(await json(await get(`/responses/${String(completed['id'])}`))).toEqual(completed);
    const continued = await post({ model: 'chatonly/gpt-4o-mini', input: 'And now?', previous_response_id: completed['id'] });
    expect(continued.status).toBe(200);
    expect(chatMessages(lastChat(openaiFake)).map((message) => message['content'])).toEqual(['Remember natively', 'Native and stored.', 'And now?']);
  });

  it('input_items lists this turn’s items with ids; order, limit and after page them', async () => {
    const input = [
      { role: 'user', content: 'first' },
      { role: 'assistant', content: 'second' },
      { role: 'user', content: 'third' },
    ];
    const created = await json(await post({ model: 'chatonly/gpt-4o-mini', input }));
    const id = String(created['id']);
    const all = await json(await get(`/responses/${id}/input_items`));
    const data = all['data'] as Json[];
    expect(data.map((item) => item['content'])).toEqual(['third', 'second', 'first']);
    for (const item of data) expect(item['id']).toMatch(/^msg_/);
    const ascending = await json(await get(`/responses/${id}/input_items?order=asc`));
    expect((ascending['data'] as Json[]).map((item) => item['content'])).toEqual(['first', 'second', 'third']);
    const page = await json(await get(`/responses/${id}/input_items?order=asc&limit=1`));
    expect((page['data'] as Json[]).map((item) => item['content'])).toEqual(['first']);
    expect(page['has_more']).toBe(true);
    const next = await json(await get(`/responses/${id}/input_items?order=asc&limit=1&after=${String(page['last_id'])}`));
    expect((next['data'] as Json[]).map((item) => item['content'])).toEqual(['second']);
    expect(next['has_more']).toBe(true);
    const bad = await get(`/responses/${id}/input_items?limit=0`);
    expect(bad.status).toBe(400);
    expectOpenAIError(await json(bad), 'limit');
  });

  it('store:false is not retrievable', async () => {
    const created = await json(await post({ model: 'chatonly/gpt-4o-mini', input: 'Forget this', store: false }));
    expect(created['store']).toBe(false);
    expect((await get(`/responses/${String(created['id'])}`)).status).toBe(404);
    const continued = await post({ model: 'chatonly/gpt-4o-mini', input: 'Go on', previous_response_id: created['id'] });
    expect(continued.status).toBe(400);
  });

  it('an unknown previous_response_id → 400 previous_response_not_found', async () => {
    const chatBefore = openaiFake.chatRequests().length;
    const response = await post({ model: 'chatonly/gpt-4o-mini', input: 'Go on', previous_response_id: 'resp_doesnotexist' });
    expect(response.status).toBe(400);
    const error = expectOpenAIError(await json(response), 'previous_response_id');
    expect(error['code']).toBe('previous_response_not_found');
    expect(openaiFake.chatRequests().length).toBe(chatBefore);
  });

  it('previous_response_id puts the stored turn before the new one', async () => {
    openaiFake.onChat = () => ({ kind: 'reply', content: 'Teal noted.' });
    const first = await json(await post({ model: 'chatonly/gpt-4o-mini', input: 'My colour is teal.' }));
    openaiFake.onChat = () => ({ kind: 'reply', content: 'It is teal.' });
    const second = await json(await post({ model: 'chatonly/gpt-4o-mini', input: 'What is my colour?', previous_response_id: first['id'] }));
    expect(second['previous_response_id']).toBe(first['id']);
    const messages = chatMessages(lastChat(openaiFake)).map((message) => [message['role'], message['content']]);
    expect(messages).toEqual([
      ['user', 'My colour is teal.'],
      ['assistant', 'Teal noted.'],
      ['user', 'What is my colour?'],
    ]);
  });

  it('item_reference to an input item and an output item of an earlier response resolves', async () => {
    openaiFake.onChat = () => ({ kind: 'reply', content: 'Noted: the word is marmalade.' });
    const earlier = await json(await post({ model: 'chatonly/gpt-4o-mini', input: 'The secret word is marmalade.' }));
    const outputId = String(((earlier['output'] as Json[])[0] as Json)['id']);
    const inputId = String((((await json(await get(`/responses/${String(earlier['id'])}/input_items`)))['data'] as Json[])[0] as Json)['id']);
    openaiFake.onChat = () => ({ kind: 'reply', content: 'Marmalade.' });
    const response = await post({
      model: 'chatonly/gpt-4o-mini',
      input: [
        { type: 'item_reference', id: inputId },
        { type: 'item_reference', id: outputId },
        { role: 'user', content: 'What was the word?' },
      ],
    });
    expect(response.status, await response.clone().text()).toBe(200);
    const messages = chatMessages(lastChat(openaiFake)).map((message) => [message['role'], message['content']]);
    expect(messages).toEqual([
      ['user', 'The secret word is marmalade.'],
      ['assistant', 'Noted: the word is marmalade.'],
      ['user', 'What was the word?'],
    ]);
    const missing = await post({ model: 'chatonly/gpt-4o-mini', input: [{ type: 'item_reference', id: 'msg_nothere' }] });
    expect(missing.status).toBe(400);
    expectOpenAIError(await json(missing), 'input[0]');
  });

  it('ledger.responses.store false: previous_response_id gets a 400 that says storing is off', async () => {
    const off = await startServe({
      config: {
        providers: [{ id: 'chatonly', preset: 'openai', base_url: openaiFake.baseUrl, responses_api: false }],
        ledger: { price_refresh: false, responses: { store: false } },
      },
      env: { OPENAI_API_KEY: providerKey },
    });
    try {
      const send = (body: unknown): Promise<Response> =>
        fetch(`${off.baseUrl}/responses`, {
          method: 'POST',
          headers: { authorization: `Bearer ${off.token}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      const created = await send({ model: 'chatonly/gpt-4o-mini', input: 'Hello' });
      const body = await json(created);
      expect(created.status).toBe(200);
      const gone = await fetch(`${off.baseUrl}/responses/${String(body['id'])}`, { headers: { authorization: `Bearer ${off.token}` } });
      expect(gone.status).toBe(404);
      const response = await send({ model: 'chatonly/gpt-4o-mini', input: 'Go on', previous_response_id: body['id'] });
      expect(response.status).toBe(400);
      const error = expectOpenAIError(await json(response), 'previous_response_id');
      expect(error['message']).toMatch(/stored responses are turned off/);
    } finally {
      await off.stop();
    }
  });
});

describe('Claude reasoning across a tool loop (Anthropic fake)', () => {
  const weather = { type: 'function', name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };

  for (const stream of [false, true]) {
    it(`${stream ? 'stream' : 'non-stream'}: the reasoning item carries sy1.; sent back, the thinking block and signature reach Claude unchanged`, async () => {
      const firstRequest = { model: 'anthropic/claude-sonnet-4-5', input: 'Weather in Paris?', reasoning: { effort: 'low' }, tools: [weather], store: false };
      const firstResponse = await post({ ...firstRequest, stream });
      const text = await firstResponse.text();
      expect(firstResponse.status, text).toBe(200);
      const turn1 = stream ? responseOf(terminal(events(text))) : (JSON.parse(text) as Json);
      if (stream) assertBracketed(events(text));
      const upstream1 = anthropicFake.messageRequests().at(-1) as RecordedRequest;
      expect((upstream1.body as Json)['thinking']).toMatchObject({ type: 'enabled' });
      const written = anthropicFake.responseText(upstream1.index);
      const signature = /"signature":\s*"([^"]+)"/.exec(written)?.[1];
      expect(signature).toBeTruthy();

      const output = turn1['output'] as Json[];
      const reasoning = output.find((item) => item['type'] === 'reasoning');
      expect(String(reasoning?.['encrypted_content'])).toMatch(/^sy1\./);
      const call = output.find((item) => item['type'] === 'function_call') as Json;
      expect(call).toMatchObject({ name: 'get_weather' });

      anthropicFake.onMessages = () => ({ kind: 'reply', content: [{ type: 'text', text: 'Sunny in Paris.' }] });
      const second = await post({
        ...firstRequest,
        stream,
        input: [
          { role: 'user', content: 'Weather in Paris?' },
          ...output,
          { type: 'function_call_output', call_id: call['call_id'], output: '{"forecast":"sunny"}' },
        ],
      });
      const secondText = await second.text();
      expect(second.status, secondText).toBe(200);
      const messages = ((anthropicFake.messageRequests().at(-1) as RecordedRequest).body as Json)['messages'] as Json[];
      const assistant = messages.find((message) => message['role'] === 'assistant') as Json;
      const blocks = assistant['content'] as Json[];
      expect(blocks[0]).toEqual({ type: 'thinking', thinking: 'The user wants a reply from claude-sonnet-4-5.', signature });
      expect(blocks.find((block) => block['type'] === 'tool_use')).toMatchObject({ id: call['call_id'], name: 'get_weather' });
    });
  }
});

describe('reasoning from a translated target, sent on to a native one', () => {
  it("a reasoning item holding Switchyard's sy1. carrier is left out of the native request; the rest goes as sent", async () => {
    const turn1 = await json(await post({ model: 'anthropic/claude-sonnet-4-5', input: 'Think first.', reasoning: { effort: 'low' }, store: false }));
    const output = turn1['output'] as Json[];
    expect(String(output.find((item) => item['type'] === 'reasoning')?.['encrypted_content'])).toMatch(/^sy1\./);
    openaiFake.onResponses = () => ({ kind: 'reply', text: 'Native reply.' });
    const response = await post({
      model: 'openai/gpt-4.1',
      store: false,
      input: [{ role: 'user', content: 'Think first.' }, ...output, { role: 'user', content: 'Now answer.' }],
    });
    expect(response.status, await response.clone().text()).toBe(200);
    const input = (lastResponses(openaiFake).body as Json)['input'] as Json[];
    expect(input.map((item) => item['type'] ?? item['role'])).toEqual(['user', 'message', 'user']);
    expect(JSON.stringify(input)).not.toContain('sy1.');
  });
});

describe('bad input', () => {
  it('malformed JSON → 400 in OpenAI shape', async () => {
    const response = await post('{"model": "chatonly/gpt-4o-mini", "input": ');
    expect(response.status).toBe(400);
    expectOpenAIError(await json(response));
  });

  const cases: ReadonlyArray<readonly [string, Json, string]> = [
    ['input of a wrong type', { model: 'chatonly/gpt-4o-mini', input: 42 }, 'input'],
    ['model of a wrong type', { model: 5, input: 'hi' }, 'model'],
    [
      'a text part whose text is not a string',
      { model: 'chatonly/gpt-4o-mini', input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 5 }] }] },
      'input[0].content[0].text',
    ],
    ['a function_call without call_id', { model: 'chatonly/gpt-4o-mini', input: [{ type: 'function_call', name: 'f', arguments: '{}' }] }, 'input[0].call_id'],
    ['an item whose type is not a string', { model: 'chatonly/gpt-4o-mini', input: [{ type: 7, text: 'x' }] }, 'input[0].type'],
    ['an item_reference without id', { model: 'chatonly/gpt-4o-mini', input: [{ type: 'item_reference' }] }, 'input[0].id'],
    ['a custom tool without a name', { model: 'chatonly/gpt-4o-mini', input: 'hi', tools: [{ type: 'custom', name: '' }] }, 'tools[0].name'],
    ['max_output_tokens negative', { model: 'chatonly/gpt-4o-mini', input: 'hi', max_output_tokens: -1 }, 'max_output_tokens'],
  ];
  for (const [name, body, param] of cases) {
    it(`${name} → 400 naming ${param}`, async () => {
      const response = await post(body);
      expect(response.status).toBe(400);
      const error = expectOpenAIError(await json(response), param);
      expect(error['type']).toBe('invalid_request_error');
    });
  }

  it('a fuzz run of 300 random bodies: no 5xx, and /health still answers', async () => {
    const item = fc.oneof(
      fc.anything(),
      fc.record(
        {
          type: fc.constantFrom(
            'message',
            'function_call',
            'function_call_output',
            'reasoning',
            'custom_tool_call',
            'item_reference',
            'local_shell_call',
            'web_search_call',
            'x',
          ),
          role: fc.constantFrom('user', 'assistant', 'tool', 'x'),
          content: fc.anything(),
          call_id: fc.anything(),
          id: fc.anything(),
          output: fc.anything(),
          encrypted_content: fc.oneof(fc.string(), fc.constant('sy1.'), fc.constant('sy1.e30')),
        },
        { requiredKeys: ['type'] },
      ),
    );
    const bodies = fc.sample(
      fc.oneof(
        fc.string(),
        fc.json(),
        fc.record({ model: fc.oneof(fc.string(), fc.integer(), fc.constant(null)), input: fc.anything() }),
        fc.record(
          {
            model: fc.constant('chatonly/gpt-4o-mini'),
            input: fc.oneof(fc.string({ maxLength: 20 }), fc.array(item, { maxLength: 4 })),
            tools: fc.anything(),
            tool_choice: fc.anything(),
            previous_response_id: fc.oneof(fc.string(), fc.anything()),
            text: fc.anything(),
            reasoning: fc.anything(),
          },
          { requiredKeys: ['model', 'input'] },
        ),
      ),
      { numRuns: 300, seed: 7 },
    );
    const statuses = new Map<number, number>();
    for (let start = 0; start < bodies.length; start += 25) {
      const batch = bodies.slice(start, start + 25).map(async (body) => {
        const response = await post(typeof body === 'string' ? body : JSON.stringify(body));
        return { status: response.status, text: await response.text(), body };
      });
      for (const result of await Promise.all(batch)) {
        statuses.set(result.status, (statuses.get(result.status) ?? 0) + 1);
        expect(result.status, `${result.text}\n${JSON.stringify(result.body)}`).toBeLessThan(500);
      }
    }
    expect(statuses.get(400)).toBeGreaterThan(100);
    const health = await fetch(`${serve.url}/health`);
    expect(health.status).toBe(200);
    expect(serve.child.exitCode).toBeNull();
  });
});
