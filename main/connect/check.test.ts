// The check's one request per API family, against a local server that answers like Switchyard: the path, the
// header that carries the token, the body, and how the answer text and x-switchyard-* headers are read back.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkConnection, type CheckTarget } from './check.js';

interface Seen {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Record<string, unknown>;
}

let server: Server;
let url: string;
const seen: Seen[] = [];
let answer: (path: string) => { status: number; body: unknown } = () => ({ status: 500, body: {} });

beforeAll(async () => {
  server = createServer((request, response) => {
    let text = '';
    request.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    request.on('end', () => {
      seen.push({ path: request.url ?? '', headers: request.headers, body: JSON.parse(text) as Record<string, unknown> });
      const { status, body } = answer(request.url ?? '');
      response
        .writeHead(status, { 'content-type': 'application/json', 'x-switchyard-provider': 'ollama', 'x-switchyard-model': 'qwen3:8b' })
        .end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const target = (dialect: CheckTarget['dialect'], extra: Partial<CheckTarget> = {}): CheckTarget => ({
  dialect,
  url,
  token: 'sy-tok',
  model: 'smart',
  client: 'test',
  ...extra,
});

describe('checkConnection', () => {
  it.each([
    [
      'anthropic-messages',
      '/v1/messages',
      {
        content: [
          { type: 'thinking', thinking: '…' },
          { type: 'text', text: 'Hi from Messages' },
        ],
      },
      'Hi from Messages',
    ],
    [
      'openai-responses',
      '/v1/responses',
      { output: [{ type: 'reasoning' }, { type: 'message', content: [{ type: 'output_text', text: 'Hi from Responses' }] }] },
      'Hi from Responses',
    ],
    ['openai-chat', '/v1/chat/completions', { choices: [{ message: { content: 'Hi from chat' } }] }, 'Hi from chat'],
    ['gemini', '/v1beta/models/smart:generateContent', { candidates: [{ content: { parts: [{ text: 'Hi ' }, { text: 'from Gemini' }] } }] }, 'Hi from Gemini'],
    ['ollama', '/api/chat', { message: { role: 'assistant', content: 'Hi from Ollama' }, done: true }, 'Hi from Ollama'],
  ] as const)('%s: POST %s, and the answer text', async (dialect, path, body, text) => {
    answer = () => ({ status: 200, body });
    const result = await checkConnection(target(dialect));
    expect(result).toMatchObject({ ok: true, answer: text, provider: 'ollama', model: 'qwen3:8b', error: null });
    expect(seen.at(-1)?.path).toBe(path);
  });

  it('sends the token the way each tool does', async () => {
    answer = () => ({ status: 200, body: {} });
    await checkConnection(target('anthropic-messages'));
    expect(seen.at(-1)?.headers['authorization']).toBe('Bearer sy-tok');
    await checkConnection(target('anthropic-messages', { anthropicHeader: 'x-api-key' }));
    expect(seen.at(-1)?.headers['x-api-key']).toBe('sy-tok');
    await checkConnection(target('gemini', { model: 'ollama/qwen3:8b' }));
    expect(seen.at(-1)?.headers['x-goog-api-key']).toBe('sy-tok');
    expect(seen.at(-1)?.path).toBe('/v1beta/models/ollama/qwen3:8b:generateContent');
    await checkConnection(target('ollama', { token: null }));
    expect(seen.at(-1)?.headers['authorization']).toBeUndefined();
  });

  it('reports an error answer in any family, an answer without text, and nothing listening', async () => {
    answer = () => ({ status: 404, body: { error: { message: "model 'nope' not found", type: 'invalid_request_error' } } });
    expect(await checkConnection(target('openai-chat'))).toMatchObject({ ok: false, error: "HTTP 404: model 'nope' not found" });
    answer = () => ({ status: 401, body: { error: 'unauthorized' } });
    expect(await checkConnection(target('ollama'))).toMatchObject({ ok: false, error: 'HTTP 401: unauthorized' });
    answer = () => ({ status: 200, body: { choices: [] } });
    expect((await checkConnection(target('openai-chat'))).error).toMatch(/^an answer without text/);
    const refused = await checkConnection(target('openai-chat', { url: 'http://127.0.0.1:9' }));
    expect(refused).toMatchObject({ ok: false, answer: null, error: 'nothing answers at http://127.0.0.1:9; is Switchyard running?' });
  });
});
