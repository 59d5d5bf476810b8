// The usage ledger end to end: real clients through a running `switchyard serve`, then the SQLite rows read beside
// it. One row per client request with exact tokens and cost, whatever the dialect, the outcome or the locality.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OllamaFake } from '../fakes/ollama-fake.js';
import { FakeOpenAI, serverError, type Scenario } from '../fakes/openai-fake.js';
import { exactCost, LedgerReader, ledgerFilesContaining, snapshotPrice, type LedgerRow } from '../support/ledger-reader.js';
import { startServe, type ServeProcess } from '../support/serve-process.js';

const openaiKey = 'sk-proj-LEDGERKEY0123456789abcdefABCDEF';
/** Put in every prompt and every answer: it must never reach the ledger files. */
const marker = 'QUOKKA-7f3a9c-PROMPT-TEXT';
const usage = { promptTokens: 1234, completionTokens: 567 };
const miniPrice = snapshotPrice('openai/gpt-4o-mini');
const miniCost = exactCost([
  [usage.promptTokens, miniPrice.input],
  [usage.completionTokens, miniPrice.output],
]);
const answer: Scenario = { kind: 'reply', content: `${marker} the answer is forty-two`, usage };

let openaiFake: FakeOpenAI;
let backupFake: FakeOpenAI;
let ollamaFake: OllamaFake;
let serve: ServeProcess;
let client: OpenAI;
let ledger: LedgerReader;

beforeAll(async () => {
  openaiFake = await FakeOpenAI.start({ apiKey: openaiKey });
  backupFake = await FakeOpenAI.start();
  ollamaFake = await OllamaFake.start();
  serve = await startServe({
    config: {
      server: { shutdown_grace_ms: 500 },
      providers: [
        { id: 'openai', type: 'openai-compatible', base_url: openaiFake.baseUrl, api_key_env: 'OPENAI_API_KEY', locality: 'cloud' },
        { id: 'backup', type: 'openai-compatible', base_url: backupFake.baseUrl, locality: 'cloud' },
        { id: 'ollama', type: 'ollama', base_url: ollamaFake.baseUrl },
      ],
      routes: { flaky: { targets: ['openai/gpt-4o-mini', 'backup/gpt-4o-mini'] } },
      routing: { num_retries: 1, backoff_initial_ms: 10, backoff_max_ms: 20, allowed_fails: 1_000, auto_offline: false },
      ledger: { reference_model: 'openai/gpt-4o-mini', price_refresh: false },
    },
    env: { OPENAI_API_KEY: openaiKey },
  });
  client = new OpenAI({ baseURL: serve.baseUrl, apiKey: serve.token, maxRetries: 0, timeout: 20_000 });
  ledger = LedgerReader.open(serve.dataDir);
});

afterAll(async () => {
  ledger?.close();
  await serve?.stop();
  await openaiFake?.close();
  await backupFake?.close();
  await ollamaFake?.close();
});

afterEach(() => {
  openaiFake.onChat = () => answer;
  backupFake.onChat = () => answer;
  ollamaFake.onChat = undefined;
});

const question = [{ role: 'user' as const, content: `${marker} what is six times seven?` }];

