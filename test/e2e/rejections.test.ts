// Requests refused before routing leave a trace: a ledger row with the status, the reason and the client (a request
// without a valid token as `unauthenticated`, never the credential it presented), and with server.log_requests an
// access-log line per request. Against `switchyard serve` over loopback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../fakes/openai-fake.js';
import { LedgerReader, ledgerFilesContaining } from '../support/ledger-reader.js';
import { startServe, type ServeProcess } from '../support/serve-process.js';

let fake: FakeOpenAI;
let serve: ServeProcess;
let ledger: LedgerReader;

beforeAll(async () => {
  fake = await FakeOpenAI.start();
  serve = await startServe({
    config: { server: { log_requests: true, max_body_bytes: 4096 }, providers: [{ id: 'openai', base_url: fake.baseUrl }], routing: { auto_offline: false } },
    env: { OPENAI_API_KEY: 'sk-test-rejections' },
  });
  ledger = LedgerReader.open(serve.dataDir);
  ledger.skipAll();
});

afterAll(async () => {
  await serve?.stop();
  await fake?.close();
});

const post = (path: string, body: string, token: string | undefined = serve.token): Promise<Response> =>
  fetch(`${serve.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
    body,
  });

describe('requests refused before routing', () => {
  it('each leaves one ledger row with the status, the reason and the client', async () => {
    const wrongToken = 'sy-not-a-real-token-1234567890abcdef';
    const answers = [
      await post('/v1/chat/completions', '{"model":'),
      await post('/v1/chat/completions', JSON.stringify({ model: 'nosuch/model', messages: [{ role: 'user', content: 'hi' }] })),
      await post('/v1/responses', JSON.stringify({ model: 'openai/gpt-4.1', input: 42 })),
      await post('/v1/chat/completions', JSON.stringify({ model: 'openai/gpt-4.1', messages: [{ role: 'user', content: 'x'.repeat(8192) }] })),
      await post('/v1/messages', JSON.stringify({ model: 'm', max_tokens: 1, messages: [] }), wrongToken),
      await post('/v1/no/such/path', '{}'),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([400, 404, 400, 413, 401, 404]);
    const rows = await ledger.newFinalRows(6);
    const seen = rows.map((row) => [row.endpoint, row.status, row.http_status, row.error_class, row.client_token_name]);
    expect(seen).toEqual(
      expect.arrayContaining([
        ['chat', 'error', 400, 'invalid_json', 'default'],
        ['chat', 'error', 404, 'model_not_found', 'default'],
        ['responses', 'error', 400, 'invalid_value', 'default'],
        ['chat', 'error', 413, 'request_too_large', 'default'],
        ['messages', 'error', 401, 'invalid_api_key', 'unauthenticated'],
        ['other', 'error', 404, 'unknown_url', 'default'],
      ]),
    );
    expect(rows).toHaveLength(6);
    // the unknown model is named in its row; nothing reached the upstream
    expect(rows.find((row) => row.error_class === 'model_not_found')?.requested_model).toBe('nosuch/model');
    expect(fake.chatRequests()).toHaveLength(0);
    // the presented credential is nowhere in the ledger's files
    expect(ledgerFilesContaining(serve.dataDir, wrongToken.slice(3, 20))).toEqual([]);
  });

  it('a refused request is an access-log line like any other, with the client and the model', async () => {
    const before = serve.output().length;
    await post('/v1/chat/completions', JSON.stringify({ model: 'nosuch/model', messages: [{ role: 'user', content: 'hi' }] }));
    await fetch(`${serve.url}/v1/models`, { headers: { authorization: 'Bearer sy-wrong' } });
    await expect.poll(() => serve.output().slice(before), { timeout: 5_000 }).toMatch(/POST \/v1\/chat\/completions 404 default nosuch\/model \d+\.\dms/);
    await expect.poll(() => serve.output().slice(before), { timeout: 5_000 }).toMatch(/GET \/v1\/models 401 unauthenticated - \d+\.\dms/);
    expect(serve.output()).not.toContain('sy-wrong');
  });
});
