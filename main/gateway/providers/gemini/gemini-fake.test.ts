// The fake Gemini speaks Google's wire format: CRLF-framed SSE frames with no [DONE], the JSON array without
// alt=sse, Google's error bodies for keys and models, its request checks (unknown fields, empty parts), and it
// refuses a key in the URL so the adapter tests can prove the adapter never sends one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GeminiFake } from '../../../../test/fakes/gemini-fake.js';

const key = 'fake-wire-key-1234567890';
let fake: GeminiFake;

beforeAll(async () => {
  fake = await GeminiFake.start({ apiKey: key });
});
afterAll(async () => {
  await fake.close();
});

const hello = { contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] };

function post(path: string, body: unknown, headers: Record<string, string> = { 'x-goog-api-key': key }): Promise<Response> {
  return fetch(`${fake.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

describe('the fake Gemini', () => {
  it('streams `data: {…}` frames with CRLF line ends, the last one with a finishReason, and no [DONE]', async () => {
    const response = await post('/models/gemini-2.0-flash:streamGenerateContent?alt=sse', hello);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const text = await response.text();
    const frames = text.split('\r\n\r\n').filter((frame) => frame !== '');
    expect(frames.every((frame) => frame.startsWith('data: {'))).toBe(true);
    expect(text).not.toContain('[DONE]');
    const last = JSON.parse(frames.at(-1)?.slice('data: '.length) ?? '{}') as { candidates: Array<Record<string, unknown>>; usageMetadata: unknown };
    expect(Object.keys(last)).toEqual(['candidates', 'usageMetadata', 'modelVersion', 'responseId']);
    expect(last.candidates[0]).toMatchObject({ content: { role: 'model' }, finishReason: 'STOP', index: 0 });
  });

  it('streams a JSON array when alt=sse is missing, as Google does', async () => {
    const response = await post('/models/gemini-2.0-flash:streamGenerateContent', hello);
    expect(response.headers.get('content-type')).toBe('application/json; charset=UTF-8');
    const frames = (await response.json()) as unknown[];
    expect(frames.length).toBeGreaterThan(1);
  });

  it("answers a wrong key with Google's API_KEY_INVALID body, and no key with PERMISSION_DENIED", async () => {
    const wrong = await post('/models/gemini-2.0-flash:generateContent', hello, { 'x-goog-api-key': 'nope-nope-nope' });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({
      error: {
        code: 400,
        message: 'API key not valid. Please pass a valid API key.',
        status: 'INVALID_ARGUMENT',
        details: [
          {
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: 'API_KEY_INVALID',
            domain: 'googleapis.com',
            metadata: { service: 'generativelanguage.googleapis.com' },
          },
          { '@type': 'type.googleapis.com/google.rpc.LocalizedMessage', locale: 'en-US', message: 'API key not valid. Please pass a valid API key.' },
          { '@type': 'type.googleapis.com/google.rpc.DebugInfo', detail: 'Invalid API key: nope-nope-nope' },
        ],
      },
    });
    const none = await post('/models/gemini-2.0-flash:generateContent', hello, {});
    expect([none.status, ((await none.json()) as { error: { status: string } }).error.status]).toEqual([403, 'PERMISSION_DENIED']);
  });

  it('refuses a key in the URL even when it is the right one', async () => {
    const response = await post(`/models/gemini-2.0-flash:generateContent?key=${key}`, hello, {});
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/x-goog-api-key/);
  });

  it("answers an unknown model with Google's NOT_FOUND wording, and an unknown URL with an HTML page", async () => {
    const missing = await post('/models/gemini-0:generateContent', hello);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toBe(
      'models/gemini-0 is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.',
    );
    const unknown = await fetch(`${fake.baseUrl}/models/a/b:generateContent`, { method: 'POST', headers: { 'x-goog-api-key': key }, body: '{}' });
    expect([unknown.status, unknown.headers.get('content-type')]).toEqual([404, 'text/html; charset=UTF-8']);
  });

  it("makes Google's request checks: unknown fields, empty parts, bad roles, exclusive fields", async () => {
    const check = async (body: unknown): Promise<string> => {
      const response = await post('/models/gemini-2.0-flash:generateContent', body);
      expect(response.status).toBe(400);
      return ((await response.json()) as { error: { message: string } }).error.message;
    };
    expect(await check({ ...hello, generationConfig: { maxTokens: 5 } })).toBe(
      `Invalid JSON payload received. Unknown name "maxTokens" at 'generation_config': Cannot find field.`,
    );
    expect(await check({ contents: [] })).toBe('* GenerateContentRequest.contents: contents is not specified\n');
    expect(await check({ contents: [{ role: 'user', parts: [] }] })).toBe('* GenerateContentRequest.contents[0].parts: contents.parts must not be empty.\n');
    expect(await check({ contents: [{ role: 'assistant', parts: [{ text: 'x' }] }] })).toBe('Please use a valid role: user, model.');
    expect(await check({ ...hello, generationConfig: { thinkingConfig: { thinkingBudget: 0, thinkingLevel: 'low' } } })).toBe(
      'You can only set only one of thinking budget and thinking level.',
    );
  });

  it('pages models.list with nextPageToken', async () => {
    fake.listPageSize = 3;
    const first = (await (await fetch(`${fake.baseUrl}/models`, { headers: { 'x-goog-api-key': key } })).json()) as {
      models: Array<{ name: string }>;
      nextPageToken?: string;
    };
    expect(first.models.map((model) => model.name)).toEqual(['models/gemini-2.0-flash', 'models/gemini-2.5-flash', 'models/gemini-2.5-pro']);
    const second = (await (await fetch(`${fake.baseUrl}/models?pageToken=${first.nextPageToken ?? ''}`, { headers: { 'x-goog-api-key': key } })).json()) as {
      models: Array<{ name: string }>;
    };
    expect(second.models[0]?.name).toBe('models/gemini-3-pro-preview');
    fake.listPageSize = 50;
  });
});
