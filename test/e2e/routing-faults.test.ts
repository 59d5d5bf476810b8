// Fault injection through a running `switchyard serve`: for each upstream fault, what the client sees, the
// attempt trail, and — for disconnects — that the upstream socket closed within 1 s.
import OpenAI from 'openai';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  FakeOpenAI,
  invalidRequest,
  rateLimited,
  serverError,
  overloaded,
  overloaded529,
  contextLengthExceeded,
  invalidApiKey,
  insufficientQuota,
  modelNotFound,
  overloadedStreamError,
} from '../fakes/openai-fake.js';
import { readSse } from '../support/sse.js';
import { startServe, type ServeProcess } from '../support/serve-process.js';

let primary: FakeOpenAI;
let backup: FakeOpenAI;
let serve: ServeProcess;
let client: OpenAI;
let closedPort: number;

async function unusedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  primary = await FakeOpenAI.start({ apiKey: 'sk-primary-key-000000000000' });
  backup = await FakeOpenAI.start({ apiKey: 'sk-backup-key-0000000000000' });
  closedPort = await unusedPort();
  serve = await startServe({
    config: {
      providers: [
        { id: 'primary', type: 'openai-compatible', base_url: primary.baseUrl, api_key_env: 'PRIMARY_KEY', locality: 'cloud' },
        { id: 'backup', type: 'openai-compatible', base_url: backup.baseUrl, api_key_env: 'BACKUP_KEY', locality: 'cloud' },
        { id: 'dead', type: 'openai-compatible', base_url: `http://127.0.0.1:${closedPort}/v1`, locality: 'cloud' },
      ],
      routes: {
        smart: { targets: ['primary/gpt-4o-mini', 'backup/gpt-4o-mini'] },
        deadfirst: { targets: ['dead/gpt-4o-mini', 'backup/gpt-4o-mini'] },
        allfail: { targets: ['primary/gpt-4o-mini', 'backup/gpt-4o-mini'], num_retries: 3 },
      },
      routing: {
        num_retries: 1,
        max_attempts: 4,
        backoff_initial_ms: 20,
        backoff_max_ms: 100,
        retry_after_cap_ms: 2_000,
        allowed_fails: 1_000,
        auto_offline: false,
        timeouts: { cloud: { connect_ms: 1_000, first_token_ms: 700, idle_ms: 700, total_ms: 20_000 } },
      },
    },
    env: { PRIMARY_KEY: 'sk-primary-key-000000000000', BACKUP_KEY: 'sk-backup-key-0000000000000' },
  });
  client = new OpenAI({ baseURL: serve.baseUrl, apiKey: serve.token, maxRetries: 0, timeout: 30_000 });
});

afterAll(async () => {
  await serve?.stop();
  await primary?.close();
  await backup?.close();
});

afterEach(() => {
  primary.onChat = () => ({ kind: 'reply' });
  backup.onChat = () => ({ kind: 'reply' });
});

const messages = [{ role: 'user' as const, content: 'hi' }];

