// Hostile local clients against `switchyard serve` over loopback: a flood of stalled uploads, two Host headers,
// bodies nested absurdly deep or with a million messages, and a 413 that must reach the client readably. Each case
// failed on the code before its fix. Every loop here is bounded in count and time, and only 127.0.0.1 is used.
import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import OpenAI from 'openai';
import { request as undiciRequest } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../fakes/openai-fake.js';
import { startServe, type ServeProcess } from '../support/serve-process.js';

const otherToken = 'sy-hardening-second-client-0123456789abcdef';
let fake: FakeOpenAI;
let serve: ServeProcess;

beforeAll(async () => {
  fake = await FakeOpenAI.start();
  serve = await startServe({
    config: {
      server: { max_in_flight: 8, max_uploads_per_client: 40, body_idle_timeout_ms: 1_500 },
      providers: [{ id: 'openai', base_url: fake.baseUrl }],
      routing: { auto_offline: false },
      ledger: { price_refresh: false },
    },
    env: { OPENAI_API_KEY: 'sk-test-hardening', SWITCHYARD_API_KEY: otherToken },
  });
});

afterAll(async () => {
  await serve?.stop();
  await fake?.close();
});

/** Opens a connection, sends a request head and part of its body, then sends nothing more; resolves with what came back. */
function stalledUpload(token: string): { socket: Socket; answer: Promise<string> } {
  const socket = connect(serve.port, '127.0.0.1');
  socket.setNoDelay(true);
  let received = '';
  const answer = new Promise<string>((resolve) => {
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.on('close', () => resolve(received));
    socket.on('error', () => undefined);
  });
  socket.write(
    `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:${serve.port}\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n{"model":`,
  );
  return { socket, answer };
}

describe('slow uploads', () => {
  it('a flood of stalled uploads from one client locks nobody out; each stalled body is answered 408', async () => {
    const flood = Array.from({ length: 60 }, () => stalledUpload(serve.token));
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      // another client, and the flooding client itself, are served meanwhile (max_in_flight is 8)
      const other = new OpenAI({ baseURL: serve.baseUrl, apiKey: otherToken, maxRetries: 0, timeout: 10_000 });
      for (let round = 0; round < 10; round += 1) {
        const completion = await other.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: `round ${round}` }] });
        expect(completion.choices[0]?.message.content).toBeTruthy();
      }
      const answers = await Promise.all(flood.map((upload) => upload.answer));
      const statuses = answers.map((answer) => /^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]);
      // past max_uploads_per_client the flood is refused at once; the rest time out as stalled bodies
      expect(statuses.filter((status) => status === '429')).toHaveLength(20);
      expect(statuses.filter((status) => status === '408')).toHaveLength(40);
      expect(answers.find((answer) => answer.startsWith('HTTP/1.1 408'))).toContain('body_timeout');
    } finally {
      for (const upload of flood) upload.socket.destroy();
    }
  });
});

describe('malformed requests', () => {
  it('two Host headers are a 400, never the first one winning', async () => {
    const socket = connect(serve.port, '127.0.0.1');
    const answer = new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
      socket.on('close', () => resolve(text));
    });
    socket.write(
      `GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1:${serve.port}\r\nHost: evil.example\r\nAuthorization: Bearer ${serve.token}\r\nConnection: close\r\n\r\n`,
    );
    const text = await answer;
    expect(text).toMatch(/^HTTP\/1\.1 400 /);
    expect(text).toContain('duplicate_host');
  });

  it('a tool schema nested 100 000 levels deep is a 400 naming the field on every endpoint, never a 500', async () => {
    const deep = `${'{"type":"object","properties":{"a":'.repeat(100_000)}{"type":"string"}${'}}'.repeat(100_000)}`;
    const upstreamBefore = fake.chatRequests().length;
    const bodies: Array<[string, string]> = [
      [
        '/v1/chat/completions',
        `{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f","parameters":${deep}}}]}`,
      ],
      [
        '/v1/messages',
        `{"model":"openai/gpt-4o-mini","max_tokens":10,"messages":[{"role":"user","content":"x"}],"tools":[{"name":"f","input_schema":${deep}}]}`,
      ],
      ['/v1/messages/count_tokens', `{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"x"}],"tools":[{"name":"f","input_schema":${deep}}]}`],
      ['/v1/responses', `{"model":"openai/gpt-4o-mini","input":"x","tools":[{"type":"function","name":"f","parameters":${deep}}]}`],
    ];
    for (const [path, body] of bodies) {
      const answer = await fetch(`${serve.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${serve.token}`, 'content-type': 'application/json' },
        body,
      });
      expect(answer.status, path).toBe(400);
      expect(await answer.text(), path).toMatch(/tools\[0\]\.(?:function\.parameters|input_schema|parameters)\.properties\.a.*nested more than 128 levels/);
    }
    expect(fake.chatRequests()).toHaveLength(upstreamBefore);
  });

  it('a million messages on /v1/messages is answered (no stack overflow) while /health keeps answering', async () => {
    const messages = `[${Array.from({ length: 1_000_000 }, (_, index) => (index % 2 === 0 ? '{"role":"user","content":"x"}' : '{"role":"assistant","content":"y"}')).join(',')}]`;
    const body = `{"model":"nosuch/model","max_tokens":10,"messages":${messages}}`;
    const big = fetch(`${serve.url}/v1/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${serve.token}`, 'content-type': 'application/json' },
      body,
    });
    const health = await fetch(`${serve.url}/health`);
    expect(health.status).toBe(200);
    const answer = await big;
    expect(answer.status).toBe(404);
    expect(((await answer.json()) as { type: string }).type).toBe('error');
  });
});

describe('an early 413 reaches the client readably', () => {
  // the case: a 33 MiB upload against the default 32 MiB cap
  const huge = Buffer.alloc(33 * 1024 * 1024, 'a');

  it("with Node's own http client, again and again", async () => {
    for (let round = 0; round < 5; round += 1) {
      const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
        const request = httpRequest(
          {
            host: '127.0.0.1',
            port: serve.port,
            path: '/v1/chat/completions',
            method: 'POST',
            headers: { authorization: `Bearer ${serve.token}`, 'content-type': 'application/json', 'content-length': huge.length },
          },
          (response) => {
            let text = '';
            response.on('data', (chunk: Buffer) => (text += chunk.toString()));
            response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
          },
        );
        request.on('error', reject);
        request.end(huge);
      });
      expect(status).toBe(413);
      expect(text).toContain('request_too_large');
    }
  });

  it('with undici and with the openai SDK', async () => {
    for (let round = 0; round < 3; round += 1) {
      const answer = await undiciRequest(`${serve.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${serve.token}`, 'content-type': 'application/json' },
        body: huge,
      });
      expect(answer.statusCode).toBe(413);
      expect(await answer.body.text()).toContain('request_too_large');
    }
    const client = new OpenAI({ baseURL: serve.baseUrl, apiKey: serve.token, maxRetries: 0, timeout: 20_000 });
    const error = await client.chat.completions
      .create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'x'.repeat(33 * 1024 * 1024) }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(413);
  });
});
