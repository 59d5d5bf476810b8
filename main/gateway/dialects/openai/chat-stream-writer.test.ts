// The OpenAI stream writer on a real HTTP response: the head the first-chunk gate held back leaves in one write
// together with the headers; the rest goes out chunk by chunk; the terminator ends it; a client gone is cancelled.
import { createServer, request as httpRequest, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatCompletionChunk } from '../../../../shared/openai-types.js';
import { LightAbortController } from '../../cancel.js';
import type { StreamPart } from '../../providers/types.js';
import { writeOpenAIStream, type StreamSummary } from './chat-stream-writer.js';

function chunk(delta: Record<string, unknown>, finish: string | null = null): StreamPart {
  const value = {
    id: 'c1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'm',
    choices: [{ index: 0, delta, finish_reason: finish }],
  } as ChatCompletionChunk;
  return { type: 'chunk', chunk: value, raw: JSON.stringify(value) };
}

/**
 * The parts one by one, a timer apart (paced), or all at once as from one upstream read (burst); in a burst, a
 * `{ type: 'pause' }` marker (never yielded) waits a timer, as the wait for the next upstream read would.
 */
async function* parts(list: readonly StreamPart[], burst = false, onFirstPull?: () => void): AsyncGenerator<StreamPart> {
  onFirstPull?.();
  for (const part of list) {
    if (!burst || (part.type as string) === 'pause') await new Promise((resolve) => setTimeout(resolve, 1));
    if ((part.type as string) === 'pause') continue;
    yield part;
  }
}

let server: Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

/**
 * Serves one stream through writeOpenAIStream, counting the response's writes and the socket writes they became;
 * returns what the client read.
 */
