// The OpenAI-compatible adapter's stream against the fake OpenAI over real loopback HTTP: what becomes of the
// upstream connection when a stream ends — kept for the next request after [DONE], closed when the reader stops.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chatRequestSchema } from '../../../../shared/openai-schema.js';
import { FakeOpenAI, sseDone, sseFrame, type RawWrite } from '../../../../test/fakes/openai-fake.js';
import type { ChatCall, StreamPart } from '../types.js';
import { OpenAICompatibleAdapter } from './adapter.js';

let fake: FakeOpenAI;
let adapter: OpenAICompatibleAdapter;

beforeAll(async () => {
  fake = await FakeOpenAI.start();
  adapter = new OpenAICompatibleAdapter({ id: 'openai', baseUrl: fake.baseUrl, apiKey: () => 'sk-test' });
});
afterAll(async () => {
  await adapter.close();
  await fake.close();
});
beforeEach(() => {
  fake.onChat = () => ({ kind: 'reply' });
});

function chatCall(): ChatCall {
  const request = chatRequestSchema.parse({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }], stream: true });
  return { request, rawBody: undefined, upstreamModel: 'gpt-4o-mini', forceStreamUsage: false, signal: new AbortController().signal };
}

const chunk = (content: string, finish: string | null = null): string =>
  sseFrame({
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, delta: { content }, finish_reason: finish }],
  });

/** The parts up to and including `done`, read the way the gateway's writer reads them: it stops at the done part. */
async function readUntilDone(): Promise<StreamPart[]> {
  const outcome = await adapter.chat(chatCall());
  if (outcome.kind !== 'stream') throw new Error('expected a stream');
  const parts: StreamPart[] = [];
  for await (const part of outcome.parts) {
    parts.push(part);
    if (part.type !== 'chunk') break;
  }
  return parts;
}

const settle = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('OpenAICompatibleAdapter stream: the upstream connection', () => {
  it('keeps the connection when [DONE] and the end of the body come in separate reads', async () => {
    // [DONE], then the end of the chunked body 30 ms later: the reader has stopped before the body ended
    const writes: RawWrite[] = [chunk('Hel'), chunk('lo', 'stop'), sseDone, { delayMs: 30 }];
    fake.onChat = () => ({ kind: 'raw', writes, end: 'end' });
    const first = await readUntilDone();
    expect(first.map((part) => part.type)).toEqual(['chunk', 'chunk', 'done']);
    await settle(150); // a destroyed body would have closed the socket by now
    expect(fake.openSockets()).toBe(1);
    const second = await readUntilDone();
    expect(second.at(-1)?.type).toBe('done');
    expect(fake.openSockets()).toBe(1);
  });

  it('closes the upstream request when the reader stops before [DONE]', async () => {
    const writes: RawWrite[] = [chunk('Hel'), { delayMs: 2_000 }, chunk('lo', 'stop'), sseDone];
    fake.onChat = () => ({ kind: 'raw', writes, end: 'end' });
    const index = fake.requests.length;
    const outcome = await adapter.chat(chatCall());
    if (outcome.kind !== 'stream') throw new Error('expected a stream');
    for await (const part of outcome.parts) {
      expect(part.type).toBe('chunk');
      break; // the client went away after the first chunk
    }
    await fake.waitForRequestClose(index, 1_000); // long before the fake's 2 s pause is over
    expect(fake.requestState(index).completed).toBe(false);
  });
});
