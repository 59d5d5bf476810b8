// The privacy guard through a running `switchyard serve`, with the real `openai` and `@anthropic-ai/sdk` clients: a
// prompt holding a canary AWS key on a route [cloud, local] reaches only the local fake (the cloud fakes never see
// any 6-character piece of it), `redact` sends placeholders upstream on every dialect's path (the OpenAI bytes as
// written, Anthropic Messages, Responses and Gemini passthroughs), `block` answers 403 in each dialect's error shape,
// `warn` only says so. The ledger names the detector and never holds the key.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeAnthropic, fakeAnthropicKey } from '../fakes/anthropic-fake.js';
import { GeminiFake } from '../fakes/gemini-fake.js';
import { FakeOpenAI } from '../fakes/openai-fake.js';
import { LedgerReader, ledgerFilesContaining } from '../support/ledger-reader.js';
import { startServe, type ServeProcess } from '../support/serve-process.js';

const providerKey = 'sk-proj-UPSTREAMKEY0123456789abcdefABCDEF';
const geminiKey = 'AIzaFAKEGEMINIKEY0123456789abcdefABCD';
/** A fresh AWS access key id per run: AKIA and 16 upper-case letters or digits. */
const canary = `AKIA${Array.from({ length: 16 }, () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[randomInt(32)]).join('')}`;
const prompt = `Deploy with this key: ${canary} and tell me what it is.`;

let cloud: FakeOpenAI;
let local: FakeOpenAI;
let claude: FakeAnthropic;
let gemini: GeminiFake;
let serve: ServeProcess;
let openai: OpenAI;
let anthropic: Anthropic;
let ledger: LedgerReader;

/** Every 6-character piece of the canary. */
const pieces = Array.from({ length: canary.length - 5 }, (_, index) => canary.slice(index, index + 6));

function leaked(bodies: readonly Buffer[]): string[] {
  return pieces.filter((piece) => bodies.some((body) => body.includes(piece)));
}

beforeAll(async () => {
  cloud = await FakeOpenAI.start({ apiKey: providerKey });
  local = await FakeOpenAI.start({ models: ['qwen3:8b'] });
  claude = await FakeAnthropic.start();
  gemini = await GeminiFake.start({ apiKey: geminiKey });
  serve = await startServe({
    config: {
      providers: [
        { id: 'cloud', type: 'openai-compatible', base_url: cloud.baseUrl, locality: 'cloud', api_key_env: 'CLOUD_KEY', responses_api: true },
        { id: 'claude', preset: 'anthropic', base_url: claude.baseUrl, locality: 'cloud' },
        { id: 'google', type: 'gemini', base_url: gemini.baseUrl, api_key_env: 'GOOGLE_FAKE_KEY', locality: 'cloud' },
        { id: 'local', type: 'openai-compatible', base_url: local.baseUrl, locality: 'local' },
      ],
      routes: {
        guarded: { targets: ['cloud/gpt-4o-mini', 'local/qwen3:8b'], privacy: { action: 'local-only' } },
        'guarded-claude': { targets: ['claude/claude-sonnet-4-5', 'local/qwen3:8b'], privacy: { action: 'local-only' } },
        'cloud-only': { targets: ['cloud/gpt-4o-mini'], privacy: { action: 'local-only' } },
        redacted: { targets: ['cloud/gpt-4o-mini'], privacy: { action: 'redact' } },
        'redacted-claude': { targets: ['claude/claude-sonnet-4-5'], privacy: { action: 'redact' } },
        'redacted-gemini': { targets: ['google/gemini-2.5-flash'], privacy: { action: 'redact' } },
        blocked: { targets: ['cloud/gpt-4o-mini', 'local/qwen3:8b'], privacy: { action: 'block' } },
        warned: { targets: ['cloud/gpt-4o-mini'] },
      },
      routing: { num_retries: 0, allowed_fails: 1_000, auto_offline: false },
      privacy: { action: 'warn', detectors: ['secrets'] },
      ollama_api: { enabled: true },
    },
    env: { CLOUD_KEY: providerKey, ANTHROPIC_API_KEY: fakeAnthropicKey, GOOGLE_FAKE_KEY: geminiKey },
  });
  openai = new OpenAI({ baseURL: serve.baseUrl, apiKey: serve.token, maxRetries: 0, timeout: 20_000 });
  anthropic = new Anthropic({ baseURL: serve.url, apiKey: serve.token, maxRetries: 0, timeout: 20_000 });
  ledger = LedgerReader.open(serve.dataDir);
});

afterAll(async () => {
  ledger?.close();
  await serve?.stop();
  await Promise.all([cloud?.close(), local?.close(), claude?.close(), gemini?.close()]);
});

function cloudBodies(): Buffer[] {
  return [...cloud.requests, ...claude.requests, ...gemini.requests].map((request) => request.rawBody);
}

/** The chat calls a fake received (probes and model lists aside). */
function chats(fake: FakeOpenAI): number {
  return fake.requests.filter((request) => request.method === 'POST').length;
}