async function serve(
  head: readonly StreamPart[],
  rest: readonly StreamPart[],
  burst = false,
): Promise<{ body: string; writes: string[]; socketWrites: number; socketWritesAtFirstPull: number | undefined; summary: StreamSummary }> {
  const writes: string[] = [];
  let socketWrites = 0;
  let socketWritesAtFirstPull: number | undefined;
  let summary: Promise<StreamSummary> | undefined;
  server = createServer((_request, response: ServerResponse) => {
    const socket = response.socket as unknown as Record<'_write' | '_writev', (...args: unknown[]) => unknown>;
    for (const method of ['_write', '_writev'] as const) {
      const original = socket[method].bind(socket);
      socket[method] = (...args: unknown[]) => {
        socketWrites += 1;
        return original(...args);
      };
    }
    const write = response.write.bind(response) as (data: string) => boolean;
    response.write = ((data: string) => {
      writes.push(String(data));
      return write(data);
    }) as ServerResponse['write'];
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    summary = writeOpenAIStream(
      response,
      head,
      parts(rest, burst, () => (socketWritesAtFirstPull = socketWrites)),
      { clientWantsUsage: false, signal: new LightAbortController().signal },
    );
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const body = await new Promise<string>((resolve, reject) => {
    httpRequest({ host: '127.0.0.1', port, path: '/' }, (response) => {
      let text = '';
      response.setEncoding('utf8').on('data', (data: string) => (text += data));
      response.on('end', () => resolve(text));
    })
      .on('error', reject)
      .end();
  });
  return { body, writes, socketWrites, socketWritesAtFirstPull, summary: await (summary as Promise<StreamSummary>) };
}

describe('writeOpenAIStream', () => {
  it('sends the gated head in one write, then each later chunk as it comes, then [DONE]', async () => {
    const role = chunk({ role: 'assistant', content: '' });
    const first = chunk({ content: 'Hel' });
    const { body, writes, summary } = await serve([role, first], [chunk({ content: 'lo' }), chunk({}, 'stop'), { type: 'done' }]);
    expect(writes[0]).toBe(`data: ${role.type === 'chunk' ? role.raw : ''}\n\ndata: ${first.type === 'chunk' ? first.raw : ''}\n\n`);
    expect(writes).toHaveLength(3); // the head, 'lo', the finish chunk; [DONE] goes with end()
    expect(body.split('\n\n').filter(Boolean)).toHaveLength(5);
    expect(body.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(summary).toMatchObject({ status: 'ok', chunks: 4, finishReason: 'stop' });
    expect(summary.deliveredText?.join('')).toBe('Hello');
  });

  it('joins chunks that arrive together (one upstream read) into one write, and writes paced ones each as it comes', async () => {
    const burst = Array.from({ length: 40 }, (_, index) => chunk({ content: `w${index} ` }));
    const bursty = await serve([chunk({ content: 'first' })], [...burst, chunk({}, 'stop'), { type: 'done' }], true);
    // the head; then the 40 words, the finish chunk and [DONE], all parsed in one turn, leave with end()
    expect(bursty.writes).toHaveLength(1);
    expect(bursty.socketWrites).toBeLessThanOrEqual(3);
    expect(bursty.body.split('\n\n').filter(Boolean)).toHaveLength(43);
    expect(bursty.body.endsWith('data: [DONE]\n\n')).toBe(true);

    // a burst that does not end the stream is written once, at the end of its turn
    const unfinished = await serve(
      [chunk({ content: 'first' })],
      [...burst, { type: 'pause' } as unknown as StreamPart, chunk({}, 'stop'), { type: 'done' }],
      true,
    );
    expect(unfinished.writes).toHaveLength(2); // the head, the 40 words together; the finish chunk leaves with [DONE]
    expect(unfinished.writes[1]?.split('\n\n').filter(Boolean)).toHaveLength(40);
    expect(unfinished.body.split('\n\n').filter(Boolean)).toHaveLength(43);

    const paced = await serve([chunk({ content: 'first' })], [...burst.slice(0, 5), chunk({}, 'stop'), { type: 'done' }]);
    expect(paced.writes).toHaveLength(7);
    expect(paced.socketWrites).toBeGreaterThanOrEqual(7);
  });

  it('puts the head on the socket before it pulls the rest, so the first token does not wait for the rest of its read', async () => {
    // node:http corks the socket on a write until process.nextTick, which waits for the microtask queue; pulling
    // the events parsed from the same upstream read keeps that queue busy.
    const burst = Array.from({ length: 20 }, (_, index) => chunk({ content: `w${index} ` }));
    const { socketWritesAtFirstPull, body } = await serve(
      [chunk({ role: 'assistant', content: '' }), chunk({ content: 'first' })],
      [...burst, { type: 'done' }],
      true,
    );
    expect(socketWritesAtFirstPull).toBe(1);
    expect(body.split('\n\n').filter(Boolean)).toHaveLength(23);
  });

  it('ends the answer first and cleans up a loop turn later, so a next request on the connection goes first', async () => {
    let resolveServed: (value: { endedFirst: boolean; turnPassed: boolean; summary: StreamSummary }) => void = () => undefined;
    const served = new Promise<{ endedFirst: boolean; turnPassed: boolean; summary: StreamSummary }>((resolve) => (resolveServed = resolve));
    server = createServer((_request, response: ServerResponse) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      let turnPassed = false;
      let endedFirst = false;
      const list: StreamPart[] = [chunk({ content: 'x' }, 'stop'), { type: 'done' }];
      const rest: AsyncIterator<StreamPart> = {
        next: () => {
          const part = list.shift();
          // the writer ends the response on the done part; a check-phase callback then runs before any timer turn
          if (part?.type === 'done') setImmediate(() => (turnPassed = true));
          return Promise.resolve(part ? { done: false, value: part } : { done: true, value: undefined });
        },
        return: () => {
          endedFirst = response.writableEnded;
          return Promise.resolve({ done: true, value: undefined });
        },
      };
      void writeOpenAIStream(response, [], rest, { clientWantsUsage: false, signal: new LightAbortController().signal }).then((summary) =>
        resolveServed({ endedFirst, turnPassed, summary }),
      );
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const before = performance.now();
    await new Promise<void>((resolve, reject) => {
      httpRequest({ host: '127.0.0.1', port, path: '/' }, (response) => response.resume().on('end', resolve))
        .on('error', reject)
        .end();
    });
    const { endedFirst, turnPassed, summary } = await served;
    expect(endedFirst).toBe(true);
    expect(turnPassed).toBe(true);
    expect(summary.endedAt).toBeGreaterThan(before);
  });

  it('a head that already holds the end goes out with the end, in one piece', async () => {
    const { body, writes, summary } = await serve([chunk({ content: 'all' }, 'stop'), { type: 'done' }], []);
    expect(writes).toEqual([]);
    expect(body).toMatch(/^data: \{.*"content":"all".*\}\n\ndata: \[DONE\]\n\n$/);
    expect(summary.status).toBe('ok');
  });
});
