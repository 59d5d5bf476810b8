// RELIABILITY.md's canary: `sk-CANARY-…` keys configured for a provider, traffic in which the upstream echoes the
// key back (401s, 400s, 500s, in-band stream errors, HTML pages), then no 6-character piece of any canary in the
// serve output, any file of the data dir (SQLite and -wal included), the config, or anything a client received.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearerToken, FakeOpenAI, invalidApiKey, maskLikeOpenAI, openAIErrorBody, type RecordedRequest, type Scenario } from '../fakes/openai-fake.js';
import { canaryKey, filesUnder, findLeaks, type Scanned } from '../support/secret-scan.js';
import { removeTestEntries, requireSecretService, testServiceName } from '../support/secret-service.js';
import { startServe, writeConfig, type ServeProcess } from '../support/serve-process.js';
import type { KeychainStore } from '../../main/secrets/keychain-store.js';

const rejectedCanary = canaryKey(); // keychain key #1: the upstream refuses it
const workingCanary = canaryKey(); // keychain key #2
const environmentCanary = canaryKey(); // OPENAI_API_KEY, used while boot does not read the keychain
const canaries = [rejectedCanary, workingCanary, environmentCanary];
const service = testServiceName();

let store: KeychainStore;
let upstream: FakeOpenAI;
let serve: ServeProcess;
let configPath: string;
/** where the key came from, as serve's banner says: the keychain once boot is wired to it, else the environment */
let keySource: 'keychain' | 'env';
const received: Scanned[] = [];

function lastUserText(request: RecordedRequest): string {
  const body = request.body as { messages?: Array<{ role?: string; content?: unknown }>; input?: unknown } | undefined;
  const content = body?.messages?.at(-1)?.content;
  return typeof content === 'string' ? content : '';
}

/** The upstream misbehaves on cue, always with the key it was sent in the error. */
function echoingScenario(request: RecordedRequest): Scenario {
  const key = bearerToken(request) ?? '';
  switch (lastUserText(request)) {
    case 'echo-401':
      return invalidApiKey(key);
    case 'echo-400':
      return {
        kind: 'error',
        status: 400,
        body: openAIErrorBody(`Invalid header value: 'Authorization: Bearer ${key}'`, 'invalid_request_error', 'authorization', 'invalid_header'),
      };
    case 'echo-500':
      return {
        kind: 'error',
        status: 500,
        body: openAIErrorBody(`Internal error while serving ${key} (${maskLikeOpenAI(key)}); request key=${key}`, 'server_error', null, null),
      };
    case 'echo-html':
      return {
        kind: 'error',
        status: 502,
        body: `<html><body><h1>502 Bad Gateway</h1><p>upstream auth ${key}</p></body></html>`,
        headers: { 'content-type': 'text/html' },
      };
    case 'echo-in-band':
      return {
        kind: 'in-band-error-after',
        contentChunks: 2,
        errorData: JSON.stringify({ error: { message: `stream failed for api_key=${key}`, type: 'server_error', code: null } }),
      };
    case 'echo-in-band-first':
      return {
        kind: 'in-band-error-first',
        errorData: JSON.stringify({ error: { message: `overloaded; key ${maskLikeOpenAI(key)} ${key}`, type: 'server_error', code: null } }),
      };
    default:
      return { kind: 'reply' };
  }
}

async function call(path: string, init: { method?: string; body?: string; token?: string } = {}): Promise<{ status: number; text: string }> {
  const response = await fetch(`${serve.url}${path}`, {
    method: init.method ?? 'POST',
    headers: { authorization: `Bearer ${init.token ?? serve.token}`, 'content-type': 'application/json' },
    ...(init.body === undefined ? {} : { body: init.body }),
  });
  const text = await response.text();
  const index = received.length;
  received.push({ where: `response ${index} (${path}) headers`, content: JSON.stringify([response.status, [...response.headers]]) });
  received.push({ where: `response ${index} (${path}) body`, content: text });
  return { status: response.status, text };
}

function chat(content: string, stream = false): Promise<{ status: number; text: string }> {
  return call('/v1/chat/completions', { body: JSON.stringify({ model: 'openai/gpt-4o-mini', stream, messages: [{ role: 'user', content }] }) });
}

beforeAll(async () => {
  store = await requireSecretService(service);
  await store.set('openai', [rejectedCanary, workingCanary]);
  upstream = await FakeOpenAI.start({ apiKey: workingCanary });
  upstream.onChat = echoingScenario;
  upstream.onEmbeddings = (request) => invalidApiKey(bearerToken(request) ?? '');
  // allowed_fails: no circuit breaker in the way, so every scenario below reaches the upstream.
  configPath = writeConfig({
    providers: [{ id: 'openai', base_url: upstream.baseUrl }],
    routing: { backoff_initial_ms: 1, backoff_max_ms: 5, allowed_fails: 1000 },
  });
  serve = await startServe({ configPath, env: { OPENAI_API_KEY: environmentCanary, SWITCHYARD_KEYCHAIN_SERVICE: service } });
  const banner = /openai\s+openai-compatible.*key: (\S+)/.exec(serve.output());
  keySource = banner?.[1] === 'keychain' ? 'keychain' : 'env';
  console.info(`canary test: serve took the openai key from the ${keySource} (banner: ${banner?.[0] ?? 'none'})`);
});

