// The OpenAI SSE reader on an UpstreamBody fed by hand (as undici hands a provider's reads over): parts in order
// however the events fall into reads, each chunk's exact upstream JSON kept, the end — [DONE], an in-band error, a
// body that stops without [DONE], a line past the cap, a failed read — as one last part, and what becomes of the
// upstream body: drained for reuse once [DONE] has come, destroyed (the upstream request aborted) otherwise.
import { describe, expect, it } from 'vitest';
import { UpstreamBody, UpstreamHead } from '../upstream-body.js';
import type { StreamPart } from '../types.js';
import { readOpenAIStream } from './openai-stream.js';

const frame = (content: string): string =>
  `data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"${content}"},"finish_reason":null}]}\n\n`;
const done = 'data: [DONE]\n\n';

function upstream(): { body: UpstreamBody; aborted: Error[]; parts: AsyncIterableIterator<StreamPart> } {
  const aborted: Error[] = [];
  const body = new UpstreamBody(
    () => undefined,
    (reason) => aborted.push(reason),
  );
  const parts = readOpenAIStream('fake', 'http://127.0.0.1:1/v1', new UpstreamHead(200, [], body), new AbortController().signal);
  return { body, aborted, parts };
}

async function all(parts: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const list: StreamPart[] = [];
  for await (const part of parts) list.push(part);
  return list;
}

const summary = (parts: readonly StreamPart[]): string[] =>
  parts.map((part) =>
    part.type === 'chunk' ? `chunk:${part.chunk.choices[0]?.delta?.content ?? ''}` : part.type === 'error' ? `error:${part.error.message}` : 'done',
  );

describe('readOpenAIStream', () => {
  it('hands out the events of one read one by one and stops at [DONE], ignoring what follows it', async () => {
    const { body, aborted, parts } = upstream();
    body.push(Buffer.from(frame('a') + frame('b') + done + frame('after')));
    body.end();
    const list = await all(parts);
    expect(summary(list)).toEqual(['chunk:a', 'chunk:b', 'done']);
    expect(list[0]?.type === 'chunk' && list[0].raw).toBe(frame('a').slice('data: '.length, -2));
    expect(aborted).toEqual([]);
  });

  it('reads on across reads that complete no event (a split frame, a keep-alive comment)', async () => {
    const { body, parts } = upstream();
    const whole = frame('héllo');
    const bytes = Buffer.from(whole);
    const pulled = all(parts);
    body.push(Buffer.from(': keep-alive\n\n'));
    body.push(bytes.subarray(0, 20));
    await Promise.resolve();
    body.push(bytes.subarray(20, 92)); // inside é? either way the UTF-8 is joined
    body.push(bytes.subarray(92));
    body.push(Buffer.from(done));
    body.end();
    expect(summary(await pulled)).toEqual(['chunk:héllo', 'done']);
  });

  it('ends with an in-band error part when the upstream sends an error object, and aborts the rest of the body', async () => {
    const { body, aborted, parts } = upstream();
    body.push(Buffer.from(frame('a') + 'data: {"error":{"message":"overloaded","type":"server_error"}}\n\n'));
    const list = await all(parts);
    expect(summary(list)).toEqual(['chunk:a', 'error:overloaded']);
    expect(body.destroyed).toBe(true);
    expect(aborted).toHaveLength(1); // the upstream request is closed, not left open
  });

  it('ends with a retryable protocol error when the body ends without [DONE]', async () => {
    const { body, parts } = upstream();
    body.push(Buffer.from(frame('a')));
    body.end();
    const list = await all(parts);
    expect(summary(list)).toEqual(['chunk:a', "error:provider 'fake' ended the stream without [DONE]"]);
    const last = list.at(-1);
    expect(last?.type === 'error' && last.error.retryable).toBe(true);
  });

  it('ends with an error part when a read fails, and with one for a frame that is not JSON', async () => {
    const failing = upstream();
    const pulled = all(failing.parts);
    failing.body.push(Buffer.from(frame('a')));
    await Promise.resolve();
    failing.body.fail(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }));
    const list = await pulled;
    expect(list.map((part) => part.type)).toEqual(['chunk', 'error']);

    const garbled = upstream();
    garbled.body.push(Buffer.from('data: {not json\n\n'));
    const parts = await all(garbled.parts);
    expect(summary(parts)).toEqual(["error:provider 'fake' sent a stream event that is not JSON"]);
  });

  it('drains the body after [DONE] (the connection is reused) but destroys it when the reader stops before', async () => {
    const finished = upstream();
    finished.body.push(Buffer.from(frame('a') + done));
    expect(summary(await all(finished.parts))).toEqual(['chunk:a', 'done']);
    finished.body.push(Buffer.from('0\r\n')); // what is left arrives and is dropped
    expect(finished.body.destroyed).toBe(false);
    expect(finished.aborted).toEqual([]);

    const stopped = upstream();
    stopped.body.push(Buffer.from(frame('a')));
    const first = await stopped.parts.next();
    expect(first.done).toBe(false);
    const pending = stopped.parts.next(); // waits on upstream…
    await stopped.parts.return?.(); // …when the client goes away
    expect(stopped.body.destroyed).toBe(true);
    expect(stopped.aborted).toHaveLength(1);
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(await stopped.parts.next()).toEqual({ done: true, value: undefined });
  });
});
