// Body capture end to end through `switchyard serve`: switched on in the config, a chat and a stream sent with the
// openai client are captured and read back over the control API, redacted; a provider key pasted into the prompt
// (whole, without its prefix, JSON-escaped, echoed back by the upstream) leaves no 6-character piece in any file of
// the data dir. Switched off (the default), the captures table stays empty and no prompt text reaches the files.
import Database from 'better-sqlite3';
import OpenAI from 'openai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAI, type RecordedRequest } from '../fakes/openai-fake.js';
import { LedgerReader, ledgerFilesContaining } from '../support/ledger-reader.js';
import { canaryKey, filesUnder, findLeaks, type Scanned } from '../support/secret-scan.js';
import { startServe, writeConfig, type ServeProcess } from '../support/serve-process.js';

const marker = 'WOMBAT-41c7-CAPTURED-PROMPT';
const canary = canaryKey(); // the provider key: registered by serve as a secret
/** every control answer, scanned with the files at the end */
const controlAnswers: Scanned[] = [];

function lastUserText(request: RecordedRequest): string {
  const messages = (request.body as { messages?: Array<{ content?: unknown }> } | undefined)?.messages ?? [];
  const content = messages.at(-1)?.content;
  return typeof content === 'string' ? content : '';
}

/** The upstream repeats the prompt, so the answer carries whatever secret the prompt did. */
function echo(request: RecordedRequest) {
  return { kind: 'reply' as const, content: `echo: ${lastUserText(request)}`, chunks: 7, usage: { promptTokens: 40, completionTokens: 30 } };
}

type Detail = { request: { status: string }; capture?: { request: string; response: string; truncated: boolean } | null } | null;

async function detail(serve: ServeProcess, id: string): Promise<Detail> {
  const adminToken = readFileSync(join(serve.dataDir, 'admin-token'), 'utf8').trim();
  const response = await fetch(`${serve.url}/_switchyard/api/usage.detail`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ id }),
  });
  const text = await response.text();
  controlAnswers.push({ where: `usage.detail ${id}`, content: text });
  expect(response.status).toBe(200);
  return JSON.parse(text) as Detail;
}