function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${serve.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${serve.token}`, ...headers },
    body: JSON.stringify(body),
  });
}

describe('local-only', () => {
  it('openai client: the prompt with the key reaches only the local fake; the trail says why the cloud was skipped', async () => {
    const cloudBefore = chats(cloud);
    const localBefore = chats(local);
    const { data, response } = await openai.chat.completions.create({ model: 'guarded', messages: [{ role: 'user', content: prompt }] }).withResponse();
    expect(data.choices[0]?.message.content).toBeTruthy();
    expect(response.headers.get('x-switchyard-provider')).toBe('local');
    expect(response.headers.get('x-switchyard-privacy')).toBe('aws-access-key');
    expect(response.headers.get('x-switchyard-attempts')).toMatch(/cloud\/gpt-4o-mini=skipped .*privacy guard: aws-access-key/);
    expect(chats(cloud)).toBe(cloudBefore);
    expect(chats(local)).toBe(localBefore + 1);
    expect(local.requests.at(-1)?.rawBody.includes(canary)).toBe(true);
    const row = await ledger.newRow();
    expect(row).toMatchObject({ provider_id: 'local', status: 'ok' });
    expect((row as unknown as Record<string, unknown>)['privacy_detectors']).toBe('aws-access-key');
    expect((row as unknown as Record<string, unknown>)['privacy_action']).toBe('local-only');
  });

  it('the same prompt without the key goes to the cloud as usual', async () => {
    const { response } = await openai.chat.completions
      .create({ model: 'guarded', messages: [{ role: 'user', content: 'Deploy with the usual key.' }] })
      .withResponse();
    expect(response.headers.get('x-switchyard-provider')).toBe('cloud');
    expect(response.headers.get('x-switchyard-privacy')).toBeNull();
    await ledger.newRow();
  });

  it('anthropic client (streamed, the key in the system prompt and a tool result): only the local fake sees it', async () => {
    const claudeBefore = claude.requests.filter((request) => request.method === 'POST').length;
    const stream = anthropic.messages.stream({
      model: 'guarded-claude',
      max_tokens: 64,
      system: `Credentials for the deploy tool: ${canary}`,
      messages: [
        { role: 'user', content: 'deploy' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'deploy', input: { key: canary } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: `used ${canary}` }] },
      ],
    });
    const message = await stream.finalMessage();
    expect(message.content.length).toBeGreaterThan(0);
    expect(claude.requests.filter((request) => request.method === 'POST').length).toBe(claudeBefore);
    await ledger.newRow();
  });

  it('with no local target: 403 naming the detector, never the key, in the client dialect', async () => {
    const error = await openai.chat.completions
      .create({ model: 'cloud-only', messages: [{ role: 'user', content: prompt }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.PermissionDeniedError);
    const apiError = error as InstanceType<typeof OpenAI.APIError>;
    expect(apiError.status).toBe(403);
    expect(apiError.code).toBe('privacy_local_only');
    expect(apiError.message).toContain('aws-access-key');
    expect(apiError.message).not.toContain(canary.slice(4, 10));
    const row = await ledger.newRow();
    expect(row).toMatchObject({ status: 'error', http_status: 403 });
  });

  it('count_tokens: a prompt kept local is estimated, not sent to the cloud to be counted', async () => {
    const before = claude.requests.length;
    const response = await post(
      '/v1/messages/count_tokens',
      { model: 'guarded-claude', messages: [{ role: 'user', content: prompt }] },
      { 'anthropic-version': '2023-06-01' },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('x-switchyard-estimate')).toBe('true');
    expect(response.headers.get('x-switchyard-privacy')).toBe('aws-access-key');
    expect(claude.requests.slice(before).filter((request) => request.path.includes('count_tokens'))).toEqual([]);
    ledger.skipAll();
  });

  it('the cloud fakes never saw any 6-character piece of the key', () => {
    expect(leaked(cloudBodies())).toEqual([]);
  });
});

describe('redact', () => {
  it('openai client: the upstream gets a placeholder, not the key (the client bytes are not forwarded)', async () => {
    const before = cloud.requests.length;
    const { response } = await openai.chat.completions
      .create({
        model: 'redacted',
        messages: [{ role: 'user', content: prompt }],
        tools: [{ type: 'function', function: { name: 'deploy', parameters: { type: 'object' } } }],
      })
      .withResponse();
    expect(response.headers.get('x-switchyard-privacy')).toBe('aws-access-key');
    const sent = cloud.requests.slice(before).filter((request) => request.method === 'POST');
    expect(sent).toHaveLength(1);
    expect(sent[0]?.rawBody.toString('utf8')).toContain('[REDACTED:aws-access-key]');
    expect(leaked(sent.map((request) => request.rawBody))).toEqual([]);
    await ledger.newRow();
  });

  it('tool-call arguments and tool results are redacted too', async () => {
    const before = cloud.requests.length;
    await openai.chat.completions.create({
      model: 'redacted',
      messages: [
        { role: 'user', content: 'deploy' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'deploy', arguments: JSON.stringify({ key: canary }) } }],
        },
        { role: 'tool', tool_call_id: 'call_1', content: `deployed with ${canary}` },
      ],
    });
    expect(leaked(cloud.requests.slice(before).map((request) => request.rawBody))).toEqual([]);
    await ledger.newRow();
  });

  it('anthropic client on the Messages passthrough: the key is redacted in the native body', async () => {
    const before = claude.requests.length;
    const message = await anthropic.messages.create({ model: 'redacted-claude', max_tokens: 64, messages: [{ role: 'user', content: prompt }] });
    expect(message.type).toBe('message');
    const sent = claude.requests.slice(before).filter((request) => request.method === 'POST');
    expect(sent).toHaveLength(1);
    expect(sent[0]?.rawBody.toString('utf8')).toContain('[REDACTED:aws-access-key]');
    expect(leaked(sent.map((request) => request.rawBody))).toEqual([]);
    await ledger.newRow();
  });

  it('Responses passthrough (a Responses-speaking cloud): the key is redacted', async () => {
    const before = cloud.requests.length;
    const response = await openai.responses.create({
      model: 'redacted',
      input: [{ role: 'user', content: [{ type: 'input_text', text: prompt }] }],
      store: false,
    });
    expect(response.status).toBe('completed');
    const sent = cloud.requests.slice(before).filter((request) => request.method === 'POST');
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.some((request) => request.path.startsWith('/v1/responses'))).toBe(true);
    expect(leaked(sent.map((request) => request.rawBody))).toEqual([]);
    await ledger.newRow();
  });

  it('Gemini passthrough: the key is redacted', async () => {
    const before = gemini.requests.length;
    const response = await post(
      '/v1beta/models/redacted-gemini:generateContent',
      { contents: [{ role: 'user', parts: [{ text: prompt }] }] },
      { 'x-goog-api-key': serve.token },
    );
    expect(response.status).toBe(200);
    const sent = gemini.requests.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.rawBody.toString('utf8')).toContain('[REDACTED:aws-access-key]');
    expect(leaked(sent.map((request) => request.rawBody))).toEqual([]);
    await ledger.newRow();
  });
});

describe('block', () => {
  it('openai client: 403 privacy_blocked naming the detector; nothing goes upstream', async () => {
    const before = chats(cloud) + chats(local);
    const error = await openai.chat.completions.create({ model: 'blocked', messages: [{ role: 'user', content: prompt }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe('privacy_blocked');
    expect((error as Error).message).toContain('aws-access-key');
    expect((error as Error).message).not.toContain(canary.slice(4, 10));
    expect(chats(cloud) + chats(local)).toBe(before);
    const row = await ledger.newRow();
    expect(row).toMatchObject({ status: 'error', http_status: 403 });
    expect((row as unknown as Record<string, unknown>)['privacy_action']).toBe('block');
  });

  it('anthropic client: a permission_error in the Messages shape', async () => {
    const error = await anthropic.messages
      .create({ model: 'blocked', max_tokens: 64, messages: [{ role: 'user', content: prompt }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.PermissionDeniedError);
    const body = (error as InstanceType<typeof Anthropic.APIError>).error as { type: string; error: { type: string; message: string } };
    expect(body.type).toBe('error');
    expect(body.error.type).toBe('permission_error');
    expect(body.error.message).toContain('aws-access-key');
    await ledger.newRow();
  });

  it('Responses, Gemini and Ollama answer in their own error shapes', async () => {
    const responses = await post('/v1/responses', { model: 'blocked', input: prompt });
    expect(responses.status).toBe(403);
    expect(((await responses.json()) as { error: { code: string } }).error.code).toBe('privacy_blocked');
    const google = await post(
      '/v1beta/models/blocked:generateContent',
      { contents: [{ role: 'user', parts: [{ text: prompt }] }] },
      { 'x-goog-api-key': serve.token },
    );
    expect(google.status).toBe(403);
    expect(((await google.json()) as { error: { code: number; status: string } }).error).toMatchObject({ code: 403, status: 'PERMISSION_DENIED' });
    const ollama = await post('/api/chat', { model: 'blocked', messages: [{ role: 'user', content: prompt }], stream: false });
    expect(ollama.status).toBe(403);
    const ollamaBody = (await ollama.json()) as { error: string };
    expect(ollamaBody.error).toContain('aws-access-key');
    expect(JSON.stringify(ollamaBody)).not.toContain(canary.slice(4, 10));
    await ledger.newFinalRows(3);
  });
});

describe('warn, and what is kept', () => {
  it('warn: the request goes as written, with the header and the ledger note', async () => {
    const before = chats(cloud);
    const { response } = await openai.chat.completions
      .create({ model: 'warned', messages: [{ role: 'user', content: `my token: ghp_${'a1B2'.repeat(9)}` }] })
      .withResponse();
    expect(response.headers.get('x-switchyard-privacy')).toBe('github-token');
    expect(chats(cloud)).toBe(before + 1);
    const row = await ledger.newRow();
    expect((row as unknown as Record<string, unknown>)['privacy_action']).toBe('warn');
  });

  it('the ledger files never hold the key', () => {
    expect(ledgerFilesContaining(serve.dataDir, canary)).toEqual([]);
  });
});
