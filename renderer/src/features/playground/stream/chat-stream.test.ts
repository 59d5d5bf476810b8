// Reading one streamed answer: text and usage (with cost) in order, the routing headers, and every way a stream
// can fail — HTTP error, in-band error frame, no [DONE], a broken connection, a stop — as its own outcome.
import { describe, expect, it } from 'vitest';
import { runChatStream, type GatewayReply, type RoutingFacts, type StreamOutcome, type StreamUsage } from './chat-stream';

function reply(pieces: readonly string[], options: { status?: number; headers?: Record<string, string>; failAfter?: number } = {}): GatewayReply {
  const encoder = new TextEncoder();
  let index = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (options.failAfter !== undefined && index === options.failAfter) {
        controller.error(new Error('socket hang up'));
        return;
      }
      const piece = pieces[index++];
      if (piece === undefined) controller.close();
      else controller.enqueue(encoder.encode(piece));
    },
  });
  const headers = new Map(Object.entries(options.headers ?? {}));
  return { status: options.status ?? 200, headers: { get: (name) => headers.get(name) ?? null }, body, text: async () => pieces.join('') };
}

async function run(
  answer: GatewayReply | Error,
  signal = new AbortController().signal,
): Promise<{ outcome: StreamOutcome; text: string; usage: StreamUsage[]; routing: RoutingFacts[] }> {
  let text = '';
  const usage: StreamUsage[] = [];
  const routing: RoutingFacts[] = [];
  const outcome = await runChatStream(() => (answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer)), '{}', signal, {
    onOpen: (facts) => routing.push(facts),
    onText: (piece) => (text += piece),
    onUsage: (value) => usage.push(value),
  });
  return { outcome, text, usage, routing };
}

const chunk = (content: string): string => `data: ${JSON.stringify({ choices: [{ delta: { content } }], usage: null })}\n\n`;
const usageChunk = `data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 12, completion_tokens: 3, cost: 0.0042 } })}\n\n`;

describe('runChatStream', () => {
  it('delivers text, usage with cost and the routing headers, and ends ok on [DONE]', async () => {
    const headers = {
      'x-switchyard-provider': 'alpha',
      'x-switchyard-model': 'caf%C3%A9-1',
      'x-switchyard-attempts': 'beta/x=error(500), alpha/caf%C3%A9-1=ok',
      'x-switchyard-request-id': 'req-1',
    };
    const result = await run(
      reply(['data: {"choices":[{"delta":{"role":"assistant","content":""}}]}\n\n', chunk('Hel'), chunk('lo'), usageChunk, 'data: [DONE]\n\n'], { headers }),
    );
    expect(result.outcome).toEqual({ status: 'ok' });
    expect(result.text).toBe('Hello');
    expect(result.usage).toEqual([{ inputTokens: 12, outputTokens: 3, costUsd: 0.0042 }]);
    expect(result.routing).toEqual([{ requestId: 'req-1', providerId: 'alpha', servedModel: 'café-1', attempts: 'beta/x=error(500), alpha/café-1=ok' }]);
  });

  it('reads frames split anywhere across chunks', async () => {
    const whole = chunk('Grüße') + usageChunk + 'data: [DONE]\n\n';
    const pieces = whole.match(/[\s\S]{1,3}/g) ?? [];
    const result = await run(reply(pieces));
    expect(result).toMatchObject({ outcome: { status: 'ok' }, text: 'Grüße' });
  });

  it('turns an in-band error frame into an error, keeping the text so far', async () => {
    const result = await run(reply([chunk('partial'), 'data: {"error":{"message":"upstream overloaded","type":"api_error"}}\n\n']));
    expect(result.outcome).toEqual({ status: 'error', message: 'The answer broke off: upstream overloaded' });
    expect(result.text).toBe('partial');
  });

  it('says a stream without [DONE] is incomplete', async () => {
    const result = await run(reply([chunk('almost'), usageChunk]));
    expect(result.outcome).toMatchObject({ status: 'error', message: expect.stringContaining('without its terminator') });
  });

  it('reports an HTTP error with the gateway’s message', async () => {
    const result = await run(
      reply(['{"error":{"message":"unknown model \'nope/x\'","code":"model_not_found"}}'], { status: 404, headers: { 'x-switchyard-request-id': 'req-9' } }),
    );
    expect(result.outcome).toEqual({ status: 'error', message: "404: unknown model 'nope/x'" });
    expect(result.routing[0]?.requestId).toBe('req-9');
  });

  it('reports a connection that breaks mid-stream, and an unreachable gateway', async () => {
    expect((await run(reply([chunk('a'), chunk('b')], { failAfter: 1 }))).outcome).toMatchObject({
      status: 'error',
      message: expect.stringContaining('socket hang up'),
    });
    expect((await run(new TypeError('Failed to fetch'))).outcome).toMatchObject({
      status: 'error',
      message: expect.stringContaining('Could not reach the gateway'),
    });
  });

  it('is cancelled, not failed, when the column was stopped', async () => {
    const controller = new AbortController();
    controller.abort();
    expect((await run(new DOMException('aborted', 'AbortError'), controller.signal)).outcome).toEqual({ status: 'cancelled' });
  });

  it('refuses frames that are not JSON objects', async () => {
    expect((await run(reply(['data: <html>\n\n']))).outcome).toMatchObject({ status: 'error' });
    expect((await run(reply(['data: null\n\n']))).outcome).toMatchObject({ status: 'error' });
  });
});