afterAll(async () => {
  await serve?.stop('SIGKILL');
  await upstream?.close();
  if (store) await removeTestEntries(store);
});

describe('canary keys', () => {
  it('survive traffic full of upstream errors that echo the key, leaving no 6-character piece anywhere', async () => {
    // 1. The first key is refused (keychain: key #1; environment: the only key). OpenAI's 401 echoes it, partly masked.
    // With the keychain, key #2 takes over (the gateway may retry the same request with it, invisibly).
    const first = await chat('hello');
    expect(bearerToken(upstream.chatRequests()[0] ?? { headers: {} })).toBe(keySource === 'keychain' ? rejectedCanary : environmentCanary);
    if (keySource === 'keychain') {
      expect([200, 401]).toContain(first.status);
      expect(serve.output()).toMatch(/openai: key #1 …\S{4} rejected \(401\); now using key #2 …\S{4}/);
      expect((await chat('hello again', true)).status).toBe(200);
    } else {
      expect(first.status).toBe(401);
      expect((await chat('hello again', true)).status).toBe(401);
    }
    expect((await call('/v1/models', { method: 'GET' })).status).toBe(200);
    // 2. From here on the upstream accepts whatever key Switchyard now sends, and misbehaves on cue.
    const presented = bearerToken(upstream.chatRequests().at(-1) ?? { headers: {} });
    expect(canaries).toContain(presented);
    upstream.apiKey = presented;
    expect((await chat('plain answer')).status).toBe(200);
    expect((await chat('streamed answer', true)).status).toBe(200);
    expect((await chat('echo-400')).status).toBe(400);
    expect((await chat('echo-400', true)).status).toBe(400);
    expect((await chat('echo-500')).status).toBeGreaterThanOrEqual(500);
    expect((await chat('echo-html')).status).toBeGreaterThanOrEqual(500);
    expect((await chat('echo-in-band', true)).status).toBe(200);
    expect((await chat('echo-in-band-first', true)).status).toBeGreaterThanOrEqual(500);
    expect((await chat('echo-401')).status).toBe(401);
    expect((await chat('echo-401', true)).status).toBe(401);
    expect((await call('/v1/embeddings', { body: JSON.stringify({ model: 'openai/text-embedding-3-small', input: 'x' }) })).status).toBe(401);
    expect(
      (await call('/v1/messages', { body: JSON.stringify({ model: 'openai/gpt-4o-mini', max_tokens: 16, messages: [{ role: 'user', content: 'echo-500' }] }) }))
        .status,
    ).toBeGreaterThanOrEqual(500);
    // 3. Bad requests of the client's own making, and a request carrying a canary where the client token goes.
    expect((await call('/v1/chat/completions', { body: '{"model": "openai/gpt-4o-mini", "messages": [' })).status).toBe(400);
    expect((await call('/v1/chat/completions', { body: JSON.stringify({ model: 'openai/gpt-4o-mini' }) })).status).toBe(400);
    expect((await call('/v1/chat/completions', { body: JSON.stringify({ model: 'nowhere/model', messages: [{ role: 'user', content: 'x' }] }) })).status).toBe(
      404,
    );
    expect((await call('/v1/chat/completions', { body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [] }), token: environmentCanary })).status).toBe(
      401,
    );
    // 4. The management view of the providers.
    const adminToken = readFileSync(join(serve.dataDir, 'admin-token'), 'utf8').trim();
    expect((await call('/_switchyard/api/status.get', { method: 'GET', token: adminToken })).status).toBe(200);

    // The upstream really was sent canaries and really echoed them, so the scan below is not vacuous.
    const sent = upstream.requests.map((request) => bearerToken(request)).filter((key) => key !== undefined);
    expect(sent.length).toBeGreaterThan(10);
    expect(sent.every((key) => canaries.includes(key))).toBe(true);

    await serve.stop('SIGTERM'); // let the ledger and logs flush before reading the files
    const scanned: Scanned[] = [
      { where: 'serve output (stdout + stderr)', content: serve.output() },
      { where: `config ${configPath}`, content: readFileSync(configPath) },
      ...filesUnder(serve.dataDir),
      ...received,
    ];
    expect(scanned.length).toBeGreaterThan(received.length + 3); // the data dir has at least the two token files
    expect(findLeaks(scanned, canaries)).toEqual([]);
  });

  it('the scanner finds what it is meant to find', () => {
    const echoed = `Incorrect API key provided: ${maskLikeOpenAI(workingCanary)}.`;
    expect(findLeaks([{ where: 'echo', content: echoed }], [workingCanary]).map((leak) => leak.piece)).toContain(workingCanary.slice(0, 6));
    expect(findLeaks([{ where: 'tail', content: `…${workingCanary.slice(-6)}` }], [workingCanary])).toHaveLength(1);
    expect(findLeaks([{ where: 'masked', content: `key …${workingCanary.slice(-4)}` }], [workingCanary])).toEqual([]);
  });
});