function post(path: string, body: unknown, headers: Record<string, string> = { authorization: `Bearer ${serve.token}` }): Promise<Response> {
  return fetch(`${serve.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

function expectPricedCloudRow(row: LedgerRow, stream: boolean): void {
  expect(row).toMatchObject({
    endpoint: 'chat',
    status: 'ok',
    http_status: 200,
    requested_model: 'openai/gpt-4o-mini',
    provider_id: 'openai',
    model: 'gpt-4o-mini',
    client_token_name: 'default',
    client_family: 'openai-node',
    input_tokens: usage.promptTokens,
    output_tokens: usage.completionTokens,
    tokens_estimated: 0,
    cost_usd: miniCost,
    cost_reference_usd: null,
    local_compute_ms: null,
    finish_reason: 'stop',
    stream: stream ? 1 : 0,
    error_class: null,
  });
  expect(row.finished_at).toBeGreaterThanOrEqual(row.started_at);
  expect(row.latency_ms).toBeGreaterThanOrEqual(0);
  expect(ledger.attempts(row.id)).toMatchObject([{ seq: 1, provider_id: 'openai', model: 'gpt-4o-mini', outcome: 'ok' }]);
}

describe('a priced cloud model (OpenAI SDK)', () => {
  it('non-stream: one row, tokens from the provider, cost = price × tokens; usage.cost and the header agree', async () => {
    openaiFake.onChat = () => answer;
    const { data, response } = await client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: question }).withResponse();
    expect(data.choices[0]?.message.content).toContain(marker);
    expect((data.usage as { cost?: number } | undefined)?.cost).toBe(miniCost);
    expect(response.headers.get('x-switchyard-cost-usd')).toBe(miniCost.toFixed(8));
    expect(miniCost).toBeGreaterThan(0);
    expectPricedCloudRow(await ledger.newRow(), false);
  });

  it('stream without include_usage: the client sees no usage, the row still has the exact tokens', async () => {
    openaiFake.onChat = () => answer;
    const stream = await client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: question, stream: true });
    let text = '';
    for await (const chunk of stream) {
      expect(chunk.usage ?? undefined).toBeUndefined();
      text += chunk.choices[0]?.delta.content ?? '';
    }
    expect(text).toContain(marker);
    expectPricedCloudRow(await ledger.newRow(), true);
  });

  it('stream with include_usage: the usage chunk carries usage.cost, equal to the row', async () => {
    openaiFake.onChat = () => answer;
    const stream = await client.chat.completions.create({
      model: 'openai/gpt-4o-mini',
      messages: question,
      stream: true,
      stream_options: { include_usage: true },
    });
    const usages: Array<Record<string, unknown>> = [];
    for await (const chunk of stream) if (chunk.usage) usages.push(chunk.usage as unknown as Record<string, unknown>);
    expect(usages).toHaveLength(1);
    expect(usages[0]).toMatchObject({ prompt_tokens: usage.promptTokens, completion_tokens: usage.completionTokens, cost: miniCost });
    expectPricedCloudRow(await ledger.newRow(), true);
  });

  it('a cloud model without a known price: cost NULL (unpriced, never $0), no usage.cost, no cost header', async () => {
    openaiFake.onChat = () => answer;
    const { data, response } = await client.chat.completions.create({ model: 'openai/private-finetune-xyz', messages: question }).withResponse();
    expect((data.usage as { cost?: number } | undefined)?.cost).toBeUndefined();
    expect(response.headers.get('x-switchyard-cost-usd')).toBeNull();
    const row = await ledger.newRow();
    expect(row).toMatchObject({
      status: 'ok',
      model: 'private-finetune-xyz',
      input_tokens: usage.promptTokens,
      output_tokens: usage.completionTokens,
      cost_usd: null,
    });
  });
});

describe('failures', () => {
  it('an upstream error: status error, its class and HTTP status, and the whole trail (retry, fallback)', async () => {
    openaiFake.onChat = () => serverError();
    backupFake.onChat = () => serverError();
    const before = [openaiFake.chatRequests().length, backupFake.chatRequests().length];
    const response = await post('/v1/chat/completions', { model: 'flaky', messages: question });
    expect(response.status).toBe(500);
    await response.text();
    expect([openaiFake.chatRequests().length - (before[0] ?? 0), backupFake.chatRequests().length - (before[1] ?? 0)]).toEqual([2, 2]);
    const row = await ledger.newRow();
    // the row names the target tried last, so errors break down by provider and model; nothing is priced
    expect(row).toMatchObject({
      endpoint: 'chat',
      status: 'error',
      error_class: 'server',
      http_status: 500,
      requested_model: 'flaky',
      route: 'flaky',
      provider_id: 'backup',
      model: 'gpt-4o-mini',
      input_tokens: 0,
      output_tokens: 0,
      cost_usd: 0,
      client_family: 'other',
    });
    expect(ledger.attempts(row.id).map(({ seq, provider_id, outcome, http_status }) => ({ seq, provider_id, outcome, http_status }))).toEqual([
      { seq: 1, provider_id: 'openai', outcome: 'server', http_status: 500 },
      { seq: 2, provider_id: 'openai', outcome: 'server', http_status: 500 },
      { seq: 3, provider_id: 'backup', outcome: 'server', http_status: 500 },
      { seq: 4, provider_id: 'backup', outcome: 'server', http_status: 500 },
    ]);
  });

  it('a client that leaves mid-stream: cancelled, output tokens estimated from what was delivered', async () => {
    const piece = `${marker} slow words. `;
    openaiFake.onChat = () => ({ kind: 'slow', chunks: 60, chunkDelayMs: 40, chunkText: piece });
    const controller = new AbortController();
    const stream = await client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: question, stream: true }, { signal: controller.signal });
    const index = openaiFake.requests.length - 1;
    let received = '';
    for await (const chunk of stream) {
      received += chunk.choices[0]?.delta.content ?? '';
      if (received.length >= piece.length * 3) break; // leaving the loop aborts the request
    }
    const leftAt = performance.now();
    const closedAt = await openaiFake.waitForRequestClose(index, 3_000);
    expect(closedAt - leftAt).toBeLessThan(1_000);
    expect(openaiFake.requestState(index).completed).toBe(false);
    const row = await ledger.newRow();
    expect(row).toMatchObject({ status: 'cancelled', stream: 1, provider_id: 'openai', tokens_estimated: 1 });
    expect(row.output_tokens).toBeGreaterThanOrEqual(Math.ceil(received.length / 4));
    expect(row.output_tokens).toBeLessThan(Math.ceil((piece.length * 60) / 4));
    expect(row.input_tokens).toBeGreaterThan(0);
  });

  it('an upstream failure after the first token: an error row with the delivered part estimated', async () => {
    openaiFake.onChat = () => ({ kind: 'in-band-error-after', contentChunks: 3, content: `${marker} one two three four five six`, usage });
    const response = await post('/v1/chat/completions', { model: 'openai/gpt-4o-mini', messages: question, stream: true });
    expect(response.status).toBe(200);
    const body = await response.text();
    expect(body).toContain('"error"');
    expect(body).not.toContain('[DONE]');
    const row = await ledger.newRow();
    expect(row).toMatchObject({ status: 'error', error_class: 'server', provider_id: 'openai', tokens_estimated: 1 });
    expect(row.output_tokens).toBeGreaterThan(0);
    expect(ledger.attempts(row.id)).toMatchObject([{ provider_id: 'openai', outcome: 'server' }]);
  });

  it('a client that leaves before the first token: cancelled, nothing delivered', async () => {
    openaiFake.onChat = () => ({ kind: 'stall-before-headers' });
    const controller = new AbortController();
    const pending = client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: question, stream: true }, { signal: controller.signal });
    const index = (await openaiFake.waitForRequests(openaiFake.requests.length + 1, 3_000)).length - 1;
    controller.abort();
    await expect(pending).rejects.toThrow();
    await openaiFake.waitForRequestClose(index, 1_000);
    const row = await ledger.newRow();
    expect(row).toMatchObject({ status: 'cancelled', stream: 1, output_tokens: 0, cost_usd: 0 });
    expect(ledger.attempts(row.id)).toMatchObject([{ provider_id: 'openai', outcome: 'cancelled' }]);
  });

  it('refused before routing (bad body, no token) and by routing (unknown model): an error row each, saying why', async () => {
    const badBody = await post('/v1/chat/completions', { model: 'openai/gpt-4o-mini', messages: 'not a list' });
    expect(badBody.status).toBe(400);
    const noToken = await post('/v1/chat/completions', { model: 'openai/gpt-4o-mini', messages: question }, {});
    expect(noToken.status).toBe(401);
    const unknown = await post('/v1/chat/completions', { model: 'nosuch/model', messages: question });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('model_not_found');
    const rows = await ledger.newFinalRows(3);
    expect(rows.map((row) => [row.error_class, row.http_status, row.client_token_name])).toEqual(
      expect.arrayContaining([
        ['invalid_value', 400, 'default'],
        ['invalid_api_key', 401, 'unauthenticated'],
        ['model_not_found', 404, 'default'],
      ]),
    );
    const row = rows.find((candidate) => candidate.error_class === 'model_not_found');
    expect(row).toMatchObject({
      endpoint: 'chat',
      status: 'error',
      error_class: 'model_not_found',
      http_status: 404,
      requested_model: 'nosuch/model',
      provider_id: null,
      cost_usd: 0,
    });
    expect(ledger.attempts(row?.id ?? '')).toEqual([]);
  });
});

describe('a local model (Ollama)', () => {
  const counts = { promptEvalCount: 40, evalCount: 8 };
  // the Ollama fake's durations for these counts: load 12.345678 ms + prompt 40 ms + eval 200 ms + 3.456789 ms
  const computeMs = Math.round(12.345678 + 40 + 200 + 3.456789);
  const referenceUsd = exactCost([
    [counts.promptEvalCount, miniPrice.input],
    [counts.evalCount, miniPrice.output],
  ]);

  for (const stream of [false, true]) {
    it(`${stream ? 'stream' : 'non-stream'}: cost 0, the reference model's cost as the saving, Ollama's compute time`, async () => {
      ollamaFake.onChat = () => ({ kind: 'reply', content: `${marker} local answer`, ...counts });
      if (stream) {
        const parts = await client.chat.completions.create({ model: 'ollama/llama3.2:3b', messages: question, stream: true });
        let text = '';
        for await (const chunk of parts) text += chunk.choices[0]?.delta.content ?? '';
        expect(text).toContain(marker);
      } else {
        const { data, response } = await client.chat.completions.create({ model: 'ollama/llama3.2:3b', messages: question }).withResponse();
        expect(data.choices[0]?.message.content).toContain(marker);
        expect(response.headers.get('x-switchyard-cost-usd')).toBe((0).toFixed(8));
      }
      const row = await ledger.newRow();
      expect(row).toMatchObject({
        status: 'ok',
        provider_id: 'ollama',
        model: 'llama3.2:3b',
        input_tokens: counts.promptEvalCount,
        output_tokens: counts.evalCount,
        tokens_estimated: 0,
        cost_usd: 0,
        cost_reference_usd: referenceUsd,
        local_compute_ms: computeMs,
        stream: stream ? 1 : 0,
      });
      expect(referenceUsd).toBeGreaterThan(0);
    });
  }
});

describe('the other endpoints are metered too', () => {
  it('/v1/messages (Anthropic SDK, translated to the OpenAI fake): endpoint messages, exact tokens and cost', async () => {
    openaiFake.onChat = () => answer;
    const anthropic = new Anthropic({ baseURL: serve.url, apiKey: serve.token, maxRetries: 0, timeout: 20_000 });
    const { data, response } = await anthropic.messages.create({ model: 'openai/gpt-4o-mini', max_tokens: 100, messages: question }).withResponse();
    expect(data.content[0]?.type === 'text' ? data.content[0].text : '').toContain(marker);
    expect(response.headers.get('x-switchyard-cost-usd')).toBe(miniCost.toFixed(8));
    const row = await ledger.newRow();
    expect(row).toMatchObject({
      endpoint: 'messages',
      status: 'ok',
      client_family: 'anthropic-sdk',
      input_tokens: usage.promptTokens,
      output_tokens: usage.completionTokens,
      cost_usd: miniCost,
      stream: 0,
    });

    const stream = anthropic.messages.stream({ model: 'openai/gpt-4o-mini', max_tokens: 100, messages: question });
    const final = await stream.finalMessage();
    expect(final.usage.output_tokens).toBe(usage.completionTokens);
    const streamed = await ledger.newRow();
    expect(streamed).toMatchObject({
      endpoint: 'messages',
      status: 'ok',
      input_tokens: usage.promptTokens,
      output_tokens: usage.completionTokens,
      cost_usd: miniCost,
      stream: 1,
    });
  });

  it('/v1/messages refused after it was metered (content only Anthropic can serve): a final error row, not one left in flight', async () => {
    const response = await post(
      '/v1/messages',
      { model: 'openai/gpt-4o-mini', max_tokens: 100, messages: question, tools: [{ type: 'web_search_20250305', name: 'web_search' }] },
      { 'x-api-key': serve.token, 'anthropic-version': '2023-06-01' },
    );
    expect(response.status).toBe(400);
    const row = await ledger.newRow();
    expect(row).toMatchObject({ endpoint: 'messages', status: 'error', error_class: 'unsupported_content', http_status: 400 });
  });

  it('/v1/embeddings: endpoint embeddings, the input tokens priced at the embedding price', async () => {
    const input = `${marker} embed this sentence please`;
    const { data, response } = await client.embeddings.create({ model: 'openai/text-embedding-3-small', input }).withResponse();
    const tokens = data.usage.prompt_tokens;
    expect(tokens).toBe(Math.ceil(input.length / 4));
    const cost = exactCost([[tokens, snapshotPrice('openai/text-embedding-3-small').input]]);
    expect(response.headers.get('x-switchyard-cost-usd')).toBe(cost.toFixed(8));
    const row = await ledger.newRow();
    expect(row).toMatchObject({
      endpoint: 'embeddings',
      status: 'ok',
      provider_id: 'openai',
      model: 'text-embedding-3-small',
      input_tokens: tokens,
      output_tokens: 0,
      cost_usd: cost,
      client_family: 'openai-node',
    });
  });
});

describe('what the ledger holds', () => {
  it('no prompt or answer text in the database or its WAL, while running and after a graceful stop, which settles the row in flight', async () => {
    expect(openaiFake.chatRequests().some((request) => request.rawBody.includes(marker))).toBe(true);
    expect(ledgerFilesContaining(serve.dataDir, marker)).toEqual([]);
    // a stream still running at SIGTERM: cut after the grace period (500 ms), and its row says so before the exit
    openaiFake.onChat = () => ({ kind: 'slow', chunks: 400, chunkDelayMs: 50, chunkText: `${marker} endless. ` });
    const stream = await client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: question, stream: true });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    const exit = serve.stop('SIGTERM');
    await expect(
      (async () => {
        for (let next = await iterator.next(); !next.done; next = await iterator.next());
      })(),
    ).rejects.toThrow();
    expect(await exit).toBe(0);
    expect(ledgerFilesContaining(serve.dataDir, marker)).toEqual([]);
    const [last] = await ledger.newFinalRows(1);
    expect(last).toMatchObject({ status: 'cancelled', stream: 1, tokens_estimated: 1 });
    expect(last?.output_tokens).toBeGreaterThan(0);
    const rows = ledger.rows();
    expect(rows.filter((row) => row.status === 'in_flight' || row.status === 'interrupted')).toEqual([]);
    expect(new Set(rows.map((row) => row.id)).size).toBe(rows.length);
    expect(ledger.integrityCheck()).toEqual(['ok']);
  });
});