function chat(model: string, stream: boolean, signal?: AbortSignal): Promise<Response> {
  return fetch(`${serve.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${serve.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages, stream }),
    ...(signal ? { signal } : {}),
  });
}

function calls(fake: FakeOpenAI): number {
  return fake.chatRequests().length;
}

async function counted<T>(run: () => Promise<T>): Promise<{ result: T; primary: number; backup: number }> {
  const before = [calls(primary), calls(backup)] as const;
  const result = await run();
  return { result, primary: calls(primary) - before[0], backup: calls(backup) - before[1] };
}

describe('retryable failures before the first byte fall back invisibly', () => {
  it('connection refused → retried, then the next target', async () => {
    const { result, backup: backupCalls } = await counted(async () => chat('deadfirst', false));
    expect(result.status).toBe(200);
    expect(backupCalls).toBe(1);
    expect(result.headers.get('x-switchyard-provider')).toBe('backup');
    expect(result.headers.get('x-switchyard-attempts')).toMatch(
      /^dead\/gpt-4o-mini=unavailable\(503\) retry in \d+ ms, dead\/gpt-4o-mini=unavailable\(503\) retried 1 time\(s\), backup\/gpt-4o-mini=ok$/,
    );
  });

  for (const [name, scenario] of [
    ['500', serverError()],
    ['503', overloaded()],
    ['529', overloaded529()],
  ] as const) {
    it(`${name} → one retry on the same target, then the next (stream: client sees only the good answer)`, async () => {
      primary.onChat = () => scenario;
      const { result, primary: primaryCalls, backup: backupCalls } = await counted(async () => readSse(await chat('smart', true)));
      expect(result.status).toBe(200);
      expect(result.text).toBe('Hello from gpt-4o-mini!');
      expect(result.errors).toEqual([]);
      expect(result.done).toBe(true);
      expect([primaryCalls, backupCalls]).toEqual([2, 1]);
      expect(result.headers.get('x-switchyard-attempts')).toMatch(
        new RegExp(
          `^primary/gpt-4o-mini=\\w+\\(${name}\\) retry in \\d+ ms, primary/gpt-4o-mini=\\w+\\(${name}\\) retried 1 time\\(s\\), backup/gpt-4o-mini=ok$`,
        ),
      );
    });
  }

  it('429 with a short Retry-After is honoured on the same target', async () => {
    let count = 0;
    primary.onChat = () => (count++ === 0 ? rateLimited({ retryAfterMs: 300 }) : { kind: 'reply' });
    const started = performance.now();
    const {
      result,
      primary: primaryCalls,
      backup: backupCalls,
    } = await counted(() => client.chat.completions.create({ model: 'smart', messages }).withResponse());
    expect(performance.now() - started).toBeGreaterThanOrEqual(280);
    expect([primaryCalls, backupCalls]).toEqual([2, 0]);
    expect(result.response.headers.get('x-switchyard-attempts')).toMatch(/^primary\/gpt-4o-mini=rate_limit\(429\) retry in \d+ ms, primary\/gpt-4o-mini=ok$/);
  });

  it('429 with a long Retry-After moves to the next target at once', async () => {
    primary.onChat = () => rateLimited({ retryAfterSeconds: 60 });
    const started = performance.now();
    const {
      result,
      primary: primaryCalls,
      backup: backupCalls,
    } = await counted(() => client.chat.completions.create({ model: 'smart', messages }).withResponse());
    expect(performance.now() - started).toBeLessThan(1_500);
    expect([primaryCalls, backupCalls]).toEqual([1, 1]);
    expect(result.response.headers.get('x-switchyard-attempts')).toContain('asked to wait 60 s');
  });

  it('an in-band overloaded error as the first event falls back invisibly', async () => {
    primary.onChat = () => ({ kind: 'in-band-error-first', errorData: overloadedStreamError() });
    const result = await readSse(await chat('smart', true));
    expect(result.text).toBe('Hello from gpt-4o-mini!');
    expect(result.errors).toEqual([]);
    expect(result.done).toBe(true);
    expect(result.headers.get('x-switchyard-provider')).toBe('backup');
  });

  it('a stall before headers times out (first token) and falls back; the stalled socket is closed', async () => {
    primary.onChat = () => ({ kind: 'stall-before-headers' });
    const index = primary.requests.length;
    const started = performance.now();
    const result = await readSse(await chat('smart', true));
    expect(result.text).toBe('Hello from gpt-4o-mini!');
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(result.headers.get('x-switchyard-attempts')).toMatch(/^primary\/gpt-4o-mini=timeout\(504\) timed out, backup\/gpt-4o-mini=ok$/);
    await primary.waitForRequestClose(index, 1_000);
  });

  it('keep-alive comments alone do not count as tokens: first-token timeout, fallback', async () => {
    primary.onChat = () => ({ kind: 'stall-after-headers', keepAliveEveryMs: 100 });
    const index = primary.requests.length;
    const result = await readSse(await chat('smart', true));
    expect(result.text).toBe('Hello from gpt-4o-mini!');
    expect(result.headers.get('x-switchyard-attempts')).toMatch(/^primary\/gpt-4o-mini=timeout\(504\) timed out, backup/);
    await primary.waitForRequestClose(index, 1_000);
  });

  it('a stream that ends cleanly without [DONE] and before content falls back', async () => {
    primary.onChat = () => ({
      kind: 'raw',
      writes: [
        'data: {"id":"x","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}\n\n',
      ],
    });
    const result = await readSse(await chat('smart', true));
    expect(result.text).toBe('Hello from gpt-4o-mini!');
    expect(result.headers.get('x-switchyard-provider')).toBe('backup');
  });
});

describe('failures that are not retried on the same target', () => {
  for (const [name, scenario, errorClass] of [
    ['400', invalidRequest("Invalid value for 'temperature'", 'temperature'), 'bad_request'],
    ['401', invalidApiKey('sk-primary-key-000000000000'), 'auth'],
    [
      '403',
      {
        kind: 'error' as const,
        status: 403,
        body: { error: { message: 'Project does not have access to model', type: 'invalid_request_error', param: null, code: 'model_not_found' } },
      },
      'permission',
    ],
    ['404', modelNotFound('gpt-4o-mini'), 'not_found'],
    ['insufficient_quota', insufficientQuota(), 'quota'],
  ] as const) {
    it(`${name} → straight to the next target`, async () => {
      primary.onChat = () => scenario;
      const {
        result,
        primary: primaryCalls,
        backup: backupCalls,
      } = await counted(() => client.chat.completions.create({ model: 'smart', messages }).withResponse());
      expect(result.data.choices[0]?.message.content).toBe('Hello from gpt-4o-mini!');
      expect([primaryCalls, backupCalls]).toEqual([1, 1]);
      expect(result.response.headers.get('x-switchyard-attempts')).toMatch(new RegExp(`^primary/gpt-4o-mini=${errorClass}\\(\\d+\\) `));
    });
  }

  it('a 401 marks the provider key as rejected in the status', async () => {
    primary.onChat = () => invalidApiKey('sk-primary-key-000000000000');
    await client.chat.completions.create({ model: 'smart', messages });
    const status = await fetch(`${serve.url}/_switchyard/api/status.get`, { headers: { authorization: `Bearer ${adminToken()}` } });
    const body = (await status.json()) as { providers: Array<{ id: string; keyRejected: boolean }> };
    expect(body.providers.find((provider) => provider.id === 'primary')?.keyRejected).toBe(true);
  });

  it('context length exceeded → the next target', async () => {
    primary.onChat = () => contextLengthExceeded();
    const {
      result,
      primary: primaryCalls,
      backup: backupCalls,
    } = await counted(() => client.chat.completions.create({ model: 'smart', messages }).withResponse());
    expect([primaryCalls, backupCalls]).toEqual([1, 1]);
    expect(result.response.headers.get('x-switchyard-attempts')).toContain('context window too small');
  });
});

describe('the attempt budget', () => {
  it('a fully failing route never turns one request into more than max_attempts calls', async () => {
    primary.onChat = () => serverError();
    backup.onChat = () => serverError();
    const { result, primary: primaryCalls, backup: backupCalls } = await counted(async () => chat('allfail', false));
    expect(result.status).toBe(500);
    expect(primaryCalls + backupCalls).toBe(4);
    const body = (await result.json()) as { error: { message: string; type: string } };
    expect(body.error.message).toBe('The server had an error while processing your request. Sorry about that!');
    expect(result.headers.get('x-switchyard-attempts')).toContain('attempt budget of 4 used');
  });

  it('a streaming request whose every target fails before streaming gets the error status, not a 200', async () => {
    primary.onChat = () => rateLimited({ retryAfterSeconds: 60 });
    backup.onChat = () => rateLimited({ retryAfterSeconds: 60 });
    const response = await chat('smart', true);
    expect(response.status).toBe(429);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('retry-after')).toBe('60');
  });
});

describe('failures after the first byte', () => {
  it('a reset mid-stream: the chunks already sent, one in-band error, no [DONE], no replay', async () => {
    // The pause lets the chunks reach the gateway before the reset (a reset can discard unread data).
    primary.onChat = () => ({ kind: 'reset-after', contentChunks: 2, content: 'one two three four', chunks: 4, chunkDelayMs: 50 });
    const { result, backup: backupCalls } = await counted(async () => readSse(await chat('smart', true)));
    expect(result.status).toBe(200);
    // what arrived before the reset (a reset may discard the last unread bytes) — and nothing from elsewhere
    expect(result.text.length).toBeGreaterThan(0);
    expect('one two '.startsWith(result.text)).toBe(true);
    expect(result.errors).toHaveLength(1);
    expect(result.done).toBe(false);
    expect(backupCalls).toBe(0);
    expect(result.frames.at(-1)).toContain('"error"');
  });

  it('an in-band error after content ends the stream with that error', async () => {
    primary.onChat = () => ({ kind: 'in-band-error-after', contentChunks: 2, content: 'one two three four', chunks: 4 });
    const result = await readSse(await chat('smart', true));
    expect(result.text.length).toBeGreaterThan(0);
    expect('one two three four'.startsWith(result.text) && result.text.length < 'one two three four'.length).toBe(true);
    expect(result.errors).toEqual([expect.objectContaining({ message: 'The server had an error while processing your request. Sorry about that!' })]);
    expect(result.done).toBe(false);
  });

  it('a stream that ends without [DONE] after content is an error, not a success', async () => {
    primary.onChat = () => ({ kind: 'end-without-done' });
    const { result, backup: backupCalls } = await counted(async () => readSse(await chat('smart', true)));
    expect(result.text).toBe('Hello from gpt-4o-mini!');
    expect(result.errors).toEqual([expect.objectContaining({ message: "provider 'primary' ended the stream without [DONE]" })]);
    expect(result.done).toBe(false);
    expect(backupCalls).toBe(0);
  });

  it('silence mid-stream beyond the idle timeout ends the stream with a timeout error', async () => {
    primary.onChat = () => ({
      kind: 'raw',
      writes: [
        'data: {"id":"x","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"partial"},"finish_reason":null}]}\n\n',
        ': keep-alive\n\n',
        { delayMs: 300 },
        ': keep-alive\n\n',
        { delayMs: 300 },
        ': keep-alive\n\n',
      ],
      end: 'hold',
    });
    const index = primary.requests.length;
    const result = await readSse(await chat('smart', true));
    expect(result.text).toBe('partial');
    expect(result.errors).toEqual([expect.objectContaining({ type: 'timeout_error', code: 'idle_timeout' })]);
    expect(result.done).toBe(false);
    await primary.waitForRequestClose(index, 1_000);
  });
});

describe('client disconnects abort the upstream within 1 s', () => {
  it('before headers (upstream still silent)', async () => {
    primary.onChat = () => ({ kind: 'stall-before-headers' });
    const controller = new AbortController();
    const index = primary.requests.length;
    const pending = chat('primary/gpt-4o-mini', true, controller.signal).catch(() => undefined);
    await primary.waitForRequests(index + 1, 2_000);
    const abortedAt = performance.now();
    controller.abort();
    await pending;
    expect((await primary.waitForRequestClose(index, 1_000)) - abortedAt).toBeLessThan(1_000);
  });

  it('before the first token (headers sent, keep-alives only)', async () => {
    primary.onChat = () => ({ kind: 'stall-after-headers', keepAliveEveryMs: 50 });
    const controller = new AbortController();
    const index = primary.requests.length;
    const pending = chat('primary/gpt-4o-mini', true, controller.signal).catch(() => undefined);
    await primary.waitForRequests(index + 1, 2_000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const abortedAt = performance.now();
    controller.abort();
    await pending;
    expect((await primary.waitForRequestClose(index, 1_000)) - abortedAt).toBeLessThan(1_000);
  });

  it('mid-stream', async () => {
    primary.onChat = () => ({ kind: 'slow', chunks: 500, chunkDelayMs: 20 });
    const controller = new AbortController();
    const index = primary.requests.length;
    const response = await chat('primary/gpt-4o-mini', true, controller.signal);
    const reader = response.body?.getReader();
    await reader?.read();
    await reader?.read();
    const abortedAt = performance.now();
    controller.abort();
    expect((await primary.waitForRequestClose(index, 1_000)) - abortedAt).toBeLessThan(1_000);
    expect(primary.requestState(index).completed).toBe(false);
  });
});

describe('backpressure', () => {
  it('a slow reader does not make the gateway buffer the whole upstream response', async () => {
    primary.onChat = () => ({ kind: 'slow', chunks: 40_000, chunkDelayMs: 0, chunkText: 'x'.repeat(1_000) });
    const controller = new AbortController();
    const index = primary.requests.length;
    const response = await chat('primary/gpt-4o-mini', true, controller.signal);
    const reader = response.body?.getReader();
    await reader?.read();
    // Read nothing more for a while: the upstream must stall once the socket buffers are full.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const written = primary.requestState(index).bytesWritten;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(primary.requestState(index).bytesWritten - written).toBeLessThan(64 * 1024);
    // Kernel buffers on two loopback hops hold a few MB at most; the response is 40 MB.
    expect(written).toBeLessThan(15_000_000);
    controller.abort();
    await primary.waitForRequestClose(index, 1_000);
  });
});

function adminToken(): string {
  return readAdminToken(serve.dataDir);
}

function readAdminToken(dataDir: string): string {
  return readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
}