/** usage.detail once the request's row is final and (when `captured`) its capture has been written. */
async function settledDetail(serve: ServeProcess, id: string, captured: boolean): Promise<NonNullable<Detail>> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const answer = await detail(serve, id);
    if (answer && answer.request.status !== 'in_flight' && (!captured || answer.capture)) return answer;
    if (Date.now() > deadline) throw new Error(`no settled detail for ${id}: ${JSON.stringify(answer)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function startWith(
  upstream: FakeOpenAI,
  capture: Record<string, unknown> | undefined,
): Promise<{ serve: ServeProcess; client: OpenAI; configPath: string }> {
  const configPath = writeConfig({
    providers: [{ id: 'openai', base_url: upstream.baseUrl }],
    ledger: { price_refresh: false, ...(capture ? { capture } : {}) },
  });
  const serve = await startServe({ configPath, env: { OPENAI_API_KEY: canary } });
  return { serve, configPath, client: new OpenAI({ baseURL: serve.baseUrl, apiKey: serve.token, maxRetries: 0, timeout: 20_000 }) };
}

async function streamText(client: OpenAI, content: string): Promise<{ id: string; text: string }> {
  const { data: stream, response } = await client.chat.completions
    .create({ model: 'openai/gpt-4o-mini', stream: true, messages: [{ role: 'user', content }] })
    .withResponse();
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
  return { id: response.headers.get('x-switchyard-request-id') ?? '', text };
}

let upstream: FakeOpenAI;

beforeAll(async () => {
  upstream = await FakeOpenAI.start({ apiKey: canary });
  upstream.onChat = echo;
});

afterAll(async () => {
  await upstream?.close();
});

describe('capture on (ledger.capture.enabled in the config)', () => {
  let serve: ServeProcess;
  let client: OpenAI;
  let configPath: string;

  beforeAll(async () => {
    ({ serve, client, configPath } = await startWith(upstream, { enabled: true, retention_days: 3, max_bytes_per_request: 16_384 }));
  });

  afterAll(async () => {
    await serve?.stop('SIGKILL');
  });

  it('says so at start', () => {
    expect(serve.output()).toMatch(
      /capture: ON — request and response bodies are stored in the ledger \(redacted, up to 16 KiB per request, kept 3 day\(s\)\)/,
    );
  });

  it('captures the Messages dialect and embeddings too (vectors shown by their size)', async () => {
    const post = (path: string, body: unknown) =>
      fetch(`${serve.baseUrl}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${serve.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect(
      (await post('/messages', { model: 'openai/gpt-4o-mini', max_tokens: 64, messages: [{ role: 'user', content: `${marker} anthropic` }] })).status,
    ).toBe(200);
    expect((await post('/embeddings', { model: 'openai/text-embedding-3-small', input: `${marker} embed me` })).status).toBe(200);
    const ledger = LedgerReader.open(serve.dataDir);
    const rows = await ledger.newFinalRows(2).finally(() => ledger.close());
    const byEndpoint = new Map(rows.map((row) => [row.endpoint, row.id]));
    const messages = await settledDetail(serve, byEndpoint.get('messages') ?? '', true);
    expect(messages.capture?.request).toContain(`"content":"${marker} anthropic"`);
    expect(JSON.parse(messages.capture?.response ?? '')).toMatchObject({
      type: 'message',
      role: 'assistant',
      content: [{ type: 'text', text: `echo: ${marker} anthropic` }],
    });
    const embeddings = await settledDetail(serve, byEndpoint.get('embeddings') ?? '', true);
    expect(embeddings.capture?.request).toContain(`${marker} embed me`);
    expect(embeddings.capture?.response).toMatch(/"embedding":"\[\d+ numbers\]"/);
  });

  it('captures a chat and a stream, redacted, and usage.detail returns them; a pasted key leaves no piece in any file', async () => {
    const prompt = `${marker} my key is ${canary} and without its prefix ${canary.slice(3)}`;
    const { data, response } = await client.chat.completions
      .create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: prompt }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe(`echo: ${prompt}`); // the answer really carried the key through the gateway
    const chat = await settledDetail(serve, response.headers.get('x-switchyard-request-id') ?? '', true);
    expect(chat.capture?.truncated).toBe(false);
    expect(JSON.parse(chat.capture?.request ?? '')).toMatchObject({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: expect.stringContaining(`${marker} my key is *** and without its prefix ***`) }],
    });
    expect(chat.capture?.response).toContain(`"content":"echo: ${marker} my key is *** and without its prefix ***`);

    const streamed = await streamText(client, `${marker} stream ${canary}`);
    expect(streamed.text).toBe(`echo: ${marker} stream ${canary}`); // split over 7 chunks, key included
    const stream = await settledDetail(serve, streamed.id, true);
    expect(stream.capture?.request).toContain('"stream":true');
    expect(stream.capture?.response).toMatch(new RegExp(`^echo: ${marker} stream \\*\\*\\*\\n\\n\\[usage\\] \\{"prompt_tokens":40,"completion_tokens":30`));

    // A client may spell the key with JSON escapes; the capture sees through them.
    const escaped = [...canary].map((character) => `\\u00${character.charCodeAt(0).toString(16).padStart(2, '0')}`).join('');
    const raw = await fetch(`${serve.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${serve.token}`, 'content-type': 'application/json' },
      body: `{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"${marker} escaped ${escaped}"}]}`,
    });
    expect(await raw.text()).toContain(canary);
    const escapedDetail = await settledDetail(serve, raw.headers.get('x-switchyard-request-id') ?? '', true);
    expect(escapedDetail.capture?.request).toContain(`${marker} escaped ***`);

    // Past max_bytes_per_request: cut, marked, and still within the limit.
    const long = await client.chat.completions
      .create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: `${marker} ${'long text '.repeat(3_000)}` }] })
      .withResponse();
    const cut = await settledDetail(serve, long.response.headers.get('x-switchyard-request-id') ?? '', true);
    expect(cut.capture?.truncated).toBe(true);
    expect(cut.capture?.request).toMatch(/\n… \[cut by Switchyard: \d+ bytes in all\]$/);
    expect(Buffer.byteLength(cut.capture?.request ?? '') + Buffer.byteLength(cut.capture?.response ?? '')).toBeLessThanOrEqual(16_384);

    await serve.stop('SIGTERM'); // the ledger and the capture writer flush before the files are read
    const scanned: Scanned[] = [
      ...filesUnder(serve.dataDir),
      { where: `config ${configPath}`, content: readFileSync(configPath) },
      { where: 'serve output', content: serve.output() },
      ...controlAnswers,
    ];
    expect(ledgerFilesContaining(serve.dataDir, marker).length).toBeGreaterThan(0); // captures did reach the files
    expect(findLeaks(scanned, [canary])).toEqual([]);
  });
});

describe('capture off (the default)', () => {
  let serve: ServeProcess;
  let client: OpenAI;

  beforeAll(async () => {
    ({ serve, client } = await startWith(upstream, undefined));
  });

  afterAll(async () => {
    await serve?.stop('SIGKILL');
  });

  it('stores no body: the captures table stays empty and no prompt or answer text is in any ledger file', async () => {
    const { response } = await client.chat.completions
      .create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: `${marker} not to be kept` }] })
      .withResponse();
    const streamed = await streamText(client, `${marker} streamed, not to be kept`);
    for (const id of [response.headers.get('x-switchyard-request-id') ?? '', streamed.id]) {
      const answer = await settledDetail(serve, id, false);
      expect(answer.request.status).toBe('ok');
      expect(answer.capture).toBeNull();
    }
    await new Promise((resolve) => setTimeout(resolve, 300)); // longer than any capture flush
    const ledger = LedgerReader.open(serve.dataDir);
    try {
      expect(ledger.rows()).toHaveLength(2);
    } finally {
      ledger.close();
    }
    const database = new Database(join(serve.dataDir, 'ledger.sqlite'), { readonly: true });
    try {
      expect(database.prepare('SELECT COUNT(*) FROM captures').pluck().get()).toBe(0);
    } finally {
      database.close();
    }
    await serve.stop('SIGTERM');
    expect(ledgerFilesContaining(serve.dataDir, marker)).toEqual([]);
    expect(serve.output()).not.toContain('capture: ON');
  });
});
